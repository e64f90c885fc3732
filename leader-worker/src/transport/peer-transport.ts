// The one interface every way of reaching other devices implements: in memory (simulator, tests),
// BroadcastChannel (several tabs on one machine), PeerJS data channels (devices on the clinic LAN).
// It moves opaque bytes; encoding, validation and Raft live above it. Every implementation passes the
// shared contract suite in leader-worker/test/transport/.
import type { NodeId } from '../raft/types.js';

export type TransportEvent =
  | { readonly type: 'message'; readonly from: NodeId; readonly bytes: Uint8Array }
  /** A peer became reachable or unreachable, as far as this transport can tell (heartbeats, channel state). */
  | { readonly type: 'peer'; readonly peerId: NodeId; readonly reachable: boolean };

export interface PeerTransport {
  readonly localId: NodeId;
  /**
   * Sends to one peer, best effort: a message may be lost if the peer is unreachable (Raft retries), but
   * messages to one peer that arrive do so in the order sent, each at most once.
   */
  send(to: NodeId, bytes: Uint8Array): void;
  /**
   * Registers the one listener; events before it is set are dropped. The bytes of a delivered message
   * belong to the listener (it may transfer them to a Worker): a transport never reuses or mutates them.
   */
  listen(listener: (event: TransportEvent) => void): void;
  /** Stops sending and receiving; idempotent. */
  close(): void;
}

export type TransportListener = (event: TransportEvent) => void;

/**
 * Hands `event` to the transport's listener, if one is set. A listener that throws is reported to
 * `onListenerError` and delivery goes on: one bad event must not stop a transport delivering the next.
 */
export function deliverToListener(listener: TransportListener | null, event: TransportEvent, onListenerError: (error: unknown) => void): void {
  if (listener === null) return;
  try {
    listener(event);
  } catch (error) {
    onListenerError(error);
  }
}

/** What a transport does with a listener that threw, unless told otherwise: say so on the console. */
export function logListenerError(localId: NodeId): (error: unknown) => void {
  return (error) => console.error(`transport listener of ${localId} threw`, error);
}
