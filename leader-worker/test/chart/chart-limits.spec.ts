// The named bounds not covered elsewhere, each exceeded once.
import { clientIdLengthMax, labelLengthMax, quantityAmountMax, queueRangeHoursMax, searchQueryLengthMax, searchQueryTokensMax } from '../../src/chart/limits.js';
import { ChartHarness, ids, noon, registerPatient, today } from './chart-harness.js';

describe('chart limits', () => {
  it('rejects a client id longer than its bound', () => {
    const harness = new ChartHarness();
    const result = harness.propose(registerPatient(), { clientId: 'c'.repeat(clientIdLengthMax + 1) });
    expect(result.type === 'rejected' && result.error).toEqual(jasmine.objectContaining({ code: 'too-long', field: 'clientId' }));
    expect(harness.propose(registerPatient(), { clientId: 'c'.repeat(clientIdLengthMax) }).type).toBe('applied');
  });

  it('rejects a village name and a dispensed quantity beyond their bounds', () => {
    const harness = new ChartHarness();
    const village = harness.propose(registerPatient(ids.patient, { address: { village: 'v'.repeat(labelLengthMax + 1) } }));
    expect(village.type === 'rejected' && village.error.code).toBe('too-long');
    harness.ok(registerPatient());
    harness.ok({ type: 'prescribe', prescriptionId: ids.prescription, patientId: ids.patient, drug: 'ORS', dose: { amount: 1, unit: 'sachet' }, route: 'oral', frequency: 'as-needed', durationDays: 2 });
    const quantity = harness.propose({ type: 'dispense', dispenseId: ids.dispense, prescriptionId: ids.prescription, quantity: { amount: quantityAmountMax + 1, unit: 'sachets' } });
    expect(quantity.type === 'rejected' && quantity.error).toEqual(jasmine.objectContaining({ code: 'invalid-value', field: 'command.quantity.amount' }));
  });

  it('searches only the first words and characters of an overlong query', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient());
    const words = ['amina', ...Array.from({ length: searchQueryTokensMax }, (_, index) => 'okello'.slice(0, index + 1)), 'nobody'];
    expect(harness.machine.searchPatients(words.join(' ')).length).toBe(1);
    expect(harness.machine.searchPatients(`amina ${' '.repeat(searchQueryLengthMax)}nobody`).length).toBe(1);
  });

  it('refuses a queue range wider than its bound: a caller bug, not a query', () => {
    const harness = new ChartHarness();
    expect(() => harness.machine.stationQueue('triage', { startMs: noon, endMs: noon + (queueRangeHoursMax + 1) * 3_600_000 })).toThrowError(/at most/);
    expect(() => harness.machine.stationQueue('triage', { startMs: noon, endMs: noon })).toThrowError(/non-empty/);
    expect(harness.machine.stationQueue('triage', today)).toEqual([]);
  });
});
