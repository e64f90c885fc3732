// IndexedDbOutboxStorage: the shared contract, strict durability, and living beside the Raft storage in the
// device's one database. Runs in Node (fake-indexeddb) and in Chromium.
import { deleteDB } from 'idb';
import { IndexedDbOutboxStorage } from '../../src/storage/indexeddb-outbox-storage.js';
import { IndexedDbRaftStorage } from '../../src/storage/indexeddb-raft-storage.js';
import { indexedDbOutboxSubject } from './indexeddb-subjects.js';
import { describeOutboxStorageContract } from './outbox-storage-contract.js';
import { bytes, commands, foundingState, hardState, uniqueDatabaseName } from './storage-test-kit.js';

describeOutboxStorageContract('IndexedDB', indexedDbOutboxSubject);

describe('storage: IndexedDbOutboxStorage in the browser database', () => {
  let databaseName: string;

  beforeEach(() => {
    databaseName = uniqueDatabaseName('outbox-browser');
  });

  afterEach(async () => {
    await deleteDB(databaseName);
  });

  it('opens every write transaction with durability "strict"', async () => {
    const transaction = spyOn(IDBDatabase.prototype, 'transaction').and.callThrough();
    const outbox = await IndexedDbOutboxStorage.open({ databaseName });
    await outbox.add({ clientId: 'tablet-1', sequence: 1, command: bytes('vitals'), savedAtMs: 1 });
    await outbox.remove([{ clientId: 'tablet-1', sequence: 1 }]);
    await outbox.close();
    const writes = transaction.calls.allArgs().filter((args) => args[1] === 'readwrite');
    expect(writes.length).toBe(2);
    for (const args of writes) expect(args[2]).toEqual({ durability: 'strict' });
  });

  it('shares the device database with the Raft storage, each keeping its own records', async () => {
    const unavailable = jasmine.createSpy('onUnavailable');
    const raft = await IndexedDbRaftStorage.open({ databaseName, onUnavailable: unavailable });
    const outbox = await IndexedDbOutboxStorage.open({ databaseName, onUnavailable: unavailable });
    await raft.load(foundingState());
    await outbox.add({ clientId: 'tablet-1', sequence: 1, command: bytes('note'), savedAtMs: 1 });
    await raft.persist({ hardState: hardState(1, 4), snapshot: null, entries: commands(4, 4, 1) });
    expect((await outbox.list()).length).toBe(1);
    expect((await raft.load(foundingState())).entries.length).toBe(4);
    expect(unavailable).not.toHaveBeenCalled();
    await raft.close();
    await outbox.close();
  });
});
