// The in-memory replicated log: a compacted prefix (the snapshot) followed by contiguous entries, plus the
// commit and apply pointers and what has been handed to the caller for persistence.
import { assert } from '../invariants/assert.js';
import type { Entry, Membership, Snapshot } from './types.js';

/** Fixed cost counted per entry on top of its payload, so empty entries still use the byte budgets. */
const entryOverheadBytes = 24;

export function entryBytes(entry: Entry): number {
  return entryOverheadBytes + (entry.type === 'command' ? entry.data.byteLength : 0);
}

export class RaftLog {
  /** The compacted prefix. Invariant: snapshot.index <= commitIndex. */
  private snapshotPoint: Snapshot;
  /** Invariant: entries[i].index === snapshotPoint.index + 1 + i, and terms never decrease. */
  private entries: Entry[];
  /** Invariant: snapshotPoint.index <= commitIndex <= lastIndex(). */
  private commit: number;
  /** Invariant: applied <= commitIndex. */
  private applied: number;
  /** Entries up to here are durable at the caller. Invariant: stableIndex <= lastIndex(). */
  private stableIndex: number;
  /** A snapshot received from the leader that the caller has not yet persisted. */
  private unstableSnapshot: Snapshot | null = null;

  constructor(snapshot: Snapshot, entries: readonly Entry[], commitIndex: number, appliedIndex: number) {
    this.snapshotPoint = snapshot;
    this.entries = [...entries];
    entries.forEach((entry, offset) => {
      assert(entry.index === snapshot.index + 1 + offset, `stored entries must be contiguous after the snapshot (entry ${entry.index})`);
    });
    this.commit = Math.max(commitIndex, snapshot.index);
    this.applied = Math.max(appliedIndex, snapshot.index);
    this.stableIndex = this.lastIndex();
    assert(this.commit <= this.lastIndex(), `stored commit index ${this.commit} is past the last stored entry ${this.lastIndex()}`);
    assert(this.applied <= this.commit, `applied index ${this.applied} is past the commit index ${this.commit}`);
  }

  get commitIndex(): number {
    return this.commit;
  }

  get appliedIndex(): number {
    return this.applied;
  }

  get snapshot(): Snapshot {
    return this.snapshotPoint;
  }

  firstIndex(): number {
    return this.snapshotPoint.index + 1;
  }

  lastIndex(): number {
    return this.snapshotPoint.index + this.entries.length;
  }

  lastTerm(): number {
    return this.entries.length === 0 ? this.snapshotPoint.term : this.entries[this.entries.length - 1]!.term;
  }

  /** The term of the entry at `index`, or undefined when it is compacted away or not yet written. */
  term(index: number): number | undefined {
    if (index === this.snapshotPoint.index) return this.snapshotPoint.term;
    return this.entry(index)?.term;
  }

  /** Undefined when compacted away or not yet written: those positions fall outside the array. */
  entry(index: number): Entry | undefined {
    return this.entries[index - this.snapshotPoint.index - 1];
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** §5.4.1: a candidate's log is at least as up-to-date as ours when its last term is higher, or equal with an index at least ours. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourLastTerm = this.lastTerm();
    return lastTerm > ourLastTerm || (lastTerm === ourLastTerm && lastIndex >= this.lastIndex());
  }

  /** Entries in [from, to] (none when from > to), stopping once `bytesMax` is reached but always returning at least one entry. */
  slice(from: number, to: number, bytesMax: number): Entry[] {
    assert(from >= this.firstIndex(), `slice from ${from} reaches into the compacted prefix`);
    assert(to <= this.lastIndex(), `slice to ${to} is past the last index ${this.lastIndex()}`);
    const result: Entry[] = [];
    let bytes = 0;
    for (let index = from; index <= to; index++) {
      const entry = this.entry(index)!;
      bytes += entryBytes(entry);
      if (result.length > 0 && bytes > bytesMax) break;
      result.push(entry);
    }
    return result;
  }

  /**
   * Appends `entries` after truncating any conflicting suffix. Returns the index of the first entry that was
   * written (to know whether a truncation happened), or null when every entry was already present.
   */
  append(entries: readonly Entry[]): number | null {
    const conflictIndex = this.findConflict(entries);
    if (conflictIndex === null) return null;
    // Invariant (Leader Completeness, §5.4): a committed entry is never overwritten.
    assert(conflictIndex > this.commit, `append would overwrite committed entry ${conflictIndex} (commit ${this.commit})`);
    const first = entries[0]!.index;
    assert(conflictIndex <= this.lastIndex() + 1, `append at ${conflictIndex} leaves a gap after ${this.lastIndex()}`);
    this.entries.length = conflictIndex - this.snapshotPoint.index - 1;
    for (let offset = conflictIndex - first; offset < entries.length; offset++) {
      const entry = entries[offset]!;
      assert(entry.term >= this.lastTerm(), `entry ${entry.index} term ${entry.term} is below the previous term ${this.lastTerm()}`);
      this.entries.push(entry);
    }
    this.stableIndex = Math.min(this.stableIndex, conflictIndex - 1);
    return conflictIndex;
  }

