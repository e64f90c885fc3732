// Helpers for log ingest specs: entries as a leader uploads them, uploads over HTTP, and what is stored.
import { DataSource } from 'typeorm';
import { decodeCommand, type ChartStateMachine } from '../../../leader-worker/src/chart/index.js';
import type { Entry } from '../../../leader-worker/src/raft/types.js';
import type { UploadedEntry } from '../../../leader-worker/src/uplink/central-protocol.js';
import { uploadedEntry } from '../../../leader-worker/src/uplink/upload-batch.js';
import { call, type CallResult, type TestApp } from './test-app.js';

/** An entry as uploaded (the clinic's protocol type; `change.type` loosened so specs can send nonsense). */
export type UploadEntry = Omit<UploadedEntry, 'change'> & { readonly change?: { readonly type: string; readonly nodeId: string } };

export interface UploadBody {
  readonly fromIndex: number;
  readonly entries: readonly UploadEntry[];
  readonly leaderCommitIndex?: number;
}

export function commandEntry(index: number, term: number, bytes: Uint8Array): UploadEntry {
  return { index, term, kind: 'command', data: Buffer.from(bytes).toString('base64') };
}

/** A clinic node's Raft entry as its leader uploads it (the uplink's own encoding). */
export function toUploadEntry(entry: Entry): UploadEntry {
  return uploadedEntry(entry);
}

/** Command entries `fromIndex`.. for the given command bytes, all in one term. */
export function commandEntries(fromIndex: number, commands: readonly Uint8Array[], term = 1): UploadEntry[] {
  return commands.map((bytes, offset) => commandEntry(fromIndex + offset, term, bytes));
}

/** Splits entries into upload bodies of at most `batchSize`. */
export function batches(entries: readonly UploadEntry[], batchSize: number): UploadBody[] {
  const bodies: UploadBody[] = [];
  for (let start = 0; start < entries.length; start += batchSize) {
    const slice = entries.slice(start, start + batchSize);
    bodies.push({ fromIndex: slice[0]!.index, entries: slice });
  }
  return bodies;
}

export function uploadLog(app: TestApp, clinicId: string, token: string, body: unknown): Promise<CallResult> {
  return call(app.baseUrl, 'POST', `/api/clinics/${clinicId}/log`, { token, json: body });
}

export async function acknowledgedIndex(app: TestApp, clinicId: string, token: string): Promise<number> {
  const response = await call(app.baseUrl, 'GET', `/api/clinics/${clinicId}/log/ack`, { token });
  if (response.status !== 200) throw new Error(`GET ack answered ${response.status}: ${JSON.stringify(response.body)}`);
  return (response.body as { acknowledgedIndex: number }).acknowledgedIndex;
}

export interface StoredLogSummary {
  readonly entries: number;
  readonly lastIndex: number;
  readonly acknowledgedIndex: number;
  readonly appliedIndex: number;
  readonly stateHash: string | null;
  readonly outcomes: number;
  readonly divergences: number;
}

/** What the database holds for a clinic's log and chart copy. */
export async function storedLog(dataSource: DataSource, clinicId: string): Promise<StoredLogSummary> {
  const [row] = await dataSource.query(
    `SELECT (SELECT count(*) FROM log_entries WHERE clinic_id = $1)::int AS entries,
            (SELECT coalesce(max(log_index), 0) FROM log_entries WHERE clinic_id = $1)::int AS "lastIndex",
            (SELECT coalesce(max(acknowledged_index), 0) FROM clinic_sync_states WHERE clinic_id = $1)::int AS "acknowledgedIndex",
            (SELECT coalesce(max(applied_index), 0) FROM chart_copies WHERE clinic_id = $1)::int AS "appliedIndex",
            (SELECT state_hash FROM chart_copies WHERE clinic_id = $1) AS "stateHash",
            (SELECT count(*) FROM chart_apply_outcomes WHERE clinic_id = $1)::int AS outcomes,
            (SELECT count(*) FROM log_divergences WHERE clinic_id = $1)::int AS divergences`,
    [clinicId],
  );
  return row;
}

/**
 * What the database holds once the clinic's chart copy has caught up with its acknowledged log: the copy is a
 * projection that catches up after uploads, and a read always brings it up to date first.
 */
export async function caughtUpLog(app: TestApp, clinicId: string): Promise<StoredLogSummary> {
  const read = await call(app.baseUrl, 'GET', `/api/clinics/${clinicId}/patients?query=a`, { token: app.adminToken });
  if (read.status !== 200) throw new Error(`GET patients answered ${read.status}: ${JSON.stringify(read.body)}`);
  return storedLog(app.app.get(DataSource), clinicId);
}

/** Feeds upload entries to a machine the way a clinic device does (decode, apply commands, skip the rest). */
export function applyEntries(machine: ChartStateMachine, entries: readonly UploadEntry[]): void {
  for (const entry of entries) {
    if (entry.kind === 'command') machine.apply(entry.index, decodeCommand(Buffer.from(entry.data!, 'base64')));
  }
}
