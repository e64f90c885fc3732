// Every command type applies when valid; every kind of invalid input is a typed rejection naming the field,
// and leaves the state exactly as it was (same hash, same chart).
import { canonicalJson } from '../../src/chart/canonical-json.js';
import type { ChartCommandType } from '../../src/chart/commands.js';
import type { ChartErrorCode } from '../../src/chart/results.js';
import { noteTextLengthMax, identifiersPerPatientMax, nameLengthMax, shortTextLengthMax } from '../../src/chart/limits.js';
import { ChartHarness, ids, noon, registerPatient, uuid, validCommands, type Json } from './chart-harness.js';

interface InvalidCase {
  readonly name: string;
  /** A whole entry, or (when `command` is set) a command wrapped in a valid envelope. */
  readonly entry?: unknown;
  readonly command?: Json;
  readonly code: ChartErrorCode;
  readonly field?: string;
}

const vitals = (measurements: Json, overrides: Json = {}): Json => ({ type: 'recordVitals', vitalsId: ids.fresh, patientId: ids.patient, visitId: ids.visit, measurements, ...overrides });
const prescription = (overrides: Json): Json => ({ ...(validCommands()[9]!), prescriptionId: ids.fresh, ...overrides });
const envelope = (overrides: Json): Json => ({
  clientId: 'tablet-9', sequence: 1, recordedAt: noon, author: { deviceId: 'd', userName: 'u' },
  command: { type: 'markEnteredInError', targetId: ids.vitals, reason: 'typo' }, ...overrides,
});

