// The sync horizon's chart rules: how much of a patient's history another clinic gets by category and age (each
// record kept with what it needs and what completes it), and which patients a source clinic's chart puts in a
// horizon (seen there recently, expected there soon).
import { allHistoryYears, historyWithin, historyYearMs, wholeHistory, type HistoryDepth } from '../../src/chart/index.js';
import { ChartHarness, ids, noon, registerPatient, uuid, type Json } from './chart-harness.js';

const nowMs = noon;
const dayMs = 86_400_000;

/** A history entry written `yearsAgo` before now. */
function at(yearsAgo: number, command: Json): { envelope: { recordedAt: number; command: Json } } {
  return { envelope: { recordedAt: nowMs - yearsAgo * historyYearMs, command } };
}

const oldVisit = uuid(1, 1);
const newVisit = uuid(1, 2);
const oldPrescription = uuid(2, 1);
const oldOrder = uuid(3, 1);
const newOrder = uuid(3, 2);
const oldVitals = uuid(4, 1);
const newNote = uuid(5, 1);
const allergy = uuid(6, 1);
const dispense = uuid(7, 1);
const result = uuid(8, 1);

/** Four years of one patient's care, oldest first. */
const history = [
  at(4, { type: 'recordAllergy', allergyId: allergy, patientId: ids.patient, substance: 'Sulfa', reaction: null, severity: 'severe' }),
  at(3, { type: 'openVisit', visitId: oldVisit, patientId: ids.patient }),
  at(3, { type: 'recordVitals', vitalsId: oldVitals, patientId: ids.patient, visitId: oldVisit }),
  at(3, { type: 'prescribe', prescriptionId: oldPrescription, patientId: ids.patient, visitId: oldVisit }),
  at(3, { type: 'orderLab', labOrderId: oldOrder, patientId: ids.patient, visitId: oldVisit }),
  at(3, { type: 'moveVisit', visitId: oldVisit }),
  // The result of the old order came back late, within the last year.
  at(0.5, { type: 'recordLabResult', labResultId: result, labOrderId: oldOrder }),
  at(0.5, { type: 'dispense', dispenseId: dispense, prescriptionId: oldPrescription }),
  at(0.5, { type: 'markEnteredInError', targetId: oldVitals, reason: 'wrong patient' }),
  at(0.5, { type: 'markEnteredInError', targetId: allergy, reason: 'not an allergy' }),
  at(0.5, { type: 'markEnteredInError', targetId: dispense, reason: 'not given' }),
  at(0.2, { type: 'updatePatient', patientId: ids.patient, field: 'phone' }),
  at(0.1, { type: 'openVisit', visitId: newVisit, patientId: ids.patient }),
  at(0.1, { type: 'addNote', noteId: newNote, patientId: ids.patient, visitId: newVisit }),
  at(0.1, { type: 'orderLab', labOrderId: newOrder, patientId: ids.patient, visitId: newVisit }),
  at(0.1, { type: 'bookAppointment', appointmentId: uuid(9, 1), patientId: ids.patient }),
];

function keptTypes(depth: HistoryDepth): string[] {
  return historyWithin(history, depth, nowMs).map(({ envelope }) => {
    const { command } = envelope;
    return command.type === 'markEnteredInError' ? `mark ${String(command.targetId)}` : String(command.type);
  });
}

