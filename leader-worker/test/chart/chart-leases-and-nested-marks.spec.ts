// Leases as central and the clinic read them back (which event granted and last changed one; no renewal or
// release without a grant), and marking one of several dispenses or results: only that one is marked, once.
import { ChartHarness, ids, noon, registerPatient, uuid } from './chart-harness.js';

describe('chart lease records', () => {
  it('names the event that granted the lease and the one that last changed it', () => {
    const harness = new ChartHarness('clinic-1');
    harness.ok(registerPatient());
    const granted = harness.ok({ type: 'grantLease', patientId: ids.patient, holderClinicId: 'clinic-2', epoch: 2, expiresAt: noon + 1000 });
    const renewed = harness.ok({ type: 'renewLease', patientId: ids.patient, epoch: 2, expiresAt: noon + 5000 });
    expect(harness.machine.openChart(ids.patient)!.lease).toEqual({
      holderClinicId: 'clinic-2', epoch: 2, expiresAt: noon + 5000, grantedEventId: granted, updatedEventId: renewed, released: false,
    });
    const released = harness.ok({ type: 'releaseLease', patientId: ids.patient, epoch: 2 });
    expect(harness.machine.openChart(ids.patient)!.lease).toEqual(jasmine.objectContaining({
      grantedEventId: granted, updatedEventId: released, released: true, expiresAt: noon + 5000,
    }));
  });

  it('refuses a renewal or release before any grant, and any lease command for an unknown patient', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient());
    const code = (command: Record<string, unknown>): string => {
      const result = harness.propose(command);
      return result.type === 'rejected' ? `${result.error.code} ${result.error.field ?? ''}` : result.type;
    };
    expect(code({ type: 'renewLease', patientId: ids.patient, epoch: 1, expiresAt: noon })).toBe('no-lease command.patientId');
    expect(code({ type: 'releaseLease', patientId: ids.patient, epoch: 1 })).toBe('no-lease command.patientId');
    for (const command of [
      { type: 'grantLease', patientId: ids.fresh, holderClinicId: 'clinic-1', epoch: 1, expiresAt: noon },
      { type: 'renewLease', patientId: ids.fresh, epoch: 1, expiresAt: noon },
      { type: 'releaseLease', patientId: ids.fresh, epoch: 1 },
    ]) expect(code(command)).withContext(command.type).toBe('unknown-patient command.patientId');
    expect(harness.machine.openChart(ids.patient)!.lease).toBeNull();
  });
});

describe('chart marking one nested record', () => {
  it('marks only the dispense or result named, and refuses marking it again', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient());
    harness.ok({ type: 'prescribe', prescriptionId: ids.prescription, patientId: ids.patient, drug: 'ORS', dose: { amount: 1, unit: 'sachet' }, route: 'oral', frequency: 'as-needed', durationDays: 2 });
    harness.ok({ type: 'orderLab', labOrderId: ids.labOrder, patientId: ids.patient, test: 'Hb' });
    for (const number of [1, 2, 3]) {
      harness.ok({ type: 'dispense', dispenseId: uuid(8, number), prescriptionId: ids.prescription, quantity: { amount: number, unit: 'sachets' } });
      harness.ok({ type: 'recordLabResult', labResultId: uuid(10, number), labOrderId: ids.labOrder, result: { kind: 'numeric', value: 10 + number, unit: 'g/dL' } });
    }
    harness.ok({ type: 'markEnteredInError', targetId: uuid(8, 2), reason: 'not given' });
    harness.ok({ type: 'markEnteredInError', targetId: uuid(10, 3), reason: 'haemolysed' });
    const chart = harness.machine.openChart(ids.patient)!;
    expect(chart.prescriptions[0]!.dispenses.map((item) => item.enteredInError?.reason ?? null)).toEqual([null, 'not given', null]);
    expect(chart.labOrders[0]!.results.map((item) => item.enteredInError?.reason ?? null)).toEqual([null, null, 'haemolysed']);
    const again = harness.propose({ type: 'markEnteredInError', targetId: uuid(8, 2), reason: 'again' });
    expect(again.type === 'rejected' && again.error).toEqual(jasmine.objectContaining({ code: 'entered-in-error', field: 'command.targetId' }));
    harness.machine.checkInvariants();
  });
});
