// The central API as a clinic's leader speaks it when it uploads the committed log: the route's body, its
// answers and its limits. Central's request and response classes implement these types
// (central-api/src/sync/dto/), so a change on one side that the other does not make fails to compile.
import type { MembershipChange } from '../raft/types.js';

/** Bounds on one upload, checked by central before it stores anything; the uplink never sends past them. */
export const centralIngestLimits = {
  /** Entries in one upload. Leaders upload a few hundred at a time; more waits for the next request. */
  entriesPerBatchMax: 1000,
  /** Command bytes (decoded) in one upload: base64 and JSON around them still fit central's body limit. */
  batchDataBytesMax: 512 * 1024,
  /** Bytes of one command. A chart note of 20,000 characters is well under 100 KiB of MessagePack. */
  entryDataBytesMax: 256 * 1024,
  /** A device's node id in a membership change. Same bound as central's column. */
  nodeIdCharactersMax: 200,
} as const;

export const uploadedEntryKinds = ['noop', 'command', 'membership'] as const;
export type UploadedEntryKind = (typeof uploadedEntryKinds)[number];

/** One committed entry as uploaded: the Raft entry with its command bytes in base64. */
export interface UploadedEntry {
  readonly index: number;
  readonly term: number;
  readonly kind: UploadedEntryKind;
  /** kind 'command' only: the command bytes (MessagePack), base64. */
  readonly data?: string;
  /** kind 'membership' only. */
  readonly change?: { readonly type: MembershipChange['type']; readonly nodeId: string };
}

/** The body of POST /api/clinics/:clinicId/log: committed entries, contiguous from `fromIndex`. */
export interface UploadLogBody {
  /** The index of entries[0]; at most central's acknowledged index + 1. */
  readonly fromIndex: number;
  /** The leader's commit index now (for ops' lag); at least the last entry's index. */
  readonly leaderCommitIndex?: number;
  readonly entries: readonly UploadedEntry[];
}

/** What GET /api/clinics/:clinicId/log/ack and a successful upload answer. */
export interface LogAcknowledgement {
  /** The highest index up to which central holds every entry of the clinic's log (0: none). */
  readonly acknowledgedIndex: number;
}