describe('chart sync horizon: the history another clinic gets', () => {
  it('sends it all when every category asks for all of it', () => {
    expect(historyWithin(history, wholeHistory, nowMs)).toEqual(history);
  });

  it('leaves out a year-old visit and everything in it at one year of each, keeping demographics, allergies and appointments', () => {
    expect(keptTypes({ encounters: 1, labs: 1, prescriptions: 1 })).toEqual([
      'recordAllergy', `mark ${allergy}`, 'updatePatient', 'openVisit', 'addNote', 'orderLab', 'bookAppointment',
    ]);
  });

  it('keeps an old prescription with the visit it was made in and its dispenses, but not the visit\'s other old records', () => {
    expect(keptTypes({ encounters: 1, labs: 1, prescriptions: allHistoryYears })).toEqual([
      'recordAllergy', 'openVisit', 'prescribe', 'moveVisit', 'dispense', `mark ${allergy}`, `mark ${dispense}`, 'updatePatient',
      'openVisit', 'addNote', 'orderLab', 'bookAppointment',
    ]);
  });

  it('never sends a result without its order, even a result newer than the years asked', () => {
    const types = keptTypes({ encounters: 5, labs: 1, prescriptions: 1 });
    expect(types).not.toContain('recordLabResult');
    expect(types.filter((type) => type === 'orderLab').length).withContext('the new order only').toBe(1);
    expect(keptTypes({ encounters: 1, labs: 5, prescriptions: 1 })).toContain('recordLabResult');
  });

  it('keeps a mark exactly when what it marks is kept', () => {
    expect(keptTypes({ encounters: 5, labs: 1, prescriptions: 1 })).toContain(`mark ${oldVitals}`);
    expect(keptTypes({ encounters: 1, labs: 1, prescriptions: 1 })).not.toContain(`mark ${oldVitals}`);
    expect(keptTypes({ encounters: 1, labs: 1, prescriptions: 1 })).not.toContain(`mark ${dispense}`);
  });

  it('counts a record exactly as old as the years asked as within them', () => {
    const edge = [at(2, { type: 'openVisit', visitId: oldVisit, patientId: ids.patient })];
    expect(historyWithin(edge, { encounters: 2, labs: 1, prescriptions: 1 }, nowMs).length).toBe(1);
    expect(historyWithin(edge, { encounters: 2, labs: 1, prescriptions: 1 }, nowMs + 1).length).toBe(0);
  });
});

describe('chart sync horizon: the patients a source clinic puts in a horizon', () => {
  const criteria = { seenSinceMs: nowMs - 30 * dayMs, appointmentsFrom: '2025-06-15', appointmentsThrough: '2025-06-30' };

  function clinicWithPatients(count: number): ChartHarness {
    const harness = new ChartHarness();
    for (let number = 1; number <= count; number++) harness.ok(registerPatient(uuid(10, number)));
    return harness;
  }

  it('finds patients seen here since the date, never by a visit at another clinic or one entered in error', () => {
    const harness = clinicWithPatients(4);
    harness.ok({ type: 'openVisit', visitId: uuid(11, 1), patientId: uuid(10, 1), reason: null }, { recordedAt: nowMs - 10 * dayMs });
    harness.ok({ type: 'openVisit', visitId: uuid(11, 2), patientId: uuid(10, 2), reason: null }, { recordedAt: nowMs - 40 * dayMs });
    harness.ok({ type: 'openVisit', visitId: uuid(11, 3), patientId: uuid(10, 3), reason: null, clinicId: 'clinic-2' }, { recordedAt: nowMs - 10 * dayMs });
    harness.ok({ type: 'openVisit', visitId: uuid(11, 4), patientId: uuid(10, 4), reason: null }, { recordedAt: nowMs - 10 * dayMs });
    harness.ok({ type: 'markEnteredInError', targetId: uuid(11, 4), reason: 'wrong patient' });
    expect(harness.machine.horizonCandidates(criteria)).toEqual([uuid(10, 1)]);
  });

  it('finds patients with an appointment booked in the range, not one cancelled or outside it', () => {
    const harness = clinicWithPatients(4);
    const book = (patient: number, date: string): void => {
      harness.ok({ type: 'bookAppointment', appointmentId: uuid(12, patient), patientId: uuid(10, patient), date, time: null, reason: null });
    };
    book(1, '2025-06-30');
    book(2, '2025-07-01');
    book(3, '2025-06-15');
    harness.ok({ type: 'cancelAppointment', appointmentId: uuid(12, 3), reason: null });
    book(4, '2025-06-15');
    expect(harness.machine.horizonCandidates(criteria)).toEqual([uuid(10, 1), uuid(10, 4)]);
    expect(harness.machine.horizonCandidates({ ...criteria, appointmentsThrough: '' })).withContext('the rule off').toEqual([]);
  });
});
