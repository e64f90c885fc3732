// Several tabs (or workers) of one browser act as the devices of a clinic: the demo and the tests. One
// BroadcastChannel per clinic carries every frame to every tab; a tab keeps the frames addressed to it.
// Tabs die without a word, so presence comes from heartbeats, not from the channel.
import { assert } from '../invariants/assert.js';
import { realScheduler, type Scheduler } from '../node/scheduler.js';
import { isNodeId } from '../raft/node-id.js';
import type { NodeId } from '../raft/types.js';
import { PeerPresence } from './peer-presence.js';
import { deliverToListener, logListenerError, type PeerTransport, type TransportEvent } from './peer-transport.js';

/** Tells frames of this transport from anything else posted on the channel, and this version from others. */
export const broadcastChannelFrameProtocol = 'clinic-mesh-transport/1';

/**
 * What travels on the channel. `join` asks everyone to answer with a heartbeat at once, so a new tab learns
 * its peers without waiting an interval; `leave` is the goodbye of close(), which a dying tab never sends.
 */
type Frame =
  | { readonly protocol: typeof broadcastChannelFrameProtocol; readonly type: 'join' | 'heartbeat' | 'leave'; readonly from: NodeId }
  | { readonly protocol: typeof broadcastChannelFrameProtocol; readonly type: 'data'; readonly from: NodeId; readonly to: NodeId; readonly bytes: Uint8Array };

export interface BroadcastChannelTransportLimits {
  readonly heartbeatIntervalMs: number;
  /** Silence after which a peer is unreachable; rounded up to whole heartbeat intervals. */
  readonly peerTimeoutMs: number;
  readonly peersMax: number;
}

export const defaultBroadcastChannelTransportLimits: BroadcastChannelTransportLimits = {
  heartbeatIntervalMs: 1000,
  // Five intervals: a busy main thread or a timer aligned to the second in a hidden tab misses a beat or two.
  peerTimeoutMs: 5000,
  peersMax: 64,
};

/** Repeating timers, injected so a test can drive heartbeats: the part of the node driver's Scheduler a transport uses. */
export type IntervalTimers = Pick<Scheduler, 'every'>;

/** The two things the transport does with an open channel. */
export interface ChannelEndpoint {
  post(frame: unknown): void;
  close(): void;
}

/**
 * Opens the named channel; `receive` gets each message's data, `undefined` for one that could not be read.
 * Injected so a test can stand in a channel that dies the way a killed tab does.
 */
export type ChannelOpener = (name: string, receive: (data: unknown) => void) => ChannelEndpoint;

export const openBroadcastChannel: ChannelOpener = (name, receive) => {
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event) => receive(event.data);
  channel.onmessageerror = () => receive(undefined);
  return { post: (frame) => channel.postMessage(frame), close: () => channel.close() };
};

export interface BroadcastChannelTransportOptions {
  readonly localId: NodeId;
  /** One channel per clinic, e.g. `clinic-mesh/${clinicId}`: tabs of two clinics never hear each other. */
  readonly channelName: string;
  readonly limits?: Partial<BroadcastChannelTransportLimits>;
  readonly timers?: IntervalTimers;
  readonly openChannel?: ChannelOpener;
  /** Called when the listener throws; delivery goes on. Defaults to console.error. */
  readonly onListenerError?: (error: unknown) => void;
}

export interface BroadcastChannelTransportCounters {
  /** Not a frame of this protocol, malformed, unreadable, claiming our own id, or from a peer past peersMax. */
  framesDropped: number;
  messagesDelivered: number;
}

export class BroadcastChannelTransport implements PeerTransport {
  readonly localId: NodeId;
  readonly counters: BroadcastChannelTransportCounters = { framesDropped: 0, messagesDelivered: 0 };
  private readonly limits: BroadcastChannelTransportLimits;
  private readonly onListenerError: (error: unknown) => void;
  private readonly presence: PeerPresence;
  private readonly channel: ChannelEndpoint;
  private readonly stopHeartbeats: () => void;
  private listener: ((event: TransportEvent) => void) | null = null;
  private closed = false;

