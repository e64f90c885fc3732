// What one persist or compact does to the stored log, decided from the few facts read inside its transaction.
// Both storages (IndexedDB, memory) carry out the same plan, so they cannot drift apart. A batch that would
// store a log `load` must reject (a gap, terms going down, a commit past the end) is the caller breaking the
// Ready contract: it throws InvariantViolation before anything is written, rather than brick the device.
import { assert } from '../invariants/assert.js';
import type { Entry, HardState, Snapshot } from '../raft/types.js';
import type { PersistBatch } from './raft-storage.js';

/** Where the stored log stands, read inside the write transaction. */
export interface StoredLogBounds {
  readonly snapshotIndex: number;
  readonly snapshotTerm: number;
  /** The last stored entry's index, or snapshotIndex when no entry is stored. */
  readonly lastIndex: number;
  readonly commitIndex: number;
}

export interface PersistPlan {
  /** Store this snapshot and delete every stored entry first. */
  readonly installSnapshot: Snapshot | null;
  /** Delete stored entries at this index and above (null: none). */
  readonly truncateFrom: number | null;
  readonly entries: readonly Entry[];
  readonly hardState: HardState | null;
}

/** The index whose term `planPersist` needs (the entry just before the batch), or null when it needs none. */
export function indexBeforeBatch(bounds: StoredLogBounds, batch: PersistBatch): number | null {
  const first = batch.entries[0];
  if (first === undefined || batch.snapshot !== null || first.index - 1 <= bounds.snapshotIndex) return null;
  return first.index - 1;
}

/**
 * @param termBeforeBatch the stored term at `indexBeforeBatch(bounds, batch)` (undefined when none is needed
 *   or the entry is not stored).
 */
export function planPersist(bounds: StoredLogBounds, batch: PersistBatch, termBeforeBatch: number | undefined): PersistPlan {
  const snapshotIndex = batch.snapshot?.index ?? bounds.snapshotIndex;
  const snapshotTerm = batch.snapshot?.term ?? bounds.snapshotTerm;
  const lastIndex = batch.snapshot === null ? bounds.lastIndex : batch.snapshot.index;
  const first = batch.entries[0];
  let newLastIndex = lastIndex;
  if (first !== undefined) {
    assert(first.index > snapshotIndex, `persist: entries start at ${first.index}, at or below the snapshot index ${snapshotIndex}`);
    assert(first.index <= lastIndex + 1, `persist: entries start at ${first.index}, leaving a gap after the last stored entry ${lastIndex}`);
    const previousTerm = first.index - 1 === snapshotIndex ? snapshotTerm : termBeforeBatch;
    assert(previousTerm !== undefined, `persist: the term of entry ${first.index - 1} is not stored`);
    let term = previousTerm;
    batch.entries.forEach((entry, offset) => {
      assert(entry.index === first.index + offset, `persist: entries are not contiguous at ${entry.index}`);
      assert(entry.term >= term, `persist: entry ${entry.index} has term ${entry.term}, below the previous term ${term}`);
      term = entry.term;
    });
    newLastIndex = first.index + batch.entries.length - 1;
  }
  const commitIndex = batch.hardState?.commitIndex ?? bounds.commitIndex;
  assert(commitIndex <= newLastIndex, `persist: the commit index ${commitIndex} would be past the last stored entry ${newLastIndex}`);
  return {
    installSnapshot: batch.snapshot,
    truncateFrom: first !== undefined && batch.snapshot === null && first.index <= bounds.lastIndex ? first.index : null,
    entries: batch.entries,
    hardState: batch.hardState,
  };
}

export type CompactPlan =
  /** The stored snapshot is already at or past this one (an installed snapshot overtook it): keep it. */
  | { readonly type: 'stale' }
  /** Store the snapshot and delete entries up to its index; later entries stay. */
  | { readonly type: 'compact'; readonly snapshot: Snapshot };

/** @param storedTerm the stored entry's term at snapshot.index, or undefined when no entry is stored there. */
export function planCompact(bounds: StoredLogBounds, snapshot: Snapshot, storedTerm: number | undefined): CompactPlan {
  if (snapshot.index <= bounds.snapshotIndex) return { type: 'stale' };
  assert(snapshot.index <= bounds.lastIndex, `compact: snapshot ${snapshot.index} is past the last stored entry ${bounds.lastIndex}`);
  assert(storedTerm === snapshot.term, `compact: snapshot ${snapshot.index} has term ${snapshot.term}, the stored entry has term ${String(storedTerm)}`);
  return { type: 'compact', snapshot };
}
