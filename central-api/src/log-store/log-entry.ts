// A committed Raft log entry as central stores it, and how two versions of one entry are compared. The shapes
// mirror the clinic's `Entry` (leader-worker/src/raft/types.ts): a noop, a command's bytes, or a membership change.
import { createHash } from 'node:crypto';
import type { MembershipChange } from '../../../leader-worker/src/raft/types.js';
import { uploadedEntryKinds } from '../../../leader-worker/src/uplink/central-protocol.js';

export const entryKinds = uploadedEntryKinds;
export type EntryKind = (typeof entryKinds)[number];

export const membershipChangeTypes = ['addLearner', 'addVoter', 'removeNode'] as const satisfies readonly MembershipChange['type'][];
export type MembershipChangeType = (typeof membershipChangeTypes)[number];

interface EntryPosition {
  readonly index: number;
  readonly term: number;
  /** The clinic leader's clock when it appended the entry; absent on entries uploaded without one. */
  readonly leaderTimeMs?: number;
}

export type StoredEntry = EntryPosition &
  (
    | { readonly kind: 'noop' }
    /** The command exactly as the clinic committed it: MessagePack bytes of a chart command envelope. */
    | { readonly kind: 'command'; readonly data: Buffer }
    | { readonly kind: 'membership'; readonly change: { readonly type: MembershipChangeType; readonly nodeId: string } }
  );

/** Same index, term and payload bytes: a replayed copy of the entry, not a different one. */
export function sameEntry(a: StoredEntry, b: StoredEntry): boolean {
  if (a.index !== b.index || a.term !== b.term || a.kind !== b.kind) return false;
  // One entry has one leader time; a copy stored before leader times were uploaded has none to compare.
  if (a.leaderTimeMs !== undefined && b.leaderTimeMs !== undefined && a.leaderTimeMs !== b.leaderTimeMs) return false;
  switch (a.kind) {
    case 'noop':
      return true;
    case 'command':
      return b.kind === 'command' && a.data.equals(b.data);
    case 'membership':
      return b.kind === 'membership' && a.change.type === b.change.type && a.change.nodeId === b.change.nodeId;
  }
}

/** SHA-256 of the payload, for divergence records: ops compare digests without keeping a second copy of the bytes. */
export function payloadDigest(entry: StoredEntry): Buffer {
  const hash = createHash('sha256').update(entry.kind).update('\0');
  if (entry.kind === 'command') hash.update(entry.data);
  else if (entry.kind === 'membership') hash.update(`${entry.change.type}\0${entry.change.nodeId}`);
  return hash.digest();
}
