// A device's durable Raft state as one comparable line, and what it becomes after one more write: for the
// check that a restart reads back exactly what storage acknowledged (plus, at most, the write in flight).
import { DurableStorage } from '../raft/durable-storage.js';
import { entryFingerprint } from '../raft/invariants/entry-fingerprint.js';
import type { RaftWrite } from './observed-device-io.js';

export function durableImage(storage: DurableStorage): string {
  const { hardState, snapshot } = storage;
  const entries: string[] = [];
  for (let index = snapshot.index + 1; index <= storage.lastIndex; index++) {
    const entry = storage.entryAt(index)!;
    entries.push(`${index}/${entry.term}:${entryFingerprint(entry)}`);
  }
  return `hard=t${hardState.term}/vote=${hardState.votedFor ?? '-'}/commit=${hardState.commitIndex} snapshot=${snapshot.index}/${snapshot.term} entries=[${entries.join(' ')}]`;
}

/** A copy of `storage` with `write` applied, as the disk would hold it had the write landed. */
export function imageAfter(storage: DurableStorage, write: RaftWrite): DurableStorage {
  const copy = new DurableStorage(storage.persistedState());
  if (write.type === 'compact') {
    if (write.snapshot.index > copy.snapshot.index) copy.compact(write.snapshot);
    return copy;
  }
  const { batch } = write;
  if (batch.snapshot !== null) copy.installSnapshot(batch.snapshot);
  copy.appendEntries(batch.entries);
  if (batch.hardState !== null) copy.saveHardState(batch.hardState);
  return copy;
}
