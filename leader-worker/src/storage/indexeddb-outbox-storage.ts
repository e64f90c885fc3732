// OutboxStorage on a device: the outbox store of the device's database, keyed by [clientId, sequence], so
// IndexedDB's key order is the order items must be proposed in. Every change is one strict transaction.
import { assert } from '../invariants/assert.js';
import { DeviceDatabase, type DeviceDatabaseOptions } from './device-database.js';
import type { OutboxItem, OutboxStorage } from './outbox-storage.js';
import { outboxRecord, readOutboxItem, sameOutboxItem, storeNames } from './stored-records.js';

const outboxStores: ['outbox'] = [storeNames.outbox];

export class IndexedDbOutboxStorage implements OutboxStorage {
  private constructor(private readonly database: DeviceDatabase) {}

  /** Opens the device's database (its own connection; the Raft storage may hold another). */
  static async open(options: DeviceDatabaseOptions): Promise<IndexedDbOutboxStorage> {
    return new IndexedDbOutboxStorage(await DeviceDatabase.open(options));
  }

  /**
   * Adding an item already stored is a no-op (a retry after a crash). Two different commands under one
   * (clientId, sequence) is a bug that would lose one of them: it throws InvariantViolation.
   */
  add(item: OutboxItem): Promise<void> {
    const record = outboxRecord(item);
    return this.database.write(outboxStores, 'saving to the outbox', async (transaction, track) => {
      const store = transaction.objectStore(storeNames.outbox);
      const stored: unknown = await track(store.get([record.clientId, record.sequence]));
      if (stored !== undefined) {
        assert(sameOutboxItem(readOutboxItem(stored), record), `outbox: ${record.clientId}/${record.sequence} already holds a different command`);
        return;
      }
      track(store.put(record));
    });
  }

  list(): Promise<OutboxItem[]> {
    return this.database.read(outboxStores, 'reading the outbox', async (transaction, track) => {
      const values = await track(transaction.objectStore(storeNames.outbox).getAll());
      return values.map(readOutboxItem);
    });
  }

  remove(items: readonly Pick<OutboxItem, 'clientId' | 'sequence'>[]): Promise<void> {
    return this.database.write(outboxStores, 'removing from the outbox', async (transaction, track) => {
      const store = transaction.objectStore(storeNames.outbox);
      for (const { clientId, sequence } of items) track(store.delete([clientId, sequence]));
    });
  }

  async close(): Promise<void> {
    this.database.close();
  }
}
