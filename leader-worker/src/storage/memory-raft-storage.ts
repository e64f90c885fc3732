// RaftStorage in memory for the simulator and tests, with the IndexedDB storage's semantics: the same records,
// the same plan per persist and compact, the same checks on load. Its disk survives `crash()`; a persist
// still in flight at the crash is not stored at all, a completed one is stored whole.
import { assert } from '../invariants/assert.js';
import type { Snapshot } from '../raft/types.js';
import { indexBeforeBatch, planCompact, planPersist, type StoredLogBounds } from './log-write-plan.js';
import { MemoryDisk, type MemoryTransaction } from './memory-disk.js';
import type { PersistBatch, RaftStorage, StoredRaftState } from './raft-storage.js';
import { storageError } from './storage-errors.js';
import {
  entryRecord, hardStateRecord, isEmpty, ownBytes, readHardState, readRaftState, readSnapshot, recordKeys,
  snapshotMetaRecord, storeNames, type RaftRecords,
} from './stored-records.js';

export class MemoryRaftStorage implements RaftStorage {
  private readonly generation: number;
  private closed = false;
  private loaded = false;

  /** A view of `disk` as the device runs now (a new disk: a new device). */
  constructor(readonly disk: MemoryDisk = new MemoryDisk()) {
    this.generation = disk.generation;
  }

  /**
   * The device loses power now: this view and every other on its disk die (their writes in flight never
   * land), and the returned storage reads what the disk durably holds, as a restarted device would.
   */
  crash(): MemoryRaftStorage {
    this.disk.crash();
    return new MemoryRaftStorage(this.disk);
  }

  async load(initial: StoredRaftState): Promise<StoredRaftState> {
    const state = await this.transact('loading the Raft log', (transaction) => {
      const records = readRecords(transaction);
      if (!isEmpty(records)) return readRaftState(records);
      writeSnapshot(transaction, initial.snapshot);
      transaction.put(storeNames.hardState, recordKeys.hardState, hardStateRecord(initial.hardState));
      for (const entry of initial.entries) transaction.put(storeNames.entries, entry.index, entryRecord(entry));
      return initial;
    });
    this.loaded = true;
    return state;
  }

  async persist(batch: PersistBatch): Promise<void> {
    assert(this.loaded, 'persist() before load()');
    return this.transact('saving to the Raft log', (transaction) => {
      const bounds = readBounds(transaction);
      const before = indexBeforeBatch(bounds, batch);
      const plan = planPersist(bounds, batch, before === null ? undefined : readTerm(transaction, before));
      if (plan.installSnapshot !== null) {
        transaction.clear(storeNames.entries);
        writeSnapshot(transaction, plan.installSnapshot);
      }
      if (plan.truncateFrom !== null) transaction.deleteRange(storeNames.entries, plan.truncateFrom, undefined);
      for (const entry of plan.entries) transaction.put(storeNames.entries, entry.index, entryRecord(entry));
      if (plan.hardState !== null) transaction.put(storeNames.hardState, recordKeys.hardState, hardStateRecord(plan.hardState));
    });
  }

  async compact(snapshot: Snapshot): Promise<void> {
    assert(this.loaded, 'compact() before load()');
    return this.transact('compacting the Raft log', (transaction) => {
      const plan = planCompact(readBounds(transaction), snapshot, readTerm(transaction, snapshot.index));
      if (plan.type === 'stale') return;
      transaction.deleteRange(storeNames.entries, undefined, plan.snapshot.index);
      writeSnapshot(transaction, plan.snapshot);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private transact<Result>(action: string, work: (transaction: MemoryTransaction) => Result): Promise<Result> {
    if (this.closed) return Promise.reject(storageError('unavailable', `${action} failed: the storage was closed`));
    return this.disk.transact(this.generation, action, work);
  }
}

function readRecords(transaction: MemoryTransaction): RaftRecords {
  return {
    hardState: transaction.get(storeNames.hardState, recordKeys.hardState),
    snapshotMeta: transaction.get(storeNames.snapshot, recordKeys.snapshotMeta),
    snapshotData: transaction.get(storeNames.snapshot, recordKeys.snapshotData),
    entries: transaction.all(storeNames.entries),
  };
}

function readBounds(transaction: MemoryTransaction): StoredLogBounds {
  const hardState = readHardState(transaction.get(storeNames.hardState, recordKeys.hardState));
  const snapshot = readSnapshot(transaction.get(storeNames.snapshot, recordKeys.snapshotMeta), new Uint8Array(0));
  const lastKey = transaction.lastKey(storeNames.entries);
  const lastIndex = typeof lastKey === 'number' ? Math.max(lastKey, snapshot.index) : snapshot.index;
  return { snapshotIndex: snapshot.index, snapshotTerm: snapshot.term, lastIndex, commitIndex: hardState.commitIndex };
}

function readTerm(transaction: MemoryTransaction, index: number): number | undefined {
  const value = transaction.get(storeNames.entries, index);
  if (typeof value !== 'object' || value === null) return undefined;
  const term: unknown = (value as { term?: unknown }).term;
  return typeof term === 'number' ? term : undefined;
}

function writeSnapshot(transaction: MemoryTransaction, snapshot: Snapshot): void {
  transaction.put(storeNames.snapshot, recordKeys.snapshotMeta, snapshotMetaRecord(snapshot));
  transaction.put(storeNames.snapshot, recordKeys.snapshotData, ownBytes(snapshot.data));
}
