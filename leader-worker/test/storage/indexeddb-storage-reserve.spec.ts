// IndexedDbStorageReserve: the shared contract, and the schema upgrade that brings its store to a device
// database created before it existed. Runs in Node (fake-indexeddb) and in Chromium.
import { deleteDB, openDB } from 'idb';
import { IndexedDbOutboxStorage } from '../../src/storage/indexeddb-outbox-storage.js';
import { IndexedDbStorageReserve } from '../../src/storage/indexeddb-storage-reserve.js';
import { outboxRecord, storeNames } from '../../src/storage/stored-records.js';
import { PutFaults } from './indexeddb-subjects.js';
import { describeStorageReserveContract } from './storage-reserve-contract.js';
import { bytes, uniqueDatabaseName } from './storage-test-kit.js';

describeStorageReserveContract('IndexedDB', () => {
  const databaseName = uniqueDatabaseName('reserve');
  const faults = new PutFaults();
  return {
    open: () => IndexedDbStorageReserve.open({ databaseName }),
    restart: async (reserve) => {
      await reserve.close();
      return IndexedDbStorageReserve.open({ databaseName });
    },
    setDiskFull: (full) => faults.set(full ? 'quotaOnEveryPut' : 'none'),
    dispose: () => deleteDB(databaseName),
  };
});

describe('storage: IndexedDbStorageReserve in a database from before the reserve', () => {
  it('upgrades a version 1 device database without touching its records, then holds the reserve', async () => {
    const databaseName = uniqueDatabaseName('reserve-upgrade');
    const pending = { clientId: 'triage', sequence: 4, command: bytes('temperature 38.9'), savedAtMs: 7 };
    const version1 = await openDB(databaseName, 1, {
      upgrade(database) {
        database.createObjectStore(storeNames.hardState);
        database.createObjectStore(storeNames.snapshot);
        database.createObjectStore(storeNames.entries, { keyPath: 'index' });
        database.createObjectStore(storeNames.outbox, { keyPath: ['clientId', 'sequence'] });
      },
    });
    await version1.put(storeNames.outbox, outboxRecord(pending));
    version1.close();

    const reserve = await IndexedDbStorageReserve.open({ databaseName });
    expect(await reserve.hold()).toBeTrue();
    const outbox = await IndexedDbOutboxStorage.open({ databaseName });
    expect(await outbox.list()).toEqual([pending]);
    await outbox.close();
    await reserve.close();
    await deleteDB(databaseName);
  });
});
