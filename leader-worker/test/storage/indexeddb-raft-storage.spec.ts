// IndexedDbRaftStorage: the shared contract, then what only a browser database has — durability 'strict'
// on every write, one transaction per persist, quota reported at commit, other tabs upgrading the database.
// Runs in Node (fake-indexeddb, installed by test/node-helpers) and in Chromium.
import { deleteDB, openDB } from 'idb';
import { schemaVersion } from '../../src/storage/device-database.js';
import { IndexedDbRaftStorage } from '../../src/storage/indexeddb-raft-storage.js';
import type { StorageError } from '../../src/storage/raft-storage.js';
import { indexedDbRaftSubject } from './indexeddb-subjects.js';
import { describeRaftStorageContract } from './raft-storage-contract.js';
import { commands, expectStorageFailure, foundingState, hardState, snapshot, uniqueDatabaseName } from './storage-test-kit.js';

describeRaftStorageContract('IndexedDB', indexedDbRaftSubject);

describe('storage: IndexedDbRaftStorage in the browser database', () => {
  let databaseName: string;
  let storage: IndexedDbRaftStorage | null;

  beforeEach(() => {
    databaseName = uniqueDatabaseName('raft-browser');
    storage = null;
  });

  afterEach(async () => {
    await storage?.close();
    await deleteDB(databaseName);
  });

  async function openLoaded(onUnavailable?: (error: StorageError) => void): Promise<IndexedDbRaftStorage> {
    storage = await IndexedDbRaftStorage.open(onUnavailable === undefined ? { databaseName } : { databaseName, onUnavailable });
    await storage.load(foundingState());
    return storage;
  }

  it('opens every write transaction with durability "strict", one per persist and per compact', async () => {
    const transaction = spyOn(IDBDatabase.prototype, 'transaction').and.callThrough();
    const opened = await openLoaded();
    await opened.persist({ hardState: hardState(2, 5), snapshot: null, entries: commands(4, 13, 2) });
    await opened.persist({ hardState: hardState(3, 30), snapshot: snapshot(30, 3), entries: commands(31, 32, 3) });
    await opened.compact(snapshot(31, 3));
    const writes = transaction.calls.allArgs().filter((args) => args[1] === 'readwrite');
    expect(writes.length).toBe(4); // load (adopting the initial state), two persists, one compact
    for (const args of writes) expect(args[2]).toEqual({ durability: 'strict' });
  });

  it('reports a quota error the browser raises when the transaction aborts at commit as "full"', async () => {
    const opened = await openLoaded();
    const originalTransaction = IDBDatabase.prototype.transaction;
    const originalPut = IDBObjectStore.prototype.put;
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    // As Chrome does when the disk fills at commit: the transaction aborts with its error set to the quota error.
    spyOn(IDBDatabase.prototype, 'transaction').and.callFake(function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      const created = originalTransaction.apply(this, args);
      Object.defineProperty(created, 'error', { get: () => quota });
      return created;
    });
    spyOn(IDBObjectStore.prototype, 'put').and.callFake(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const request = originalPut.call(this, value, key);
      this.transaction.abort();
      return request;
    });
    const error = await expectStorageFailure(opened.persist({ hardState: hardState(2, 5), snapshot: null, entries: commands(4, 6, 2) }), 'full');
    expect(error.cause).toBe(quota);
  });

  it('closes and reports "unavailable" when another tab upgrades the database, without blocking it', async () => {
    const lost: StorageError[] = [];
    const opened = await openLoaded((error) => lost.push(error));
    const upgraded = await openDB(databaseName, schemaVersion + 1);
    upgraded.close();
    expect(lost.length).toBe(1);
    expect(lost[0]?.failure).toBe('unavailable');
    await expectStorageFailure(opened.persist({ hardState: hardState(2, 4), snapshot: null, entries: commands(4, 4, 2) }), 'unavailable');
  });

  it('reports "unavailable" when the database was made by a newer version of Clinic Mesh', async () => {
    (await openDB(databaseName, 9)).close();
    await expectStorageFailure(IndexedDbRaftStorage.open({ databaseName }), 'unavailable');
  });

  it('reports "corrupt" when a database of that name lacks the device stores', async () => {
    (await openDB(databaseName, 1)).close();
    await expectStorageFailure(IndexedDbRaftStorage.open({ databaseName }), 'corrupt');
  });
});
