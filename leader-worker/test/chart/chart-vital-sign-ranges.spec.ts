// Every vital sign a nurse records, at the edges of its plausible range and in whole or decimal numbers: the
// edges are accepted (a real, very sick patient), one step past is a typing or unit mistake, and a fraction
// of a beat, breath, mmHg, percent or millimetre is a mistake too.
import { ChartHarness, ids, registerPatient, type Json } from './chart-harness.js';

// Written out rather than read from the catalogue, so a change to the catalogue shows up here.
const ranges: readonly [sign: string, min: number, max: number, step: number, wholeNumbers: boolean][] = [
  ['pulseBpm', 20, 250, 1, true],
  ['temperatureCelsius', 30, 45, 0.1, false],
  ['respiratoryRatePerMinute', 4, 100, 1, true],
  ['spo2Percent', 50, 100, 1, true],
  ['weightKg', 0.3, 350, 0.1, false],
  ['heightCm', 20, 250, 0.1, false],
  ['muacMm', 60, 500, 1, true],
  ['bloodGlucoseMmolPerL', 0.5, 60, 0.1, false],
];

function record(measurements: Json): string {
  const harness = new ChartHarness();
  harness.ok(registerPatient());
  const result = harness.propose({ type: 'recordVitals', vitalsId: ids.vitals, patientId: ids.patient, measurements });
  return result.type === 'rejected' ? `${result.error.code} ${result.error.field ?? ''}` : result.type;
}

describe('chart vital sign ranges', () => {
  for (const [sign, min, max, step, wholeNumbers] of ranges) {
    it(`accepts ${sign} from ${min} to ${max}, refuses one step past either end${wholeNumbers ? ' and fractions' : ''}`, () => {
      const field = `command.measurements.${sign}`;
      expect(record({ [sign]: min })).toBe('applied');
      expect(record({ [sign]: max })).toBe('applied');
      expect(record({ [sign]: min - step })).toBe(`implausible-value ${field}`);
      expect(record({ [sign]: max + step })).toBe(`implausible-value ${field}`);
      expect(record({ [sign]: min + 0.5 })).toBe(wholeNumbers ? `invalid-value ${field}` : 'applied');
    });
  }

  it('accepts blood pressure at the edges of both ranges, and refuses whole-number violations', () => {
    expect(record({ systolicMmHg: 300, diastolicMmHg: 20 })).toBe('applied');
    expect(record({ systolicMmHg: 50, diastolicMmHg: 49 })).toBe('applied');
    expect(record({ systolicMmHg: 49, diastolicMmHg: 30 })).toBe('implausible-value command.measurements.systolicMmHg');
    expect(record({ systolicMmHg: 301, diastolicMmHg: 30 })).toBe('implausible-value command.measurements.systolicMmHg');
    expect(record({ systolicMmHg: 120, diastolicMmHg: 19 })).toBe('implausible-value command.measurements.diastolicMmHg');
    expect(record({ systolicMmHg: 250, diastolicMmHg: 201 })).toBe('implausible-value command.measurements.diastolicMmHg');
    expect(record({ systolicMmHg: 120.5, diastolicMmHg: 80 })).toBe('invalid-value command.measurements.systolicMmHg');
    expect(record({ systolicMmHg: 120, diastolicMmHg: 80.5 })).toBe('invalid-value command.measurements.diastolicMmHg');
    expect(record({ systolicMmHg: 120, diastolicMmHg: 120 })).toBe('implausible-value command.measurements.diastolicMmHg');
    expect(record({ diastolicMmHg: 80 })).toBe('missing-field command.measurements.systolicMmHg');
  });
});