  /** The index of the first entry in `entries` not already in the log with the same term, or null. */
  private findConflict(entries: readonly Entry[]): number | null {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index;
    }
    return null;
  }

  /**
   * Fast log backtracking: the largest index <= `index` whose term is <= `term` (or the snapshot index).
   * A follower rejecting an append uses it to skip a whole term of mismatching entries at once.
   */
  findConflictByTerm(index: number, term: number): number {
    let candidate = Math.min(index, this.lastIndex());
    while (candidate > this.snapshotPoint.index && this.term(candidate)! > term) candidate--;
    return candidate;
  }

  commitTo(index: number): void {
    // Stryker disable next-line EqualityOperator: equivalent: at index === commit the assignment below changes nothing
    if (index <= this.commit) return;
    assert(index <= this.lastIndex(), `commit ${index} is past the last index ${this.lastIndex()}`);
    this.commit = index;
  }

  /** Entries before the snapshot point are applied by installing the snapshot, never one by one. */
  private nextToApply(): number {
    return Math.max(this.applied, this.snapshotPoint.index) + 1;
  }

  hasUnappliedCommitted(): boolean {
    return this.nextToApply() <= this.commit;
  }

  /** Committed, not yet applied entries, at most `bytesMax` of them (but at least one, if there are any). */
  committedToApply(bytesMax: number): Entry[] {
    return this.slice(this.nextToApply(), this.commit, bytesMax);
  }

  appliedTo(index: number): void {
    // Stryker disable next-line EqualityOperator: equivalent: at index === applied the assignment below changes nothing
    if (index <= this.applied) return;
    assert(index <= this.commit, `applied ${index} is past the commit index ${this.commit}`);
    this.applied = index;
  }

  hasUnstableEntries(): boolean {
    return this.stableIndex < this.lastIndex();
  }

  /** The entries after stableIndex; none when all are stable (stableIndex is never below the snapshot index). */
  unstableEntries(): Entry[] {
    return this.entries.slice(this.stableIndex - this.snapshotPoint.index);
  }

  /** The caller persisted entries up to `index`; ignored when that entry has since been replaced. */
  stableTo(index: number, term: number): void {
    // Stryker disable next-line EqualityOperator: equivalent: at index === stableIndex the assignment changes nothing
    if (this.matchTerm(index, term) && index > this.stableIndex) this.stableIndex = index;
  }

  pendingSnapshot(): Snapshot | null {
    return this.unstableSnapshot;
  }

  snapshotPersisted(snapshot: Snapshot): void {
    if (this.unstableSnapshot === snapshot) this.unstableSnapshot = null;
  }

  /** Replaces the whole log with a snapshot from the leader (InstallSnapshot, §7). */
  restore(snapshot: Snapshot): void {
    assert(snapshot.index > this.commit, `restoring snapshot ${snapshot.index} at or below commit ${this.commit}`);
    this.snapshotPoint = snapshot;
    this.entries = [];
    this.commit = snapshot.index;
    this.stableIndex = snapshot.index;
    this.unstableSnapshot = snapshot;
  }

  /** Marks the state machine as restored from the installed snapshot. */
  appliedSnapshot(snapshot: Snapshot): void {
    this.applied = Math.max(this.applied, snapshot.index);
  }

  /** Drops entries up to `index`, which the caller has captured in a snapshot of its state machine. */
  compact(index: number, data: Uint8Array, membership: Membership): Snapshot {
    assert(index > this.snapshotPoint.index, `compaction to ${index} is not past the snapshot ${this.snapshotPoint.index}`);
    assert(index <= this.applied, `compaction to ${index} is past the applied index ${this.applied}`);
    const snapshot: Snapshot = { index, term: this.term(index)!, membership, data };
    this.entries = this.entries.slice(index - this.snapshotPoint.index);
    this.snapshotPoint = snapshot;
    this.stableIndex = Math.max(this.stableIndex, index);
    return snapshot;
  }

  /** The latest membership entry at or below `index` still in the log, if any. */
  lastMembershipEntryAtOrBelow(index: number): Entry | undefined {
    for (let candidate = Math.min(index, this.lastIndex()); candidate > this.snapshotPoint.index; candidate--) {
      const entry = this.entry(candidate)!;
      if (entry.type === 'membership') return entry;
    }
    return undefined;
  }

  /** Bytes of entries in (from, to]: the leader's budget of appended but uncommitted work. */
  bytesBetween(fromExclusive: number, toInclusive: number): number {
    let bytes = 0;
    for (let index = Math.max(fromExclusive + 1, this.firstIndex()); index <= toInclusive; index++) {
      bytes += entryBytes(this.entry(index)!);
    }
    return bytes;
  }
}
