// A hub that connects in-memory transports: the devices of one clinic in tests and in the simulator. Links
// are directed and can be cut and healed; delivery is always asynchronous, through a scheduler the caller
// may own (the simulator puts each delivery on its virtual clock), and FIFO per link whatever order the
// scheduler runs deliveries in.
import { assert } from '../invariants/assert.js';
import type { NodeId } from '../raft/types.js';
import { deliverToListener, logListenerError, type PeerTransport, type TransportEvent } from './peer-transport.js';

/** What one scheduled delivery carries, so a simulator can give it a latency or a place in its event order. */
export interface Delivery {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly type: TransportEvent['type'];
  readonly byteLength: number;
}

/**
 * Decides when a delivery happens: it must call `deliver` once, later, never inside the call. Deliveries on
 * one link run in the order sent even if the scheduler calls them out of order: each call delivers the
 * oldest event still waiting on that link.
 */
export type DeliveryScheduler = (delivery: Delivery, deliver: () => void) => void;

export const microtaskScheduler: DeliveryScheduler = (_delivery, deliver) => queueMicrotask(deliver);

export interface InMemoryNetworkLimits {
  /** Messages waiting on one directed link; past it the network drops, as a full socket buffer would. */
  readonly linkQueueMessagesMax: number;
  /** Bytes waiting on one directed link (1 MiB messages are legal, so a count alone does not bound memory). */
  readonly linkQueueBytesMax: number;
}

export const defaultInMemoryNetworkLimits: InMemoryNetworkLimits = {
  linkQueueMessagesMax: 10_000,
  linkQueueBytesMax: 64 << 20,
};

export interface InMemoryNetworkOptions {
  readonly scheduler?: DeliveryScheduler;
  readonly limits?: Partial<InMemoryNetworkLimits>;
  /** Called when a listener throws; delivery goes on. Defaults to console.error. */
  readonly onListenerError?: (error: unknown, localId: NodeId) => void;
}

/** Counters for the simulator's report and for tests. */
export interface InMemoryNetworkCounters {
  messagesSent: number;
  messagesDelivered: number;
  /** Sent to a peer not attached, over a cut link, or from a closed or crashed transport. */
  messagesDroppedUnreachable: number;
  messagesDroppedQueueFull: number;
  /** In flight when their link was cut or an end detached. */
  messagesDroppedInFlight: number;
}

type LinkEvent =
  | { readonly type: 'message'; readonly bytes: Uint8Array }
  | { readonly type: 'peer'; readonly reachable: boolean };

interface Link {
  /** Bumped whenever the link is reset, so deliveries scheduled before the reset do nothing. */
  epoch: number;
  readonly queue: LinkEvent[];
  queuedMessages: number;
  queuedBytes: number;
  // Invariant: queuedMessages and queuedBytes count the messages in queue and their bytes.
}

/** One attached device as the network sees it; the transport object is only its facade. */
interface Member {
  readonly localId: NodeId;
  listener: ((event: TransportEvent) => void) | null;
  attached: boolean;
}

export class InMemoryNetwork {
  readonly counters: InMemoryNetworkCounters = {
    messagesSent: 0,
    messagesDelivered: 0,
    messagesDroppedUnreachable: 0,
    messagesDroppedQueueFull: 0,
    messagesDroppedInFlight: 0,
  };
  private readonly scheduler: DeliveryScheduler;
  private readonly limits: InMemoryNetworkLimits;
  private readonly onListenerError: (error: unknown, localId: NodeId) => void;
  /** Attached members in the order they joined, so every walk over them is deterministic. */
  private readonly members = new Map<NodeId, Member>();
  /** links.get(from).get(to): created on first use, kept across detach so epochs only grow. */
  private readonly links = new Map<NodeId, Map<NodeId, Link>>();
  /** cut.get(from) holds every `to` whose link from `from` is cut; survives a device leaving and rejoining. */
  private readonly cut = new Map<NodeId, Set<NodeId>>();

  constructor(options: InMemoryNetworkOptions = {}) {
    this.scheduler = options.scheduler ?? microtaskScheduler;
    this.limits = { ...defaultInMemoryNetworkLimits, ...options.limits };
    this.onListenerError = options.onListenerError ?? ((error, localId) => logListenerError(localId)(error));
  }

  /** Attaches a device. One live transport per id: a restarted device connects again after close or crash. */
  connect(localId: NodeId): InMemoryTransport {
    assert(!this.members.has(localId), `${localId} is already connected`);
    const member: Member = { localId, listener: null, attached: true };
    for (const other of this.members.values()) {
      if (!this.isCut(other.localId, localId)) this.enqueue(other.localId, localId, { type: 'peer', reachable: true });
      if (!this.isCut(localId, other.localId)) this.enqueue(localId, other.localId, { type: 'peer', reachable: true });
    }
    this.members.set(localId, member);
    return new InMemoryTransport(localId, {
      send: (to, bytes) => this.send(member, to, bytes),
      listen: (listener) => {
        if (member.attached) member.listener = listener;
      },
      close: () => this.detach(member),
    });
  }

  /** A device dies without a word (battery, crash): it hears nothing more and what it sends is lost. */
  crash(localId: NodeId): void {
    const member = this.members.get(localId);
    if (member !== undefined) this.detach(member);
  }

  /** Cuts both directions between two devices; what is in flight is lost. */
  cutBetween(a: NodeId, b: NodeId): void {
    this.cutOneWay(a, b);
    this.cutOneWay(b, a);
  }

