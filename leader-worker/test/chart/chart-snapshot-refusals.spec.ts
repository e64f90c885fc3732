// A snapshot arrives through storage and Raft's snapshot transfer; one that is damaged or from an unknown
// format must be refused with a reason (the node then asks for another), never restored into a machine whose
// hash or duplicate detection is silently wrong.
import { ChartStateMachine } from '../../src/chart/chart-state-machine.js';
import { ChartHarness, registerPatient } from './chart-harness.js';

function snapshotJson(): Record<string, unknown> {
  const harness = new ChartHarness();
  harness.ok(registerPatient());
  return JSON.parse(new TextDecoder().decode(harness.machine.snapshot())) as Record<string, unknown>;
}

function restore(value: unknown): ReturnType<typeof ChartStateMachine.restore> {
  return ChartStateMachine.restore(new TextEncoder().encode(JSON.stringify(value)));
}

describe('chart snapshot refusals', () => {
  const damaged: readonly [name: string, change: Record<string, unknown>, reason: string][] = [
    ['no clinic id', { clinicId: 7 }, 'no clinic id'],
    ['a clinic id that is not an identity', { clinicId: 'clinic/1' }, 'bad clinic id'],
    ['a fractional last applied index', { lastAppliedIndex: 1.5 }, 'bad counters'],
    ['a missing accepted-entries count', { acceptedEntries: undefined }, 'bad counters'],
    ['a digest that is not a list', { digest: 'abc' }, 'bad digest'],
    ['a digest of three lanes', { digest: [1, 2, 3] }, 'bad digest'],
    ['a digest with a lane that is not a whole number', { digest: [1, 2, 3, 0.5] }, 'bad digest'],
    ['no patients', { patients: undefined }, 'no patients or conflicts'],
    ['conflicts that are not a list', { conflicts: {} }, 'no patients or conflicts'],
    ['no duplicate windows', { duplicates: undefined }, 'no duplicate windows'],
    ['duplicate windows that are null', { duplicates: null }, 'no duplicate windows'],
    ['duplicate windows without clients', { duplicates: { clients: 3 } }, 'no duplicate windows'],
  ];

  for (const [name, change, reason] of damaged) {
    it(`refuses a snapshot with ${name}`, () => {
      expect(restore({ ...snapshotJson(), ...change })).toEqual({ type: 'invalid', reason });
    });
  }

  it('refuses what is not an object, or not this format', () => {
    expect(restore(null)).toEqual({ type: 'invalid', reason: 'not an object' });
    expect(restore(42)).toEqual({ type: 'invalid', reason: 'not an object' });
    expect(restore({ ...snapshotJson(), format: 'other' })).toEqual({ type: 'invalid', reason: jasmine.stringMatching(/^format is not /) });
  });

  it('restores the untouched snapshot (the refusals above are each for their one change)', () => {
    expect(restore(snapshotJson()).type).toBe('restored');
  });
});
