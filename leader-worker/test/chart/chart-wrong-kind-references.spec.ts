// A command that names a record of another kind (a note's id where a visit's belongs, a mix-up a scanner or a
// stale screen can make) is refused with a typed error and changes nothing; a record marked entered-in-error
// can no longer be moved or cancelled.
import { ChartHarness, ids, registerPatient, today, validCommands, type Json } from './chart-harness.js';

/** Every record validCommands() makes, except the closing entered-in-error, the cancellation and the lease. */
function chart(): ChartHarness {
  const harness = new ChartHarness();
  const skipped = ['markEnteredInError', 'cancelAppointment', 'grantLease', 'renewLease', 'releaseLease'];
  for (const command of validCommands()) if (!skipped.includes(String(command.type))) harness.ok(command);
  return harness;
}

function refusal(harness: ChartHarness, command: Json): string {
  const hash = harness.machine.stateHash();
  const result = harness.propose(command);
  expect(harness.machine.stateHash()).withContext('a refusal changes nothing').toBe(hash);
  return result.type === 'rejected' ? `${result.error.code} ${result.error.field ?? ''}` : result.type;
}

describe('chart references to a record of the wrong kind', () => {
  it('are refused for every command that names an existing record', () => {
    const harness = chart();
    const wrong = ids.note;
    expect(refusal(harness, { type: 'recordVitals', vitalsId: ids.fresh, patientId: ids.patient, visitId: wrong, measurements: { pulseBpm: 70 } })).toBe('unknown-visit command.visitId');
    expect(refusal(harness, { type: 'moveVisit', visitId: wrong, fromStation: 'triage', toStation: 'clinician' })).toBe('unknown-visit command.visitId');
    expect(refusal(harness, { type: 'updateAllergy', allergyId: wrong, field: 'severity', value: 'mild', baseVersion: 'tablet-1:8' })).toBe('unknown-target command.allergyId');
    expect(refusal(harness, { type: 'dispense', dispenseId: ids.fresh, prescriptionId: wrong, quantity: { amount: 1, unit: 'bottle' } })).toBe('unknown-target command.prescriptionId');
    expect(refusal(harness, { type: 'recordLabResult', labResultId: ids.fresh, labOrderId: wrong, result: { kind: 'text', text: 'ok' } })).toBe('unknown-target command.labOrderId');
    expect(refusal(harness, { type: 'cancelAppointment', appointmentId: wrong })).toBe('unknown-target command.appointmentId');
    expect(refusal(harness, { type: 'recordVitals', vitalsId: ids.fresh, patientId: ids.fresh, measurements: { pulseBpm: 70 } })).toBe('unknown-patient command.patientId');
    expect(refusal(harness, { type: 'recordLabResult', labResultId: ids.note, labOrderId: ids.labOrder, result: { kind: 'text', text: 'ok' } })).toBe('duplicate-id command.labResultId');
    harness.machine.checkInvariants();
  });

  it('a visit or an appointment marked entered-in-error cannot be moved or cancelled', () => {
    const harness = chart();
    harness.ok({ type: 'markEnteredInError', targetId: ids.visit, reason: 'wrong patient' });
    harness.ok({ type: 'markEnteredInError', targetId: ids.appointment, reason: 'wrong patient' });
    expect(refusal(harness, { type: 'moveVisit', visitId: ids.visit, fromStation: 'triage', toStation: 'clinician' })).toBe('entered-in-error command.visitId');
    expect(refusal(harness, { type: 'cancelAppointment', appointmentId: ids.appointment })).toBe('entered-in-error command.appointmentId');
  });

  it("files a visit that names this clinic as its own, in this clinic's queue", () => {
    const harness = new ChartHarness('clinic-1');
    harness.ok(registerPatient());
    harness.ok({ type: 'openVisit', visitId: ids.visit, patientId: ids.patient, clinicId: 'clinic-1' });
    expect(harness.machine.openChart(ids.patient)!.visits[0]!.atClinicId).toBeUndefined();
    expect(harness.machine.stationQueue('registration', today).map((entry) => entry.visitId)).toEqual([ids.visit]);
    harness.machine.checkInvariants();
  });
});
