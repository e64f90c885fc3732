// The pure rules of one upload: what a well-formed batch is, and how it lines up with what central holds.
// The service applies them under the clinic's lock; nothing here touches the database.
import type { LogEntryBody, UploadLogRequest } from './dto/upload-log.request.js';
import { sameEntry, type StoredEntry } from '../log-store/log-entry.js';
import { ingestLimits } from './sync-limits.js';

export type ParsedBatch =
  | { readonly ok: true; readonly entries: readonly StoredEntry[] }
  /** 413: over a named limit. 400: not a contiguous run of committed entries. */
  | { readonly ok: false; readonly status: 400 | 413; readonly message: string };

/** Checks the batch as a whole (entries are already well formed one by one) and decodes the command bytes. */
export function parseBatch(request: UploadLogRequest): ParsedBatch {
  const { fromIndex, entries } = request;
  if (entries.length > ingestLimits.entriesPerBatchMax) {
    return { ok: false, status: 413, message: `A batch holds at most ${ingestLimits.entriesPerBatchMax} entries, not ${entries.length}: upload it in parts` };
  }
  const parsed: StoredEntry[] = [];
  let dataBytes = 0;
  for (let position = 0; position < entries.length; position++) {
    const body = entries[position]!;
    if (body.index !== fromIndex + position) {
      return { ok: false, status: 400, message: `entries must be contiguous from fromIndex ${fromIndex}: entries[${position}] has index ${body.index}, not ${fromIndex + position}` };
    }
    const previous = parsed[position - 1];
    if (previous !== undefined && body.term < previous.term) {
      return { ok: false, status: 400, message: `terms never decrease along a Raft log: entries[${position}] has term ${body.term} after term ${previous.term}` };
    }
    const entry = toStoredEntry(body);
    if (entry.kind === 'command') dataBytes += entry.data.length;
    parsed.push(entry);
  }
  if (dataBytes > ingestLimits.batchDataBytesMax) {
    return { ok: false, status: 413, message: `A batch holds at most ${ingestLimits.batchDataBytesMax} bytes of commands, not ${dataBytes}: upload it in parts` };
  }
  const lastIndex = fromIndex + entries.length - 1;
  if (request.leaderCommitIndex !== undefined && request.leaderCommitIndex < lastIndex) {
    return { ok: false, status: 400, message: `only committed entries are uploaded: the last entry's index ${lastIndex} is past leaderCommitIndex ${request.leaderCommitIndex}` };
  }
  return { ok: true, entries: parsed };
}

function toStoredEntry(body: LogEntryBody): StoredEntry {
  const position = body.leaderTimeMs === undefined ? { index: body.index, term: body.term } : { index: body.index, term: body.term, leaderTimeMs: body.leaderTimeMs };
  switch (body.kind) {
    case 'noop':
      return { ...position, kind: 'noop' };
    case 'command':
      return { ...position, kind: 'command', data: Buffer.from(body.data!, 'base64') };
    case 'membership':
      return { ...position, kind: 'membership', change: { type: body.change!.type, nodeId: body.change!.nodeId } };
  }
}

/** How a well-formed batch lines up with the `acknowledgedIndex` entries central holds. */
export type BatchPlan =
  /** It starts past the next index central needs: the leader must upload from `expectedIndex`. */
  | { readonly kind: 'gap'; readonly expectedIndex: number }
  /** `replayed` are at or below the acknowledged index (compared, never stored again); `fresh` are new. */
  | { readonly kind: 'accept'; readonly replayed: readonly StoredEntry[]; readonly fresh: readonly StoredEntry[] };

export function planBatch(acknowledgedIndex: number, fromIndex: number, entries: readonly StoredEntry[]): BatchPlan {
  const expectedIndex = acknowledgedIndex + 1;
  if (fromIndex > expectedIndex) return { kind: 'gap', expectedIndex };
  const replayedCount = Math.min(entries.length, expectedIndex - fromIndex);
  return { kind: 'accept', replayed: entries.slice(0, replayedCount), fresh: entries.slice(replayedCount) };
}

export interface Divergence {
  readonly stored: StoredEntry;
  readonly received: StoredEntry;
}

/** The first replayed entry that differs from the one stored at its index (`stored` is in index order). */
export function firstDivergence(stored: readonly StoredEntry[], replayed: readonly StoredEntry[]): Divergence | null {
  const storedByIndex = new Map(stored.map((entry) => [entry.index, entry]));
  for (const received of replayed) {
    const existing = storedByIndex.get(received.index);
    // Every index up to the acknowledged one is stored: a missing row is a broken invariant, not bad input.
    if (existing === undefined) throw new Error(`log entry ${received.index} is acknowledged but not stored`);
    if (!sameEntry(existing, received)) return { stored: existing, received };
  }
  return null;
}