const invalidCases: readonly InvalidCase[] = [
  { name: 'an entry that is not an object', entry: 42, code: 'malformed' },
  { name: 'an entry that is a list', entry: [1, 2], code: 'malformed' },
  { name: 'a missing client id', entry: envelope({ clientId: undefined }), code: 'missing-field', field: 'clientId' },
  { name: 'a client id with a slash', entry: envelope({ clientId: 'tablet/1' }), code: 'invalid-value', field: 'clientId' },
  { name: 'sequence zero', entry: envelope({ sequence: 0 }), code: 'invalid-value', field: 'sequence' },
  { name: 'a fractional sequence', entry: envelope({ sequence: 1.5 }), code: 'invalid-value', field: 'sequence' },
  { name: 'a sequence as text', entry: envelope({ sequence: '3' }), code: 'malformed', field: 'sequence' },
  { name: 'a negative recordedAt', entry: envelope({ recordedAt: -1 }), code: 'invalid-value', field: 'recordedAt' },
  { name: 'a missing author', entry: envelope({ author: undefined }), code: 'missing-field', field: 'author' },
  { name: 'an empty user name', entry: envelope({ author: { deviceId: 'd', userName: '  ' } }), code: 'missing-field', field: 'author.userName' },
  { name: 'an unknown envelope field', entry: envelope({ priority: 'high' }), code: 'unknown-field', field: 'priority' },
  { name: 'a missing command', entry: envelope({ command: undefined }), code: 'missing-field', field: 'command' },
  { name: 'a command that is a list', entry: envelope({ command: [] }), code: 'malformed', field: 'command' },
  { name: 'an unknown command type', command: { type: 'deletePatient', patientId: ids.patient }, code: 'unknown-command', field: 'command.type' },

  { name: 'registering a used id', command: registerPatient(ids.patient), code: 'duplicate-id', field: 'command.patientId' },
  { name: 'a patient id that is not a UUID', command: registerPatient('P-0001'), code: 'invalid-value', field: 'command.patientId' },
  { name: 'an upper-case UUID', command: registerPatient(uuid(0xabcdef, 0xabc).toUpperCase()), code: 'invalid-value', field: 'command.patientId' },
  { name: 'no name at all', command: registerPatient(ids.fresh, { name: { given: ' ', family: '' } }), code: 'missing-field', field: 'command.name.given' },
  { name: 'a name too long', command: registerPatient(ids.fresh, { name: { given: 'a'.repeat(nameLengthMax + 1), family: 'B' } }), code: 'too-long', field: 'command.name.given' },
  { name: 'a control character in a name', command: registerPatient(ids.fresh, { name: { given: 'Am\u0007ina', family: 'B' } }), code: 'invalid-value', field: 'command.name.given' },
  { name: 'a lone surrogate in a name', command: registerPatient(ids.fresh, { name: { given: 'Amina', family: 'Ok\ud800ello' } }), code: 'invalid-value', field: 'command.name.family' },
  { name: 'an unknown sex', command: registerPatient(ids.fresh, { sex: 'f' }), code: 'invalid-value', field: 'command.sex' },
  { name: 'a birth date in the future', command: registerPatient(ids.fresh, { birth: { estimated: false, dateOfBirth: '2030-01-01' } }), code: 'invalid-value', field: 'command.birth.dateOfBirth' },
  { name: 'a birth date that does not exist', command: registerPatient(ids.fresh, { birth: { estimated: false, dateOfBirth: '1990-02-30' } }), code: 'invalid-value', field: 'command.birth.dateOfBirth' },
  { name: 'an estimated birth with a date', command: registerPatient(ids.fresh, { birth: { estimated: true, dateOfBirth: '1990-01-01' } }), code: 'unknown-field', field: 'command.birth.dateOfBirth' },
  { name: 'an implausible birth year', command: registerPatient(ids.fresh, { birth: { estimated: true, birthYear: 1800 } }), code: 'invalid-value', field: 'command.birth.birthYear' },
  { name: 'a birth without the estimated flag', command: registerPatient(ids.fresh, { birth: { birthYear: 1980 } }), code: 'missing-field', field: 'command.birth.estimated' },
  { name: 'too many identifiers', command: registerPatient(ids.fresh, { identifiers: Array.from({ length: identifiersPerPatientMax + 1 }, (_, index) => ({ system: 'clinic-number', value: `N${index}` })) }), code: 'too-long', field: 'command.identifiers' },
  { name: 'an identifier listed twice', command: registerPatient(ids.fresh, { identifiers: [{ system: 'art', value: '1' }, { system: 'art', value: '1' }] }), code: 'invalid-value', field: 'command.identifiers[1]' },
  { name: 'an identifier system with spaces', command: registerPatient(ids.fresh, { identifiers: [{ system: 'National ID', value: '1' }] }), code: 'invalid-value', field: 'command.identifiers[0].system' },
  { name: 'a phone with too few digits', command: registerPatient(ids.fresh, { phone: '12345' }), code: 'invalid-value', field: 'command.phone' },
  { name: 'a phone with letters', command: registerPatient(ids.fresh, { phone: '0772 ABC 123' }), code: 'invalid-value', field: 'command.phone' },
  { name: 'a next of kin without relationship', command: registerPatient(ids.fresh, { nextOfKin: { name: 'Joseph' } }), code: 'missing-field', field: 'command.nextOfKin.relationship' },
  { name: 'an unknown patient field', command: registerPatient(ids.fresh, { bloodType: 'O+' }), code: 'unknown-field', field: 'command.bloodType' },

  { name: 'editing an unknown patient', command: { type: 'updatePatient', patientId: ids.fresh, field: 'sex', value: 'male', baseVersion: 'tablet-1:1' }, code: 'unknown-patient', field: 'command.patientId' },
  { name: 'editing a field that is not versioned', command: { type: 'updatePatient', patientId: ids.patient, field: 'weight', value: 70, baseVersion: 'tablet-1:1' }, code: 'invalid-value', field: 'command.field' },
  { name: "a value of the wrong shape for the field", command: { type: 'updatePatient', patientId: ids.patient, field: 'sex', value: 'x', baseVersion: 'tablet-1:1' }, code: 'invalid-value', field: 'command.value' },
  { name: 'a malformed base version', command: { type: 'updatePatient', patientId: ids.patient, field: 'sex', value: 'male', baseVersion: 'v1' }, code: 'invalid-value', field: 'command.baseVersion' },
  { name: 'a missing base version', command: { type: 'updatePatient', patientId: ids.patient, field: 'sex', value: 'male' }, code: 'missing-field', field: 'command.baseVersion' },

  { name: 'a visit for an unknown patient', command: { type: 'openVisit', visitId: ids.fresh, patientId: uuid(1, 77) }, code: 'unknown-patient', field: 'command.patientId' },
  { name: 'a visit id already used', command: { type: 'openVisit', visitId: ids.visit, patientId: ids.patient }, code: 'duplicate-id', field: 'command.visitId' },
  { name: 'a visit opening at done', command: { type: 'openVisit', visitId: ids.fresh, patientId: ids.patient, station: 'done' }, code: 'invalid-value', field: 'command.station' },
  { name: 'a visit reason too long', command: { type: 'openVisit', visitId: ids.fresh, patientId: ids.patient, reason: 'x'.repeat(shortTextLengthMax + 1) }, code: 'too-long', field: 'command.reason' },
  { name: 'moving an unknown visit', command: { type: 'moveVisit', visitId: ids.fresh, fromStation: 'triage', toStation: 'clinician' }, code: 'unknown-visit', field: 'command.visitId' },
  { name: 'moving to the same station', command: { type: 'moveVisit', visitId: ids.visit, fromStation: 'triage', toStation: 'triage' }, code: 'invalid-value', field: 'command.toStation' },
  { name: 'moving from a station the visit left', command: { type: 'moveVisit', visitId: ids.visit, fromStation: 'registration', toStation: 'clinician' }, code: 'stale-station', field: 'command.fromStation' },
  { name: 'moving to an unknown station', command: { type: 'moveVisit', visitId: ids.visit, fromStation: 'triage', toStation: 'home' }, code: 'invalid-value', field: 'command.toStation' },

  { name: 'an implausible pulse', command: vitals({ pulseBpm: 400 }), code: 'implausible-value', field: 'command.measurements.pulseBpm' },
  { name: 'a temperature typed without its point', command: vitals({ temperatureCelsius: 372 }), code: 'implausible-value', field: 'command.measurements.temperatureCelsius' },
  { name: 'an SpO2 above 100', command: vitals({ spo2Percent: 101 }), code: 'implausible-value', field: 'command.measurements.spo2Percent' },
  { name: 'an implausible weight', command: vitals({ weightKg: 0.1 }), code: 'implausible-value', field: 'command.measurements.weightKg' },
  { name: 'an implausible MUAC', command: vitals({ muacMm: 20 }), code: 'implausible-value', field: 'command.measurements.muacMm' },
  { name: 'a glucose in mg/dL', command: vitals({ bloodGlucoseMmolPerL: 110 }), code: 'implausible-value', field: 'command.measurements.bloodGlucoseMmolPerL' },
  { name: 'an implausible height', command: vitals({ heightCm: 300 }), code: 'implausible-value', field: 'command.measurements.heightCm' },
  { name: 'an implausible respiratory rate', command: vitals({ respiratoryRatePerMinute: 2 }), code: 'implausible-value', field: 'command.measurements.respiratoryRatePerMinute' },
  { name: 'a systolic pressure without diastolic', command: vitals({ systolicMmHg: 120 }), code: 'missing-field', field: 'command.measurements.diastolicMmHg' },
  { name: 'a diastolic above systolic', command: vitals({ systolicMmHg: 80, diastolicMmHg: 120 }), code: 'implausible-value', field: 'command.measurements.diastolicMmHg' },
  { name: 'a fractional pulse', command: vitals({ pulseBpm: 72.5 }), code: 'invalid-value', field: 'command.measurements.pulseBpm' },
  { name: 'a pulse as text', command: vitals({ pulseBpm: '72' }), code: 'malformed', field: 'command.measurements.pulseBpm' },
  { name: 'no measurement at all', command: vitals({}), code: 'missing-field', field: 'command.measurements' },
  { name: 'an unknown measurement', command: vitals({ bmi: 22 }), code: 'unknown-field', field: 'command.measurements.bmi' },
  { name: 'vitals on an unknown visit', command: vitals({ pulseBpm: 80 }, { visitId: uuid(2, 77) }), code: 'unknown-visit', field: 'command.visitId' },
  { name: "vitals on another patient's visit", command: vitals({ pulseBpm: 80 }, { visitId: ids.otherVisit }), code: 'patient-mismatch', field: 'command.visitId' },
  { name: 'vitals reusing a visit id', command: vitals({ pulseBpm: 80 }, { vitalsId: ids.visit }), code: 'duplicate-id', field: 'command.vitalsId' },

  { name: 'an empty note', command: { type: 'addNote', noteId: ids.fresh, patientId: ids.patient, kind: 'nursing', text: '  ' }, code: 'missing-field', field: 'command.text' },
  { name: 'a note too long', command: { type: 'addNote', noteId: ids.fresh, patientId: ids.patient, kind: 'nursing', text: 'x'.repeat(noteTextLengthMax + 1) }, code: 'too-long', field: 'command.text' },
  { name: 'an unknown note kind', command: { type: 'addNote', noteId: ids.fresh, patientId: ids.patient, kind: 'diary', text: 'ok' }, code: 'invalid-value', field: 'command.kind' },
  { name: 'a control character in a note', command: { type: 'addNote', noteId: ids.fresh, patientId: ids.patient, kind: 'nursing', text: 'ok\u0000' }, code: 'invalid-value', field: 'command.text' },
  { name: 'a lower-case ICD-10 code', command: { type: 'addDiagnosis', diagnosisId: ids.fresh, patientId: ids.patient, code: 'j20.9', text: 'Bronchitis', certainty: 'confirmed' }, code: 'invalid-value', field: 'command.code' },
  { name: 'a truncated ICD-10 code', command: { type: 'addDiagnosis', diagnosisId: ids.fresh, patientId: ids.patient, code: 'J2', text: 'Bronchitis', certainty: 'confirmed' }, code: 'invalid-value', field: 'command.code' },
  { name: 'a diagnosis without text', command: { type: 'addDiagnosis', diagnosisId: ids.fresh, patientId: ids.patient, code: 'B54', certainty: 'confirmed' }, code: 'missing-field', field: 'command.text' },
  { name: 'an unknown allergy severity', command: { type: 'recordAllergy', allergyId: ids.fresh, patientId: ids.patient, substance: 'Sulfa', severity: 'deadly' }, code: 'invalid-value', field: 'command.severity' },
  { name: 'an allergy without substance', command: { type: 'recordAllergy', allergyId: ids.fresh, patientId: ids.patient, severity: 'mild' }, code: 'missing-field', field: 'command.substance' },
  { name: 'editing an unknown allergy', command: { type: 'updateAllergy', allergyId: ids.fresh, field: 'severity', value: 'mild', baseVersion: 'tablet-1:8' }, code: 'unknown-target', field: 'command.allergyId' },
  { name: 'an allergy status not in the list', command: { type: 'updateAllergy', allergyId: ids.allergy, field: 'status', value: 'gone', baseVersion: 'tablet-1:8' }, code: 'invalid-value', field: 'command.value' },

  { name: 'a zero dose', command: prescription({ dose: { amount: 0, unit: 'mg' } }), code: 'invalid-value', field: 'command.dose.amount' },
  { name: 'an unknown dose unit', command: prescription({ dose: { amount: 1, unit: 'kg' } }), code: 'invalid-value', field: 'command.dose.unit' },
  { name: 'an unknown route', command: prescription({ route: 'by mouth' }), code: 'invalid-value', field: 'command.route' },
  { name: 'an abbreviated frequency', command: prescription({ frequency: 'tds' }), code: 'invalid-value', field: 'command.frequency' },
  { name: 'a zero-day course', command: prescription({ durationDays: 0 }), code: 'invalid-value', field: 'command.durationDays' },
  { name: 'a course over a year', command: prescription({ durationDays: 400 }), code: 'invalid-value', field: 'command.durationDays' },
  { name: 'dispensing an unknown prescription', command: { type: 'dispense', dispenseId: ids.fresh, prescriptionId: uuid(7, 77), quantity: { amount: 1, unit: 'bottle' } }, code: 'unknown-target', field: 'command.prescriptionId' },
  { name: 'dispensing a negative quantity', command: { type: 'dispense', dispenseId: ids.fresh, prescriptionId: ids.prescription, quantity: { amount: -1, unit: 'bottle' } }, code: 'invalid-value', field: 'command.quantity.amount' },
  { name: 'a dispense id already used', command: { type: 'dispense', dispenseId: ids.dispense, prescriptionId: ids.prescription, quantity: { amount: 1, unit: 'bottle' } }, code: 'duplicate-id', field: 'command.dispenseId' },
  { name: 'a lab order without test', command: { type: 'orderLab', labOrderId: ids.fresh, patientId: ids.patient }, code: 'missing-field', field: 'command.test' },
  { name: 'a result for an unknown order', command: { type: 'recordLabResult', labResultId: ids.fresh, labOrderId: uuid(9, 77), result: { kind: 'text', text: 'ok' } }, code: 'unknown-target', field: 'command.labOrderId' },
  { name: 'a result of an unknown kind', command: { type: 'recordLabResult', labResultId: ids.fresh, labOrderId: ids.labOrder, result: { kind: 'image' } }, code: 'invalid-value', field: 'command.result.kind' },
  { name: 'a numeric result without unit', command: { type: 'recordLabResult', labResultId: ids.fresh, labOrderId: ids.labOrder, result: { kind: 'numeric', value: 11.2 } }, code: 'missing-field', field: 'command.result.unit' },
  { name: 'a numeric result as text', command: { type: 'recordLabResult', labResultId: ids.fresh, labOrderId: ids.labOrder, result: { kind: 'numeric', value: 'high', unit: 'g/dL' } }, code: 'malformed', field: 'command.result.value' },
  { name: 'an appointment on a month 13', command: { type: 'bookAppointment', appointmentId: ids.fresh, patientId: ids.patient, date: '2025-13-01' }, code: 'invalid-value', field: 'command.date' },
  { name: 'an appointment at 25:00', command: { type: 'bookAppointment', appointmentId: ids.fresh, patientId: ids.patient, date: '2025-07-01', time: '25:00' }, code: 'invalid-value', field: 'command.time' },
  { name: 'cancelling a cancelled appointment', command: { type: 'cancelAppointment', appointmentId: ids.appointment }, code: 'appointment-not-booked', field: 'command.appointmentId' },
  { name: 'cancelling an unknown appointment', command: { type: 'cancelAppointment', appointmentId: ids.fresh }, code: 'unknown-target', field: 'command.appointmentId' },

  { name: 'a lease grant that is not newer', command: { type: 'grantLease', patientId: ids.patient, holderClinicId: 'clinic-2', epoch: 1, expiresAt: noon }, code: 'stale-epoch', field: 'command.epoch' },
  { name: 'a lease epoch of zero', command: { type: 'grantLease', patientId: ids.patient, holderClinicId: 'clinic-2', epoch: 0, expiresAt: noon }, code: 'invalid-value', field: 'command.epoch' },
  { name: 'a lease holder with a slash', command: { type: 'grantLease', patientId: ids.patient, holderClinicId: 'a/b', epoch: 5, expiresAt: noon }, code: 'invalid-value', field: 'command.holderClinicId' },
  { name: 'renewing a released lease', command: { type: 'renewLease', patientId: ids.patient, epoch: 1, expiresAt: noon * 2 }, code: 'no-lease', field: 'command.patientId' },
  { name: 'releasing a released lease', command: { type: 'releaseLease', patientId: ids.patient, epoch: 1 }, code: 'no-lease', field: 'command.patientId' },

  { name: 'marking an unknown record', command: { type: 'markEnteredInError', targetId: ids.fresh, reason: 'typo' }, code: 'unknown-target', field: 'command.targetId' },
  { name: 'marking a patient', command: { type: 'markEnteredInError', targetId: ids.patient, reason: 'typo' }, code: 'invalid-value', field: 'command.targetId' },
  { name: 'marking a record twice', command: { type: 'markEnteredInError', targetId: ids.note, reason: 'typo' }, code: 'entered-in-error', field: 'command.targetId' },
  { name: 'marking without a reason', command: { type: 'markEnteredInError', targetId: ids.vitals }, code: 'missing-field', field: 'command.reason' },
  { name: 'resolving an unknown conflict', command: { type: 'resolveConflict', conflictId: 'clinic-1/999', value: 'male', baseVersion: 'tablet-1:1' }, code: 'unknown-conflict', field: 'command.conflictId' },
];

