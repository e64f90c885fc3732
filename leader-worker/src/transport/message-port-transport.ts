// The link between a node in a Worker and the page that reaches the other devices for it. RTCPeerConnection
// does not exist in workers, so PeerJS lives on the page; the page hands the worker one MessagePort, and both
// ends speak the frames below over it. The worker's end is a PeerTransport (MessagePortTransport); the page's
// end (MessagePortBridge) plugs that port into a PeerTransport on the page: PeerJS on a device, a
// BroadcastChannel or in-memory network in tests. Message bytes travel as ArrayBuffers that are TRANSFERRED,
// not structured-cloned, in both directions.
//
// The worker beats a heartbeat to the page: a worker dies without a word (killed, crashed), and then the
// bridge closes the page's transport, so the other devices see this one leave instead of a mute peer.
import { assert } from '../invariants/assert.js';
import type { NodeId } from '../raft/types.js';
import { realScheduler } from '../node/scheduler.js';
import { isNodeId } from '../raft/node-id.js';
import type { IntervalTimers } from './broadcast-channel-transport.js';
import { PeerPresence } from './peer-presence.js';
import { deliverToListener, logListenerError, type PeerTransport, type TransportEvent } from './peer-transport.js';

/** Tells frames of this link from anything else on the port (comlink never uses this port), and this version. */
export const messagePortFrameProtocol = 'clinic-mesh-port/1';

type Protocol = typeof messagePortFrameProtocol;

/** A message for one device; `bytes` is transferred with the frame. */
interface DataFrame {
  readonly protocol: Protocol;
  readonly type: 'data';
  readonly from: NodeId;
  readonly to: NodeId;
  readonly bytes: ArrayBuffer;
}

/** Worker to page: messages out, "still alive", and the goodbye of close(). */
type WorkerFrame = DataFrame | { readonly protocol: Protocol; readonly type: 'heartbeat' | 'leave'; readonly from: NodeId };

/** Page to worker: messages in, and what the page's transport says about other devices. */
type PageFrame = DataFrame | { readonly protocol: Protocol; readonly type: 'peer'; readonly peerId: NodeId; readonly reachable: boolean };

/** What both ends need of a MessagePort; a real one fits, and a test can stand in one that dies. */
export interface FramePort {
  postMessage(message: unknown, transfer: Transferable[]): void;
  /** Setting it starts delivery; messages posted before wait in the port's queue. */
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}

/**
 * A buffer holding exactly `bytes` that the sender may give away. Bytes that own their whole buffer are handed
 * over as they are only when the caller said it gives them up; anything else is copied once here.
 */
function transferable(bytes: Uint8Array, callerGivesUp: boolean): ArrayBuffer {
  const ownsWholeBuffer = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  if (callerGivesUp && ownsWholeBuffer) return bytes.buffer as ArrayBuffer;
  return bytes.slice().buffer;
}

function parseFrame(data: unknown): Record<string, unknown> | null {
  if (typeof data !== 'object' || data === null) return null;
  const frame = data as Record<string, unknown>;
  return frame['protocol'] === messagePortFrameProtocol ? frame : null;
}

function parseDataFrame(frame: Record<string, unknown>): DataFrame | null {
  const { from, to, bytes } = frame;
  if (!isNodeId(from) || !isNodeId(to) || !(bytes instanceof ArrayBuffer)) return null;
  return { protocol: messagePortFrameProtocol, type: 'data', from, to, bytes };
}

export interface MessagePortLinkCounters {
  /** Not a frame of this protocol, malformed, or claiming to come from a device it does not. */
  framesDropped: number;
  messagesDelivered: number;
}

// ---------------------------------------------------------------------------------------------------------
// The worker's end.

export interface MessagePortTransportLimits {
  /** How often the worker tells the page it is alive; the bridge's silence limit must span several. */
  readonly heartbeatIntervalMs: number;
}

export const defaultMessagePortTransportLimits: MessagePortTransportLimits = { heartbeatIntervalMs: 1000 };

