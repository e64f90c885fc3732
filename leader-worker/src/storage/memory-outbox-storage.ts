// OutboxStorage in memory for the simulator and tests, with the IndexedDB outbox's semantics (the same store
// and key order, the same duplicate rule) and the disk's crash behaviour.
import { assert } from '../invariants/assert.js';
import { MemoryDisk, type MemoryTransaction } from './memory-disk.js';
import type { OutboxItem, OutboxStorage } from './outbox-storage.js';
import { storageError } from './storage-errors.js';
import { outboxRecord, readOutboxItem, sameOutboxItem, storeNames } from './stored-records.js';

export class MemoryOutboxStorage implements OutboxStorage {
  private readonly generation: number;
  private closed = false;

  /** A view of `disk` as the device runs now; share the disk with the device's MemoryRaftStorage. */
  constructor(readonly disk: MemoryDisk = new MemoryDisk()) {
    this.generation = disk.generation;
  }

  /** The device loses power now (every view on the disk dies); returns the outbox a restarted device reads. */
  crash(): MemoryOutboxStorage {
    this.disk.crash();
    return new MemoryOutboxStorage(this.disk);
  }

  add(item: OutboxItem): Promise<void> {
    const record = outboxRecord(item);
    return this.transact('saving to the outbox', (transaction) => {
      const stored = transaction.get(storeNames.outbox, [record.clientId, record.sequence]);
      if (stored !== undefined) {
        assert(sameOutboxItem(readOutboxItem(stored), record), `outbox: ${record.clientId}/${record.sequence} already holds a different command`);
        return;
      }
      transaction.put(storeNames.outbox, [record.clientId, record.sequence], record);
    });
  }

  list(): Promise<OutboxItem[]> {
    return this.transact('reading the outbox', (transaction) =>
      transaction.all(storeNames.outbox).map(({ value }) => readOutboxItem(value)));
  }

  remove(items: readonly Pick<OutboxItem, 'clientId' | 'sequence'>[]): Promise<void> {
    return this.transact('removing from the outbox', (transaction) => {
      for (const { clientId, sequence } of items) transaction.delete(storeNames.outbox, [clientId, sequence]);
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
