// MemoryStorageReserve: the shared reserve contract, and the space it gives back on a full disk.
import { MemoryDisk } from '../../src/storage/memory-disk.js';
import { MemoryOutboxStorage } from '../../src/storage/memory-outbox-storage.js';
import { MemoryStorageReserve } from '../../src/storage/memory-storage-reserve.js';
import { describeStorageReserveContract } from './storage-reserve-contract.js';
import { bytes, expectStorageFailure } from './storage-test-kit.js';

describeStorageReserveContract('memory', () => {
  const disk = new MemoryDisk();
  return {
    open: async () => new MemoryStorageReserve(disk),
    restart: async () => {
      disk.crash();
      return new MemoryStorageReserve(disk);
    },
    setDiskFull: (full) => disk.setCapacityBytes(full ? disk.usedBytes() : null),
    dispose: async () => undefined,
  };
});

describe('storage: MemoryStorageReserve on a full disk', () => {
  it('counts against the disk, and releasing it makes room for a write that failed for lack of space', async () => {
    const disk = new MemoryDisk();
    const reserve = new MemoryStorageReserve(disk, 4096);
    const outbox = new MemoryOutboxStorage(disk);
    await reserve.hold();
    expect(disk.usedBytes()).toBeGreaterThanOrEqual(4096);
    disk.setCapacityBytes(disk.usedBytes());
    const item = { clientId: 'pharmacy', sequence: 1, command: bytes('dispensed 20 tablets'), savedAtMs: 1 };
    await expectStorageFailure(outbox.add(item), 'full');
    expect(await reserve.release()).toBeTrue();
    await outbox.add(item);
    expect((await outbox.list()).map((listed) => listed.sequence)).toEqual([1]);
  });
});