export interface MessagePortTransportOptions {
  readonly localId: NodeId;
  /** The port the page handed over; its other end is a MessagePortBridge. */
  readonly port: FramePort;
  readonly limits?: Partial<MessagePortTransportLimits>;
  readonly timers?: IntervalTimers;
  /** Called when the listener throws; delivery goes on. Defaults to console.error. */
  readonly onListenerError?: (error: unknown) => void;
}

export class MessagePortTransport implements PeerTransport {
  readonly localId: NodeId;
  readonly counters: MessagePortLinkCounters = { framesDropped: 0, messagesDelivered: 0 };
  private readonly port: FramePort;
  private readonly onListenerError: (error: unknown) => void;
  private readonly stopHeartbeats: () => void;
  private listener: ((event: TransportEvent) => void) | null = null;
  private closed = false;

  constructor(options: MessagePortTransportOptions) {
    const { heartbeatIntervalMs } = { ...defaultMessagePortTransportLimits, ...options.limits };
    assert(isNodeId(options.localId), 'localId must be a non-empty string within nodeIdLengthMax');
    assert(heartbeatIntervalMs > 0, 'heartbeatIntervalMs must be positive');
    this.localId = options.localId;
    this.port = options.port;
    this.onListenerError = options.onListenerError ?? logListenerError(this.localId);
    this.port.onmessage = (event) => this.receive(event.data);
    this.stopHeartbeats = (options.timers ?? realScheduler).every(heartbeatIntervalMs, () => this.post('heartbeat'));
    this.post('heartbeat');
  }

  /** The bytes are copied once into a buffer of their own, which is transferred: the caller keeps its buffer. */
  send(to: NodeId, bytes: Uint8Array): void {
    if (this.closed || to === this.localId) return;
    const buffer = transferable(bytes, false);
    const frame: WorkerFrame = { protocol: messagePortFrameProtocol, type: 'data', from: this.localId, to, bytes: buffer };
    this.port.postMessage(frame, [buffer]);
  }

  listen(listener: (event: TransportEvent) => void): void {
    if (!this.closed) this.listener = listener;
  }

  close(): void {
    if (this.closed) return;
    this.post('leave');
    this.closed = true;
    this.listener = null;
    this.stopHeartbeats();
    this.port.onmessage = null;
    this.port.close();
  }

  private post(type: 'heartbeat' | 'leave'): void {
    if (this.closed) return;
    const frame: WorkerFrame = { protocol: messagePortFrameProtocol, type, from: this.localId };
    this.port.postMessage(frame, []);
  }

  private receive(data: unknown): void {
    if (this.closed) return;
    const frame = parseFrame(data);
    const event = frame === null ? null : this.parseEvent(frame);
    if (event === null) {
      this.counters.framesDropped++;
      return;
    }
    if (event.type === 'message') this.counters.messagesDelivered++;
    deliverToListener(this.listener, event, this.onListenerError);
  }

  private parseEvent(frame: Record<string, unknown>): TransportEvent | null {
    if (frame['type'] === 'peer') {
      const { peerId, reachable } = frame;
      if (!isNodeId(peerId) || peerId === this.localId || typeof reachable !== 'boolean') return null;
      return { type: 'peer', peerId, reachable };
    }
    if (frame['type'] !== 'data') return null;
    const data = parseDataFrame(frame);
    if (data === null || data.to !== this.localId || data.from === this.localId) return null;
    return { type: 'message', from: data.from, bytes: new Uint8Array(data.bytes) };
  }
}

// ---------------------------------------------------------------------------------------------------------
// The page's end.

export interface MessagePortBridgeLimits {
  /** How often the bridge checks that the worker still beats. */
  readonly checkIntervalMs: number;
  /**
   * Silence after which the worker is taken for dead; rounded up to whole check intervals, and counted in
   * intervals, so a page whose timers are throttled (hidden) is slower to decide, never wrong. Long enough for
   * a worker busy replaying its log at start.
   */
  readonly workerSilenceMsMax: number;
}

