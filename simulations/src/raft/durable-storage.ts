// A node's disk: hard state, snapshot and log entries. It survives crashes and is what a restart reads.
// Persisting follows the Ready contract in types.ts; a Ready that cannot be stored as written (a gap, an
// entry below the snapshot) is the core breaking that contract, reported as a violation.
import type { Entry, HardState, PersistedState, Snapshot } from '../../../leader-worker/src/raft/types.js';
import { check } from '../engine/violation.js';

export class DurableStorage {
  private hardStateStored: HardState;
  private snapshotStored: Snapshot;
  /** Invariant: entries[i].index === snapshot.index + 1 + i. */
  private entries: Entry[];

  constructor(initial: PersistedState) {
    this.hardStateStored = initial.hardState;
    this.snapshotStored = initial.snapshot;
    this.entries = [];
    this.appendEntries(initial.entries);
  }

  get hardState(): HardState {
    return this.hardStateStored;
  }

  get snapshot(): Snapshot {
    return this.snapshotStored;
  }

  get lastIndex(): number {
    return this.snapshotStored.index + this.entries.length;
  }

  get entryCount(): number {
    return this.entries.length;
  }

  /** The stored entry at `index`, or undefined if compacted away or beyond the log. */
  entryAt(index: number): Entry | undefined {
    return this.entries[index - this.snapshotStored.index - 1];
  }

  /** The term at `index`: from an entry, from the snapshot at its own index, else undefined. */
  termAt(index: number): number | undefined {
    if (index === this.snapshotStored.index) return this.snapshotStored.term;
    return this.entryAt(index)?.term;
  }

  /** An installed snapshot replaces the whole stored log (Ready contract). */
  installSnapshot(snapshot: Snapshot): void {
    this.snapshotStored = snapshot;
    this.entries = [];
  }

  /** Entries replace any stored at the same or a higher index, then extend the log. */
  appendEntries(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    check(first.index > this.snapshotStored.index, 'ready-contract',
      () => `entries start at ${first.index}, at or below the stored snapshot index ${this.snapshotStored.index}`);
    check(first.index <= this.lastIndex + 1, 'ready-contract',
      () => `entries start at ${first.index}, leaving a gap after the stored last index ${this.lastIndex}`);
    this.entries.length = first.index - this.snapshotStored.index - 1;
    for (const entry of entries) {
      check(entry.index === this.lastIndex + 1, 'ready-contract', () => `entries are not contiguous at ${entry.index}`);
      this.entries.push(entry);
    }
  }

  saveHardState(hardState: HardState): void {
    this.hardStateStored = hardState;
  }

  /** Stores a snapshot the node made itself and drops the entries it covers; later entries stay. */
  compact(snapshot: Snapshot): void {
    check(snapshot.index > this.snapshotStored.index && snapshot.index <= this.lastIndex, 'compaction',
      () => `compact() returned index ${snapshot.index} outside (${this.snapshotStored.index}, ${this.lastIndex}]`);
    const term = this.termAt(snapshot.index);
    check(term === snapshot.term, 'compaction',
      () => `compact() returned term ${snapshot.term} at index ${snapshot.index}, the stored entry has term ${term}`);
    this.entries = this.entries.slice(snapshot.index - this.snapshotStored.index);
    this.snapshotStored = snapshot;
  }

  /** What a restarting node reads back; its state machine restarts from the snapshot. */
  persistedState(): PersistedState {
    return {
      hardState: this.hardStateStored,
      snapshot: this.snapshotStored,
      entries: [...this.entries],
      appliedIndex: this.snapshotStored.index,
    };
  }
}
