// The replicated log on its own: the compacted prefix, contiguous entries, and the commit, apply and stable
// pointers. Reference: Raft paper Figure 2 (log, commitIndex, lastApplied), §5.3 (Log Matching, deleting a
// conflicting suffix), §5.4.1 (which log is more up-to-date), §7 (snapshots). Each assertion the log keeps is
// shown to bite: a broken invariant is a bug, and it must stop the node rather than corrupt its log.
import { InvariantViolation } from '../../src/invariants/assert.js';
import { RaftLog } from '../../src/raft/raft-log.js';
import type { Entry, Snapshot } from '../../src/raft/types.js';
import { command } from './test-cluster.js';

const membership = { voters: ['a'], learners: [] };

/** Entries from `first` on with the given terms, each a command naming its position. */
function entries(first: number, terms: readonly number[]): Entry[] {
  return terms.map((term, offset): Entry => ({ type: 'command', data: command(`${first + offset}@${term}`), index: first + offset, term }));
}

function snapshotAt(index: number, term: number): Snapshot {
  return { index, term, membership, data: new Uint8Array(0) };
}

const empty = snapshotAt(0, 0);

/** A log of entries 1..terms.length, all stable, committed and applied up to `commit`. */
function logOf(terms: readonly number[], commit = 0): RaftLog {
  return new RaftLog(empty, entries(1, terms), commit, commit);
}

describe('Raft log: what a node reads back from storage', () => {
  it('refuses entries that do not continue the snapshot, a commit past the log, and applied past commit', () => {
    expect(() => new RaftLog(empty, entries(2, [1]), 0, 0)).withContext('a gap after the snapshot').toThrowError(InvariantViolation);
    expect(() => new RaftLog(snapshotAt(3, 1), entries(5, [1]), 3, 3)).toThrowError(InvariantViolation);
    expect(() => new RaftLog(empty, entries(1, [1, 1]), 3, 0)).withContext('commit past the last entry').toThrowError(InvariantViolation);
    expect(() => new RaftLog(empty, entries(1, [1, 1]), 1, 2)).withContext('applied past commit').toThrowError(InvariantViolation);
    expect(() => new RaftLog(snapshotAt(3, 1), entries(4, [1, 2]), 5, 4)).not.toThrow();
  });

  it('starts its commit and applied indexes at the snapshot at least: the snapshot is committed and applied', () => {
    const log = new RaftLog(snapshotAt(5, 2), entries(6, [2]), 0, 0);
    expect(log.commitIndex).toBe(5);
    expect(log.appliedIndex).toBe(5);
    expect(log.committedToApply(1 << 20)).toEqual([]);
    expect(log.hasUnstableEntries()).toBeFalse();
  });
});

describe('Raft log: reading positions', () => {
  it('has no entry, and knows no term, outside what it holds; the snapshot point keeps its term', () => {
    const log = new RaftLog(snapshotAt(5, 2), entries(6, [2, 3]), 5, 5);
    expect([4, 5, 6, 7, 8].map((index) => log.entry(index)?.index)).toEqual([undefined, undefined, 6, 7, undefined]);
    expect([4, 5, 6, 7, 8].map((index) => log.term(index))).toEqual([undefined, 2, 2, 3, undefined]);
    expect(log.firstIndex()).toBe(6);
    expect(log.lastIndex()).toBe(7);
    expect(log.lastTerm()).toBe(3);
  });

  it('§5.4.1: a log is more up-to-date by its last term first, and only on equal terms by its length', () => {
    const log = logOf([1, 2, 3]);
    expect(log.isUpToDate(1, 4)).withContext('a later last term, shorter').toBeTrue();
    expect(log.isUpToDate(3, 3)).withContext('same last entry').toBeTrue();
    expect(log.isUpToDate(4, 3)).withContext('same term, longer').toBeTrue();
    expect(log.isUpToDate(2, 3)).withContext('same term, shorter').toBeFalse();
    expect(log.isUpToDate(9, 2)).withContext('an earlier last term, however long').toBeFalse();
  });

  it('slices only what it holds, and always at least one entry whatever the byte bound', () => {
    const log = new RaftLog(snapshotAt(2, 1), entries(3, [1, 1, 1]), 2, 2);
    expect(() => log.slice(2, 4, 1000)).withContext('into the snapshot').toThrowError(InvariantViolation);
    expect(() => log.slice(3, 6, 1000)).withContext('past the last index').toThrowError(InvariantViolation);
    expect(log.slice(3, 5, 0).map((entry) => entry.index)).toEqual([3]);
    expect(log.slice(3, 5, 1000).map((entry) => entry.index)).toEqual([3, 4, 5]);
    expect(log.slice(4, 3, 1000)).toEqual([]);
  });

  it('fast backtracking finds the last index at or below the given one whose term is at most the given term, never below the snapshot', () => {
    const log = new RaftLog(snapshotAt(5, 3), entries(6, [3, 4, 4, 6]), 5, 5);
    expect(log.findConflictByTerm(9, 4)).toBe(8);
    expect(log.findConflictByTerm(9, 5)).toBe(8);
    expect(log.findConflictByTerm(7, 3)).toBe(6);
    expect(log.findConflictByTerm(9, 1)).withContext('stops at the snapshot, whose term is later').toBe(5);
    expect(log.findConflictByTerm(20, 9)).withContext('a hint past the log is brought back to it').toBe(9);
  });
});

