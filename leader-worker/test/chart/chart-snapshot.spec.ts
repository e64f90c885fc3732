// A restored machine is indistinguishable from the original: same hash, same answers to every query, same
// duplicate detection, and it goes on applying entries to the same states.
import { canonicalJson } from '../../src/chart/canonical-json.js';
import { ChartStateMachine } from '../../src/chart/chart-state-machine.js';
import { snapshotVersion } from '../../src/chart/snapshot.js';
import { ChartHarness, ids, registerPatient, restoreOrFail, today, uuid, validCommands } from './chart-harness.js';

function busyClinic(): ChartHarness {
  const harness = new ChartHarness();
  for (const command of validCommands()) harness.ok(command);
  for (let index = 2; index <= 30; index++) {
    harness.ok(registerPatient(uuid(1, index), { name: { given: index % 2 === 0 ? 'Grace' : 'Moses', family: `Banda${index}` } }));
    harness.ok({ type: 'openVisit', visitId: uuid(2, index), patientId: uuid(1, index) });
  }
  harness.ok({ type: 'moveVisit', visitId: uuid(2, 5), fromStation: 'registration', toStation: 'triage' });
  harness.ok({ type: 'updatePatient', patientId: uuid(1, 3), field: 'name', value: { given: 'Mose', family: 'Phiri' }, baseVersion: 'tablet-1:22' });
  harness.propose({ type: 'updatePatient', patientId: uuid(1, 3), field: 'phone', value: '0999 123456', baseVersion: 'someone:1' });
  return harness;
}

function everyAnswer(machine: ChartStateMachine): string {
  const queries = ['grace', 'mos', 'banda1', 'phiri', 'mosse', 'CM-1234-5678', '123456', 'amina'];
  return canonicalJson({
    hash: machine.stateHash(),
    counts: machine.counts(),
    lastApplied: machine.lastAppliedIndex(),
    charts: [ids.patient, ...Array.from({ length: 29 }, (_, index) => uuid(1, index + 2))].map((patientId) => machine.openChart(patientId)),
    searches: queries.map((query) => machine.searchPatients(query)),
    queues: (['registration', 'triage', 'clinician'] as const).map((station) => machine.stationQueue(station, today)),
    conflicts: machine.openConflicts(),
  });
}

describe('chart snapshot', () => {
  it('restores a machine that answers every query the same', () => {
    const original = busyClinic();
    const restored = restoreOrFail(original.machine.snapshot());
    expect(everyAnswer(restored)).toBe(everyAnswer(original.machine));
    restored.checkInvariants();
  });

  it('encodes deterministically: a restored machine snapshots to the same bytes', () => {
    const original = busyClinic();
    const bytes = original.machine.snapshot();
    expect(restoreOrFail(bytes).snapshot()).toEqual(bytes);
  });

  it('goes on to the same state as the original when both apply the same entries', () => {
    const original = busyClinic();
    const restored = new ChartHarness('ignored', restoreOrFail(original.machine.snapshot()));
    const more = [
      { type: 'moveVisit', visitId: uuid(2, 6), fromStation: 'registration', toStation: 'triage' },
      { type: 'addNote', noteId: uuid(4, 9), patientId: uuid(1, 6), kind: 'nursing', text: 'waiting' },
      registerPatient(uuid(1, 99), { name: { given: 'Grace', family: 'Zulu' } }),
    ];
    for (const command of more) {
      const entry = original.envelope(command);
      expect(restored.apply(entry)).toEqual(original.apply(entry));
    }
    expect(everyAnswer(restored.machine)).toBe(everyAnswer(original.machine));
  });

  it('refuses bytes that are not a chart snapshot, with a reason', () => {
    const cases = [new Uint8Array([0xff, 0xfe]), new TextEncoder().encode('{"format":"other"}'), new TextEncoder().encode('[1,2')];
    for (const bytes of cases) {
      const result = ChartStateMachine.restore(bytes);
      expect(result.type).toBe('invalid');
    }
    const wrongVersion = new TextEncoder().encode(new TextDecoder().decode(busyClinic().machine.snapshot()).replace(`"version":${snapshotVersion}`, '"version":99'));
    const result = ChartStateMachine.restore(wrongVersion);
    expect(result.type === 'invalid' && result.reason).toContain('version');
  });
});