export const defaultMessagePortBridgeLimits: MessagePortBridgeLimits = { checkIntervalMs: 1000, workerSilenceMsMax: 10_000 };

/** Why the bridge closed on its own: the worker's transport said goodbye, or the worker fell silent. */
export type WorkerGoneReason = 'left' | 'silent';

export interface MessagePortBridgeOptions {
  /** The page's end of the channel whose other port went to the worker. */
  readonly port: FramePort;
  /** The page's transport for this device: its localId is the worker node's id. */
  readonly transport: PeerTransport;
  readonly limits?: Partial<MessagePortBridgeLimits>;
  readonly timers?: IntervalTimers;
  /** Told once when the bridge closes because of the worker (not when close() is called). */
  readonly onWorkerGone?: (reason: WorkerGoneReason) => void;
}

export class MessagePortBridge {
  readonly counters: MessagePortLinkCounters = { framesDropped: 0, messagesDelivered: 0 };
  private readonly port: FramePort;
  private readonly transport: PeerTransport;
  private readonly presence: PeerPresence;
  private readonly stopChecks: () => void;
  private readonly onWorkerGone: (reason: WorkerGoneReason) => void;
  private closed = false;

  constructor(options: MessagePortBridgeOptions) {
    const { checkIntervalMs, workerSilenceMsMax } = { ...defaultMessagePortBridgeLimits, ...options.limits };
    assert(checkIntervalMs > 0, 'checkIntervalMs must be positive');
    assert(workerSilenceMsMax >= 2 * checkIntervalMs, 'workerSilenceMsMax must span at least two check intervals');
    this.port = options.port;
    this.transport = options.transport;
    this.onWorkerGone = options.onWorkerGone ?? (() => undefined);
    // The worker counts as heard from at the start: a worker still loading its script has not beaten yet.
    this.presence = new PeerPresence({ silentIntervalsMax: Math.ceil(workerSilenceMsMax / checkIntervalMs), peersMax: 1 }, (_worker, reachable) => {
      if (!reachable) this.workerGone('silent');
    });
    this.presence.heard(this.transport.localId);
    this.transport.listen((event) => this.fromPeers(event));
    this.port.onmessage = (event) => this.fromWorker(event.data);
    this.stopChecks = (options.timers ?? realScheduler).every(checkIntervalMs, () => this.presence.tick());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the page's transport (the other devices see this one leave) and the port. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopChecks();
    this.presence.clear();
    this.port.onmessage = null;
    this.port.close();
    this.transport.close();
  }

  private workerGone(reason: WorkerGoneReason): void {
    if (this.closed) return;
    this.close();
    this.onWorkerGone(reason);
  }

  /** The page's transport received something: the bytes it delivered are ours, so they are handed over. */
  private fromPeers(event: TransportEvent): void {
    if (this.closed) return;
    if (event.type === 'peer') {
      const frame: PageFrame = { protocol: messagePortFrameProtocol, type: 'peer', peerId: event.peerId, reachable: event.reachable };
      this.port.postMessage(frame, []);
      return;
    }
    const buffer = transferable(event.bytes, true);
    const frame: PageFrame = { protocol: messagePortFrameProtocol, type: 'data', from: event.from, to: this.transport.localId, bytes: buffer };
    this.port.postMessage(frame, [buffer]);
  }

  private fromWorker(data: unknown): void {
    if (this.closed) return;
    const frame = parseFrame(data);
    // A worker speaks only for its own device.
    if (frame === null || frame['from'] !== this.transport.localId) {
      this.counters.framesDropped++;
      return;
    }
    this.presence.heard(this.transport.localId);
    switch (frame['type']) {
      case 'heartbeat':
        return;
      case 'leave':
        this.workerGone('left');
        return;
      case 'data': {
        const data = parseDataFrame(frame);
        if (data === null) {
          this.counters.framesDropped++;
          return;
        }
        this.counters.messagesDelivered++;
        this.transport.send(data.to, new Uint8Array(data.bytes));
        return;
      }
      default:
        this.counters.framesDropped++;
    }
  }
}
