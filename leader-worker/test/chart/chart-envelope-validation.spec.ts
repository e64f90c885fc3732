// The envelope and command validation (validate-envelope.ts) at the cases the broader suites leave open: an
// entry that is null, a command that is null, not an object or has no type, the longest conflict id, a
// booking without a time, a vital sign sent as null, and the refusal texts a clinician reads (shown on the
// device and in the feed importer's reasons), which must say what was expected. The texts are compared
// whole: a refusal is the only explanation the person at the tablet gets.
import { clientIdLengthMax } from '../../src/chart/limits.js';
import type { ApplyResult } from '../../src/chart/results.js';
import { ChartHarness, ids, noon, validCommands, type Json } from './chart-harness.js';

interface Refusal {
  readonly code: string;
  readonly field: string | undefined;
  readonly message: string;
}

function refusal(result: ApplyResult): Refusal {
  if (result.type !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
  return { code: result.error.code, field: result.error.field, message: result.error.message };
}

/** A harness with a patient, an open visit at triage and a lab order (the targets the commands below name). */
function chartWithVisit(): ChartHarness {
  const harness = new ChartHarness();
  for (const command of validCommands().slice(0, 4)) harness.ok(command);
  harness.ok(validCommands()[11]!); // orderLab
  return harness;
}

const envelope = (overrides: Json): Json => ({
  clientId: 'tablet-9', sequence: 1, recordedAt: noon, author: { deviceId: 'd', userName: 'u' },
  command: { type: 'markEnteredInError', targetId: ids.vitals, reason: 'typo' }, ...overrides,
});

const vitals = (measurements: Json): Json => ({ type: 'recordVitals', vitalsId: ids.fresh, patientId: ids.patient, visitId: ids.visit, measurements });

describe('chart envelope validation', () => {
  describe('an entry', () => {
    it('that is null is refused as malformed, not as missing its client id', () => {
      expect(refusal(new ChartHarness().apply(null))).toEqual({ code: 'malformed', field: undefined, message: 'an entry must be an object' });
    });

    it('that is not an object or is a list is refused with the same text', () => {
      for (const entry of [42, 'entry', [envelope({})]]) {
        expect(refusal(new ChartHarness().apply(entry))).toEqual({ code: 'malformed', field: undefined, message: 'an entry must be an object' });
      }
    });

    it('with a client id of other characters says which characters a client id may hold', () => {
      expect(refusal(new ChartHarness().apply(envelope({ clientId: 'tablet 1' })))).toEqual({
        code: 'invalid-value', field: 'clientId', message: "'clientId' must be letters, digits, and . _ ~ -",
      });
    });
  });

  describe('a command', () => {
    const refused = (command: unknown): Refusal => refusal(new ChartHarness().apply(envelope({ command })));

    it('that is absent or null is required', () => {
      const missing = { code: 'missing-field', field: 'command', message: "'command' is required" };
      expect(refused(undefined)).toEqual(missing);
      expect(refused(null)).toEqual(missing);
    });

    it('that is not an object, or is a list, is malformed', () => {
      const malformed = { code: 'malformed', field: 'command', message: "'command' must be an object" };
      expect(refused(42)).toEqual(malformed);
      expect(refused('registerPatient')).toEqual(malformed);
      expect(refused([{ type: 'registerPatient' }])).toEqual(malformed);
    });

    it("of a type that is only an object's built-in property is an unknown command, not a crash", () => {
      for (const type of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
        expect(refused({ type })).toEqual({ code: 'unknown-command', field: 'command.type', message: `unknown command type "${type}"` });
      }
    });

    it('of an unknown type, or with no type, names the type it got', () => {
      expect(refused({ type: 'deletePatient' })).toEqual({ code: 'unknown-command', field: 'command.type', message: 'unknown command type "deletePatient"' });
      expect(refused({ type: 7 })).toEqual({ code: 'unknown-command', field: 'command.type', message: 'unknown command type 7' });
      expect(refused({ patientId: ids.patient })).toEqual({ code: 'unknown-command', field: 'command.type', message: 'unknown command type undefined' });
    });
  });

  describe('refusal texts of commands', () => {
    it("say a visit cannot open at 'done', and what a clinic id must be", () => {
      const harness = chartWithVisit();
      const open = (overrides: Json): Refusal => refusal(harness.propose({ type: 'openVisit', visitId: ids.fresh, patientId: ids.patient, ...overrides }));
      expect(open({ station: 'done' })).toEqual({ code: 'invalid-value', field: 'command.station', message: "a visit cannot open at 'done'" });
      expect(open({ clinicId: 'clinic 2' })).toEqual({ code: 'invalid-value', field: 'command.clinicId', message: "'command.clinicId' must be a clinic id" });
    });

    it('say a move must go to another station', () => {
      const result = chartWithVisit().propose({ type: 'moveVisit', visitId: ids.visit, fromStation: 'triage', toStation: 'triage' });
      expect(refusal(result)).toEqual({ code: 'invalid-value', field: 'command.toStation', message: 'a move must go to another station' });
    });

    it('show what an ICD-10 code looks like', () => {
      const result = chartWithVisit().propose({ ...validCommands()[6]!, code: 'j20.9' });
      expect(refusal(result)).toEqual({ code: 'invalid-value', field: 'command.code', message: "'command.code' must be an ICD-10 code like 'B54' or 'E11.9'" });
    });

    it("say an appointment's time is written 'HH:MM'", () => {
      const result = chartWithVisit().propose({ type: 'bookAppointment', appointmentId: ids.fresh, patientId: ids.patient, date: '2025-07-01', time: '9:30' });
      expect(refusal(result)).toEqual({ code: 'invalid-value', field: 'command.time', message: "'command.time' must be a time 'HH:MM'" });
    });

    it("say what a lease holder's clinic id must be", () => {
      const result = chartWithVisit().propose({ type: 'grantLease', patientId: ids.patient, holderClinicId: 'clinic/2', epoch: 1, expiresAt: noon });
      expect(refusal(result)).toEqual({ code: 'invalid-value', field: 'command.holderClinicId', message: "'command.holderClinicId' must be a clinic id" });
    });

    it('name the conflict that does not exist', () => {
      const result = chartWithVisit().propose({ type: 'resolveConflict', conflictId: 'clinic-1/999', value: 'male', baseVersion: 'tablet-1:1' });
      expect(refusal(result)).toEqual({ code: 'unknown-conflict', field: 'command.conflictId', message: 'no conflict clinic-1/999' });
    });

    it("say a lab result's kind is 'numeric' or 'text'", () => {
      const result = chartWithVisit().propose({ type: 'recordLabResult', labResultId: ids.fresh, labOrderId: ids.labOrder, result: { kind: 'count', value: 5, unit: 'x' } });
      expect(refusal(result)).toEqual({ code: 'invalid-value', field: 'command.result.kind', message: "a lab result's kind is 'numeric' or 'text'" });
    });

    it('name the vital sign, its unit and its plausible range', () => {
      const harness = chartWithVisit();
      const refused = (measurements: Json): Refusal => refusal(harness.propose(vitals(measurements)));
      expect(refused({ pulseBpm: '72' })).toEqual({ code: 'malformed', field: 'command.measurements.pulseBpm', message: 'Pulse must be a number' });
      expect(refused({ temperatureCelsius: 370 })).toEqual({
        code: 'implausible-value', field: 'command.measurements.temperatureCelsius',
        message: 'Temperature 370 °C is outside the plausible range 30-45 °C',
      });
      expect(refused({ pulseBpm: 72.5 })).toEqual({ code: 'invalid-value', field: 'command.measurements.pulseBpm', message: 'Pulse must be a whole number of beats/min' });
      expect(refused({})).toEqual({ code: 'missing-field', field: 'command.measurements', message: 'record at least one vital sign' });
      expect(refused({ systolicMmHg: 120 })).toEqual({
        code: 'missing-field', field: 'command.measurements.diastolicMmHg', message: 'blood pressure needs both systolic and diastolic',
      });
      expect(refused({ diastolicMmHg: 80 })).toEqual({
        code: 'missing-field', field: 'command.measurements.systolicMmHg', message: 'blood pressure needs both systolic and diastolic',
      });
      expect(refused({ systolicMmHg: 80, diastolicMmHg: 80 })).toEqual({
        code: 'implausible-value', field: 'command.measurements.diastolicMmHg', message: 'diastolic 80 mmHg must be below systolic 80 mmHg',
      });
    });
  });

  describe('optional values', () => {
    it('book an appointment with no time, or a null one, as a day without a time', () => {
      const harness = chartWithVisit();
      const book = { type: 'bookAppointment', patientId: ids.patient, date: '2025-07-01' };
      harness.ok({ ...book, appointmentId: ids.appointment });
      harness.ok({ ...book, appointmentId: ids.fresh, time: null });
      expect(harness.machine.openChart(ids.patient)!.appointments.map((appointment) => appointment.time)).toEqual([null, null]);
    });

    it('take a vital sign sent as null as not measured', () => {
      const harness = chartWithVisit();
      harness.ok(vitals({ pulseBpm: 72, temperatureCelsius: null }));
      expect(harness.machine.openChart(ids.patient)!.vitals[0]!.measurements).toEqual({ pulseBpm: 72 });
    });
  });

  describe('field paths', () => {
    it("name an allergy edit's base version, and a conflict resolution's base version and allergy value", () => {
      const harness = chartWithVisit();
      harness.ok(validCommands()[7]!); // recordAllergy, written as tablet-1:6
      const badVersion = { code: 'invalid-value', message: "must be a field version 'clientId:sequence'" };
      const edit = refusal(harness.propose({ type: 'updateAllergy', allergyId: ids.allergy, field: 'severity', value: 'severe', baseVersion: 'v6' }));
      expect(edit).toEqual({ code: badVersion.code, field: 'command.baseVersion', message: `'command.baseVersion' ${badVersion.message}` });
      harness.ok({ type: 'updateAllergy', allergyId: ids.allergy, field: 'severity', value: 'severe', baseVersion: 'tablet-1:6' }, { clientId: 'tablet-2', sequence: 1 });
      const stale = harness.propose({ type: 'updateAllergy', allergyId: ids.allergy, field: 'severity', value: 'mild', baseVersion: 'tablet-1:6' }, { clientId: 'tablet-3', sequence: 1 });
      const conflictId = stale.type === 'conflict' ? stale.conflictId : '';
      expect(conflictId).not.toBe('');
      const resolve = (overrides: Json): Refusal => refusal(harness.propose({ type: 'resolveConflict', conflictId, value: 'mild', baseVersion: 'tablet-2:1', ...overrides }));
      expect(resolve({ baseVersion: 'v1' })).toEqual({ code: badVersion.code, field: 'command.baseVersion', message: `'command.baseVersion' ${badVersion.message}` });
      expect(resolve({ value: 'deadly' })).toEqual(jasmine.objectContaining({ code: 'invalid-value', field: 'command.value' }));
    });
  });

  it("files a dispense's note with the dispense", () => {
    const harness = new ChartHarness();
    for (const command of validCommands().slice(0, 10)) harness.ok(command);
    harness.ok({ ...validCommands()[10]!, note: 'half now, half tomorrow' });
    expect(harness.machine.openChart(ids.patient)!.prescriptions[0]!.dispenses.map((item) => item.note)).toEqual(['half now, half tomorrow']);
  });

  it('reads a conflict id as long as a longest clinic id and a 16-digit log index, and refuses one character more', () => {
    const longest = `${'c'.repeat(clientIdLengthMax)}/${'9'.repeat(16)}`;
    const resolve = (conflictId: string): Refusal => refusal(chartWithVisit().propose({ type: 'resolveConflict', conflictId, value: 'male', baseVersion: 'tablet-1:1' }));
    // No such conflict: what matters is that the id was read and looked up, not refused for its length.
    expect(resolve(longest)).toEqual({ code: 'unknown-conflict', field: 'command.conflictId', message: `no conflict ${longest}` });
    expect(resolve(`${longest}9`).code).toBe('too-long');
  });
});
