// The storage reserve on a memory disk, for the simulator and tests: its block counts against the disk's
// capacity like any record, so a full disk is relieved by releasing it exactly as a device's would be.
import type { MemoryDisk } from './memory-disk.js';
import { StorageError } from './raft-storage.js';
import { reserveBlock, storageReserveBytes, type StorageReserve } from './storage-reserve.js';
import { recordKeys, storeNames } from './stored-records.js';

export class MemoryStorageReserve implements StorageReserve {
  private readonly generation: number;

  /** A view of `disk` as the device runs now, beside its Raft and outbox storages. */
  constructor(private readonly disk: MemoryDisk, private readonly bytes: number = storageReserveBytes) {
    this.generation = disk.generation;
  }

  async hold(): Promise<boolean> {
    try {
      return await this.disk.transact(this.generation, 'holding the storage reserve', (transaction) => {
        if (transaction.get(storeNames.reserve, recordKeys.reserveBlock) === undefined) {
          transaction.put(storeNames.reserve, recordKeys.reserveBlock, reserveBlock(this.bytes));
        }
        return true;
      });
    } catch (error) {
      if (error instanceof StorageError && error.failure === 'full') return false;
      throw error;
    }
  }

  release(): Promise<boolean> {
    return this.disk.transact(this.generation, 'releasing the storage reserve', (transaction) => {
      if (transaction.get(storeNames.reserve, recordKeys.reserveBlock) === undefined) return false;
      transaction.delete(storeNames.reserve, recordKeys.reserveBlock);
      return true;
    });
  }

  async close(): Promise<void> {}
}
