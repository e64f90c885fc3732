// The one contract every OutboxStorage passes (memory, IndexedDB): durable, ordered per client, removed only
// when told, and a retried add is harmless.
import { InvariantViolation } from '../../src/invariants/assert.js';
import type { OutboxItem, OutboxStorage } from '../../src/storage/outbox-storage.js';
import { bytes, expectStorageFailure } from './storage-test-kit.js';

export interface OutboxStorageSubject {
  /** The outbox over this device's durable data (an empty one on the first call). */
  open(): Promise<OutboxStorage>;
  /** Ends `outbox` as a power loss would and returns the outbox over what is durable. */
  restart(outbox: OutboxStorage): Promise<OutboxStorage>;
  /** Damage, written around every check. */
  writeRawItem(value: unknown): Promise<void>;
  dispose(): Promise<void>;
}

function item(clientId: string, sequence: number, text = `${clientId} #${sequence}`): OutboxItem {
  return { clientId, sequence, command: bytes(text), savedAtMs: 1_700_000_000_000 + sequence };
}

export function describeOutboxStorageContract(implementation: string, createSubject: () => OutboxStorageSubject): void {
  describe(`storage: OutboxStorage contract (${implementation})`, () => {
    let subject: OutboxStorageSubject;
    let outbox: OutboxStorage;

    beforeEach(async () => {
      subject = createSubject();
      outbox = await subject.open();
    });

    afterEach(async () => {
      await subject.dispose();
    });

    it('starts empty', async () => {
      expect(await outbox.list()).toEqual([]);
    });

    it('lists items in sequence order per client, whatever order they were added in', async () => {
      for (const added of [item('tablet-2', 10), item('tablet-1', 3), item('tablet-2', 9), item('tablet-1', 1), item('tablet-1', 2)]) {
        await outbox.add(added);
      }
      expect(await outbox.list()).toEqual([item('tablet-1', 1), item('tablet-1', 2), item('tablet-1', 3), item('tablet-2', 9), item('tablet-2', 10)]);
    });

    it('orders sequences as numbers, not as text', async () => {
      await outbox.add(item('tablet-1', 10));
      await outbox.add(item('tablet-1', 9));
      expect((await outbox.list()).map((listed) => listed.sequence)).toEqual([9, 10]);
    });

    it('keeps what was added through a restart', async () => {
      await outbox.add(item('tablet-1', 1, 'prescription: amoxicillin 500 mg'));
      await outbox.add(item('tablet-1', 2));
      outbox = await subject.restart(outbox);
      expect(await outbox.list()).toEqual([item('tablet-1', 1, 'prescription: amoxicillin 500 mg'), item('tablet-1', 2)]);
    });

    it('removes the given items, ignores unknown ones, and the removal is durable', async () => {
      for (const sequence of [1, 2, 3]) await outbox.add(item('tablet-1', sequence));
      await outbox.remove([{ clientId: 'tablet-1', sequence: 1 }, { clientId: 'tablet-1', sequence: 3 }, { clientId: 'tablet-7', sequence: 1 }]);
      expect(await outbox.list()).toEqual([item('tablet-1', 2)]);
      outbox = await subject.restart(outbox);
      expect(await outbox.list()).toEqual([item('tablet-1', 2)]);
    });

    it('treats adding the same item again as done (a retry after a crash)', async () => {
      await outbox.add(item('tablet-1', 1));
      await outbox.add(item('tablet-1', 1));
      expect(await outbox.list()).toEqual([item('tablet-1', 1)]);
    });

    it('refuses a different command under a sequence already used, keeping the first', async () => {
      await outbox.add(item('tablet-1', 1, 'allergy: penicillin'));
      await expectAsync(outbox.add(item('tablet-1', 1, 'allergy: none'))).toBeRejectedWithError(InvariantViolation);
      expect(await outbox.list()).toEqual([item('tablet-1', 1, 'allergy: penicillin')]);
    });

    it('stores only the bytes of a command, not the whole buffer it is a view of', async () => {
      const message = bytes('....weight 61 kg....');
      await outbox.add({ clientId: 'tablet-1', sequence: 1, command: message.subarray(4, 16), savedAtMs: 5 });
      const [listed] = await outbox.list();
      expect(listed?.command).toEqual(bytes('weight 61 kg'));
      expect(listed?.command.buffer.byteLength).toBe(12);
    });

    it('reports a damaged item as corrupt', async () => {
      await outbox.add(item('tablet-1', 1));
      await subject.writeRawItem({ clientId: 'tablet-1', sequence: 2, command: 'not bytes', savedAtMs: 0 });
      await expectStorageFailure(outbox.list(), 'corrupt');
    });
  });
}
