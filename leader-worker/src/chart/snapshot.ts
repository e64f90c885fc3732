// Snapshot encoding: the primary records only (patients in registration order, each with their chart lists,
// lease and fencing epoch; conflicts in the order opened; the duplicate windows; the digest chain), as
// canonical JSON through TextEncoder. Derived indexes (id registry, search, visits by hour, open conflicts)
// are rebuilt on restore, in an order that reproduces every query answer.
//
// Size: JSON repeats every key, about 400-700 bytes per record; see the chart benchmark for the figure at
// 50,000 patients. A binary encoding (and compression) can replace this behind the same two functions.
import type { ChartLists, ListedRecords } from './chart-lists.js';
import { listedKinds } from './chart-lists.js';
import { canonicalJson } from './canonical-json.js';
import { ChartStore, type PatientEntry } from './chart-store.js';
import type { DuplicateWindowData } from './duplicate-window.js';
import { deepFreeze } from './freeze.js';
import type { ConflictRecord, DeviceRevocation, LeaseRecord, PatientRecord } from './records.js';
import type { DigestLanes } from './state-hash.js';

export const snapshotFormat = 'clinic-mesh/chart-snapshot';
/**
 * 2 adds centralAcknowledgedIndex (a version 1 snapshot restores with 0); 3 adds revokedDevices (versions 1 and
 * 2 restore with none, which is what they held).
 */
export const snapshotVersion = 3;
const versionsRestored: readonly number[] = [1, 2, snapshotVersion];

interface PatientData {
  readonly patient: PatientRecord;
  readonly lists: { readonly [K in keyof ListedRecords]?: readonly ListedRecords[K][] };
  readonly lease: LeaseRecord | null;
  readonly leaseEpoch: number;
}

export interface SnapshotData {
  readonly format: typeof snapshotFormat;
  readonly version: typeof snapshotVersion;
  readonly clinicId: string;
  readonly lastAppliedIndex: number;
  readonly acceptedEntries: number;
  readonly centralAcknowledgedIndex: number;
  readonly digest: DigestLanes;
  readonly patients: readonly PatientData[];
  readonly conflicts: readonly ConflictRecord[];
  /** In the order revoked. */
  readonly revokedDevices: readonly DeviceRevocation[];
  readonly duplicates: DuplicateWindowData;
}

export type SnapshotHeader = Omit<SnapshotData, 'format' | 'version' | 'patients' | 'conflicts' | 'revokedDevices'>;

export function encodeSnapshot(header: SnapshotHeader, store: ChartStore): Uint8Array {
  const data: SnapshotData = {
    format: snapshotFormat,
    version: snapshotVersion,
    ...header,
    patients: store.patientsByOrdinal.map((entry) => ({
      patient: entry.patient,
      lists: listsData(entry.lists),
      lease: entry.lease,
      leaseEpoch: entry.leaseEpoch,
    })),
    conflicts: [...store.conflicts.values()],
    revokedDevices: [...store.revokedDevices.values()],
  };
  return new TextEncoder().encode(canonicalJson(data));
}

export type DecodedSnapshot =
  | { readonly ok: true; readonly header: SnapshotHeader; readonly store: ChartStore }
  | { readonly ok: false; readonly reason: string };

/**
 * Decodes bytes written by `encodeSnapshot`. The envelope (format, version, field types) is checked; the
 * records themselves are trusted: snapshots come from this code, through storage and Raft's snapshot transfer.
 */
export function decodeSnapshot(bytes: Uint8Array): DecodedSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { ok: false, reason: 'not UTF-8 JSON' };
  }
  const problem = headerProblem(parsed);
  if (problem !== null) return { ok: false, reason: problem };
  const data = deepFreeze(parsed as SnapshotData);
  return {
    ok: true,
    header: {
      clinicId: data.clinicId,
      lastAppliedIndex: data.lastAppliedIndex,
      acceptedEntries: data.acceptedEntries,
      // Absent from a version 1 snapshot.
      centralAcknowledgedIndex: (data.version as number) === 1 ? 0 : data.centralAcknowledgedIndex,
      digest: data.digest,
      duplicates: data.duplicates,
    },
    store: rebuildStore(data),
  };
}

function listsData(lists: ChartLists): PatientData['lists'] {
  const data: { [K in keyof ListedRecords]?: ListedRecords[K][] } = {};
  for (const kind of listedKinds) {
    const list = lists[kind];
    // `kind` pairs the list with its own record type; TypeScript cannot follow that through the loop.
    if (list !== undefined) (data as Record<string, unknown[]>)[kind] = [...list.values()];
  }
  return data;
}

function rebuildStore(data: SnapshotData): ChartStore {
  const store = new ChartStore();
  for (const patientData of data.patients) {
    const entry = store.addPatient(patientData.patient);
    entry.lease = patientData.lease;
    entry.leaseEpoch = patientData.leaseEpoch;
    for (const kind of listedKinds) fileList(store, entry, kind, patientData.lists[kind] ?? []);
  }
  for (const conflict of data.conflicts) store.addConflict(store.patient(conflict.patientId)!, conflict);
  // Absent before version 3.
  for (const revocation of (data as Partial<SnapshotData>).revokedDevices ?? []) store.revokedDevices.set(revocation.deviceId, revocation);
  return store;
}

function fileList<K extends keyof ListedRecords>(store: ChartStore, entry: PatientEntry, kind: K, records: readonly ListedRecords[K][]): void {
  for (const record of records) {
    const id = recordId(kind, record);
    store.addListed(entry, kind, id, record);
    if (kind === 'prescription') {
      for (const dispense of (record as ListedRecords['prescription']).dispenses) store.registerNested(dispense.dispenseId, 'dispense', entry.patient.patientId, id);
    } else if (kind === 'labOrder') {
      for (const result of (record as ListedRecords['labOrder']).results) store.registerNested(result.labResultId, 'labResult', entry.patient.patientId, id);
    }
  }
}

const idFields: { readonly [K in keyof ListedRecords]: keyof ListedRecords[K] } = {
  visit: 'visitId', vitals: 'vitalsId', note: 'noteId', diagnosis: 'diagnosisId', allergy: 'allergyId',
  prescription: 'prescriptionId', labOrder: 'labOrderId', appointment: 'appointmentId',
};

function recordId<K extends keyof ListedRecords>(kind: K, record: ListedRecords[K]): string {
  return record[idFields[kind]] as string; // every id field is a string
}

function headerProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const data = value as Partial<Record<keyof SnapshotData, unknown>>;
  if (data.format !== snapshotFormat) return `format is not ${snapshotFormat}`;
  if (!versionsRestored.includes(data.version as number)) return `version ${String(data.version)} is not one of ${versionsRestored.join(', ')}`;
  if (typeof data.clinicId !== 'string') return 'no clinic id';
  if (!Number.isSafeInteger(data.lastAppliedIndex) || !Number.isSafeInteger(data.acceptedEntries)) return 'bad counters';
  if (data.version !== 1 && !Number.isSafeInteger(data.centralAcknowledgedIndex)) return 'bad central acknowledgement';
  if (data.version === snapshotVersion && !Array.isArray(data.revokedDevices)) return 'no revoked devices';
  if (!Array.isArray(data.digest) || data.digest.length !== 4 || !data.digest.every(Number.isSafeInteger)) return 'bad digest';
  if (!Array.isArray(data.patients) || !Array.isArray(data.conflicts)) return 'no patients or conflicts';
  if (typeof data.duplicates !== 'object' || data.duplicates === null || !Array.isArray((data.duplicates as { clients?: unknown }).clients)) return 'no duplicate windows';
  return null;
}
