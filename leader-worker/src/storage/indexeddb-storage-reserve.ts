// The storage reserve on a device: one block in the reserve store of the device's database.
import { DeviceDatabase, type DeviceDatabaseOptions } from './device-database.js';
import { StorageError } from './raft-storage.js';
import { reserveBlock, storageReserveBytes, type StorageReserve } from './storage-reserve.js';
import { recordKeys, storeNames } from './stored-records.js';

const reserveStores: ['reserve'] = [storeNames.reserve];

export class IndexedDbStorageReserve implements StorageReserve {
  private constructor(private readonly database: DeviceDatabase, private readonly bytes: number) {}

  static async open(options: DeviceDatabaseOptions, bytes: number = storageReserveBytes): Promise<IndexedDbStorageReserve> {
    return new IndexedDbStorageReserve(await DeviceDatabase.open(options), bytes);
  }

  async hold(): Promise<boolean> {
    try {
      await this.database.write(reserveStores, 'holding the storage reserve', async (transaction, track) => {
        const store = transaction.objectStore(storeNames.reserve);
        if ((await track(store.getKey(recordKeys.reserveBlock))) === undefined) track(store.put(reserveBlock(this.bytes), recordKeys.reserveBlock));
      });
      return true;
    } catch (error) {
      if (error instanceof StorageError && error.failure === 'full') return false;
      throw error;
    }
  }

  release(): Promise<boolean> {
    return this.database.write(reserveStores, 'releasing the storage reserve', async (transaction, track) => {
      const store = transaction.objectStore(storeNames.reserve);
      if ((await track(store.getKey(recordKeys.reserveBlock))) === undefined) return false;
      track(store.delete(recordKeys.reserveBlock));
      return true;
    });
  }

  async close(): Promise<void> {
    this.database.close();
  }
}
