// The formats ids, codes, times, versions, identifier systems and phones must have, each accepted as written
// and refused with one character wrong anywhere (first, last, or an extra one at either end): a format that
// lets one through would let two spellings name one thing, or a typo into the record.
import { ChartHarness, ids, registerPatient, type Json } from './chart-harness.js';

function outcome(commands: readonly Json[], last: Json): string {
  const harness = new ChartHarness();
  for (const command of commands) harness.ok(command);
  const result = harness.propose(last);
  return result.type === 'rejected' ? `${result.error.code} ${result.error.field ?? ''}` : result.type;
}

const diagnosis = (code: string): Json => ({ type: 'addDiagnosis', diagnosisId: ids.diagnosis, patientId: ids.patient, code, text: 'Malaria', certainty: 'confirmed' });
const appointment = (time: string): Json => ({ type: 'bookAppointment', appointmentId: ids.appointment, patientId: ids.patient, date: '2025-07-01', time });
const edit = (baseVersion: string): Json => ({ type: 'updatePatient', patientId: ids.patient, field: 'sex', value: 'male', baseVersion });

describe('chart formats', () => {
  it('takes proposer-made ids as lower-case UUIDs only', () => {
    for (const good of [ids.patient, 'abcdef01-2345-4678-9abc-def012345678']) expect(outcome([], registerPatient(good))).withContext(good).toBe('applied');
    for (const bad of [`x${ids.patient.slice(1)}`, `${ids.patient.slice(0, -1)}g`, `${ids.patient.slice(0, 35)}-`, ids.patient.replace(/-/g, '_'), ` ${ids.patient.slice(1)}`]) {
      expect(outcome([], registerPatient(bad))).withContext(bad).toBe('invalid-value command.patientId');
    }
  });

  it('takes ICD-10 codes with an optional dot and up to four characters after it', () => {
    for (const good of ['B54', 'E11.9', 'S72.001A', 'Z3A']) expect(outcome([registerPatient()], diagnosis(good))).withContext(good).toBe('applied');
    for (const bad of ['1B54', 'BB4', 'B54.', 'xB54', 'B54x', 'B5', 'E11,9']) {
      expect(outcome([registerPatient()], diagnosis(bad))).withContext(bad).toBe('invalid-value command.code');
    }
  });

  it('takes appointment times as 24-hour HH:MM', () => {
    for (const good of ['00:00', '09:30', '19:59', '23:59']) expect(outcome([registerPatient()], appointment(good))).withContext(good).toBe('applied');
    for (const bad of ['24:00', '9:30', '09:60', '0930', '30:00', '09:3']) {
      expect(outcome([registerPatient()], appointment(bad))).withContext(bad).toBe(bad.length > 5 ? 'too-long command.time' : 'invalid-value command.time');
    }
  });

  it('takes field versions as clientId:sequence, the sequence without leading zero', () => {
    for (const good of ['tablet-1:1', 'desk.2~x_y:9007199254740991']) expect(outcome([registerPatient()], edit(good))).withContext(good).not.toMatch(/^rejected|invalid|malformed/);
    for (const bad of ['tablet-1:0', 'tablet-1:01', ':1', 'tablet/1:1', 'tablet-1:1x', 'tablet-1', 'x:12345678901234567']) {
      expect(outcome([registerPatient()], edit(bad))).withContext(bad).toBe('invalid-value command.baseVersion');
    }
  });

  it('takes identifier systems in lower case, starting with a letter or digit', () => {
    const identified = (system: string): Json => registerPatient(ids.patient, { identifiers: [{ system, value: '1' }] });
    for (const good of ['national-id', 'art', '0clinic', 'who.int/icd:x_1']) expect(outcome([], identified(good))).withContext(good).toBe('applied');
    for (const bad of ['-art', 'Art', 'art id', 'art!', '.x']) expect(outcome([], identified(bad))).withContext(bad).toBe('invalid-value command.identifiers[0].system');
  });

  it('takes phones as digits with spaces, brackets, dots and dashes, and one leading plus', () => {
    for (const good of ['+256 (772) 123-456', '0772.123.456', '0772123456']) expect(outcome([], registerPatient(ids.patient, { phone: good }))).withContext(good).toBe('applied');
    for (const bad of ['++256772123456', '(0772) 123456', '0772 123456 x', '0772+123456', '-0772123456']) {
      expect(outcome([], registerPatient(ids.patient, { phone: bad }))).withContext(bad).toBe('invalid-value command.phone');
    }
  });

  it('takes client ids of letters, digits and . _ ~ - only', () => {
    const harness = new ChartHarness();
    expect(harness.propose(registerPatient(), { clientId: 'Tablet.2_a~b-c' }).type).toBe('applied');
    for (const bad of ['tablet:1', 'tablet 1', 'tablet/1', 'tablé']) {
      const result = harness.propose(registerPatient(ids.otherPatient), { clientId: bad });
      expect(result.type === 'rejected' && result.error.field).withContext(bad).toBe('clientId');
    }
  });
});
