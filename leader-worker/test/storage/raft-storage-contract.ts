// The one contract every RaftStorage passes (memory for the simulator, IndexedDB on devices). Each
// implementation supplies a subject: how to open it, restart it as a power loss would, fill its disk,
// interrupt a write, and damage what it stored.
import { InvariantViolation } from '../../src/invariants/assert.js';
import type { PersistBatch, RaftStorage, StoredRaftState } from '../../src/storage/raft-storage.js';
import {
  bytes, command, commands, expectStorageFailure, foundingState, hardState, snapshot,
} from './storage-test-kit.js';

export interface RaftStorageSubject {
  /** Storage over this device's durable data (a new device on the first call). */
  open(): Promise<RaftStorage>;
  /** Ends `storage` as a power loss would and returns storage over what is durable. */
  restart(storage: RaftStorage): Promise<RaftStorage>;
  /**
   * While full, writes fail as on a full disk. It may fail part-way through a transaction (after the
   * transaction's first write) to show that nothing of it lands.
   */
  setDiskFull(full: boolean): void;
  /** Starts `persist(batch)` and interrupts it before it completes; returns its (rejected) promise. */
  persistInterrupted(storage: RaftStorage, batch: PersistBatch): Promise<void>;
  /** Damage, written around every check (a bad disk, a buggy old version). */
  writeRawEntry(value: unknown): Promise<void>;
  deleteRawEntry(index: number): Promise<void>;
  writeRawHardState(value: unknown): Promise<void>;
  deleteRawSnapshot(): Promise<void>;
  dispose(): Promise<void>;
}

const empty: PersistBatch = { hardState: null, snapshot: null, entries: [] };

/** The founding log plus commands 4..8 of term 1, commit 5: the state most specs start from. */
function withCommands(): StoredRaftState {
  const founding = foundingState();
  return { hardState: hardState(1, 5), snapshot: founding.snapshot, entries: [...founding.entries, ...commands(4, 8, 1)] };
}

