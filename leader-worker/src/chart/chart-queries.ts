// Read-only queries over the store, answered from memory: a patient's chart, search as you type, today's
// queue at a station, open conflicts. Records are returned as they are held (frozen), not copied.
import { assert } from '../invariants/assert.js';
import type { Station } from './commands.js';
import { hourMs, visitOpenedAt, type ChartStore, type PatientEntry } from './chart-store.js';
import { queueRangeHoursMax, searchResultsMax } from './limits.js';
import type { ConflictRecord, DayRange, PatientChart, QueueEntry, SearchHit, VisitRecord } from './records.js';

export function openChart(store: ChartStore, patientId: string): PatientChart | null {
  const entry = store.patient(patientId);
  if (entry === undefined) return null;
  const { lists } = entry;
  return {
    patient: entry.patient,
    visits: values(lists.visit),
    vitals: values(lists.vitals),
    notes: values(lists.note),
    diagnoses: values(lists.diagnosis),
    allergies: values(lists.allergy),
    prescriptions: values(lists.prescription),
    labOrders: values(lists.labOrder),
    appointments: values(lists.appointment),
    conflicts: entry.conflictIds.map((conflictId) => store.conflicts.get(conflictId)!),
    lease: entry.lease,
  };
}

/** At most `limit` (clamped to 1..searchResultsMax) patients, best matches first. */
export function searchPatients(store: ChartStore, query: string, limit: number = searchResultsMax): SearchHit[] {
  const clamped = Math.max(1, Math.min(searchResultsMax, Math.floor(limit)));
  return store.search.search(query, clamped).map(({ ordinal, matchedBy }) => {
    const { patient } = store.patientsByOrdinal[ordinal]!;
    return {
      patientId: patient.patientId,
      name: patient.name,
      sex: patient.sex,
      birth: patient.birth,
      village: patient.address?.village ?? null,
      phone: patient.phone,
      matchedBy,
    };
  });
}

/**
 * Visits opened in `day` (by the proposer's clock) that are now at `station`, in the order they arrived there
 * (log order, which every device agrees on, unlike device clocks). Visits marked entered-in-error are left out.
 */
export function stationQueue(store: ChartStore, station: Station, day: DayRange): QueueEntry[] {
  assert(Number.isSafeInteger(day.startMs) && Number.isSafeInteger(day.endMs) && day.startMs < day.endMs, 'a day range is a non-empty range of whole ms');
  assert(day.endMs - day.startMs <= queueRangeHoursMax * hourMs, `a queue range spans at most ${queueRangeHoursMax} hours`);
  const found: { visit: VisitRecord; entry: PatientEntry }[] = [];
  const lastHour = Math.floor((day.endMs - 1) / hourMs);
  for (let hour = Math.floor(day.startMs / hourMs); hour <= lastHour; hour++) {
    for (const visitId of store.visitsByHour.get(hour) ?? []) {
      const entry = store.patient(store.entities.get(visitId)!.patientId)!;
      const visit = entry.lists.visit!.get(visitId)!;
      const openedAt = visitOpenedAt(visit);
      const opened = openedAt >= day.startMs && openedAt < day.endMs;
      if (opened && visit.station === station && visit.enteredInError === null) found.push({ visit, entry });
    }
  }
  found.sort((a, b) => a.visit.stationSinceLogIndex - b.visit.stationSinceLogIndex);
  return found.map(({ visit, entry }) => ({
    visitId: visit.visitId,
    patientId: visit.patientId,
    name: entry.patient.name,
    station: visit.station,
    openedAt: visit.recordedAt,
    waitingSince: visit.stationSince,
  }));
}

/** Every open conflict in the clinic, oldest first. */
export function openConflicts(store: ChartStore): ConflictRecord[] {
  return [...store.openConflictIds].map((conflictId) => store.conflicts.get(conflictId)!);
}

function values<T>(list: Map<string, T> | undefined): T[] {
  return list === undefined ? [] : [...list.values()];
}