  healBetween(a: NodeId, b: NodeId): void {
    this.healOneWay(a, b);
    this.healOneWay(b, a);
  }

  /** `to` stops hearing `from` (and is told `from` became unreachable); `from` may still hear `to`. */
  cutOneWay(from: NodeId, to: NodeId): void {
    if (this.isCut(from, to)) return;
    let cutFrom = this.cut.get(from);
    if (cutFrom === undefined) this.cut.set(from, (cutFrom = new Set()));
    cutFrom.add(to);
    this.resetLink(from, to);
    if (this.members.has(from) && this.members.has(to)) this.enqueue(from, to, { type: 'peer', reachable: false });
  }

  healOneWay(from: NodeId, to: NodeId): void {
    if (!this.isCut(from, to)) return;
    this.cut.get(from)?.delete(to);
    if (this.members.has(from) && this.members.has(to)) this.enqueue(from, to, { type: 'peer', reachable: true });
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.cut.get(from)?.has(to) ?? false;
  }

  /** The bytes are copied now, so the caller may reuse its buffer. */
  private send(member: Member, to: NodeId, bytes: Uint8Array): void {
    this.counters.messagesSent++;
    if (!member.attached || to === member.localId || !this.members.has(to) || this.isCut(member.localId, to)) {
      this.counters.messagesDroppedUnreachable++;
      return;
    }
    const link = this.link(member.localId, to);
    if (link.queuedMessages >= this.limits.linkQueueMessagesMax || link.queuedBytes + bytes.byteLength > this.limits.linkQueueBytesMax) {
      this.counters.messagesDroppedQueueFull++;
      return;
    }
    this.enqueue(member.localId, to, { type: 'message', bytes: bytes.slice() });
  }

  private detach(member: Member): void {
    if (!member.attached) return;
    member.attached = false;
    member.listener = null;
    this.members.delete(member.localId);
    // Every link into it, from devices still here or gone, and everything it had in flight.
    for (const [from, fromLinks] of this.links) if (fromLinks.has(member.localId)) this.resetLink(from, member.localId);
    for (const to of this.links.get(member.localId)?.keys() ?? []) this.resetLink(member.localId, to);
    for (const other of this.members.values()) {
      if (!this.isCut(member.localId, other.localId)) this.enqueue(member.localId, other.localId, { type: 'peer', reachable: false });
    }
  }

  private enqueue(from: NodeId, to: NodeId, event: LinkEvent): void {
    const link = this.link(from, to);
    link.queue.push(event);
    const byteLength = event.type === 'message' ? event.bytes.byteLength : 0;
    if (event.type === 'message') link.queuedMessages++;
    link.queuedBytes += byteLength;
    const epoch = link.epoch;
    let delivered = false;
    this.scheduler({ from, to, type: event.type, byteLength }, () => {
      assert(!delivered, 'a delivery scheduler ran one delivery twice');
      delivered = true;
      this.deliverNext(from, to, epoch);
    });
  }

  private deliverNext(from: NodeId, to: NodeId, epoch: number): void {
    const link = this.link(from, to);
    if (link.epoch !== epoch) return;
    const event = link.queue.shift();
    // Invariant: within one epoch every scheduled delivery has its own queued event.
    assert(event !== undefined, `link ${from} -> ${to} has a delivery without an event`);
    const member = this.members.get(to);
    // Invariant: a link into a device is reset when it detaches, so a queued event always has its receiver.
    assert(member !== undefined, `event queued for ${to}, which is not attached`);
    if (event.type === 'message') {
      link.queuedMessages--;
      link.queuedBytes -= event.bytes.byteLength;
      this.counters.messagesDelivered++;
      this.notify(member, { type: 'message', from, bytes: event.bytes });
    } else {
      this.notify(member, { type: 'peer', peerId: from, reachable: event.reachable });
    }
  }

  private notify(member: Member, event: TransportEvent): void {
    deliverToListener(member.listener, event, (error) => this.onListenerError(error, member.localId));
  }

  private resetLink(from: NodeId, to: NodeId): void {
    const link = this.link(from, to);
    this.counters.messagesDroppedInFlight += link.queuedMessages;
    link.epoch++;
    link.queue.length = 0;
    link.queuedMessages = 0;
    link.queuedBytes = 0;
  }

  private link(from: NodeId, to: NodeId): Link {
    let fromLinks = this.links.get(from);
    if (fromLinks === undefined) this.links.set(from, (fromLinks = new Map()));
    let link = fromLinks.get(to);
    if (link === undefined) fromLinks.set(to, (link = { epoch: 0, queue: [], queuedMessages: 0, queuedBytes: 0 }));
    return link;
  }
}

/** What a transport may ask of its network. */
interface NetworkPort {
  send(to: NodeId, bytes: Uint8Array): void;
  listen(listener: (event: TransportEvent) => void): void;
  close(): void;
}

/** One device's end of an InMemoryNetwork; made by `InMemoryNetwork.connect`. */
export class InMemoryTransport implements PeerTransport {
  constructor(
    readonly localId: NodeId,
    private readonly port: NetworkPort,
  ) {}

  send(to: NodeId, bytes: Uint8Array): void {
    this.port.send(to, bytes);
  }

  listen(listener: (event: TransportEvent) => void): void {
    this.port.listen(listener);
  }

  close(): void {
    this.port.close();
  }
}