export function describeRaftStorageContract(implementation: string, createSubject: () => RaftStorageSubject): void {
  describe(`storage: RaftStorage contract (${implementation})`, () => {
    let subject: RaftStorageSubject;
    let storage: RaftStorage;

    beforeEach(async () => {
      subject = createSubject();
      storage = await subject.open();
    });

    afterEach(async () => {
      await subject.dispose();
    });

    /** Stores `withCommands()` through persist and returns it. */
    async function storeCommands(): Promise<StoredRaftState> {
      await storage.load(foundingState());
      await storage.persist({ hardState: hardState(1, 5), snapshot: null, entries: commands(4, 8, 1) });
      return withCommands();
    }

    async function reload(): Promise<StoredRaftState> {
      storage = await subject.restart(storage);
      return storage.load(foundingState());
    }

    describe('a new device', () => {
      it('gets the initial state, and keeps it durably', async () => {
        expect(await storage.load(foundingState())).toEqual(foundingState());
        storage = await subject.restart(storage);
        const otherInitial: StoredRaftState = { ...foundingState(), hardState: hardState(9, 0), entries: [] };
        expect(await storage.load(otherInitial)).toEqual(foundingState());
      });

      it('refuses a persist before load: the log would have no start', async () => {
        await expectAsync(storage.persist({ ...empty, entries: [command(1, 1)] })).toBeRejectedWithError(InvariantViolation);
      });
    });

    describe('persist', () => {
      it('round-trips hard state and every kind of entry through a restart', async () => {
        await storage.load(foundingState());
        const entries = [
          { type: 'noop' as const, index: 4, term: 2 },
          command(5, 2, 'vitals: bp 120/80, pulse 72'),
          { type: 'membership' as const, index: 6, term: 2, change: { type: 'addLearner' as const, nodeId: 'clinic-1/tablet-9' } },
        ];
        await storage.persist({ hardState: hardState(2, 5, 'clinic-1/b'), snapshot: null, entries });
        expect(await reload()).toEqual({ hardState: hardState(2, 5, 'clinic-1/b'), snapshot: foundingState().snapshot, entries: [...foundingState().entries, ...entries] });
      });

      it('stores only the bytes of an entry, not the whole buffer it is a view of', async () => {
        await storage.load(foundingState());
        const message = bytes('header......vitals: spo2 97%......trailer');
        const data = message.subarray(12, 29);
        await storage.persist({ ...empty, entries: [{ type: 'command', index: 4, term: 1, data }] });
        const stored = (await reload()).entries[3];
        expect(stored?.type === 'command' ? stored.data : null).toEqual(bytes('vitals: spo2 97%.'));
        expect(stored?.type === 'command' ? stored.data.buffer.byteLength : null).toBe(data.byteLength);
      });

      it('replaces entries at and after the first index of a batch (a conflicting suffix)', async () => {
        await storeCommands();
        await storage.persist({ hardState: hardState(2, 5), snapshot: null, entries: commands(6, 7, 2) });
        const loaded = await reload();
        expect(loaded.entries.map((entry) => [entry.index, entry.term])).toEqual([[1, 1], [2, 1], [3, 1], [4, 1], [5, 1], [6, 2], [7, 2]]);
        expect(loaded.hardState).toEqual(hardState(2, 5));
      });

      it('stores hard state alone', async () => {
        const stored = await storeCommands();
        await storage.persist({ hardState: hardState(3, 6, 'clinic-1/c'), snapshot: null, entries: [] });
        expect(await reload()).toEqual({ ...stored, hardState: hardState(3, 6, 'clinic-1/c') });
      });

      it('accepts an empty batch and changes nothing', async () => {
        const stored = await storeCommands();
        await storage.persist(empty);
        expect(await reload()).toEqual(stored);
      });

      it('installs a snapshot by replacing the whole log, with the entries after it, in one batch', async () => {
        await storeCommands();
        const installed = snapshot(20, 3);
        await storage.persist({ hardState: hardState(3, 20), snapshot: installed, entries: commands(21, 22, 3) });
        expect(await reload()).toEqual({ hardState: hardState(3, 20), snapshot: installed, entries: commands(21, 22, 3) });
      });

      it('drops entries after an installed snapshot that lies inside the stored log', async () => {
        await storeCommands();
        const installed = snapshot(6, 2);
        await storage.persist({ hardState: hardState(2, 6), snapshot: installed, entries: [] });
        expect(await reload()).toEqual({ hardState: hardState(2, 6), snapshot: installed, entries: [] });
      });

      it('keeps the order of persists issued without waiting for each other', async () => {
        const stored = await storeCommands();
        await Promise.all([
          storage.persist({ ...empty, entries: commands(9, 10, 1) }),
          storage.persist({ hardState: hardState(1, 11), snapshot: null, entries: [command(11, 1)] }),
        ]);
        expect(await reload()).toEqual({ ...stored, hardState: hardState(1, 11), entries: [...stored.entries, ...commands(9, 11, 1)] });
      });

      it('refuses, storing nothing, a batch that would leave a gap, go down in term or commit past the end', async () => {
        const stored = await storeCommands();
        const broken: PersistBatch[] = [
          { hardState: hardState(2, 5), snapshot: null, entries: [command(10, 2)] },
          { hardState: null, snapshot: null, entries: [command(9, 1), command(11, 1)] },
          { hardState: null, snapshot: null, entries: [command(9, 0)] },
          { hardState: hardState(1, 9), snapshot: null, entries: [] },
          { hardState: null, snapshot: null, entries: [command(0, 1)] },
        ];
        for (const batch of broken) {
          await expectAsync(storage.persist(batch)).withContext(JSON.stringify(batch.entries.map((entry) => entry.index)))
            .toBeRejectedWithError(InvariantViolation);
        }
        expect(await reload()).toEqual(stored);
      });
    });

    describe('compact', () => {
      it('stores the snapshot and keeps the entries after it', async () => {
        const stored = await storeCommands();
        const taken = snapshot(5, 1);
        await storage.compact(taken);
        expect(await reload()).toEqual({ hardState: stored.hardState, snapshot: taken, entries: commands(6, 8, 1) });
      });

      it('ignores a snapshot older than the stored one (an installed snapshot overtook it)', async () => {
        await storeCommands();
        const installed = snapshot(20, 3);
        await storage.persist({ hardState: hardState(3, 20), snapshot: installed, entries: [] });
        await storage.compact(snapshot(5, 1));
        expect(await reload()).toEqual({ hardState: hardState(3, 20), snapshot: installed, entries: [] });
      });

      it('refuses a snapshot whose term differs from the stored entry, or past the log', async () => {
        const stored = await storeCommands();
        await expectAsync(storage.compact(snapshot(5, 2))).toBeRejectedWithError(InvariantViolation);
        await expectAsync(storage.compact(snapshot(9, 1))).toBeRejectedWithError(InvariantViolation);
        expect(await reload()).toEqual(stored);
      });
    });

    describe('what load finds damaged is reported as corrupt, never repaired', () => {
      beforeEach(async () => {
        await storeCommands();
        await storage.close();
      });

      async function expectCorrupt(): Promise<void> {
        storage = await subject.open();
        const error = await expectStorageFailure(storage.load(foundingState()), 'corrupt');
        expect(error.message).toContain('damaged');
      }

      it('a gap in the entries', async () => {
        await subject.deleteRawEntry(6);
        await expectCorrupt();
      });

      it('a commit index past the last entry', async () => {
        await subject.writeRawHardState(hardState(1, 12));
        await expectCorrupt();
      });

      it('an entry whose term is below the one before it', async () => {
        await subject.writeRawEntry({ type: 'noop', index: 4, term: 3 });
        await expectCorrupt();
      });

      it('an entry of an unknown kind', async () => {
        await subject.writeRawEntry({ type: 'prescription', index: 7, term: 1 });
        await expectCorrupt();
      });

      it('a command entry without its bytes', async () => {
        await subject.writeRawEntry({ type: 'command', index: 7, term: 1, data: 'not bytes' });
        await expectCorrupt();
      });

      it('a hard state of the wrong shape', async () => {
        await subject.writeRawHardState({ term: -1, votedFor: null, commitIndex: 0 });
        await expectCorrupt();
      });

      it('a hard state without its snapshot', async () => {
        await subject.deleteRawSnapshot();
        await expectCorrupt();
      });
    });

    describe('a failed write', () => {
      it('on a full disk rejects with "full" and leaves what was stored intact', async () => {
        const stored = await storeCommands();
        subject.setDiskFull(true);
        const error = await expectStorageFailure(
          storage.persist({ hardState: hardState(2, 6), snapshot: null, entries: [...commands(6, 7, 2), ...commands(8, 40, 2)] }),
          'full');
        expect(error.message).toContain('NOT saved');
        subject.setDiskFull(false);
        expect(await reload()).toEqual(stored);
      });

      it('on a full disk leaves the storage usable once space is freed', async () => {
        const stored = await storeCommands();
        subject.setDiskFull(true);
        await expectStorageFailure(storage.persist({ ...empty, entries: commands(9, 30, 1) }), 'full');
        subject.setDiskFull(false);
        await storage.persist({ ...empty, entries: [command(9, 1)] });
        expect(await reload()).toEqual({ ...stored, entries: [...stored.entries, command(9, 1)] });
      });

      it('interrupted by a crash is either all stored or not at all', async () => {
        const stored = await storeCommands();
        const batch: PersistBatch = { hardState: hardState(2, 7), snapshot: null, entries: [...commands(6, 7, 2), command(8, 2)] };
        const whole: StoredRaftState = { hardState: hardState(2, 7), snapshot: stored.snapshot, entries: [...stored.entries.slice(0, 5), ...batch.entries] };
        await expectAsync(subject.persistInterrupted(storage, batch)).toBeRejected();
        expect([stored, whole]).toContain(await reload());
      });

      it('interrupted while installing a snapshot is either all stored or not at all', async () => {
        const stored = await storeCommands();
        const batch: PersistBatch = { hardState: hardState(3, 20), snapshot: snapshot(20, 3), entries: commands(21, 23, 3) };
        await expectAsync(subject.persistInterrupted(storage, batch)).toBeRejected();
        expect([stored, { hardState: hardState(3, 20), snapshot: snapshot(20, 3), entries: commands(21, 23, 3) }]).toContain(await reload());
      });

      it('after a completed persist, a crash keeps all of it', async () => {
        const stored = await storeCommands();
        await storage.persist({ hardState: hardState(2, 6), snapshot: null, entries: commands(9, 9, 2) });
        expect(await reload()).toEqual({ ...stored, hardState: hardState(2, 6), entries: [...stored.entries, command(9, 2)] });
      });
    });

    it('rejects every call after close as "unavailable"', async () => {
      await storage.load(foundingState());
      await storage.close();
      await expectStorageFailure(storage.persist({ ...empty, entries: [command(4, 1)] }), 'unavailable');
      await expectStorageFailure(storage.load(foundingState()), 'unavailable');
    });
  });
}
