// How far central holds the clinic's log, as the leader's uplink records it in the log: every device reads it
// (to bound compaction), it never goes back, it survives a snapshot, and it cannot claim the future.
import { ChartStateMachine } from '../../src/chart/chart-state-machine.js';
import { snapshotVersion } from '../../src/chart/snapshot.js';
import { ChartHarness, registerPatient, restoreOrFail } from './chart-harness.js';

function acknowledgement(acknowledgedIndex: unknown): Record<string, unknown> {
  return { type: 'recordCentralAcknowledgement', acknowledgedIndex };
}

describe('central\'s acknowledgement in the clinic log', () => {
  it('is recorded, changes the state hash, and never goes back', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient());
    expect(harness.machine.centralAcknowledgedIndex()).toBe(0);
    const before = harness.machine.stateHash();
    harness.ok(acknowledgement(1));
    expect(harness.machine.centralAcknowledgedIndex()).toBe(1);
    expect(harness.machine.stateHash()).not.toBe(before);
    harness.logIndex = 40;
    harness.ok(acknowledgement(30));
    harness.ok(acknowledgement(12));
    expect(harness.machine.centralAcknowledgedIndex()).withContext('a late, older acknowledgement').toBe(30);
  });

  it('cannot claim central holds this entry or a later one', () => {
    const harness = new ChartHarness();
    harness.logIndex = 9;
    expect(harness.propose(acknowledgement(10))).toEqual({
      type: 'rejected', error: { code: 'invalid-value', field: 'command.acknowledgedIndex', message: jasmine.stringMatching(/cannot hold entry 10/) },
    });
    expect(harness.propose(acknowledgement(11))).toEqual(jasmine.objectContaining({ type: 'rejected' }));
    expect(harness.machine.centralAcknowledgedIndex()).toBe(0);
  });

  it('refuses what is not a whole, non-negative index, and unknown fields', () => {
    const harness = new ChartHarness();
    harness.logIndex = 100;
    for (const bad of [-1, 1.5, '7', null, Number.MAX_SAFE_INTEGER + 2]) {
      expect(harness.propose(acknowledgement(bad)).type).withContext(String(bad)).toBe('rejected');
    }
    expect(harness.propose({ ...acknowledgement(3), extra: true })).toEqual(jasmine.objectContaining({ type: 'rejected', error: jasmine.objectContaining({ code: 'unknown-field' }) }));
    expect(harness.machine.centralAcknowledgedIndex()).toBe(0);
  });

  it('survives a snapshot, and a snapshot written before it existed restores with none', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient());
    harness.logIndex = 20;
    harness.ok(acknowledgement(18));
    const restored = restoreOrFail(harness.machine.snapshot());
    expect(restored.centralAcknowledgedIndex()).toBe(18);
    expect(restored.stateHash()).toBe(harness.machine.stateHash());

    const current = JSON.parse(new TextDecoder().decode(harness.machine.snapshot())) as Record<string, unknown>;
    expect(current['version']).toBe(snapshotVersion);
    const versionOne: Record<string, unknown> = { ...current, version: 1 };
    delete versionOne['centralAcknowledgedIndex'];
    const older = ChartStateMachine.restore(new TextEncoder().encode(JSON.stringify(versionOne)));
    expect(older.type).toBe('restored');
    if (older.type === 'restored') expect(older.machine.centralAcknowledgedIndex()).toBe(0);
    const unknownVersion = ChartStateMachine.restore(new TextEncoder().encode(JSON.stringify({ ...current, version: 99 })));
    expect(unknownVersion).toEqual({ type: 'invalid', reason: jasmine.stringMatching(/version 99 is not one of 1, 2, 3/) });
    const brokenField = ChartStateMachine.restore(new TextEncoder().encode(JSON.stringify({ ...current, centralAcknowledgedIndex: 'x' })));
    expect(brokenField).toEqual({ type: 'invalid', reason: 'bad central acknowledgement' });
  });
});
