// Family members share a phone (often the one handset of a household) and sometimes a programme number: search
// finds all of them in registration order, and an edit of one patient's phone, identifiers or next of kin
// leaves the others found.
import { ChartHarness, registerPatient, uuid } from './chart-harness.js';

const household = '0772 555444';

function family(): ChartHarness {
  const harness = new ChartHarness();
  ['Grace', 'Moses', 'Ruth'].forEach((given, index) => {
    harness.ok(registerPatient(uuid(1, index + 1), {
      name: { given, family: 'Banda' }, phone: household, identifiers: [{ system: 'programme', value: 'HH-77' }],
      nextOfKin: index === 2 ? { name: 'Peter Banda', relationship: 'father', phone: '0700 999888' } : null,
    }));
  });
  return harness;
}

const found = (harness: ChartHarness, query: string): string[] => harness.machine.searchPatients(query).map((hit) => hit.name.given);

describe('chart search over keys patients share', () => {
  it('finds everyone under a shared phone or identifier, in registration order', () => {
    const harness = family();
    expect(found(harness, '555444')).toEqual(['Grace', 'Moses', 'Ruth']);
    expect(found(harness, 'hh77')).toEqual(['Grace', 'Moses', 'Ruth']);
    expect(harness.machine.searchPatients('hh77', 2).map((hit) => hit.name.given)).toEqual(['Grace', 'Moses']);
    expect(harness.machine.searchPatients('555444', 2).map((hit) => hit.name.given)).toEqual(['Grace', 'Moses']);
  });

  it("keeps the others found when one patient's phone, identifiers and next of kin change", () => {
    const harness = family();
    const versions = (index: number) => harness.machine.openChart(uuid(1, index))!.patient.versions;
    harness.ok({ type: 'updatePatient', patientId: uuid(1, 2), field: 'phone', value: '0711 234567', baseVersion: versions(2).phone });
    harness.ok({ type: 'updatePatient', patientId: uuid(1, 1), field: 'identifiers', value: [], baseVersion: versions(1).identifiers });
    harness.ok({ type: 'updatePatient', patientId: uuid(1, 3), field: 'nextOfKin', value: null, baseVersion: versions(3).nextOfKin });
    expect(found(harness, '555444')).toEqual(['Grace', 'Ruth']);
    expect(found(harness, '234567')).toEqual(['Moses']);
    expect(found(harness, 'hh77')).toEqual(['Moses', 'Ruth']);
    expect(found(harness, '999888')).toEqual([]);
    harness.ok({ type: 'updatePatient', patientId: uuid(1, 2), field: 'phone', value: household, baseVersion: versions(2).phone });
    expect(found(harness, '555444')).toEqual(['Grace', 'Moses', 'Ruth']);
    harness.machine.checkInvariants();
  });
});
