// Test helpers: a state machine fed like the driver feeds it (increasing log indexes, one client's increasing
// sequences), deterministic ids, and a valid example of every command.
import { ChartStateMachine } from '../../src/chart/chart-state-machine.js';
import type { ApplyResult } from '../../src/chart/results.js';

/** 2025-06-15T12:00:00Z: the clinic day most tests happen on. */
export const noon = 1_750_000_000_000 - (1_750_000_000_000 % 86_400_000) + 12 * 3_600_000;
export const today = { startMs: noon - 12 * 3_600_000, endMs: noon + 12 * 3_600_000 };

/** A lower-case UUID made from a number (and a tag, to keep kinds apart when reading failures). */
export function uuid(tag: number, number: number): string {
  return `${tag.toString(16).padStart(8, '0')}-0000-4000-8000-${number.toString(16).padStart(12, '0')}`;
}

export type Json = Record<string, unknown>;

export function restoreOrFail(bytes: Uint8Array): ChartStateMachine {
  const restored = ChartStateMachine.restore(bytes);
  if (restored.type !== 'restored') throw new Error(`snapshot did not restore: ${restored.reason}`);
  return restored.machine;
}

export class ChartHarness {
  readonly machine: ChartStateMachine;
  logIndex = 0;
  private readonly sequences = new Map<string, number>();

  constructor(clinicId = 'clinic-1', machine?: ChartStateMachine) {
    this.machine = machine ?? new ChartStateMachine(clinicId);
    this.logIndex = this.machine.lastAppliedIndex();
  }

  /** The envelope a client would propose next (a fresh sequence per call). */
  envelope(command: Json, options: { clientId?: string; sequence?: number; recordedAt?: number } = {}): Json {
    const clientId = options.clientId ?? 'tablet-1';
    const sequence = options.sequence ?? (this.sequences.get(clientId) ?? 0) + 1;
    this.sequences.set(clientId, Math.max(sequence, this.sequences.get(clientId) ?? 0));
    return {
      clientId,
      sequence,
      recordedAt: options.recordedAt ?? noon,
      author: { deviceId: `${clientId}-device`, userName: 'Nurse Achieng', role: 'nurse' },
      command,
    };
  }

  /** Commits an entry at the next log index. */
  apply(entry: unknown): ApplyResult {
    this.logIndex++;
    return this.machine.apply(this.logIndex, entry);
  }

  propose(command: Json, options: { clientId?: string; sequence?: number; recordedAt?: number } = {}): ApplyResult {
    return this.apply(this.envelope(command, options));
  }

  /** Proposes and expects the command to be applied; returns its event id. */
  ok(command: Json, options: { clientId?: string; sequence?: number; recordedAt?: number } = {}): string {
    const result = this.propose(command, options);
    if (result.type !== 'applied') throw new Error(`expected applied, got ${JSON.stringify(result)} for ${JSON.stringify(command)}`);
    return result.eventId;
  }
}

export const ids = {
  patient: uuid(1, 1),
  otherPatient: uuid(1, 2),
  visit: uuid(2, 1),
  otherVisit: uuid(2, 2),
  vitals: uuid(3, 1),
  note: uuid(4, 1),
  diagnosis: uuid(5, 1),
  allergy: uuid(6, 1),
  prescription: uuid(7, 1),
  dispense: uuid(8, 1),
  labOrder: uuid(9, 1),
  labResult: uuid(10, 1),
  appointment: uuid(11, 1),
  fresh: uuid(99, 1),
};

export function registerPatient(patientId: string = ids.patient, overrides: Json = {}): Json {
  return {
    type: 'registerPatient',
    patientId,
    name: { given: 'Amina', family: 'Okello' },
    sex: 'female',
    birth: { estimated: false, dateOfBirth: '1990-04-12' },
    identifiers: [{ system: 'national-id', value: 'CM-1234-5678' }],
    phone: '+256 772 123456',
    address: { village: 'Kibuye', details: 'near the borehole' },
    nextOfKin: { name: 'Joseph Okello', relationship: 'husband', phone: '0772 654321' },
    ...overrides,
  };
}

/** One valid command of every type, in an order where each one's prerequisites come before it. */
export function validCommands(): Json[] {
  return [
    registerPatient(),
    { type: 'updatePatient', patientId: ids.patient, field: 'phone', value: '+256 700 000001', baseVersion: 'tablet-1:1' },
    { type: 'openVisit', visitId: ids.visit, patientId: ids.patient, reason: 'cough for two weeks' },
    { type: 'moveVisit', visitId: ids.visit, fromStation: 'registration', toStation: 'triage' },
    { type: 'recordVitals', vitalsId: ids.vitals, patientId: ids.patient, visitId: ids.visit, measurements: { systolicMmHg: 120, diastolicMmHg: 80, pulseBpm: 72, temperatureCelsius: 37.2 } },
    { type: 'addNote', noteId: ids.note, patientId: ids.patient, visitId: ids.visit, kind: 'clinical', text: 'Productive cough.\nNo night sweats.' },
    { type: 'addDiagnosis', diagnosisId: ids.diagnosis, patientId: ids.patient, visitId: ids.visit, code: 'J20.9', text: 'Acute bronchitis', certainty: 'provisional' },
    { type: 'recordAllergy', allergyId: ids.allergy, patientId: ids.patient, substance: 'Penicillin', reaction: 'rash', severity: 'moderate' },
    { type: 'updateAllergy', allergyId: ids.allergy, field: 'severity', value: 'severe', baseVersion: 'tablet-1:8' },
    { type: 'prescribe', prescriptionId: ids.prescription, patientId: ids.patient, visitId: ids.visit, drug: 'Amoxicillin 500 mg', dose: { amount: 500, unit: 'mg' }, route: 'oral', frequency: 'three-times-daily', durationDays: 5, instructions: 'after food' },
    { type: 'dispense', dispenseId: ids.dispense, prescriptionId: ids.prescription, quantity: { amount: 15, unit: 'capsules' } },
    { type: 'orderLab', labOrderId: ids.labOrder, patientId: ids.patient, visitId: ids.visit, test: 'Malaria RDT', specimen: 'blood' },
    { type: 'recordLabResult', labResultId: ids.labResult, labOrderId: ids.labOrder, result: { kind: 'text', text: 'negative' }, interpretation: 'normal' },
    { type: 'bookAppointment', appointmentId: ids.appointment, patientId: ids.patient, date: '2025-06-22', time: '09:30', reason: 'review' },
    { type: 'cancelAppointment', appointmentId: ids.appointment, reason: 'travelling' },
    { type: 'grantLease', patientId: ids.patient, holderClinicId: 'clinic-1', epoch: 1, expiresAt: noon + 3_600_000 },
    { type: 'renewLease', patientId: ids.patient, epoch: 1, expiresAt: noon + 7_200_000 },
    { type: 'releaseLease', patientId: ids.patient, epoch: 1 },
    { type: 'markEnteredInError', targetId: ids.note, reason: 'wrong patient' },
  ];
}
