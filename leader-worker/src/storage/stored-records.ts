// The records a device stores, as both the IndexedDB and the memory storage lay them out, and the checks
// every record passes when it is read back. What is read is never trusted: a record of the wrong shape or a
// log that breaks an invariant is reported as StorageError('corrupt'), never repaired by guessing.
import { assert } from '../invariants/assert.js';
import type { Entry, HardState, MembershipChange, NodeId, Snapshot } from '../raft/types.js';
import type { OutboxItem } from './outbox-storage.js';
import type { StoredRaftState } from './raft-storage.js';
import { storageError } from './storage-errors.js';

/** Object store names. `hardState` and `snapshot` hold fixed keys; `entries` is keyed by log index. */
export const storeNames = {
  hardState: 'hardState',
  snapshot: 'snapshot',
  entries: 'entries',
  outbox: 'outbox',
  reserve: 'reserve',
} as const;

/**
 * Fixed keys. The snapshot is split in two records written in the same transaction, so that every persist
 * can read where the log starts without reading the state machine's bytes (which may be megabytes).
 */
export const recordKeys = {
  hardState: 'current',
  snapshotMeta: 'meta',
  snapshotData: 'data',
  reserveBlock: 'block',
} as const;

export interface SnapshotMetaRecord {
  readonly index: number;
  readonly term: number;
  readonly membership: Snapshot['membership'];
}

/** What a load reads, before any check. `undefined` means the record is absent. */
export interface RaftRecords {
  readonly hardState: unknown;
  readonly snapshotMeta: unknown;
  readonly snapshotData: unknown;
  /** Every entries record in key order, with its key. */
  readonly entries: readonly { readonly key: unknown; readonly value: unknown }[];
}

/**
 * A copy of `bytes` that owns exactly its bytes. Structured clone stores a view's whole underlying buffer,
 * so an entry decoded out of a large network message would otherwise store the whole message.
 */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.slice();
}

export function hardStateRecord(hardState: HardState): HardState {
  return { term: hardState.term, votedFor: hardState.votedFor, commitIndex: hardState.commitIndex };
}

export function snapshotMetaRecord(snapshot: Snapshot): SnapshotMetaRecord {
  const { voters, learners } = snapshot.membership;
  return { index: snapshot.index, term: snapshot.term, membership: { voters: [...voters], learners: [...learners] } };
}

export function entryRecord(entry: Entry): Entry {
  const { index, term } = entry;
  const position = entry.leaderTimeMs === undefined ? { index, term } : { index, term, leaderTimeMs: entry.leaderTimeMs };
  switch (entry.type) {
    case 'noop':
      return { type: 'noop', ...position };
    case 'command':
      return { type: 'command', ...position, data: ownBytes(entry.data) };
    case 'membership':
      return { type: 'membership', ...position, change: { type: entry.change.type, nodeId: entry.change.nodeId } };
  }
}

export function outboxRecord(item: OutboxItem): OutboxItem {
  assert(item.clientId.length > 0, 'outbox: an item needs a client id');
  assert(Number.isSafeInteger(item.sequence) && item.sequence >= 0, `outbox: sequence ${item.sequence} is not a non-negative integer`);
  return { clientId: item.clientId, sequence: item.sequence, command: ownBytes(item.command), savedAtMs: item.savedAtMs };
}

// ---------------------------------------------------------------------------------------------------------
// Reading back

function corrupt(detail: string): never {
  throw storageError('corrupt', detail);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isNodeId(value: unknown): value is NodeId {
  return typeof value === 'string' && value.length > 0;
}

/** Also accepts a Uint8Array from another realm (a worker, a test frame), where instanceof fails. */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || Object.prototype.toString.call(value) === '[object Uint8Array]';
}

function readNodeIds(value: unknown, what: string): NodeId[] {
  if (!Array.isArray(value) || !value.every(isNodeId)) corrupt(`${what} is not a list of device ids`);
  return [...value];
}

export function readHardState(value: unknown): HardState {
  if (!isRecord(value)) corrupt('the hard state record is missing or not an object');
  const { term, votedFor, commitIndex } = value;
  if (!isCount(term)) corrupt(`the stored term ${String(term)} is not a non-negative integer`);
  if (votedFor !== null && !isNodeId(votedFor)) corrupt(`the stored vote ${String(votedFor)} is not a device id`);
  if (!isCount(commitIndex)) corrupt(`the stored commit index ${String(commitIndex)} is not a non-negative integer`);
  return { term, votedFor, commitIndex };
}

