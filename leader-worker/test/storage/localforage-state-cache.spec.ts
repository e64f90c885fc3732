// LocalforageStateCache: the shared cache contract, a damaged cache read as no cache, and a cache that
// never disturbs the device database. Runs in Node (fake-indexeddb) and in Chromium.
import { deleteDB, openDB } from 'idb';
import localforage from 'localforage';
import { schemaVersion } from '../../src/storage/device-database.js';
import { IndexedDbRaftStorage } from '../../src/storage/indexeddb-raft-storage.js';
import { LocalforageStateCache } from '../../src/storage/localforage-state-cache.js';
import { describeStateCacheContract } from './state-cache-contract.js';
import { bytes, commands, foundingState, hardState, uniqueDatabaseName } from './storage-test-kit.js';

/** Where the cache keeps its data: its own database, beside the device database. */
const cacheDatabaseOf = (databaseName: string): string => `${databaseName}/applied-state-cache`;

describeStateCacheContract('localforage', () => {
  const databaseName = uniqueDatabaseName('cache');
  return {
    open: () => new LocalforageStateCache(databaseName),
    dispose: () => deleteDB(cacheDatabaseOf(databaseName)),
  };
});

describe('storage: LocalforageStateCache on the device', () => {
  let databaseName: string;

  beforeEach(() => {
    databaseName = uniqueDatabaseName('cache-device');
  });

  afterEach(async () => {
    await deleteDB(cacheDatabaseOf(databaseName));
    await deleteDB(databaseName);
  });

  it('reads a damaged cache as no cache: losing it costs a replay, never a record', async () => {
    const raw = localforage.createInstance({ name: cacheDatabaseOf(databaseName), storeName: 'appliedState', driver: localforage.INDEXEDDB });
    await raw.setItem('applied-state', { appliedIndex: 'twelve', state: 'not bytes' });
    expect(await new LocalforageStateCache(databaseName).load()).toBeNull();
  });

  it('leaves the device database alone: its Raft connection is neither upgraded nor closed', async () => {
    const unavailable = jasmine.createSpy('onUnavailable');
    const raft = await IndexedDbRaftStorage.open({ databaseName, onUnavailable: unavailable });
    await raft.load(foundingState());
    const cache = new LocalforageStateCache(databaseName);
    await cache.save({ appliedIndex: 3, state: bytes('state at 3') });
    await raft.persist({ hardState: hardState(1, 4), snapshot: null, entries: commands(4, 4, 1) });
    expect(unavailable).not.toHaveBeenCalled();
    const device = await openDB(databaseName);
    expect(device.version).toBe(schemaVersion);
    device.close();
    await raft.close();
  });
});
