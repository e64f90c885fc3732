// The chart state's data and the primitive changes handlers make to it: patients in registration order, each
// with their lists of clinical records, a registry of every proposer-made id, conflicts, and the indexes
// queries read (search, visits by hour). Handlers decide; the store only files what they decided, and asserts
// that nothing it files contradicts what it holds.
import { assert } from '../invariants/assert.js';
import type { ChartLists, ListedKind, ListedRecords } from './chart-lists.js';
import type { ConflictRecord, DeviceRevocation, LeaseRecord, PatientRecord, VisitRecord } from './records.js';
import { PatientSearchIndex, type SearchableFields } from './search-index.js';

/** Per patient: the record, the lists of their clinical records (created on first use), conflicts, lease. */
export interface PatientEntry {
  readonly ordinal: number;
  patient: PatientRecord;
  readonly lists: ChartLists;
  /** Conflicts about this patient or their allergies, in the order they were opened. */
  readonly conflictIds: string[];
  lease: LeaseRecord | null;
  /** The highest lease epoch seen for this chart (fencing: a grant must exceed it). */
  leaseEpoch: number;
}

/** Records filed inside another record: a dispense in its prescription, a lab result in its order. */
export type NestedKind = 'dispense' | 'labResult';
export type EntityKind = 'patient' | ListedKind | NestedKind;

export interface EntityRef {
  readonly kind: EntityKind;
  readonly patientId: string;
  /** The prescription or lab order holding a nested record; null otherwise. */
  readonly parentId: string | null;
}

export const hourMs = 3_600_000;

export class ChartStore {
  // Invariant: patientsByOrdinal[entry.ordinal] === entry for every entry in `patients`.
  readonly patients = new Map<string, PatientEntry>();
  readonly patientsByOrdinal: PatientEntry[] = [];
  /** Every proposer-made id (patients included): ids are unique across kinds. */
  readonly entities = new Map<string, EntityRef>();
  /** Every conflict ever opened, in the order opened. */
  readonly conflicts = new Map<string, ConflictRecord>();
  // Invariant: exactly the ids of `conflicts` whose status is 'open', in the order opened.
  readonly openConflictIds = new Set<string>();
  /**
   * This clinic's own visit ids by the UTC hour they were opened (visitOpenedAt: the clinic's time, else the
   * proposer's clock): today's queues read a day's buckets. Visits at other clinics are in no queue here.
   */
  readonly visitsByHour = new Map<number, string[]>();
  readonly search = new PatientSearchIndex();
  /** Central holds this clinic's log up to here, as last recorded in it (0: nothing known). Never decreases. */
  centralAcknowledgedIndex = 0;
  /** Devices central revoked, by device id: never linked with again. A revocation is never undone. */
  readonly revokedDevices = new Map<string, DeviceRevocation>();

  patient(patientId: string): PatientEntry | undefined {
    return this.patients.get(patientId);
  }

  isIdTaken(id: string): boolean {
    return this.entities.has(id);
  }

  addPatient(record: PatientRecord): PatientEntry {
    assert(!this.entities.has(record.patientId), 'a new patient id is unused');
    const entry: PatientEntry = { ordinal: this.patientsByOrdinal.length, patient: record, lists: {}, conflictIds: [], lease: null, leaseEpoch: 0 };
    this.patients.set(record.patientId, entry);
    this.patientsByOrdinal.push(entry);
    this.entities.set(record.patientId, { kind: 'patient', patientId: record.patientId, parentId: null });
    this.search.set(entry.ordinal, searchableFields(record));
    return entry;
  }

  replacePatient(entry: PatientEntry, record: PatientRecord): void {
    assert(record.patientId === entry.patient.patientId, 'a replaced patient keeps its id');
    entry.patient = record;
    this.search.set(entry.ordinal, searchableFields(record));
  }

  /** Files a new record in its patient's list and the id registry. */
  addListed<K extends ListedKind>(entry: PatientEntry, kind: K, id: string, record: ListedRecords[K]): void {
    assert(!this.entities.has(id), 'a new record id is unused');
    this.entities.set(id, { kind, patientId: entry.patient.patientId, parentId: null });
    listOf(entry, kind).set(id, record);
    if (kind === 'visit' && (record as VisitRecord).atClinicId === undefined) this.fileVisitHour(record as VisitRecord);
  }

  /** Replaces a record in place (its position in the chart list is kept). */
  replaceListed<K extends ListedKind>(entry: PatientEntry, kind: K, id: string, record: ListedRecords[K]): void {
    const list = listOf(entry, kind);
    assert(list.has(id), 'a replaced record exists');
    list.set(id, record);
  }

  listed<K extends ListedKind>(entry: PatientEntry, kind: K, id: string): ListedRecords[K] | undefined {
    return entry.lists[kind]?.get(id);
  }

  registerNested(id: string, kind: NestedKind, patientId: string, parentId: string): void {
    assert(!this.entities.has(id), 'a new record id is unused');
    this.entities.set(id, { kind, patientId, parentId });
  }

  /** Files a conflict: a new one (open) or, when restoring a snapshot, one in any state. */
  addConflict(entry: PatientEntry, conflict: ConflictRecord): void {
    assert(!this.conflicts.has(conflict.conflictId), 'conflict ids are unique');
    assert(conflict.patientId === entry.patient.patientId, "a conflict is filed with its patient");
    this.conflicts.set(conflict.conflictId, conflict);
    if (conflict.status === 'open') this.openConflictIds.add(conflict.conflictId);
    entry.conflictIds.push(conflict.conflictId);
  }

  replaceConflict(conflict: ConflictRecord): void {
    assert(this.conflicts.has(conflict.conflictId), 'a replaced conflict exists');
    this.conflicts.set(conflict.conflictId, conflict);
    if (conflict.status !== 'open') this.openConflictIds.delete(conflict.conflictId);
  }

  private fileVisitHour(visit: VisitRecord): void {
    const hour = Math.floor(visitOpenedAt(visit) / hourMs);
    const bucket = this.visitsByHour.get(hour);
    if (bucket === undefined) this.visitsByHour.set(hour, [visit.visitId]);
    else bucket.push(visit.visitId);
  }
}

export function listOf<K extends ListedKind>(entry: PatientEntry, kind: K): Map<string, ListedRecords[K]> {
  let list: Map<string, ListedRecords[K]> | undefined = entry.lists[kind];
  if (list === undefined) {
    list = new Map<string, ListedRecords[K]>();
    entry.lists[kind] = list as ChartLists[K];
  }
  return list;
}

/** What a patient is found by in search: names, identifiers, their phone and their next of kin's. */
export function searchableFields(patient: PatientRecord): SearchableFields {
  const phones: string[] = [];
  if (patient.phone !== null) phones.push(patient.phone);
  if (patient.nextOfKin?.phone != null) phones.push(patient.nextOfKin.phone);
  return {
    names: [patient.name.given, patient.name.family],
    identifiers: patient.identifiers.map((identifier) => identifier.value),
    phones,
  };
}

/** When a visit opened for the day's queues: the clinic's time when it has one, else the opening tablet's clock. */
export function visitOpenedAt(visit: VisitRecord): number {
  return visit.openedAtClinicTime ?? visit.recordedAt;
}
