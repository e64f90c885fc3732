// The next upload of committed entries: a contiguous run from central's next needed index, cut at the
// batch limits (entries and command bytes), encoded as central's route takes it. Pure: the caller reads the
// entries from the device's log and sends the body.
import { assert } from '../invariants/assert.js';
import type { Entry } from '../raft/types.js';
import { bytesToBase64 } from './base64.js';
import { centralIngestLimits, type UploadedEntry, type UploadLogBody } from './central-protocol.js';

export interface UploadBatchLimits {
  readonly entriesPerBatchMax: number;
  readonly batchDataBytesMax: number;
}

export type UploadBatch =
  | { readonly type: 'batch'; readonly body: UploadLogBody; readonly lastIndex: number }
  /** Nothing committed past what central holds. */
  | { readonly type: 'nothing' }
  /**
   * The entry at `index` is over central's limit for one command: no upload can carry it, and every later
   * entry waits behind it. The node refuses such entries (its Raft entry limit is central's), so this is a
   * broken configuration for ops to see, not something to retry.
   */
  | { readonly type: 'entryTooLarge'; readonly index: number; readonly bytes: number };

/**
 * The batch to upload from `entries` (committed, contiguous, starting at the first index central does not
 * hold). `leaderCommitIndex` is the leader's commit index, sent for ops' view of the lag; `leaderClockMs` the
 * leader's clock now, for central to compare with its own.
 */
export function nextUploadBatch(
  entries: readonly Entry[], leaderCommitIndex: number, limits: UploadBatchLimits = centralIngestLimits, leaderClockMs?: number,
): UploadBatch {
  if (entries.length === 0) return { type: 'nothing' };
  const uploaded: UploadedEntry[] = [];
  let dataBytes = 0;
  for (const entry of entries) {
    if (uploaded.length === limits.entriesPerBatchMax) break;
    if (entry.type === 'command') {
      if (entry.data.length > centralIngestLimits.entryDataBytesMax) {
        if (uploaded.length === 0) return { type: 'entryTooLarge', index: entry.index, bytes: entry.data.length };
        break;
      }
      // The first entry always goes: one command never exceeds a batch (entryDataBytesMax < batchDataBytesMax).
      if (uploaded.length > 0 && dataBytes + entry.data.length > limits.batchDataBytesMax) break;
      dataBytes += entry.data.length;
    }
    uploaded.push(uploadedEntry(entry));
  }
  const first = entries[0]!;
  const lastIndex = first.index + uploaded.length - 1;
  assert(leaderCommitIndex >= lastIndex, `only committed entries are uploaded: ${lastIndex} is past the commit index ${leaderCommitIndex}`);
  const clock = leaderClockMs === undefined ? {} : { leaderClockMs };
  return { type: 'batch', body: { fromIndex: first.index, leaderCommitIndex, ...clock, entries: uploaded }, lastIndex };
}

/** A committed Raft entry as central's route takes it: command bytes in base64, the leader's time when it has one. */
export function uploadedEntry(entry: Entry): UploadedEntry {
  const position = entry.leaderTimeMs === undefined ? { index: entry.index, term: entry.term } : { index: entry.index, term: entry.term, leaderTimeMs: entry.leaderTimeMs };
  switch (entry.type) {
    case 'noop':
      return { ...position, kind: 'noop' };
    case 'command':
      return { ...position, kind: 'command', data: bytesToBase64(entry.data) };
    case 'membership':
      return { ...position, kind: 'membership', change: { type: entry.change.type, nodeId: entry.change.nodeId } };
  }
}