function stateWithEveryRecord(): ChartHarness {
  const harness = new ChartHarness();
  for (const command of validCommands()) harness.ok(command);
  harness.ok(registerPatient(ids.otherPatient, { name: { given: 'Peter', family: 'Mwangi' } }));
  harness.ok({ type: 'openVisit', visitId: ids.otherVisit, patientId: ids.otherPatient });
  return harness;
}

describe('chart commands', () => {
  it('apply a valid example of every command type, each changing the state hash', () => {
    const harness = new ChartHarness();
    const seen = new Set<string>();
    for (const command of validCommands()) {
      const before = harness.machine.stateHash();
      harness.ok(command);
      expect(harness.machine.stateHash()).not.toBe(before);
      seen.add(String(command['type']));
    }
    const allTypes: ChartCommandType[] = [
      'registerPatient', 'updatePatient', 'openVisit', 'moveVisit', 'recordVitals', 'addNote', 'addDiagnosis', 'recordAllergy',
      'updateAllergy', 'prescribe', 'dispense', 'orderLab', 'recordLabResult', 'bookAppointment', 'cancelAppointment',
      'grantLease', 'renewLease', 'releaseLease', 'markEnteredInError',
    ];
    // resolveConflict: chart-conflicts.spec.ts; recordCentralAcknowledgement: chart-central-acknowledgement.spec.ts
    expect([...seen].sort()).toEqual([...allTypes].sort());
    harness.machine.checkInvariants();
  });

  it('file every valid record in the chart with its event id and author', () => {
    const harness = stateWithEveryRecord();
    const chart = harness.machine.openChart(ids.patient)!;
    expect(chart.patient.phone).toBe('+256 700 000001');
    expect(chart.visits.map((visit) => visit.station)).toEqual(['triage']);
    expect(chart.vitals[0]!.measurements).toEqual({ systolicMmHg: 120, diastolicMmHg: 80, pulseBpm: 72, temperatureCelsius: 37.2 });
    expect(chart.notes[0]!.enteredInError?.reason).toBe('wrong patient');
    expect(chart.diagnoses[0]!.code).toBe('J20.9');
    expect(chart.allergies[0]!.severity).toBe('severe');
    expect(chart.prescriptions[0]!.dispenses.map((item) => item.quantity)).toEqual([{ amount: 15, unit: 'capsules' }]);
    expect(chart.labOrders[0]!.results[0]!.result).toEqual({ kind: 'text', text: 'negative' });
    expect(chart.appointments[0]!.cancelled?.reason).toBe('travelling');
    expect(chart.lease).toEqual(jasmine.objectContaining({ holderClinicId: 'clinic-1', epoch: 1, released: true }));
    expect(chart.vitals[0]!.eventId).toBe('clinic-1/5');
    expect(chart.vitals[0]!.author.userName).toBe('Nurse Achieng');
    expect(Object.isFrozen(chart.vitals[0])).toBeTrue();
  });

  it('store texts trimmed and optional fields as null', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient(ids.patient, { name: { given: '  Amina ', family: 'Okello' }, phone: undefined, address: null, nextOfKin: undefined, identifiers: undefined }));
    const patient = harness.machine.openChart(ids.patient)!.patient;
    expect(patient.name.given).toBe('Amina');
    expect([patient.phone, patient.address, patient.nextOfKin]).toEqual([null, null, null]);
    expect(patient.identifiers).toEqual([]);
  });

  it('accept an estimated birth year and the limits of each plausible range', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient(ids.patient, { birth: { estimated: true, birthYear: 1960 } }));
    harness.ok(vitals({ pulseBpm: 250, spo2Percent: 100, temperatureCelsius: 30, weightKg: 0.3, muacMm: 115, bloodGlucoseMmolPerL: 60 }, { visitId: null }));
    expect(harness.machine.openChart(ids.patient)!.patient.birth).toEqual({ estimated: true, birthYear: 1960 });
  });

  for (const invalid of invalidCases) {
    it(`reject ${invalid.name} with ${invalid.code}, changing nothing`, () => {
      const harness = stateWithEveryRecord();
      const hashBefore = harness.machine.stateHash();
      const chartBefore = canonicalJson(harness.machine.openChart(ids.patient));
      const countsBefore = harness.machine.counts();
      const entry = invalid.command === undefined ? invalid.entry : harness.envelope(invalid.command);
      const result = harness.apply(entry);
      expect(result.type).toBe('rejected');
      if (result.type !== 'rejected') return;
      expect(result.error.code).toBe(invalid.code);
      expect(result.error.field).toBe(invalid.field);
      expect(result.error.message.length).toBeGreaterThan(0);
      expect(harness.machine.stateHash()).toBe(hashBefore);
      expect(canonicalJson(harness.machine.openChart(ids.patient))).toBe(chartBefore);
      expect(harness.machine.counts()).toEqual(countsBefore);
      harness.machine.checkInvariants();
    });
  }
});
