// One patient's visit across the clinic's stations (seed §1: registration -> nurse -> clinician -> pharmacy),
// each step proposed from a different device, read from the next station's queue. Plus leases.
import { ChartHarness, ids, noon, registerPatient, restoreOrFail, today, uuid } from './chart-harness.js';

const hourMs = 3_600_000;

describe('chart visit flow', () => {
  it('moves a whole visit registration -> triage -> clinician -> pharmacy -> done through the queues', () => {
    const harness = new ChartHarness();
    const at = (minutes: number): { recordedAt: number } => ({ recordedAt: noon - 3 * hourMs + minutes * 60_000 });
    harness.ok(registerPatient(), { clientId: 'desk', ...at(0) });
    harness.ok({ type: 'openVisit', visitId: ids.visit, patientId: ids.patient, reason: 'fever' }, { clientId: 'desk', ...at(1) });
    expect(harness.machine.stationQueue('registration', today).map((entry) => entry.visitId)).toEqual([ids.visit]);

    harness.ok({ type: 'moveVisit', visitId: ids.visit, fromStation: 'registration', toStation: 'triage' }, { clientId: 'desk', ...at(2) });
    expect(harness.machine.stationQueue('registration', today)).toEqual([]);
    const [waiting] = harness.machine.stationQueue('triage', today);
    expect(waiting).toEqual({ visitId: ids.visit, patientId: ids.patient, name: { given: 'Amina', family: 'Okello' }, station: 'triage', openedAt: at(1).recordedAt, waitingSince: at(2).recordedAt });

    harness.ok({ type: 'recordVitals', vitalsId: ids.vitals, patientId: ids.patient, visitId: ids.visit, measurements: { temperatureCelsius: 38.9, pulseBpm: 104, weightKg: 61.5 } }, { clientId: 'nurse-tablet', ...at(10) });
    harness.ok({ type: 'moveVisit', visitId: ids.visit, fromStation: 'triage', toStation: 'clinician' }, { clientId: 'nurse-tablet', ...at(11) });
    harness.ok({ type: 'orderLab', labOrderId: ids.labOrder, patientId: ids.patient, visitId: ids.visit, test: 'Malaria RDT' }, { clientId: 'clinician-desktop', ...at(20) });
    harness.ok({ type: 'moveVisit', visitId: ids.visit, fromStation: 'clinician', toStation: 'lab' }, { clientId: 'clinician-desktop', ...at(21) });
    harness.ok({ type: 'recordLabResult', labResultId: ids.labResult, labOrderId: ids.labOrder, result: { kind: 'text', text: 'P. falciparum positive' }, interpretation: 'abnormal' }, { clientId: 'lab-tablet', ...at(35) });
    harness.ok({ type: 'moveVisit', visitId: ids.visit, fromStation: 'lab', toStation: 'clinician' }, { clientId: 'lab-tablet', ...at(36) });
    harness.ok({ type: 'addDiagnosis', diagnosisId: ids.diagnosis, patientId: ids.patient, visitId: ids.visit, code: 'B50.9', text: 'Plasmodium falciparum malaria', certainty: 'confirmed' }, { clientId: 'clinician-desktop', ...at(40) });
    harness.ok({ type: 'prescribe', prescriptionId: ids.prescription, patientId: ids.patient, visitId: ids.visit, drug: 'Artemether-lumefantrine 20/120 mg', dose: { amount: 4, unit: 'tablet' }, route: 'oral', frequency: 'twice-daily', durationDays: 3 }, { clientId: 'clinician-desktop', ...at(41) });
    harness.ok({ type: 'moveVisit', visitId: ids.visit, fromStation: 'clinician', toStation: 'pharmacy' }, { clientId: 'clinician-desktop', ...at(42) });
    expect(harness.machine.stationQueue('pharmacy', today).map((entry) => entry.visitId)).toEqual([ids.visit]);
    harness.ok({ type: 'dispense', dispenseId: ids.dispense, prescriptionId: ids.prescription, quantity: { amount: 24, unit: 'tablets' } }, { clientId: 'pharmacy-tablet', ...at(50) });
    harness.ok({ type: 'moveVisit', visitId: ids.visit, fromStation: 'pharmacy', toStation: 'done' }, { clientId: 'pharmacy-tablet', ...at(51) });

    expect(harness.machine.stationQueue('pharmacy', today)).toEqual([]);
    expect(harness.machine.stationQueue('done', today).map((entry) => entry.visitId)).toEqual([ids.visit]);
    const chart = harness.machine.openChart(ids.patient)!;
    expect(chart.visits[0]!.moves.map((move) => `${move.from}>${move.to}`)).toEqual([
      'registration>triage', 'triage>clinician', 'clinician>lab', 'lab>clinician', 'clinician>pharmacy', 'pharmacy>done',
    ]);
    expect(chart.visits[0]!.moves.map((move) => move.author.deviceId)).toContain('pharmacy-tablet-device');
    expect(chart.prescriptions[0]!.dispenses.length).toBe(1);
    harness.machine.checkInvariants();

    // Every record of the visit, nested ones included, is known to belong to the patient's chart.
    for (const id of [ids.patient, ids.visit, ids.vitals, ids.labOrder, ids.labResult, ids.diagnosis, ids.prescription, ids.dispense]) {
      expect(harness.machine.patientOf(id)).withContext(id).toBe(ids.patient);
    }
    expect(harness.machine.patientOf(uuid(9, 999))).toBeNull();
  });

  it("keeps another clinic's visit in the patient's history but out of this clinic's queues, also after a snapshot", () => {
    const harness = new ChartHarness('clinic-1');
    harness.ok(registerPatient());
    // Imported from central's feed: the patient was seen at clinic-2 this morning.
    harness.ok({ type: 'openVisit', visitId: ids.visit, patientId: ids.patient, reason: 'cough', station: 'triage', clinicId: 'clinic-2' });
    harness.ok({ type: 'moveVisit', visitId: ids.visit, fromStation: 'triage', toStation: 'clinician' });
    const ownVisit = uuid(3, 2);
    harness.ok({ type: 'openVisit', visitId: ownVisit, patientId: ids.patient, reason: 'follow-up', station: 'clinician', clinicId: 'clinic-1' });
    expect(harness.machine.stationQueue('triage', today)).toEqual([]);
    expect(harness.machine.stationQueue('clinician', today).map((entry) => entry.visitId)).toEqual([ownVisit]);
    const visits = harness.machine.openChart(ids.patient)!.visits;
    expect(visits.map((visit) => [visit.visitId, visit.atClinicId, visit.station])).toEqual([[ids.visit, 'clinic-2', 'clinician'], [ownVisit, undefined, 'clinician']]);
    harness.machine.checkInvariants();

    const restored = restoreOrFail(harness.machine.snapshot());
    expect(restored.stationQueue('clinician', today).map((entry) => entry.visitId)).toEqual([ownVisit]);
    expect(restored.stateHash()).toBe(harness.machine.stateHash());
    restored.checkInvariants();
  });

  it('lets only one of two stations take a patient (the second move is stale)', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient());
    harness.ok({ type: 'openVisit', visitId: ids.visit, patientId: ids.patient, station: 'triage' });
    harness.ok({ type: 'moveVisit', visitId: ids.visit, fromStation: 'triage', toStation: 'clinician' }, { clientId: 'nurse-1' });
    const second = harness.propose({ type: 'moveVisit', visitId: ids.visit, fromStation: 'triage', toStation: 'lab' }, { clientId: 'nurse-2' });
    expect(second.type === 'rejected' && second.error).toEqual(jasmine.objectContaining({ code: 'stale-station', field: 'command.fromStation' }));
    expect(harness.machine.openChart(ids.patient)!.visits[0]!.station).toBe('clinician');
  });

  it('orders a queue by arrival at the station in log order, and filters by the day the visit opened', () => {
    const harness = new ChartHarness();
    for (let index = 1; index <= 3; index++) harness.ok(registerPatient(uuid(1, index)));
    harness.ok({ type: 'openVisit', visitId: uuid(2, 1), patientId: uuid(1, 1) }, { recordedAt: noon - hourMs });
    harness.ok({ type: 'openVisit', visitId: uuid(2, 2), patientId: uuid(1, 2) }, { recordedAt: noon - 2 * hourMs });
    harness.ok({ type: 'openVisit', visitId: uuid(2, 3), patientId: uuid(1, 3) }, { recordedAt: noon - 30 * hourMs }); // yesterday
    // Visit 2 reaches triage first in the log, though its device clock says later.
    harness.ok({ type: 'moveVisit', visitId: uuid(2, 2), fromStation: 'registration', toStation: 'triage' }, { recordedAt: noon + 5 * 60_000 });
    harness.ok({ type: 'moveVisit', visitId: uuid(2, 1), fromStation: 'registration', toStation: 'triage' }, { recordedAt: noon });
    harness.ok({ type: 'moveVisit', visitId: uuid(2, 3), fromStation: 'registration', toStation: 'triage' });
    expect(harness.machine.stationQueue('triage', today).map((entry) => entry.visitId)).toEqual([uuid(2, 2), uuid(2, 1)]);
    const yesterday = { startMs: today.startMs - 24 * hourMs, endMs: today.startMs };
    expect(harness.machine.stationQueue('triage', yesterday).map((entry) => entry.visitId)).toEqual([uuid(2, 3)]);
  });

  it('drops a visit marked entered-in-error from the queues but keeps it, marked, in the chart', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient());
    harness.ok({ type: 'openVisit', visitId: ids.visit, patientId: ids.patient });
    harness.ok({ type: 'recordVitals', vitalsId: ids.vitals, patientId: ids.patient, visitId: ids.visit, measurements: { pulseBpm: 90 } });
    harness.ok({ type: 'markEnteredInError', targetId: ids.visit, reason: 'opened twice' });
    expect(harness.machine.stationQueue('registration', today)).toEqual([]);
    const chart = harness.machine.openChart(ids.patient)!;
    expect(chart.visits[0]!.enteredInError?.reason).toBe('opened twice');
    expect(chart.vitals.length).toBe(1);
    const move = harness.propose({ type: 'moveVisit', visitId: ids.visit, fromStation: 'registration', toStation: 'triage' });
    expect(move.type === 'rejected' && move.error.code).toBe('entered-in-error');
  });

  it('files a dispense and a lab result even after their order was marked in error, and marks nested records', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient());
    harness.ok({ type: 'prescribe', prescriptionId: ids.prescription, patientId: ids.patient, drug: 'Paracetamol', dose: { amount: 1, unit: 'g' }, route: 'oral', frequency: 'as-needed', durationDays: 3 });
    harness.ok({ type: 'orderLab', labOrderId: ids.labOrder, patientId: ids.patient, test: 'Hb' });
    harness.ok({ type: 'markEnteredInError', targetId: ids.prescription, reason: 'duplicate' });
    harness.ok({ type: 'markEnteredInError', targetId: ids.labOrder, reason: 'duplicate' });
    harness.ok({ type: 'dispense', dispenseId: ids.dispense, prescriptionId: ids.prescription, quantity: { amount: 10, unit: 'tablets' } });
    harness.ok({ type: 'recordLabResult', labResultId: ids.labResult, labOrderId: ids.labOrder, result: { kind: 'numeric', value: 11.4, unit: 'g/dL' } });
    harness.ok({ type: 'markEnteredInError', targetId: ids.dispense, reason: 'not given' });
    harness.ok({ type: 'markEnteredInError', targetId: ids.labResult, reason: 'wrong sample' });
    const chart = harness.machine.openChart(ids.patient)!;
    expect(chart.prescriptions[0]!.dispenses[0]!.enteredInError?.reason).toBe('not given');
    expect(chart.labOrders[0]!.results[0]!.enteredInError?.reason).toBe('wrong sample');
    const twice = harness.propose({ type: 'markEnteredInError', targetId: ids.labResult, reason: 'again' });
    expect(twice.type === 'rejected' && twice.error.code).toBe('entered-in-error');
    harness.machine.checkInvariants();
  });

  it('fences chart leases by epoch: grants must grow, renewals and releases must match', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient());
    harness.ok({ type: 'grantLease', patientId: ids.patient, holderClinicId: 'clinic-1', epoch: 3, expiresAt: noon + hourMs });
    const older = harness.propose({ type: 'grantLease', patientId: ids.patient, holderClinicId: 'clinic-2', epoch: 2, expiresAt: noon + hourMs });
    expect(older.type === 'rejected' && older.error.code).toBe('stale-epoch');
    const wrongEpoch = harness.propose({ type: 'renewLease', patientId: ids.patient, epoch: 2, expiresAt: noon + 2 * hourMs });
    expect(wrongEpoch.type === 'rejected' && wrongEpoch.error.code).toBe('stale-epoch');
    const shorter = harness.propose({ type: 'renewLease', patientId: ids.patient, epoch: 3, expiresAt: noon });
    expect(shorter.type === 'rejected' && shorter.error).toEqual(jasmine.objectContaining({ code: 'invalid-value', field: 'command.expiresAt' }));
    harness.ok({ type: 'renewLease', patientId: ids.patient, epoch: 3, expiresAt: noon + 2 * hourMs });
    const wrongRelease = harness.propose({ type: 'releaseLease', patientId: ids.patient, epoch: 4 });
    expect(wrongRelease.type === 'rejected' && wrongRelease.error.code).toBe('stale-epoch');
    harness.ok({ type: 'grantLease', patientId: ids.patient, holderClinicId: 'clinic-2', epoch: 4, expiresAt: noon + 3 * hourMs });
    expect(harness.machine.openChart(ids.patient)!.lease).toEqual(jasmine.objectContaining({ holderClinicId: 'clinic-2', epoch: 4, released: false }));
  });
});
