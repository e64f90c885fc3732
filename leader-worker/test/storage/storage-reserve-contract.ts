// The one contract every StorageReserve passes (memory, IndexedDB): held once, released once, durable, and
// never an error for a disk with no room for it.
import type { StorageReserve } from '../../src/storage/storage-reserve.js';

export interface StorageReserveSubject {
  /** The reserve over this device's durable data. */
  open(): Promise<StorageReserve>;
  /** Ends `reserve` as a power loss would and returns the reserve over what is durable. */
  restart(reserve: StorageReserve): Promise<StorageReserve>;
  /** Every later write fails for lack of space (true), or has room again (false). */
  setDiskFull(full: boolean): void;
  dispose(): Promise<void>;
}

export function describeStorageReserveContract(implementation: string, createSubject: () => StorageReserveSubject): void {
  describe(`storage: StorageReserve contract (${implementation})`, () => {
    let subject: StorageReserveSubject;
    let reserve: StorageReserve;

    beforeEach(async () => {
      subject = createSubject();
      reserve = await subject.open();
    });

    afterEach(async () => {
      await reserve.close();
      await subject.dispose();
    });

    it('is released once after it is held, and there is nothing to release before', async () => {
      expect(await reserve.release()).toBeFalse();
      expect(await reserve.hold()).toBeTrue();
      expect(await reserve.hold()).toBeTrue();
      expect(await reserve.release()).toBeTrue();
      expect(await reserve.release()).toBeFalse();
    });

    it('is still held after a power loss, and still released after one', async () => {
      await reserve.hold();
      reserve = await subject.restart(reserve);
      expect(await reserve.release()).toBeTrue();
      reserve = await subject.restart(reserve);
      expect(await reserve.release()).toBeFalse();
    });

    it('on a full disk, holding answers false and stores nothing; it can be held once there is room', async () => {
      subject.setDiskFull(true);
      expect(await reserve.hold()).toBeFalse();
      subject.setDiskFull(false);
      expect(await reserve.release()).toBeFalse();
      expect(await reserve.hold()).toBeTrue();
      expect(await reserve.release()).toBeTrue();
    });
  });
}
