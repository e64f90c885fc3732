// Values of the wrong JSON type (as a buggy or outdated client, or a damaged entry, sends them) are refused as
// malformed, naming the field; blank optional texts are stored as absent; a value that is not a plain object
// is not read as one.
import { ChartHarness, ids, registerPatient, type Json } from './chart-harness.js';

function result(command: Json): string {
  const harness = new ChartHarness();
  harness.ok(registerPatient());
  const outcome = harness.propose(command);
  return outcome.type === 'rejected' ? `${outcome.error.code} ${outcome.error.field ?? ''}` : outcome.type;
}

const fresh = (overrides: Json): Json => registerPatient(ids.fresh, { identifiers: [], ...overrides });

describe('chart value shapes', () => {
  const malformed: readonly [name: string, command: Json, field: string][] = [
    ['a name that is text', fresh({ name: 'Amina Okello' }), 'command.name'],
    ['a name part that is a number', fresh({ name: { given: 7, family: 'B' } }), 'command.name.given'],
    ['an estimated flag as text', fresh({ birth: { estimated: 'yes', birthYear: 1980 } }), 'command.birth.estimated'],
    ['identifiers that are not a list', fresh({ identifiers: { system: 'art', value: '1' } }), 'command.identifiers'],
    ['a phone that is a number', fresh({ phone: 772123456 }), 'command.phone'],
    ['an address that is a list', fresh({ address: ['Kibuye'] }), 'command.address'],
    ['a birth year that is infinite', fresh({ birth: { estimated: true, birthYear: Number.POSITIVE_INFINITY } }), 'command.birth.birthYear'],
    ['a dose that is a date object', { type: 'prescribe', prescriptionId: ids.fresh, patientId: ids.patient, drug: 'ORS', dose: new Date(0), route: 'oral', frequency: 'as-needed', durationDays: 1 }, 'command.dose'],
    ['a client-made id that is a number', { type: 'orderLab', labOrderId: 42, patientId: ids.patient, test: 'Hb' }, 'command.labOrderId'],
  ];

  for (const [name, command, field] of malformed) {
    it(`refuses ${name} as malformed`, () => {
      expect(result(command)).toBe(`malformed ${field}`);
    });
  }

  it('refuses an unknown field inside a nested value, naming its path', () => {
    expect(result(fresh({ address: { village: 'Kibuye', gps: '0,0' } }))).toBe('unknown-field command.address.gps');
    expect(result(fresh({ name: { given: 'A', family: 'B', middle: 'C' } }))).toBe('unknown-field command.name.middle');
  });

  it('stores blank optional texts as absent and keeps a given name alone', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient(ids.patient, { name: { given: 'Amina', family: ' ' }, address: { village: 'Kibuye', details: '   ' } }));
    harness.ok({ type: 'openVisit', visitId: ids.visit, patientId: ids.patient, reason: '  ' });
    const chart = harness.machine.openChart(ids.patient)!;
    expect(chart.patient.name).toEqual({ given: 'Amina', family: '' });
    expect(chart.patient.address).toEqual({ village: 'Kibuye', details: null });
    expect(chart.visits[0]!.reason).toBeNull();
  });
});
