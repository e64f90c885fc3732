// The IndexedDB storages as contract subjects, with faults injected through the browser's own prototypes
// (so the same code works on fake-indexeddb in Node and on real IndexedDB in Chromium): a put that throws
// QuotaExceededError, a transaction aborted part-way (the nearest a test can come to pulling the power).
import { deleteDB, openDB } from 'idb';
import { IndexedDbOutboxStorage } from '../../src/storage/indexeddb-outbox-storage.js';
import { IndexedDbRaftStorage } from '../../src/storage/indexeddb-raft-storage.js';
import { recordKeys, storeNames } from '../../src/storage/stored-records.js';
import type { OutboxStorageSubject } from './outbox-storage-contract.js';
import type { RaftStorageSubject } from './raft-storage-contract.js';
import { uniqueDatabaseName } from './storage-test-kit.js';

type PutFault = 'none' | 'quotaAfterFirstPut' | 'quotaOnEveryPut' | 'abortAfterFirstPut';

/** Faults on IDBObjectStore.prototype.put for the current spec (Jasmine removes the spy after it). */
export class PutFaults {
  private fault: PutFault = 'none';
  private putsSinceSet = 0;
  private installed = false;

  set(fault: PutFault): void {
    this.install();
    this.fault = fault;
    this.putsSinceSet = 0;
  }

  private install(): void {
    if (this.installed) return;
    this.installed = true;
    const originalPut = IDBObjectStore.prototype.put;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the spy's `this` is the object store
    const faults = this;
    spyOn(IDBObjectStore.prototype, 'put').and.callFake(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      faults.putsSinceSet++;
      if ((faults.fault === 'quotaAfterFirstPut' && faults.putsSinceSet > 1) || faults.fault === 'quotaOnEveryPut') {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      const request = originalPut.call(this, value, key);
      if (faults.fault === 'abortAfterFirstPut') {
        faults.fault = 'none';
        this.transaction.abort();
      }
      return request;
    });
  }
}

async function withRawDatabase(databaseName: string, work: (database: Awaited<ReturnType<typeof openDB>>) => Promise<unknown>): Promise<void> {
  const database = await openDB(databaseName);
  try {
    await work(database);
  } finally {
    database.close();
  }
}

export function indexedDbRaftSubject(): RaftStorageSubject {
  const databaseName = uniqueDatabaseName('raft');
  const opened: IndexedDbRaftStorage[] = [];
  const faults = new PutFaults();
  const open = async (): Promise<IndexedDbRaftStorage> => {
    const storage = await IndexedDbRaftStorage.open({ databaseName });
    opened.push(storage);
    return storage;
  };
  return {
    open,
    restart: async (storage) => {
      await storage.close();
      return open();
    },
    setDiskFull: (full) => faults.set(full ? 'quotaAfterFirstPut' : 'none'),
    persistInterrupted: (storage, batch) => {
      faults.set('abortAfterFirstPut');
      return storage.persist(batch);
    },
    writeRawEntry: (value) => withRawDatabase(databaseName, (database) => database.put(storeNames.entries, value)),
    deleteRawEntry: (index) => withRawDatabase(databaseName, (database) => database.delete(storeNames.entries, index)),
    writeRawHardState: (value) => withRawDatabase(databaseName, (database) => database.put(storeNames.hardState, value, recordKeys.hardState)),
    deleteRawSnapshot: () => withRawDatabase(databaseName, async (database) => {
      await database.delete(storeNames.snapshot, recordKeys.snapshotMeta);
      await database.delete(storeNames.snapshot, recordKeys.snapshotData);
    }),
    dispose: async () => {
      for (const storage of opened) await storage.close();
      await deleteDB(databaseName);
    },
  };
}

export function indexedDbOutboxSubject(): OutboxStorageSubject {
  const databaseName = uniqueDatabaseName('outbox');
  const opened: IndexedDbOutboxStorage[] = [];
  const open = async (): Promise<IndexedDbOutboxStorage> => {
    const outbox = await IndexedDbOutboxStorage.open({ databaseName });
    opened.push(outbox);
    return outbox;
  };
  return {
    open,
    restart: async (outbox) => {
      await (outbox as IndexedDbOutboxStorage).close();
      return open();
    },
    writeRawItem: (value) => withRawDatabase(databaseName, (database) => database.put(storeNames.outbox, value)),
    dispose: async () => {
      for (const outbox of opened) await outbox.close();
      await deleteDB(databaseName);
    },
  };
}
