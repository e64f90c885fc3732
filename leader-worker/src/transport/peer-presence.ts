// Which peers are alive, as far as heartbeats tell: tabs and devices die without a word (a killed tab, a
// flat battery, a frozen Android page), so a transport cannot wait for a goodbye. Time is counted in
// heartbeat intervals, not read from a clock; the transport calls tick() once per interval.
import { assert } from '../invariants/assert.js';
import type { NodeId } from '../raft/types.js';

export interface PeerPresenceLimits {
  /** A peer not heard from for more than this many ticks in a row becomes unreachable. */
  readonly silentIntervalsMax: number;
  /** Peers tracked at once; frames from more are dropped, so a noisy channel cannot grow memory. */
  readonly peersMax: number;
}

export class PeerPresence {
  /** Reachable peers and how many ticks passed since each was last heard. */
  private readonly silentIntervals = new Map<NodeId, number>();
  // Invariant: silentIntervals.size <= limits.peersMax, and every count <= limits.silentIntervalsMax.

  constructor(
    private readonly limits: PeerPresenceLimits,
    private readonly onChange: (peerId: NodeId, reachable: boolean) => void,
  ) {
    assert(Number.isInteger(limits.silentIntervalsMax) && limits.silentIntervalsMax >= 1, 'silentIntervalsMax must be a positive integer');
    assert(Number.isInteger(limits.peersMax) && limits.peersMax >= 1, 'peersMax must be a positive integer');
  }

  /** Something arrived from `peerId`. False when it is new and the table is full: drop what it sent. */
  heard(peerId: NodeId): boolean {
    if (this.silentIntervals.has(peerId)) {
      this.silentIntervals.set(peerId, 0);
      return true;
    }
    if (this.silentIntervals.size >= this.limits.peersMax) return false;
    this.silentIntervals.set(peerId, 0);
    this.onChange(peerId, true);
    return true;
  }

  /** The peer said goodbye. */
  left(peerId: NodeId): void {
    if (this.silentIntervals.delete(peerId)) this.onChange(peerId, false);
  }

  /** One heartbeat interval passed. */
  tick(): void {
    for (const [peerId, silent] of [...this.silentIntervals]) {
      if (silent + 1 > this.limits.silentIntervalsMax) this.left(peerId);
      else this.silentIntervals.set(peerId, silent + 1);
    }
  }

  isReachable(peerId: NodeId): boolean {
    return this.silentIntervals.has(peerId);
  }

  /** Forgets every peer without reporting: the owner is closing and its listener is gone. */
  clear(): void {
    this.silentIntervals.clear();
  }
}
