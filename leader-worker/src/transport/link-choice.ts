// Two decisions every pair of devices must make the same way without talking about it: who dials whom, and
// which link to keep when there are two (both dialed at once, or one dialed again while the other still held
// the old link). Pure.
import type { NodeId } from '../raft/types.js';

/**
 * Between two devices that both want a link, only the one with the smaller id dials unprompted; the other
 * dials only when it has something to send. So two devices starting together do not race two links.
 */
export function dialsUnprompted(localId: NodeId, remoteId: NodeId): boolean {
  return localId < remoteId;
}

/** An authenticated link to one peer, as far as choosing between two is concerned. Both ends see the same traits. */
export interface LinkTraits {
  /** The peer's life: random per start of its transport, proven in the handshake. */
  readonly remoteLife: string;
  /** Which of the two devices dialed this link. */
  readonly dialer: NodeId;
  /**
   * The dialer's count of its dials in this life, sent with the offer and bound into the handshake, so both
   * ends know it. A later dial means the dialer took its earlier link for dead.
   */
  readonly dialSequence: number;
}

/**
 * Whether a link just authenticated should replace the one already kept for the same peer.
 *
 * A new life wins: the old link belongs to a device that restarted. Between two links of the same lives the
 * answer must not depend on which handshake finished first, because the two ends may see them finish in
 * opposite orders and would then keep different links (each sending where the other no longer listens). So
 * the choice is a fixed order on what both ends know: the link the smaller id dialed, and of two dials by the
 * same device, the later one (its dialer has given the earlier one up).
 */
export function replacesKeptLink(kept: LinkTraits, candidate: LinkTraits): boolean {
  if (candidate.remoteLife !== kept.remoteLife) return true;
  if (candidate.dialer !== kept.dialer) return candidate.dialer < kept.dialer;
  return candidate.dialSequence > kept.dialSequence;
}

/** What the dialer attaches to its offer; the answerer reads the dial's sequence from it. */
export interface DialMetadata {
  readonly dialSequence: number;
}

export function dialMetadata(dialSequence: number): DialMetadata {
  return { dialSequence };
}

/** The sequence an offer carries, or null when the offer's metadata is not ours. */
export function readDialSequence(metadata: unknown): number | null {
  if (typeof metadata !== 'object' || metadata === null) return null;
  const value = (metadata as { dialSequence?: unknown }).dialSequence;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}
