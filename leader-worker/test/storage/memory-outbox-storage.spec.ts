// MemoryOutboxStorage: the shared outbox contract, on a disk that crashes like a device's.
import { MemoryDisk } from '../../src/storage/memory-disk.js';
import { MemoryOutboxStorage } from '../../src/storage/memory-outbox-storage.js';
import { storeNames } from '../../src/storage/stored-records.js';
import { describeOutboxStorageContract, type OutboxStorageSubject } from './outbox-storage-contract.js';
import { bytes, expectStorageFailure } from './storage-test-kit.js';

function memoryOutboxSubject(): OutboxStorageSubject {
  const disk = new MemoryDisk();
  return {
    open: async () => new MemoryOutboxStorage(disk),
    restart: async () => {
      disk.crash();
      return new MemoryOutboxStorage(disk);
    },
    writeRawItem: async (value) => {
      const { clientId, sequence } = value as { clientId: string; sequence: number };
      disk.writeRecord(storeNames.outbox, [clientId, sequence], value);
    },
    dispose: async () => undefined,
  };
}

describeOutboxStorageContract('memory', memoryOutboxSubject);

describe('storage: MemoryOutboxStorage crash faults', () => {
  it('an add in flight when the device crashes is not stored', async () => {
    const outbox = new MemoryOutboxStorage();
    const adding = outbox.add({ clientId: 'tablet-1', sequence: 1, command: bytes('triage: urgent'), savedAtMs: 0 });
    const restarted = outbox.crash();
    await expectStorageFailure(adding, 'unavailable');
    expect(await restarted.list()).toEqual([]);
  });
});
