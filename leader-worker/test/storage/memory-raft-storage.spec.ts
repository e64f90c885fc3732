// MemoryRaftStorage: the shared contract (the same one IndexedDB passes), then the crash and capacity faults
// the simulator relies on.
import { MemoryDisk } from '../../src/storage/memory-disk.js';
import { MemoryOutboxStorage } from '../../src/storage/memory-outbox-storage.js';
import { MemoryRaftStorage } from '../../src/storage/memory-raft-storage.js';
import type { RaftStorage } from '../../src/storage/raft-storage.js';
import { recordKeys, storeNames } from '../../src/storage/stored-records.js';
import { describeRaftStorageContract, type RaftStorageSubject } from './raft-storage-contract.js';
import { bytes, command, commands, expectStorageFailure, foundingState, hardState } from './storage-test-kit.js';

function memoryRaftSubject(): RaftStorageSubject {
  const disk = new MemoryDisk();
  const restart = (): RaftStorage => {
    disk.crash();
    return new MemoryRaftStorage(disk);
  };
  return {
    open: async () => new MemoryRaftStorage(disk),
    restart: async () => restart(),
    setDiskFull: (full) => disk.setCapacityBytes(full ? disk.usedBytes() : null),
    persistInterrupted: (storage, batch) => {
      const persisting = storage.persist(batch);
      restart();
      return persisting;
    },
    writeRawEntry: async (value) => disk.writeRecord(storeNames.entries, (value as { index: number }).index, value),
    deleteRawEntry: async (index) => disk.deleteRecord(storeNames.entries, index),
    writeRawHardState: async (value) => disk.writeRecord(storeNames.hardState, recordKeys.hardState, value),
    deleteRawSnapshot: async () => {
      disk.deleteRecord(storeNames.snapshot, recordKeys.snapshotMeta);
      disk.deleteRecord(storeNames.snapshot, recordKeys.snapshotData);
    },
    dispose: async () => undefined,
  };
}

describeRaftStorageContract('memory', memoryRaftSubject);

describe('storage: MemoryRaftStorage crash and capacity faults', () => {
  it('a persist in flight when the device crashes is not stored, and its promise rejects', async () => {
    const storage = new MemoryRaftStorage();
    await storage.load(foundingState());
    const persisting = storage.persist({ hardState: hardState(1, 4), snapshot: null, entries: [command(4, 1)] });
    const restarted = storage.crash();
    await expectStorageFailure(persisting, 'unavailable');
    expect(await restarted.load(foundingState())).toEqual(foundingState());
  });

  it('a crash kills every view of the disk, the outbox too, as a power loss kills the whole device', async () => {
    const disk = new MemoryDisk();
    const storage = new MemoryRaftStorage(disk);
    const outbox = new MemoryOutboxStorage(disk);
    await storage.load(foundingState());
    storage.crash();
    await expectStorageFailure(outbox.add({ clientId: 'tablet-1', sequence: 1, command: bytes('x'), savedAtMs: 0 }), 'unavailable');
    await expectStorageFailure(storage.persist({ hardState: null, snapshot: null, entries: [command(4, 1)] }), 'unavailable');
  });

  it('is "full" once a write would pass the capacity, and a write that frees space still goes through', async () => {
    const disk = new MemoryDisk();
    const storage = new MemoryRaftStorage(disk);
    await storage.load(foundingState());
    await storage.persist({ hardState: null, snapshot: null, entries: commands(4, 10, 1) });
    disk.setCapacityBytes(disk.usedBytes() + 200);
    await storage.persist({ hardState: null, snapshot: null, entries: [command(11, 1)] });
    const error = await expectStorageFailure(storage.persist({ hardState: null, snapshot: null, entries: commands(12, 40, 1) }), 'full');
    expect(error.message).toContain('QuotaExceededError');
    await storage.persist({ hardState: hardState(2, 3), snapshot: null, entries: [command(4, 2)] });
    expect((await storage.crash().load(foundingState())).entries.map((entry) => entry.index)).toEqual([1, 2, 3, 4]);
  });

  it('hands out copies: changing what was persisted or loaded does not change the disk', async () => {
    const storage = new MemoryRaftStorage();
    await storage.load(foundingState());
    const entry = command(4, 1, 'dose 5 ml');
    await storage.persist({ hardState: null, snapshot: null, entries: [entry] });
    if (entry.type === 'command') entry.data.fill(0);
    const loaded = await storage.crash().load(foundingState());
    const stored = loaded.entries[3];
    expect(stored?.type === 'command' ? stored.data : null).toEqual(bytes('dose 5 ml'));
  });
});
