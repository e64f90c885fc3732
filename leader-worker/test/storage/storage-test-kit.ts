// Builders and expectations shared by the storage specs. Browser-safe: Jasmine globals and web APIs only,
// so the same specs run in Node (fake-indexeddb) and in Chromium.
import type { Entry, HardState, Snapshot } from '../../src/raft/types.js';
import { bootstrapState } from '../../src/raft/raft.js';
import { StorageError, type StorageFailure, type StoredRaftState } from '../../src/storage/raft-storage.js';

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

export function command(index: number, term: number, text = `command ${index}`): Entry {
  return { type: 'command', index, term, data: bytes(text) };
}

export function commands(from: number, to: number, term: number): Entry[] {
  const entries: Entry[] = [];
  for (let index = from; index <= to; index++) entries.push(command(index, term));
  return entries;
}

export function hardState(term: number, commitIndex: number, votedFor: string | null = null): HardState {
  return { term, votedFor, commitIndex };
}

export function snapshot(index: number, term: number, text = `state at ${index}`): Snapshot {
  return { index, term, membership: { voters: ['clinic-1/a', 'clinic-1/b', 'clinic-1/c'], learners: ['clinic-1/d'] }, data: bytes(text) };
}

/** A founding device of a three-device clinic: the membership entries 1..3 of term 1, committed. */
export function foundingState(): StoredRaftState {
  const { hardState: founded, snapshot: start, entries } = bootstrapState({ voters: ['clinic-1/a', 'clinic-1/b', 'clinic-1/c'], learners: [] });
  return { hardState: founded, snapshot: start, entries };
}

/** Awaits `promise`, expecting it to reject with a StorageError of `failure`; returns the error. */
export async function expectStorageFailure(promise: Promise<unknown>, failure: StorageFailure): Promise<StorageError> {
  const outcome = await promise.then(() => 'resolved', (error: unknown) => error);
  expect(outcome).toBeInstanceOf(StorageError);
  const error = outcome as StorageError;
  expect(error.failure).withContext(error.message).toBe(failure);
  return error;
}

let databaseCount = 0;

/** A database name no other spec uses (specs run in random order, and in Chromium the origin persists). */
export function uniqueDatabaseName(purpose: string): string {
  databaseCount++;
  return `clinic-mesh-test/${purpose}/${Date.now().toString(36)}-${databaseCount}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}