export function readSnapshot(meta: unknown, data: unknown): Snapshot {
  if (!isRecord(meta)) corrupt('the snapshot record is missing or not an object');
  const { index, term, membership } = meta;
  if (!isCount(index)) corrupt(`the snapshot index ${String(index)} is not a non-negative integer`);
  if (!isCount(term)) corrupt(`the snapshot term ${String(term)} is not a non-negative integer`);
  if (!isRecord(membership)) corrupt('the snapshot has no membership');
  if (!isBytes(data)) corrupt(`the bytes of snapshot ${index} are missing`);
  return {
    index,
    term,
    membership: {
      voters: readNodeIds(membership['voters'], 'the snapshot voters'),
      learners: readNodeIds(membership['learners'], 'the snapshot learners'),
    },
    data,
  };
}

function readMembershipChange(value: unknown, index: number): MembershipChange {
  if (!isRecord(value)) corrupt(`membership entry ${index} has no change`);
  const { type, nodeId } = value;
  if (type !== 'addLearner' && type !== 'addVoter' && type !== 'removeNode') {
    corrupt(`membership entry ${index} has an unknown change ${String(type)}`);
  }
  if (!isNodeId(nodeId)) corrupt(`membership entry ${index} names no device`);
  return { type, nodeId };
}

export function readEntry(value: unknown, expectedIndex: number): Entry {
  if (!isRecord(value)) corrupt(`entry ${expectedIndex} is not an object`);
  const { index, term, type } = value;
  if (index !== expectedIndex) corrupt(`expected entry ${expectedIndex} next, found ${String(index)} (a gap or a misplaced entry)`);
  if (!isCount(term)) corrupt(`entry ${expectedIndex} has term ${String(term)}`);
  const leaderTimeMs = value['leaderTimeMs'];
  if (leaderTimeMs !== undefined && !isCount(leaderTimeMs)) corrupt(`entry ${expectedIndex} has leader time ${String(leaderTimeMs)}`);
  const position = leaderTimeMs === undefined ? { index: expectedIndex, term } : { index: expectedIndex, term, leaderTimeMs };
  switch (type) {
    case 'noop':
      return { type, ...position };
    case 'command': {
      const data = value['data'];
      if (!isBytes(data)) corrupt(`command entry ${expectedIndex} has no bytes`);
      return { type, ...position, data };
    }
    case 'membership':
      return { type, ...position, change: readMembershipChange(value['change'], expectedIndex) };
    default:
      return corrupt(`entry ${expectedIndex} has an unknown type ${String(type)}`);
  }
}

/** True when nothing of the Raft state was ever stored (a new device). */
export function isEmpty(records: RaftRecords): boolean {
  return records.hardState === undefined && records.snapshotMeta === undefined && records.snapshotData === undefined
    && records.entries.length === 0;
}

/**
 * The stored Raft state, checked: entries contiguous from snapshot.index + 1 with keys equal to their index,
 * terms never decreasing (from the snapshot's term on), commit index at most the last index.
 */
export function readRaftState(records: RaftRecords): StoredRaftState {
  const hardState = readHardState(records.hardState);
  const snapshot = readSnapshot(records.snapshotMeta, records.snapshotData);
  const entries: Entry[] = [];
  let previousTerm = snapshot.term;
  for (const { key, value } of records.entries) {
    const expectedIndex = snapshot.index + 1 + entries.length;
    if (key !== expectedIndex) corrupt(`expected entry ${expectedIndex} next, found key ${String(key)} (a gap, or an entry the snapshot covers)`);
    const entry = readEntry(value, expectedIndex);
    if (entry.term < previousTerm) corrupt(`entry ${entry.index} has term ${entry.term}, below the previous term ${previousTerm}`);
    previousTerm = entry.term;
    entries.push(entry);
  }
  const lastIndex = snapshot.index + entries.length;
  if (hardState.commitIndex > lastIndex) corrupt(`the commit index ${hardState.commitIndex} is past the last stored entry ${lastIndex}`);
  return { hardState, snapshot, entries };
}

export function readOutboxItem(value: unknown): OutboxItem {
  if (!isRecord(value)) corrupt('an outbox item is not an object');
  const { clientId, sequence, command, savedAtMs } = value;
  if (typeof clientId !== 'string' || clientId.length === 0) corrupt(`an outbox item has client id ${String(clientId)}`);
  if (!isCount(sequence)) corrupt(`outbox item ${clientId} has sequence ${String(sequence)}`);
  if (!isBytes(command)) corrupt(`outbox item ${clientId}/${sequence} has no command bytes`);
  if (typeof savedAtMs !== 'number' || !Number.isFinite(savedAtMs)) corrupt(`outbox item ${clientId}/${sequence} has no save time`);
  return { clientId, sequence, command, savedAtMs };
}

export function sameOutboxItem(left: OutboxItem, right: OutboxItem): boolean {
  return left.clientId === right.clientId && left.sequence === right.sequence && left.savedAtMs === right.savedAtMs
    && left.command.byteLength === right.command.byteLength && left.command.every((byte, offset) => byte === right.command[offset]);
}
