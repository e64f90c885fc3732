// What the proposer (driver and outbox) asks the machine before re-sending a proposal whose outcome it did not
// hear: whether that proposal was already applied (its retry would come back a duplicate), whatever its
// outcome was; and what central asks to find the chart a conflict belongs to.
import { ChartHarness, ids, registerPatient } from './chart-harness.js';

describe('chart applied proposals and conflict lookups', () => {
  it('knows a proposal is applied once it was decided, accepted or rejected, and not before', () => {
    const harness = new ChartHarness();
    expect(harness.machine.hasApplied({ clientId: 'tablet-1', sequence: 1 })).toBeFalse();
    harness.ok(registerPatient(), { sequence: 1 });
    expect(harness.machine.hasApplied({ clientId: 'tablet-1', sequence: 1 })).toBeTrue();
    expect(harness.machine.hasApplied({ clientId: 'tablet-2', sequence: 1 })).toBeFalse();
    expect(harness.propose(registerPatient(), { sequence: 2 }).type).toBe('rejected');
    expect(harness.machine.hasApplied({ clientId: 'tablet-1', sequence: 2 })).toBeTrue();
    expect(harness.machine.hasApplied({ clientId: 'tablet-1', sequence: 3 })).toBeFalse();
  });

  it('finds a conflict and its patient by the conflict id, and nothing for an unknown id', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient());
    harness.ok({ type: 'updatePatient', patientId: ids.patient, field: 'phone', value: '0700 111111', baseVersion: 'tablet-1:1' });
    const result = harness.propose({ type: 'updatePatient', patientId: ids.patient, field: 'phone', value: '0700 222222', baseVersion: 'tablet-1:1' });
    expect(result.type).toBe('conflict');
    if (result.type !== 'conflict') return;
    expect(harness.machine.conflict(result.conflictId)).toEqual(jasmine.objectContaining({ status: 'open', patientId: ids.patient }));
    expect(harness.machine.patientOf(result.conflictId)).toBe(ids.patient);
    expect(harness.machine.conflict('clinic-1/999')).toBeNull();
    expect(harness.machine.patientOf('clinic-1/999')).toBeNull();
    expect(harness.machine.counts()).toEqual({ patients: 1, acceptedEntries: 3, openConflicts: 1 });
  });
});
