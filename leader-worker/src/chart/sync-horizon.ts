// The sync horizon's chart rules (seed 5b): which of a clinic's patients another clinic pre-caches, and how
// much of a patient's history it gets, by category and age. Central decides with these; they sit in the chart
// domain because only it knows which command is which category and which record hangs off which.
import type { ChartCommand, IsoDate } from './commands.js';
import { visitOpenedAt, type ChartStore } from './chart-store.js';

/** Years of history of a category a clinic holds: 1 to 5, or allHistoryYears for everything. */
export type HistoryYears = 1 | 2 | 3 | 4 | 5 | 6;
/** The seed's "6": all of it. */
export const allHistoryYears: HistoryYears = 6;
export const historyYearsChoices: readonly HistoryYears[] = [1, 2, 3, 4, 5, 6];

/**
 * How much of each category a clinic gets. Demographics (the registration, edits of it, allergies) always
 * come whole: an allergy from ten years ago still kills.
 */
export interface HistoryDepth {
  readonly encounters: HistoryYears;
  readonly labs: HistoryYears;
  readonly prescriptions: HistoryYears;
}

export const wholeHistory: HistoryDepth = { encounters: allHistoryYears, labs: allHistoryYears, prescriptions: allHistoryYears };

/** The length of a history year: the rule is coarse on purpose (a day either side changes nothing clinical). */
export const historyYearMs = 365.25 * 86_400_000;

type HistoryCategory = keyof HistoryDepth;

/** Records judged by their own age, and the record each one hangs off (kept with it). */
const categoryOf: Partial<Record<ChartCommand['type'], HistoryCategory>> = {
  openVisit: 'encounters', recordVitals: 'encounters', addNote: 'encounters', addDiagnosis: 'encounters',
  orderLab: 'labs', prescribe: 'prescriptions',
};

/** One entry of a patient's history as central holds it: a decoded envelope. */
export interface HistoryEntry {
  readonly envelope: { readonly recordedAt: unknown; readonly command: Record<string, unknown> };
}

/**
 * The part of a patient's history (in its order) a clinic with `depth` gets at `nowMs`. A record inside its
 * category's years is kept together with what it needs and what completes it, so nothing arrives that the
 * chart cannot file and nothing is cut in half:
 *   - a kept vitals, note, diagnosis, lab order or prescription keeps the visit it was made in;
 *   - a visit's moves, a prescription's dispenses, a lab order's results and an entered-in-error mark follow
 *     what they are about (a result never arrives without its order, nor a dispense without its prescription);
 *   - everything else (demographics, allergies, appointments aside) is kept whole.
 */
export function historyWithin<T extends HistoryEntry>(history: readonly T[], depth: HistoryDepth, nowMs: number): T[] {
  const kept = new Set<string>();
  const idOf = (command: Record<string, unknown>, field: string): string | null => (typeof command[field] === 'string' ? (command[field] as string) : null);
  // Records judged by their own age, and the visits they pull in.
  for (const { envelope } of history) {
    const category = categoryOf[envelope.command.type as ChartCommand['type']];
    if (category === undefined) continue;
    const years = depth[category];
    const recordedAt = typeof envelope.recordedAt === 'number' ? envelope.recordedAt : Number.NEGATIVE_INFINITY;
    if (years !== allHistoryYears && recordedAt < nowMs - years * historyYearMs) continue;
    const id = recordId(envelope.command);
    if (id !== null) kept.add(id);
    const visitId = idOf(envelope.command, 'visitId');
    if (visitId !== null) kept.add(visitId);
  }
  return history.filter(({ envelope }) => {
    const { command } = envelope;
    if (categoryOf[command.type as ChartCommand['type']] !== undefined) return kept.has(recordId(command) ?? '');
    switch (command.type) {
      case 'moveVisit': return kept.has(idOf(command, 'visitId') ?? '');
      case 'dispense': return kept.has(idOf(command, 'prescriptionId') ?? '');
      case 'recordLabResult': return kept.has(idOf(command, 'labOrderId') ?? '');
      case 'markEnteredInError': return markTargetKept(command, kept, history);
      default: return true;
    }
  });
}

function recordId(command: Record<string, unknown>): string | null {
  const field = { openVisit: 'visitId', recordVitals: 'vitalsId', addNote: 'noteId', addDiagnosis: 'diagnosisId', orderLab: 'labOrderId', prescribe: 'prescriptionId' }[command.type as string];
  const id = field === undefined ? undefined : command[field];
  return typeof id === 'string' ? id : null;
}

/** A mark follows its target: kept when the target is a kept record, or a record that is always kept. */
function markTargetKept(command: Record<string, unknown>, kept: ReadonlySet<string>, history: readonly HistoryEntry[]): boolean {
  const targetId = command.targetId;
  if (typeof targetId !== 'string') return true;
  if (kept.has(targetId)) return true;
  // A dispense or a lab result is kept exactly when its parent is; anything not judged by age is kept.
  for (const { envelope } of history) {
    const target = envelope.command;
    if (target.type === 'dispense' && target.dispenseId === targetId) return kept.has(target.prescriptionId as string);
    if (target.type === 'recordLabResult' && target.labResultId === targetId) return kept.has(target.labOrderId as string);
    if (recordId(target) === targetId) return false;
  }
  return true;
}

/** Which of a clinic's patients belong to a horizon drawn from it (besides those registered there). */
export interface HorizonCriteria {
  /** A visit at this clinic opened at or after this (the clinic's time): seen here recently. */
  readonly seenSinceMs: number;
  /** A booked appointment on a date in [from, through]: expected here soon. */
  readonly appointmentsFrom: IsoDate;
  readonly appointmentsThrough: IsoDate;
}

/**
 * The patients of `store` seen at its clinic since `criteria.seenSinceMs` (visits imported from other clinics
 * do not count) or with an appointment booked between the two dates, in registration order.
 */
export function horizonCandidates(store: ChartStore, criteria: HorizonCriteria): string[] {
  const found: string[] = [];
  for (const entry of store.patientsByOrdinal) {
    const { visit: visits, appointment: appointments } = entry.lists;
    const seen = visits !== undefined && [...visits.values()].some((visit) =>
      visit.atClinicId === undefined && visit.enteredInError === null && visitOpenedAt(visit) >= criteria.seenSinceMs);
    const expected = !seen && appointments !== undefined && [...appointments.values()].some((appointment) =>
      appointment.cancelled === null && appointment.enteredInError === null
      && appointment.date >= criteria.appointmentsFrom && appointment.date <= criteria.appointmentsThrough);
    if (seen || expected) found.push(entry.patient.patientId);
  }
  return found;
}
