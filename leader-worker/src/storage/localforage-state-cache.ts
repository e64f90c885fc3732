// The applied chart state cache on a device, through localforage.
//
// localforage is fine here and only here: it opens one transaction per setItem with the browser's default
// durability ('relaxed' in Chrome: lost on power loss) and offers no way to ask for 'strict'. For a cache that
// is harmless: the Raft log (strict, in the device database) is the truth, and a lost, stale or damaged cache
// costs a replay of the log from its snapshot, never a record. So a cache that reads back wrong is dropped
// (load returns null), never reported as corrupt. Never keep anything here that exists nowhere else.
//
// It uses its own database: localforage upgrades the version of a database whose store it does not find,
// which in the device database would close the Raft storage's connection (versionchange).
import localforage from 'localforage';
import type { CachedState, StateCache } from './state-cache.js';
import { toStorageError } from './storage-errors.js';
import { isBytes, ownBytes } from './stored-records.js';

const cacheKey = 'applied-state';

export class LocalforageStateCache implements StateCache {
  private readonly store: LocalForage;

  /** @param databaseName the device database's name; the cache lives in "<name>/applied-state-cache". */
  constructor(databaseName: string) {
    // IndexedDB only: localforage's fallback, localStorage, does not exist in the Worker this runs in.
    this.store = localforage.createInstance({ name: `${databaseName}/applied-state-cache`, storeName: 'appliedState', driver: localforage.INDEXEDDB });
  }

  /** The cached state, or null when there is none or it does not read back as one. */
  async load(): Promise<CachedState | null> {
    const value = await this.run('reading the state cache', () => this.store.getItem<unknown>(cacheKey));
    if (typeof value !== 'object' || value === null) return null;
    const { appliedIndex, state } = value as { appliedIndex?: unknown; state?: unknown };
    const isIndex = typeof appliedIndex === 'number' && Number.isSafeInteger(appliedIndex) && appliedIndex >= 0;
    return isIndex && isBytes(state) ? { appliedIndex, state } : null;
  }

  async save(state: CachedState): Promise<void> {
    const record: CachedState = { appliedIndex: state.appliedIndex, state: ownBytes(state.state) };
    await this.run('saving the state cache', () => this.store.setItem(cacheKey, record));
  }

  async clear(): Promise<void> {
    await this.run('clearing the state cache', () => this.store.removeItem(cacheKey));
  }

  /** Failures map like the device database's ('full' on quota), so the driver can skip caching and go on. */
  private async run<Result>(action: string, operation: () => Promise<Result>): Promise<Result> {
    try {
      return await operation();
    } catch (error) {
      throw toStorageError(error, action);
    }
  }
}
