// Two decisions every pair of devices must make the same way without talking about it: who dials whom, and
// which link to keep when both dialed at once (or when a device came back from a restart before the other saw
// it go). Pure.
import type { NodeId } from '../raft/types.js';

/**
 * Between two devices that both want a link, only the one with the smaller id dials unprompted; the other
 * dials only when it has something to send. So two devices starting together do not race two links.
 */
export function dialsUnprompted(localId: NodeId, remoteId: NodeId): boolean {
  return localId < remoteId;
}

/** An authenticated link to one peer, as far as choosing between two is concerned. */
export interface LinkTraits {
  /** The peer's life: random per start of its transport, proven in the handshake. */
  readonly remoteLife: string;
  /** Which of the two devices dialed this link. */
  readonly dialer: NodeId;
}

/**
 * Whether a link just authenticated should replace the one already kept for the same peer. A new life wins
 * (the old link belongs to a device that restarted); between two links of the same two lives, both devices
 * keep the one the smaller id dialed; a device that dialed again (it took its link for dead) is believed.
 */
export function replacesKeptLink(kept: LinkTraits, candidate: LinkTraits): boolean {
  if (candidate.remoteLife !== kept.remoteLife) return true;
  if (candidate.dialer === kept.dialer) return true;
  return candidate.dialer < kept.dialer;
}
