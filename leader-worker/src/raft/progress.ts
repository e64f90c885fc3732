// The leader's view of one follower: how much of the log it holds, and how fast to send it more.
// Three states, as in etcd: probe (find where logs agree, one message at a time), replicate (stream up to
// a window of messages), snapshot (wait while the follower installs a snapshot).
import { assert } from '../invariants/assert.js';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/**
 * The last indexes of append messages in flight, oldest first, freed by acknowledgements. A ring of exactly
 * the window's capacity: memory stays bounded however many messages pass through a window that never drains.
 */
export class Inflights {
  private readonly lastIndexes: number[];
  /** Slot of the oldest message in flight. Invariant: 0 <= start < capacity. */
  private start = 0;
  /** Messages in flight. Invariant: 0 <= count <= capacity. */
  private size = 0;

  constructor(private readonly capacity: number) {
    assert(Number.isInteger(capacity) && capacity > 0, 'the in-flight window must hold at least one message');
    this.lastIndexes = new Array<number>(capacity).fill(0);
  }

  get count(): number {
    return this.size;
  }

  /** Slots the window holds in memory: its capacity, never more. */
  get slots(): number {
    return this.lastIndexes.length;
  }

  full(): boolean {
    return this.size >= this.capacity;
  }

  add(lastIndex: number): void {
    assert(!this.full(), 'added a message to a full in-flight window');
    if (this.size > 0) {
      const newest = this.lastIndexes[(this.start + this.size - 1) % this.capacity]!;
      assert(lastIndex > newest, `in-flight appends must end at growing indexes: ${lastIndex} after ${newest}`);
    }
    this.lastIndexes[(this.start + this.size) % this.capacity] = lastIndex;
    this.size++;
  }

  /** Frees every message whose entries are all acknowledged by `index`. */
  freeUpTo(index: number): void {
    while (this.size > 0 && this.lastIndexes[this.start]! <= index) {
      this.start = (this.start + 1) % this.capacity;
      this.size--;
    }
  }

  reset(): void {
    this.start = 0;
    this.size = 0;
  }
}

export class Progress {
  /** Highest index known to be in the follower's log. Invariant: match < next. */
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** In probe state, one append is outstanding until a response or the next heartbeat. */
  probeSent = false;
  /** In snapshot state, the index of the snapshot sent; 0 in the other states. */
  pendingSnapshotIndex = 0;
  /** Ticks spent in snapshot state: a lost snapshot is resent after an election timeout. */
  snapshotTicks = 0;
  /** Heard from within the current election timeout (CheckQuorum). */
  recentActive = false;
  readonly inflights: Inflights;

  constructor(next: number, inflightMessagesMax: number) {
    this.next = next;
    this.inflights = new Inflights(inflightMessagesMax);
  }

  becomeProbe(): void {
    // After a snapshot, the follower holds at least the snapshot even if it has not said so yet. In the other
    // states pendingSnapshotIndex is 0, so this is match + 1.
    this.next = Math.max(this.match + 1, this.pendingSnapshotIndex + 1);
    this.resetState('probe');
  }

  becomeReplicate(): void {
    this.next = this.match + 1;
    this.resetState('replicate');
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshotIndex = snapshotIndex;
  }

  private resetState(state: ProgressState): void {
    this.state = state;
    this.probeSent = false;
    this.pendingSnapshotIndex = 0;
    this.snapshotTicks = 0;
    this.inflights.reset();
  }

  /** Records an acknowledgement up to `index`. Returns whether the match index grew. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      this.probeSent = false;
      updated = true;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /**
   * Handles a rejection of the append whose previous index was `rejected`. `hintIndex` is where the logs may
   * agree. Returns false when the rejection is stale (an older message) and must be ignored.
   */
  maybeDecreaseTo(rejected: number, hintIndex: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, hintIndex + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  /** Whether the leader must hold further appends to this follower for now (flow control). */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }

  /** Records an append carrying entries up to `lastIndex` (or none, if it was only a probe). */
  sentAppend(lastIndex: number, entryCount: number): void {
    if (this.state === 'replicate' && entryCount > 0) {
      this.next = lastIndex + 1;
      this.inflights.add(lastIndex);
    }
    // probeSent is read only in probe state, and every change of state resets it.
    // Stryker disable next-line ConditionalExpression: equivalent, see the line above
    if (this.state === 'probe') this.probeSent = true;
    assert(this.match < this.next, `progress match ${this.match} must stay below next ${this.next}`);
  }
}
