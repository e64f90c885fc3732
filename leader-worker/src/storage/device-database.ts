/// <reference lib="dom" />
// One device's IndexedDB database (through `idb`): its schema, one connection, and the two ways to use it.
// Every write transaction asks for durability 'strict' (Chrome's default, 'relaxed', may lose a committed
// transaction on power loss) and settles only on the transaction's own complete or abort event, so a
// caller is told "stored" only once the browser reports the whole transaction durable.
// The connection is given up, and every later call rejects with 'unavailable', when another tab upgrades
// the database (versionchange), when the browser closes it (site data cleared), or on close().
import { openDB, unwrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { OutboxItem } from './outbox-storage.js';
import type { StorageError } from './raft-storage.js';
import { explainingError, storageError, toStorageError } from './storage-errors.js';
import { storeNames } from './stored-records.js';

/** Bump with a migration step in `upgradeSchema` whenever the stores change. */
export const schemaVersion = 2;

/** How long an open may wait for another tab to release an older version before it reports 'unavailable'. */
export const openBlockedTimeoutMsDefault = 5_000;

/** Values are `unknown`: everything read is checked (stored-records.ts) before it is trusted. */
export interface DeviceSchema extends DBSchema {
  hardState: { key: string; value: unknown };
  snapshot: { key: string; value: unknown };
  entries: { key: number; value: unknown };
  outbox: { key: [OutboxItem['clientId'], OutboxItem['sequence']]; value: unknown };
  reserve: { key: string; value: unknown };
}

export type DeviceStoreName = StoreNames<DeviceSchema>;
export type WriteTransaction<Names extends DeviceStoreName[]> = IDBPTransaction<DeviceSchema, Names, 'readwrite'>;
export type ReadTransaction<Names extends DeviceStoreName[]> = IDBPTransaction<DeviceSchema, Names, 'readonly'>;

/**
 * Hands a request's promise back unchanged after marking its rejection handled: when a transaction aborts,
 * every request still pending rejects, and the transaction's outcome (not each request) is what we report.
 */
export type Track = <Result>(request: Promise<Result>) => Promise<Result>;

export interface DeviceDatabaseOptions {
  /** One database per device, e.g. "clinic-mesh/clinic-7/tablet-3". */
  readonly databaseName: string;
  /** Told once when the connection is lost under us (another tab upgraded, the browser closed it). */
  readonly onUnavailable?: (error: StorageError) => void;
  readonly openBlockedTimeoutMs?: number;
}

function upgradeSchema(database: IDBPDatabase<DeviceSchema>, oldVersion: number): void {
  if (oldVersion < 1) {
    database.createObjectStore(storeNames.hardState);
    database.createObjectStore(storeNames.snapshot);
    database.createObjectStore(storeNames.entries, { keyPath: 'index' });
    database.createObjectStore(storeNames.outbox, { keyPath: ['clientId', 'sequence'] });
  }
  if (oldVersion < 2) database.createObjectStore(storeNames.reserve);
}

/** Resolves with null when the transaction committed, else with the error it aborted with. */
function outcomeOf(transaction: IDBTransaction): Promise<unknown> {
  return new Promise((resolve) => {
    transaction.addEventListener('complete', () => resolve(null));
    transaction.addEventListener('abort', () => resolve(transaction.error ?? new DOMException('The transaction was aborted', 'AbortError')));
  });
}

const track: Track = (request) => {
  request.catch(() => undefined);
  return request;
};

export class DeviceDatabase {
  private lostError: StorageError | null = null;

  private constructor(
    private readonly connection: IDBPDatabase<DeviceSchema>,
    readonly name: string,
    private readonly onUnavailable: ((error: StorageError) => void) | undefined,
  ) {}

  /** Opens (creating or upgrading) the device's database. Rejects with StorageError('unavailable'). */
  static open(options: DeviceDatabaseOptions): Promise<DeviceDatabase> {
    const { databaseName, onUnavailable } = options;
    const blockedTimeoutMs = options.openBlockedTimeoutMs ?? openBlockedTimeoutMsDefault;
    if (typeof indexedDB === 'undefined') {
      return Promise.reject(storageError('unavailable', 'this browser context has no IndexedDB'));
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      let device: DeviceDatabase | null = null;
      let blockedTimer: ReturnType<typeof setTimeout> | undefined;
      const fail = (error: unknown): void => {
        clearTimeout(blockedTimer);
        if (settled) return;
        settled = true;
        reject(toStorageError(error, `opening the device database "${databaseName}"`));
      };
      openDB<DeviceSchema>(databaseName, schemaVersion, {
        upgrade: (database, oldVersion) => upgradeSchema(database, oldVersion),
        blocked: () => {
          blockedTimer ??= setTimeout(() => fail(storageError('unavailable',
            `opening "${databaseName}" is blocked by another Clinic Mesh tab on an older version; close the other tabs`)), blockedTimeoutMs);
        },
        blocking: () => device?.lose(`another tab is upgrading "${databaseName}"`),
        terminated: () => device?.lose(`the browser closed "${databaseName}" (site data cleared, or a storage failure)`),
      }).then((connection) => {
        clearTimeout(blockedTimer);
        if (settled) {
          connection.close(); // we gave up on this open while it was blocked: nobody will use it
          return;
        }
        const missing = Object.values(storeNames).filter((store) => !connection.objectStoreNames.contains(store));
        if (missing.length > 0) {
          connection.close();
          fail(storageError('corrupt', `"${databaseName}" has no object store ${missing.join(', ')}`));
          return;
        }
        settled = true;
        device = new DeviceDatabase(connection, databaseName, onUnavailable);
        resolve(device);
      }, fail);
    });
  }

  /** Closes the connection; later calls reject with 'unavailable'. Transactions already begun still finish. */
  close(): void {
    if (this.lostError !== null) return;
    this.lostError = storageError('unavailable', `"${this.name}" was closed`);
    this.connection.close();
  }

  /**
   * Runs `work` in ONE readwrite transaction with durability 'strict'. Resolves once the transaction has
   * committed; if `work` throws or the transaction aborts, nothing of it is stored and the promise rejects
   * with the StorageError (or InvariantViolation) that explains why. `work` must only await IndexedDB
   * requests (anything else lets the transaction commit early) and pass every request through `track`.
   */
  async write<Names extends DeviceStoreName[], Result>(
    stores: Names,
    action: string,
    work: (transaction: WriteTransaction<Names>, track: Track) => Promise<Result>,
  ): Promise<Result> {
    const transaction = this.begin(stores, 'readwrite', action);
    const outcome = outcomeOf(unwrap(transaction));
    let result: Result;
    try {
      result = await work(transaction, track);
    } catch (error) {
      try {
        transaction.abort();
      } catch {
        // Already finished or aborted by the browser: the outcome below says which.
      }
      throw toStorageError(explainingError(error, await outcome), action);
    }
    const failure = await outcome;
    if (failure !== null) throw toStorageError(explainingError(undefined, failure), action);
    return result;
  }

  /** Runs `work` in one readonly transaction. */
  async read<Names extends DeviceStoreName[], Result>(
    stores: Names,
    action: string,
    work: (transaction: ReadTransaction<Names>, track: Track) => Promise<Result>,
  ): Promise<Result> {
    const transaction = this.begin(stores, 'readonly', action);
    const outcome = outcomeOf(unwrap(transaction));
    try {
      return await work(transaction, track);
    } catch (error) {
      throw toStorageError(explainingError(error, await outcome), action);
    }
  }

  private begin<Names extends DeviceStoreName[], Mode extends IDBTransactionMode>(
    stores: Names,
    mode: Mode,
    action: string,
  ): IDBPTransaction<DeviceSchema, Names, Mode> {
    if (this.lostError !== null) throw this.lostError;
    let transaction: IDBPTransaction<DeviceSchema, Names, Mode>;
    try {
      transaction = mode === 'readwrite'
        ? this.connection.transaction(stores, mode, { durability: 'strict' })
        : this.connection.transaction(stores, mode);
    } catch (error) {
      throw toStorageError(error, action);
    }
    // idb makes a `done` promise for every transaction; we read the outcome from the events instead.
    transaction.done.catch(() => undefined);
    return transaction;
  }

  /** The connection is gone under us: close it so the other tab's upgrade can proceed, and say so once. */
  private lose(reason: string): void {
    if (this.lostError !== null) return;
    this.lostError = storageError('unavailable', reason);
    this.connection.close();
    this.onUnavailable?.(this.lostError);
  }
}
