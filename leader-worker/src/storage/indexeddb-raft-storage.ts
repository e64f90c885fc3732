// RaftStorage on a device: hard state, snapshot and log entries in the device's IndexedDB database.
// One persist is ONE strict-durability transaction (group commit of a whole Ready); an installed snapshot
// replaces the log in that same transaction; compact is one transaction too. Load checks everything it
// reads and reports a broken log as 'corrupt'.
import { assert } from '../invariants/assert.js';
import type { Snapshot } from '../raft/types.js';
import { DeviceDatabase, type DeviceDatabaseOptions, type Track, type WriteTransaction } from './device-database.js';
import { indexBeforeBatch, planCompact, planPersist, type StoredLogBounds } from './log-write-plan.js';
import type { PersistBatch, RaftStorage, StoredRaftState } from './raft-storage.js';
import {
  entryRecord, hardStateRecord, isEmpty, ownBytes, readHardState, readSnapshot, recordKeys, snapshotMetaRecord,
  storeNames, readRaftState, type RaftRecords,
} from './stored-records.js';

const raftStores: ['hardState', 'snapshot', 'entries'] = [storeNames.hardState, storeNames.snapshot, storeNames.entries];
type RaftTransaction = WriteTransaction<typeof raftStores>;

export class IndexedDbRaftStorage implements RaftStorage {
  /** A new device's first state is stored by load: writing before it would store a log with no start. */
  private loaded = false;

  private constructor(private readonly database: DeviceDatabase) {}

  /** Opens the device's database (its own connection; the outbox may hold another). */
  static async open(options: DeviceDatabaseOptions): Promise<IndexedDbRaftStorage> {
    return new IndexedDbRaftStorage(await DeviceDatabase.open(options));
  }

  /** Reads and checks the stored state. A new device stores `initial` in the same transaction, then returns it. */
  async load(initial: StoredRaftState): Promise<StoredRaftState> {
    const state = await this.database.write(raftStores, 'loading the Raft log', async (transaction, track) => {
      const records = await readRecords(transaction, track);
      if (!isEmpty(records)) return readRaftState(records);
      writeSnapshot(transaction, track, initial.snapshot);
      track(transaction.objectStore(storeNames.hardState).put(hardStateRecord(initial.hardState), recordKeys.hardState));
      for (const entry of initial.entries) track(transaction.objectStore(storeNames.entries).put(entryRecord(entry)));
      return initial;
    });
    this.loaded = true;
    return state;
  }

  async persist(batch: PersistBatch): Promise<void> {
    assert(this.loaded, 'persist() before load()');
    return this.database.write(raftStores, 'saving to the Raft log', async (transaction, track) => {
      const bounds = await readBounds(transaction, track);
      const before = indexBeforeBatch(bounds, batch);
      const termBefore = before === null ? undefined : await readTerm(transaction, track, before);
      const plan = planPersist(bounds, batch, termBefore);
      const entries = transaction.objectStore(storeNames.entries);
      if (plan.installSnapshot !== null) {
        track(entries.clear());
        writeSnapshot(transaction, track, plan.installSnapshot);
      }
      if (plan.truncateFrom !== null) track(entries.delete(IDBKeyRange.lowerBound(plan.truncateFrom)));
      for (const entry of plan.entries) track(entries.put(entryRecord(entry)));
      if (plan.hardState !== null) {
        track(transaction.objectStore(storeNames.hardState).put(hardStateRecord(plan.hardState), recordKeys.hardState));
      }
    });
  }

  async compact(snapshot: Snapshot): Promise<void> {
    assert(this.loaded, 'compact() before load()');
    return this.database.write(raftStores, 'compacting the Raft log', async (transaction, track) => {
      const bounds = await readBounds(transaction, track);
      const plan = planCompact(bounds, snapshot, await readTerm(transaction, track, snapshot.index));
      if (plan.type === 'stale') return;
      track(transaction.objectStore(storeNames.entries).delete(IDBKeyRange.upperBound(plan.snapshot.index)));
      writeSnapshot(transaction, track, plan.snapshot);
    });
  }

  async close(): Promise<void> {
    this.database.close();
  }
}

async function readRecords(transaction: RaftTransaction, track: Track): Promise<RaftRecords> {
  const snapshots = transaction.objectStore(storeNames.snapshot);
  const entries = transaction.objectStore(storeNames.entries);
  const [hardState, snapshotMeta, snapshotData, keys, values] = await Promise.all([
    track(transaction.objectStore(storeNames.hardState).get(recordKeys.hardState)),
    track(snapshots.get(recordKeys.snapshotMeta)),
    track(snapshots.get(recordKeys.snapshotData)),
    track(entries.getAllKeys()),
    track(entries.getAll()),
  ]);
  return { hardState, snapshotMeta, snapshotData, entries: keys.map((key, offset) => ({ key, value: values[offset] })) };
}

/** Where the stored log starts and ends, without reading the snapshot's bytes or the entries. */
async function readBounds(transaction: RaftTransaction, track: Track): Promise<StoredLogBounds> {
  const [hardStateValue, metaValue, lastCursor] = await Promise.all([
    track(transaction.objectStore(storeNames.hardState).get(recordKeys.hardState)),
    track(transaction.objectStore(storeNames.snapshot).get(recordKeys.snapshotMeta)),
    track(transaction.objectStore(storeNames.entries).openKeyCursor(null, 'prev')),
  ]);
  const hardState = readHardState(hardStateValue);
  // The bytes are checked on load; here only where the log starts matters.
  const snapshot = readSnapshot(metaValue, new Uint8Array(0));
  const lastKey = lastCursor?.key ?? snapshot.index;
  return { snapshotIndex: snapshot.index, snapshotTerm: snapshot.term, lastIndex: Math.max(lastKey, snapshot.index), commitIndex: hardState.commitIndex };
}

async function readTerm(transaction: RaftTransaction, track: Track, index: number): Promise<number | undefined> {
  const value: unknown = await track(transaction.objectStore(storeNames.entries).get(index));
  if (typeof value !== 'object' || value === null) return undefined;
  const term: unknown = (value as { term?: unknown }).term;
  return typeof term === 'number' ? term : undefined;
}

function writeSnapshot(transaction: RaftTransaction, track: Track, snapshot: Snapshot): void {
  const snapshots = transaction.objectStore(storeNames.snapshot);
  track(snapshots.put(snapshotMetaRecord(snapshot), recordKeys.snapshotMeta));
  track(snapshots.put(ownBytes(snapshot.data), recordKeys.snapshotData));
}
