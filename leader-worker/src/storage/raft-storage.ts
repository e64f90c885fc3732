// Where a device keeps what Raft must not lose: hard state, snapshot and log entries. The driver persists
// each Ready's durable part through `persist` and sends nothing before it resolves. Implementations:
// IndexedDB on devices (durability 'strict'), memory with crash semantics in the simulator and tests.
import type { Entry, HardState, Snapshot } from '../raft/types.js';

/** What `load` returns: the durable state as of the last completed `persist` or `compact`. */
export interface StoredRaftState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot;
  /** Contiguous, starting at snapshot.index + 1. */
  readonly entries: readonly Entry[];
}

/** The durable part of one Ready. */
export interface PersistBatch {
  readonly hardState: HardState | null;
  /** An installed snapshot: it replaces the whole stored log. */
  readonly snapshot: Snapshot | null;
  /** Replace any stored entries at entries[0].index or above, then append. */
  readonly entries: readonly Entry[];
}

export type StorageFailure =
  /** The device is out of space (IndexedDB QuotaExceededError): nothing of the batch was stored. */
  | 'full'
  /** The database cannot be opened or was closed under us (private mode, browser data cleared, blocked upgrade). */
  | 'unavailable'
  /** What is stored breaks an invariant (a gap, a commit index past the last entry): never guessed around. */
  | 'corrupt';

/** The one error storage throws: callers tell the clinician what happened and acknowledge nothing. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(readonly failure: StorageFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface RaftStorage {
  /** Reads the durable state; a device that never stored anything gets `initial`. */
  load(initial: StoredRaftState): Promise<StoredRaftState>;
  /** Stores one batch atomically (all of it or none), resolving only once it is durable. */
  persist(batch: PersistBatch): Promise<void>;
  /** Stores a snapshot the caller took and drops entries up to its index (later entries stay). */
  compact(snapshot: Snapshot): Promise<void>;
  close(): Promise<void>;
}
