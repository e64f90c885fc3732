// The one contract every StateCache passes (localforage on devices, memory in the simulator).
import type { CachedState, StateCache } from '../../src/storage/state-cache.js';
import { bytes } from './storage-test-kit.js';

export interface StateCacheSubject {
  /** The cache over this device's data (empty on the first call); a second call is a restarted device. */
  open(): StateCache;
  dispose(): Promise<void>;
}

export function describeStateCacheContract(implementation: string, createSubject: () => StateCacheSubject): void {
  describe(`storage: StateCache contract (${implementation})`, () => {
    let subject: StateCacheSubject;

    beforeEach(() => {
      subject = createSubject();
    });

    afterEach(async () => {
      await subject.dispose();
    });

    it('is empty at first', async () => {
      expect(await subject.open().load()).toBeNull();
    });

    it('round-trips the applied state, and a later save replaces it', async () => {
      const cache = subject.open();
      await cache.save({ appliedIndex: 41, state: bytes('state at 41') });
      await cache.save({ appliedIndex: 57, state: bytes('state at 57') });
      const expected: CachedState = { appliedIndex: 57, state: bytes('state at 57') };
      expect(await cache.load()).toEqual(expected);
      expect(await subject.open().load()).toEqual(expected);
    });

    it('stores only the bytes of a state given as a view of a larger buffer', async () => {
      const cache = subject.open();
      const buffer = bytes('xxxxstate at 9xxxx');
      await cache.save({ appliedIndex: 9, state: buffer.subarray(4, 14) });
      const loaded = await subject.open().load();
      expect(loaded?.state).toEqual(bytes('state at 9'));
      expect(loaded?.state.buffer.byteLength).toBe(10);
    });

    it('is empty after clear', async () => {
      const cache = subject.open();
      await cache.save({ appliedIndex: 3, state: bytes('state at 3') });
      await cache.clear();
      expect(await subject.open().load()).toBeNull();
    });
  });
}
