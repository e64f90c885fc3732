// Field edits carry the version they were based on; a stale one becomes an open conflict a person resolves,
// never a silent overwrite. Versions are write stamps (`clientId:sequence`), known to an offline proposer.
import { ChartHarness, ids, registerPatient } from './chart-harness.js';

const editPhone = (value: string, baseVersion: string): Record<string, unknown> => ({ type: 'updatePatient', patientId: ids.patient, field: 'phone', value, baseVersion });

describe('chart conflicts', () => {
  let harness: ChartHarness;
  beforeEach(() => {
    harness = new ChartHarness();
    harness.ok(registerPatient(), { clientId: 'desk', sequence: 1 });
  });

  it('applies an edit based on the current version and moves the version to the edit', () => {
    harness.ok(editPhone('0700 111111', 'desk:1'), { clientId: 'tablet-1', sequence: 1 });
    const patient = harness.machine.openChart(ids.patient)!.patient;
    expect(patient.phone).toBe('0700 111111');
    expect(patient.versions.phone).toBe('tablet-1:1');
    expect(patient.versions.name).toBe('desk:1');
  });

  it('turns a concurrent edit from the same base into an open conflict and leaves the field alone', () => {
    harness.ok(editPhone('0700 111111', 'desk:1'), { clientId: 'tablet-1', sequence: 1 });
    const result = harness.propose(editPhone('0700 222222', 'desk:1'), { clientId: 'tablet-2', sequence: 1 });
    expect(result.type).toBe('conflict');
    const conflictId = result.type === 'conflict' ? result.conflictId : '';
    expect(conflictId).toBe('clinic-1/3');
    expect(harness.machine.openChart(ids.patient)!.patient.phone).toBe('0700 111111');
    const [conflict] = harness.machine.openConflicts();
    expect(conflict).toEqual(jasmine.objectContaining({
      conflictId, patientId: ids.patient, subject: { kind: 'patient', patientId: ids.patient, field: 'phone' },
      currentValue: '0700 111111', currentVersion: 'tablet-1:1', proposedValue: '0700 222222', baseVersion: 'desk:1', status: 'open',
    }));
    expect(conflict!.proposer.clientId).toBe('tablet-2');
    expect(harness.machine.openChart(ids.patient)!.conflicts).toEqual([conflict!]);
    expect(harness.machine.counts().openConflicts).toBe(1);
  });

  it('closes a conflict with the chosen value when the resolver saw the current version', () => {
    harness.ok(editPhone('0700 111111', 'desk:1'), { clientId: 'tablet-1', sequence: 1 });
    const conflict = harness.propose(editPhone('0700 222222', 'desk:1'), { clientId: 'tablet-2', sequence: 1 });
    const conflictId = conflict.type === 'conflict' ? conflict.conflictId : '';
    harness.ok({ type: 'resolveConflict', conflictId, value: '0700 222222', baseVersion: 'tablet-1:1' }, { clientId: 'desk', sequence: 2 });
    const chart = harness.machine.openChart(ids.patient)!;
    expect(chart.patient.phone).toBe('0700 222222');
    expect(chart.patient.versions.phone).toBe('desk:2');
    expect(chart.conflicts[0]!.status).toBe('resolved');
    expect(chart.conflicts[0]!.resolution).toEqual(jasmine.objectContaining({ value: '0700 222222', supersededBy: null }));
    expect(harness.machine.openConflicts()).toEqual([]);
    harness.machine.checkInvariants();
  });

  it('supersedes a resolution made on a stale view with a new conflict', () => {
    harness.ok(editPhone('0700 111111', 'desk:1'), { clientId: 'tablet-1', sequence: 1 });
    const first = harness.propose(editPhone('0700 222222', 'desk:1'), { clientId: 'tablet-2', sequence: 1 });
    const firstId = first.type === 'conflict' ? first.conflictId : '';
    harness.ok(editPhone('0700 333333', 'tablet-1:1'), { clientId: 'tablet-1', sequence: 2 });
    const resolution = harness.propose({ type: 'resolveConflict', conflictId: firstId, value: '0700 222222', baseVersion: 'tablet-1:1' }, { clientId: 'desk', sequence: 2 });
    expect(resolution.type).toBe('conflict');
    const secondId = resolution.type === 'conflict' ? resolution.conflictId : '';
    expect(harness.machine.conflict(firstId)).toEqual(jasmine.objectContaining({ status: 'superseded' }));
    expect(harness.machine.conflict(firstId)!.resolution!.supersededBy).toBe(secondId);
    expect(harness.machine.openConflicts().map((conflict) => [conflict.conflictId, conflict.currentValue, conflict.proposedValue]))
      .toEqual([[secondId, '0700 333333', '0700 222222']]);
    expect(harness.machine.openChart(ids.patient)!.patient.phone).toBe('0700 333333');
  });

  it('rejects resolving a conflict twice, and a resolution value of the wrong shape', () => {
    harness.ok(editPhone('0700 111111', 'desk:1'), { clientId: 'tablet-1', sequence: 1 });
    const conflict = harness.propose(editPhone('0700 222222', 'desk:1'), { clientId: 'tablet-2', sequence: 1 });
    const conflictId = conflict.type === 'conflict' ? conflict.conflictId : '';
    const hash = harness.machine.stateHash();
    const wrongShape = harness.propose({ type: 'resolveConflict', conflictId, value: { given: 'A', family: 'B' }, baseVersion: 'tablet-1:1' });
    expect(wrongShape.type === 'rejected' && wrongShape.error).toEqual(jasmine.objectContaining({ code: 'malformed', field: 'command.value' }));
    expect(harness.machine.stateHash()).toBe(hash);
    harness.ok({ type: 'resolveConflict', conflictId, value: null, baseVersion: 'tablet-1:1' });
    const again = harness.propose({ type: 'resolveConflict', conflictId, value: '0700 222222', baseVersion: 'tablet-1:1' });
    expect(again.type === 'rejected' && again.error.code).toBe('conflict-not-open');
    expect(harness.machine.openChart(ids.patient)!.patient.phone).toBeNull();
  });

  it('applies a stale edit that proposes the value already there, without a conflict', () => {
    harness.ok(editPhone('0700 111111', 'desk:1'), { clientId: 'tablet-1', sequence: 1 });
    expect(harness.propose(editPhone('0700 111111', 'desk:1'), { clientId: 'tablet-2', sequence: 1 }).type).toBe('applied');
    expect(harness.machine.openConflicts()).toEqual([]);
    expect(harness.machine.openChart(ids.patient)!.patient.versions.phone).toBe('tablet-1:1');
  });

  it('lets an offline device edit its own pending registration (it knows the write stamp)', () => {
    const offline = new ChartHarness();
    offline.ok(registerPatient(), { clientId: 'tablet-7', sequence: 41 });
    offline.ok({ type: 'updatePatient', patientId: ids.patient, field: 'name', value: { given: 'Aminah', family: 'Okello' }, baseVersion: 'tablet-7:41' }, { clientId: 'tablet-7', sequence: 42 });
    expect(offline.machine.openChart(ids.patient)!.patient.name.given).toBe('Aminah');
  });

  it('never lets an offline chain of edits overwrite a concurrent committed edit', () => {
    // Tablet 2 edits twice while offline, the second based on its own first; the desk's edit commits first.
    harness.ok(editPhone('0700 999999', 'desk:1'), { clientId: 'desk', sequence: 2 });
    const first = harness.propose(editPhone('0700 111111', 'desk:1'), { clientId: 'tablet-2', sequence: 1 });
    const second = harness.propose(editPhone('0700 121212', 'tablet-2:1'), { clientId: 'tablet-2', sequence: 2 });
    expect([first.type, second.type]).toEqual(['conflict', 'conflict']);
    expect(harness.machine.openChart(ids.patient)!.patient.phone).toBe('0700 999999');
    expect(harness.machine.openConflicts().map((conflict) => conflict.proposedValue)).toEqual(['0700 111111', '0700 121212']);
  });

  it('versions each patient field on its own', () => {
    harness.ok(editPhone('0700 111111', 'desk:1'), { clientId: 'tablet-1', sequence: 1 });
    const birth = { type: 'updatePatient', patientId: ids.patient, field: 'birth', value: { estimated: true, birthYear: 1991 }, baseVersion: 'desk:1' };
    expect(harness.propose(birth, { clientId: 'tablet-2', sequence: 1 }).type).toBe('applied');
  });

  it('handles allergy field edits, conflicts and their resolution', () => {
    harness.ok({ type: 'recordAllergy', allergyId: ids.allergy, patientId: ids.patient, substance: 'Penicillin', severity: 'mild' }, { clientId: 'desk', sequence: 2 });
    harness.ok({ type: 'updateAllergy', allergyId: ids.allergy, field: 'severity', value: 'severe', baseVersion: 'desk:2' }, { clientId: 'tablet-1', sequence: 1 });
    const stale = harness.propose({ type: 'updateAllergy', allergyId: ids.allergy, field: 'severity', value: 'moderate', baseVersion: 'desk:2' }, { clientId: 'tablet-2', sequence: 1 });
    expect(stale.type).toBe('conflict');
    const [conflict] = harness.machine.openConflicts();
    expect(conflict!.subject).toEqual({ kind: 'allergy', allergyId: ids.allergy, field: 'severity' });
    const wrong = harness.propose({ type: 'resolveConflict', conflictId: conflict!.conflictId, value: 'deadly', baseVersion: 'tablet-1:1' });
    expect(wrong.type === 'rejected' && wrong.error.code).toBe('invalid-value');
    harness.ok({ type: 'resolveConflict', conflictId: conflict!.conflictId, value: 'severe', baseVersion: 'tablet-1:1' });
    expect(harness.machine.openChart(ids.patient)!.allergies[0]!.severity).toBe('severe');
    expect(harness.machine.openConflicts()).toEqual([]);
  });

  it('refuses to edit an allergy marked entered-in-error', () => {
    harness.ok({ type: 'recordAllergy', allergyId: ids.allergy, patientId: ids.patient, substance: 'Penicillin', severity: 'mild' }, { clientId: 'desk', sequence: 2 });
    harness.ok({ type: 'markEnteredInError', targetId: ids.allergy, reason: 'other patient' });
    const edit = harness.propose({ type: 'updateAllergy', allergyId: ids.allergy, field: 'status', value: 'resolved', baseVersion: 'desk:2' });
    expect(edit.type === 'rejected' && edit.error.code).toBe('entered-in-error');
  });
});
