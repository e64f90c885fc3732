// The patient and allergy field validators (field-validators.ts) at the cases the broader suites leave open:
// a name with only a family part, identifiers that share a system or a value but not both, the longest
// next of kin name and field version, the path of a nested phone, the UUID pattern where no length bound
// backs it up (lease fencing reads the patient id before validation), and the refusal texts a clinician reads
// (shown on the device and in the feed importer's reasons), which must say what was expected.
import { nameLengthMax, clientIdLengthMax } from '../../src/chart/limits.js';
import type { ApplyResult } from '../../src/chart/results.js';
import { touchedPatient } from '../../src/chart/write-scope.js';
import { ChartHarness, ids, registerPatient, type Json } from './chart-harness.js';

function outcome(result: ApplyResult): string {
  return result.type === 'rejected' ? `${result.error.code} ${result.error.field ?? ''}` : result.type;
}

function register(overrides: Json): ApplyResult {
  return new ChartHarness().propose(registerPatient(ids.patient, overrides));
}

function refusalMessage(result: ApplyResult): string {
  if (result.type !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
  return result.error.message;
}

describe('chart field validators', () => {
  it('registers a patient known by a family name only, and stores the given name empty', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient(ids.patient, { name: { given: '  ', family: 'Okello' } }));
    expect(harness.machine.openChart(ids.patient)!.patient.name).toEqual({ given: '', family: 'Okello' });
  });

  it('keeps identifiers that share only a system or only a value: just the same system and value is a repeat', () => {
    const identifiers = [
      { system: 'national-id', value: 'CM-1' },
      { system: 'national-id', value: 'CM-2' },
      { system: 'art-number', value: 'CM-2' },
    ];
    const harness = new ChartHarness();
    harness.ok(registerPatient(ids.patient, { identifiers }));
    expect(harness.machine.openChart(ids.patient)!.patient.identifiers).toEqual(identifiers);
    expect(outcome(register({ identifiers: [...identifiers, { system: 'art-number', value: 'CM-2' }] }))).toBe('invalid-value command.identifiers[3]');
  });

  it("accepts a next of kin's name of twice a name part's length (a full name), not one character more", () => {
    const nextOfKin = (name: string): Json => ({ nextOfKin: { name, relationship: 'mother', phone: null } });
    expect(outcome(register(nextOfKin('a'.repeat(nameLengthMax * 2))))).toBe('applied');
    expect(outcome(register(nextOfKin('a'.repeat(nameLengthMax * 2 + 1))))).toBe('too-long command.nextOfKin.name');
  });

  it("names the next of kin's phone itself when it is not a phone number", () => {
    const result = register({ nextOfKin: { name: 'Joseph Okello', relationship: 'husband', phone: '12' } });
    expect(outcome(result)).toBe('invalid-value command.nextOfKin.phone');
  });

  it('takes a field version of the longest client id and sequence, and refuses one character more as too long', () => {
    const longestVersion = `${'c'.repeat(clientIdLengthMax)}:${'9'.repeat(16)}`;
    const edit = (baseVersion: string): string => {
      const harness = new ChartHarness();
      harness.ok(registerPatient());
      return outcome(harness.propose({ type: 'updatePatient', patientId: ids.patient, field: 'sex', value: 'male', baseVersion }));
    };
    // The base is not the field's version, so the edit is a conflict: what matters is that it was read.
    expect(edit(longestVersion)).toBe('conflict');
    expect(edit(`${longestVersion}9`)).toBe('too-long command.baseVersion');
  });

  it('takes no chart to be written for a patient id that only contains a UUID (lease fencing reads it unvalidated)', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient());
    const touched = (patientId: string): string | null => touchedPatient(harness.machine, harness.envelope({ type: 'addNote', patientId }));
    expect(touched(ids.patient)).toBe(ids.patient);
    expect(touched(`x${ids.patient}`)).toBeNull();
    expect(touched(`${ids.patient}x`)).toBeNull();
  });

  describe('refusal texts', () => {
    it('say an id must be a lower-case UUID', () => {
      expect(refusalMessage(register({ patientId: 'P-0001' }))).toContain('a lower-case UUID');
    });

    it("say a field version must be 'clientId:sequence'", () => {
      const harness = new ChartHarness();
      harness.ok(registerPatient());
      const result = harness.propose({ type: 'updatePatient', patientId: ids.patient, field: 'sex', value: 'male', baseVersion: 'v1' });
      expect(refusalMessage(result)).toContain("'clientId:sequence'");
    });

    it("say a date must be written 'YYYY-MM-DD'", () => {
      expect(refusalMessage(register({ birth: { estimated: false, dateOfBirth: '12/04/1990' } }))).toContain("'YYYY-MM-DD'");
    });

    it('name the date field and the years a date of birth may fall in', () => {
      const message = refusalMessage(register({ birth: { estimated: false, dateOfBirth: '1879-12-31' } }));
      expect(message).toContain("'command.birth.dateOfBirth'");
      expect(message).toContain('between 1880 and 2999');
    });

    it("show the expected shape of an identifier's system", () => {
      const result = register({ identifiers: [{ system: 'National ID', value: '1' }] });
      expect(refusalMessage(result)).toContain("a lower-case system name like 'national-id'");
    });
  });
});