describe('Raft log: appending (§5.3)', () => {
  it('writes nothing when every entry is already there, and truncates only from the first conflict', () => {
    const log = logOf([1, 1, 2, 2], 1);
    expect(log.append(entries(2, [1, 2]))).toBeNull();
    expect(log.lastIndex()).toBe(4);
    expect(log.append(entries(3, [2, 3]))).toBe(4);
    expect([1, 2, 3, 4].map((index) => log.term(index))).toEqual([1, 1, 2, 3]);
    expect(log.unstableEntries().map((entry) => entry.index)).toEqual([4]);
  });

  it('never overwrites a committed entry, leaves no gap, and never lets a term go down', () => {
    const log = logOf([1, 1, 2], 2);
    expect(() => log.append(entries(2, [2]))).withContext('conflict at the commit index').toThrowError(InvariantViolation);
    expect(() => log.append(entries(5, [2]))).withContext('a gap after 3').toThrowError(InvariantViolation);
    expect(() => log.append(entries(4, [1]))).withContext('term 1 after term 2').toThrowError(InvariantViolation);
    expect(log.append(entries(3, [3]))).withContext('just past the commit index is allowed').toBe(3);
  });
});

describe('Raft log: commit and apply pointers', () => {
  it('the commit index only moves forward, and never past the last entry', () => {
    const log = logOf([1, 1, 1, 1, 1]);
    log.commitTo(4);
    log.commitTo(2);
    expect(log.commitIndex).toBe(4);
    expect(() => log.commitTo(6)).toThrowError(InvariantViolation);
  });

  it('hands out committed entries to apply once, and the applied index only moves forward, never past commit', () => {
    const log = logOf([1, 1, 1, 1, 1]);
    log.commitTo(3);
    expect(log.hasUnappliedCommitted()).toBeTrue();
    expect(log.committedToApply(1 << 20).map((entry) => entry.index)).toEqual([1, 2, 3]);
    log.appliedTo(3);
    log.appliedTo(1);
    expect(log.appliedIndex).toBe(3);
    expect(log.hasUnappliedCommitted()).toBeFalse();
    expect(log.committedToApply(1 << 20)).toEqual([]);
    expect(() => log.appliedTo(4)).toThrowError(InvariantViolation);
  });
});

describe('Raft log: what is durable at the caller', () => {
  it('entries appended are unstable until the caller persisted them; older acknowledgements never move it back', () => {
    const log = logOf([1, 1]);
    log.append(entries(3, [2, 2, 2]));
    expect(log.hasUnstableEntries()).toBeTrue();
    expect(log.unstableEntries().map((entry) => entry.index)).toEqual([3, 4, 5]);
    log.stableTo(4, 2);
    expect(log.unstableEntries().map((entry) => entry.index)).toEqual([5]);
    log.stableTo(3, 2);
    expect(log.unstableEntries().map((entry) => entry.index)).toEqual([5]);
    log.stableTo(5, 2);
    expect(log.hasUnstableEntries()).toBeFalse();
    expect(log.unstableEntries()).toEqual([]);
  });

  it('persisting an entry that was replaced meanwhile does not mark its replacement durable', () => {
    const log = logOf([1, 1]);
    log.append(entries(3, [2, 2, 2]));
    // The caller holds a Ready with 3..5@2; before it reports them persisted, 4.. is replaced by term 3.
    log.append(entries(4, [3]));
    log.stableTo(5, 2);
    expect(log.unstableEntries().map((entry) => `${entry.index}@${entry.term}`)).toEqual(['3@2', '4@3']);
    log.stableTo(4, 2);
    expect(log.unstableEntries().map((entry) => `${entry.index}@${entry.term}`)).toEqual(['3@2', '4@3']);
  });
});

describe('Raft log: snapshots (§7)', () => {
  it('restores only past its commit index, and a second snapshot received before the first was persisted stays pending', () => {
    const log = logOf([1, 1, 1], 2);
    expect(() => log.restore(snapshotAt(2, 1))).toThrowError(InvariantViolation);
    const first = snapshotAt(5, 2);
    log.restore(first);
    expect(log).toEqual(jasmine.objectContaining({ commitIndex: 5, appliedIndex: 2 }));
    expect(log.pendingSnapshot()).toBe(first);
    const second = snapshotAt(8, 2);
    log.restore(second);
    log.snapshotPersisted(first);
    expect(log.pendingSnapshot()).toBe(second);
    log.snapshotPersisted(second);
    expect(log.pendingSnapshot()).toBeNull();
    log.appliedSnapshot(second);
    expect(log.appliedIndex).toBe(8);
    log.appliedSnapshot(first);
    expect(log.appliedIndex).withContext('an older snapshot does not move applied back').toBe(8);
  });

  it('compacts only past its snapshot and up to what was applied, twice in a row, keeping the entries after', () => {
    const log = logOf([1, 1, 2, 2, 2, 3, 3, 3, 3, 3], 10);
    expect(() => log.compact(0, new Uint8Array(0), membership)).toThrowError(InvariantViolation);
    expect(() => log.compact(11, new Uint8Array(0), membership)).toThrowError(InvariantViolation);
    expect(log.compact(4, new Uint8Array(0), membership)).toEqual(jasmine.objectContaining({ index: 4, term: 2 }));
    expect(() => log.compact(4, new Uint8Array(0), membership)).withContext('not past the snapshot').toThrowError(InvariantViolation);
    log.compact(7, new Uint8Array(0), membership);
    expect(log.firstIndex()).toBe(8);
    expect([7, 8, 10].map((index) => log.entry(index)?.index)).toEqual([undefined, 8, 10]);
    expect(log.hasUnstableEntries()).toBeFalse();
  });

  it('compacting past entries the caller has not persisted yet leaves only the rest to persist', () => {
    const log = logOf([1, 1], 2);
    log.append(entries(3, [2, 2, 2, 2, 2]));
    log.commitTo(4);
    log.appliedTo(4);
    log.compact(4, new Uint8Array(0), membership);
    expect(log.unstableEntries().map((entry) => entry.index)).toEqual([5, 6, 7]);
  });
});