  constructor(options: BroadcastChannelTransportOptions) {
    this.localId = options.localId;
    this.limits = { ...defaultBroadcastChannelTransportLimits, ...options.limits };
    const { heartbeatIntervalMs, peerTimeoutMs, peersMax } = this.limits;
    assert(isNodeId(options.localId), 'localId must be a non-empty string within nodeIdLengthMax');
    assert(heartbeatIntervalMs > 0, 'heartbeatIntervalMs must be positive');
    assert(peerTimeoutMs >= 2 * heartbeatIntervalMs, 'peerTimeoutMs must span at least two heartbeats');
    this.onListenerError = options.onListenerError ?? logListenerError(this.localId);
    this.presence = new PeerPresence(
      { silentIntervalsMax: Math.ceil(peerTimeoutMs / heartbeatIntervalMs), peersMax },
      (peerId, reachable) => this.emit({ type: 'peer', peerId, reachable }),
    );
    this.channel = (options.openChannel ?? openBroadcastChannel)(options.channelName, (data) => this.receive(data));
    this.stopHeartbeats = (options.timers ?? realScheduler).every(heartbeatIntervalMs, () => this.beat());
    this.post('join');
  }

  send(to: NodeId, bytes: Uint8Array): void {
    if (this.closed || to === this.localId) return;
    // Structured clone copies the bytes now; a view into a larger or shared buffer would clone (or share) all of it.
    const own = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const frame: Frame = { protocol: broadcastChannelFrameProtocol, type: 'data', from: this.localId, to, bytes: own ? bytes : bytes.slice() };
    this.channel.post(frame);
  }

  listen(listener: (event: TransportEvent) => void): void {
    if (!this.closed) this.listener = listener;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listener = null;
    this.stopHeartbeats();
    this.post('leave');
    this.channel.close();
    this.presence.clear();
  }

  private beat(): void {
    if (this.closed) return;
    this.presence.tick();
    // The listener may have closed this transport when it heard a peer went silent.
    if (!this.closed) this.post('heartbeat');
  }

  private post(type: 'join' | 'heartbeat' | 'leave'): void {
    const frame: Frame = { protocol: broadcastChannelFrameProtocol, type, from: this.localId };
    this.channel.post(frame);
  }

  private receive(data: unknown): void {
    if (this.closed) return;
    const frame = this.parseFrame(data);
    if (frame === null || frame.from === this.localId) {
      this.counters.framesDropped++;
      return;
    }
    if (frame.type === 'leave') {
      this.presence.left(frame.from);
      return;
    }
    if (!this.presence.heard(frame.from)) {
      this.counters.framesDropped++;
      return;
    }
    // The listener may have closed this transport when it heard of a new peer.
    if (this.closed) return;
    if (frame.type === 'join') this.post('heartbeat');
    if (frame.type === 'data' && frame.to === this.localId) {
      this.counters.messagesDelivered++;
      this.emit({ type: 'message', from: frame.from, bytes: frame.bytes });
    }
  }

  private emit(event: TransportEvent): void {
    deliverToListener(this.listener, event, this.onListenerError);
  }

  private parseFrame(data: unknown): Frame | null {
    if (typeof data !== 'object' || data === null) return null;
    const candidate = data as Partial<Record<keyof Frame | 'to' | 'bytes', unknown>>;
    if (candidate.protocol !== broadcastChannelFrameProtocol || !isNodeId(candidate.from)) return null;
    const from = candidate.from;
    switch (candidate.type) {
      case 'join':
      case 'heartbeat':
      case 'leave':
        return { protocol: broadcastChannelFrameProtocol, type: candidate.type, from };
      case 'data':
        if (!isNodeId(candidate.to) || !(candidate.bytes instanceof Uint8Array)) return null;
        return { protocol: broadcastChannelFrameProtocol, type: 'data', from, to: candidate.to, bytes: candidate.bytes };
      default:
        return null;
    }
  }
}
