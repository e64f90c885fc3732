// A retried proposal (same client, same sequence) is applied once and answered with its first outcome, even
// when a client's proposals commit out of order; rejections are remembered too.
import { duplicateWindowSequences } from '../../src/chart/limits.js';
import type { DecidedOutcome } from '../../src/chart/results.js';
import { ChartHarness, ids, registerPatient, restoreOrFail, uuid } from './chart-harness.js';

const note = (noteId: string): Record<string, unknown> => ({ type: 'addNote', noteId, patientId: ids.patient, kind: 'nursing', text: 'seen' });

describe('chart duplicate detection', () => {
  it('applies a retried proposal once and returns the original outcome', () => {
    const harness = new ChartHarness();
    const entry = harness.envelope(registerPatient());
    const first = harness.apply(entry);
    const hash = harness.machine.stateHash();
    const retry = harness.apply(entry);
    expect(first).toEqual({ type: 'applied', eventId: 'clinic-1/1' });
    expect(retry).toEqual({ type: 'duplicate', clientId: 'tablet-1', sequence: 1, original: first as DecidedOutcome });
    expect(harness.machine.stateHash()).toBe(hash);
    expect(harness.machine.counts().patients).toBe(1);
  });

  it('detects copies whatever they carry: the proposal is named by client and sequence', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient(), { sequence: 1 });
    const copy = harness.propose(registerPatient(uuid(1, 50)), { sequence: 1 });
    expect(copy.type).toBe('duplicate');
    expect(harness.machine.openChart(uuid(1, 50))).toBeNull();
  });

  it('keeps different clients apart', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient(), { clientId: 'tablet-1', sequence: 1 });
    expect(harness.propose(registerPatient(uuid(1, 2)), { clientId: 'tablet-2', sequence: 1 }).type).toBe('applied');
  });

  it('handles several proposals in flight committing out of order, and their retries', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient(), { sequence: 1 });
    const entries = [2, 3, 4, 5].map((sequence) => harness.envelope(note(uuid(4, sequence)), { sequence }));
    // 5 and 3 commit first (the leader changed; 2 and 4 were re-sent), then everything again as retries.
    const order = [entries[3]!, entries[1]!, entries[0]!, entries[2]!, ...entries];
    const results = order.map((entry) => harness.apply(entry));
    expect(results.slice(0, 4).map((result) => result.type)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(results.slice(4).map((result) => result.type)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const second = results[5];
    expect(second?.type === 'duplicate' ? second.original : null).toEqual(results[1] as DecidedOutcome);
    expect(harness.machine.openChart(ids.patient)!.notes.length).toBe(4);
  });

  it('remembers a rejection, so a late copy cannot apply after the proposer was told it failed', () => {
    const harness = new ChartHarness();
    // Sequence 2 (vitals for a visit) commits before sequence 1 (opening that visit) and is rejected.
    const patient = harness.envelope(registerPatient(), { clientId: 'desk', sequence: 1 });
    harness.apply(patient);
    const openVisit = harness.envelope({ type: 'openVisit', visitId: ids.visit, patientId: ids.patient }, { sequence: 1 });
    const vitals = harness.envelope({ type: 'recordVitals', vitalsId: ids.vitals, patientId: ids.patient, visitId: ids.visit, measurements: { pulseBpm: 80 } }, { sequence: 2 });
    const early = harness.apply(vitals);
    expect(early.type).toBe('rejected');
    harness.apply(openVisit);
    const late = harness.apply(vitals);
    expect(late).toEqual({ type: 'duplicate', clientId: 'tablet-1', sequence: 2, original: early as DecidedOutcome });
    expect(harness.machine.openChart(ids.patient)!.vitals).toEqual([]);
  });

  it('does not record an entry without a valid name, so a corrected copy still applies', () => {
    const harness = new ChartHarness();
    const broken = { ...harness.envelope(registerPatient()), sequence: -1 };
    expect(harness.apply(broken).type).toBe('rejected');
    expect(harness.propose(registerPatient(), { sequence: 1 }).type).toBe('applied');
  });

  it('answers a copy below the window with an unknown original, and keeps outcomes inside it', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient(), { sequence: 1 });
    const first = harness.envelope(note(uuid(4, 1)), { sequence: 2 });
    expect(harness.apply(first).type).toBe('applied');
    const last = 2 + duplicateWindowSequences * 2 + 5;
    for (let sequence = 3; sequence <= last; sequence++) harness.ok(note(uuid(4, sequence)), { sequence });
    expect(harness.apply(first)).toEqual({ type: 'duplicate', clientId: 'tablet-1', sequence: 2, original: null });
    const recent = harness.propose(note(uuid(4, last)), { sequence: last });
    expect(recent.type === 'duplicate' && recent.original?.type).toBe('applied');
    // The window also accepts proposals inside it that commit late.
    expect(harness.propose(note(uuid(4, 100_000)), { sequence: last + 10 }).type).toBe('applied');
    expect(harness.propose(note(uuid(4, 100_001)), { sequence: last + 1 }).type).toBe('applied');
  });

  it('keeps duplicate detection across a snapshot and restore', () => {
    const harness = new ChartHarness();
    const entry = harness.envelope(registerPatient());
    const first = harness.apply(entry);
    const restored = new ChartHarness('ignored', restoreOrFail(harness.machine.snapshot()));
    expect(restored.apply(entry)).toEqual({ type: 'duplicate', clientId: 'tablet-1', sequence: 1, original: first as DecidedOutcome });
  });
});

