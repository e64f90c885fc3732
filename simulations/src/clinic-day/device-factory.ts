// How a simulated device gets its storage: the real memory storages of leader-worker on the device's disk.
// Tests inject broken variants here (an outbox that forgets, a log that acknowledges before it persists) to
// prove the checkers catch them; nothing broken lives in leader-worker.
import type { MemoryDisk } from '../../../leader-worker/src/storage/memory-disk.js';
import { MemoryOutboxStorage } from '../../../leader-worker/src/storage/memory-outbox-storage.js';
import { MemoryRaftStorage } from '../../../leader-worker/src/storage/memory-raft-storage.js';
import type { OutboxStorage } from '../../../leader-worker/src/storage/outbox-storage.js';
import { MemoryStorageReserve } from '../../../leader-worker/src/storage/memory-storage-reserve.js';
import type { RaftStorage } from '../../../leader-worker/src/storage/raft-storage.js';
import type { StorageReserve } from '../../../leader-worker/src/storage/storage-reserve.js';

export interface DeviceStorage {
  readonly raftStorage: RaftStorage;
  readonly outboxStorage: OutboxStorage;
  readonly storageReserve: StorageReserve;
}

/** Called at every start of a device's process with the disk that survives its crashes. */
export type DeviceStorageFactory = (disk: MemoryDisk) => DeviceStorage;

export const memoryDeviceStorage: DeviceStorageFactory = (disk) => ({
  raftStorage: new MemoryRaftStorage(disk),
  outboxStorage: new MemoryOutboxStorage(disk),
  storageReserve: new MemoryStorageReserve(disk),
});
