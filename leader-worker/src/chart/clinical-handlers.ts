// Handlers for clinical events: visits and their station queue, vitals, notes, diagnoses, allergies,
// prescriptions and dispensing, lab orders and results, appointments, and marking a mistake. Clinical events
// only append: a correction marks the old record entered-in-error and records a new one.
//
// A dispense or a lab result is filed even if its prescription or order was meanwhile marked in error: the
// drug did leave the shelf and the sample was run, and the chart must say so.
import { assert } from '../invariants/assert.js';
import type {
  AddDiagnosis, AddNote, BookAppointment, CancelAppointment, Dispense, MarkEnteredInError, MoveVisit, OpenVisit,
  OrderLab, Prescribe, RecordAllergy, RecordLabResult, RecordVitals, UpdateAllergy,
} from './commands.js';
import { allergyFields } from './commands.js';
import type { ListedKind } from './chart-lists.js';
import type { ChartStore, PatientEntry } from './chart-store.js';
import { allergyField, editField } from './field-edits.js';
import { deepFreeze } from './freeze.js';
import { applied, eventStamp, rejected, type ApplyContext, type HandlerOutcome } from './handler-context.js';
import type { AllergyRecord, EnteredInError, PrescriptionRecord, VisitRecord } from './records.js';

type Owner = { readonly entry: PatientEntry } | { readonly refused: HandlerOutcome };

/** Checks a new record's id is unused, its patient exists and its visit (if any) is that patient's. */
function ownerOfNewRecord(store: ChartStore, idField: string, id: string, patientId: string, visitId: string | null): Owner {
  if (store.isIdTaken(id)) return { refused: rejected('duplicate-id', `command.${idField}`, `id ${id} is already in use`) };
  const entry = store.patient(patientId);
  if (entry === undefined) return { refused: rejected('unknown-patient', 'command.patientId', `no patient ${patientId}`) };
  if (visitId !== null) {
    const visit = store.entities.get(visitId);
    if (visit === undefined || visit.kind !== 'visit') return { refused: rejected('unknown-visit', 'command.visitId', `no visit ${visitId}`) };
    if (visit.patientId !== patientId) return { refused: rejected('patient-mismatch', 'command.visitId', `visit ${visitId} is another patient's`) };
  }
  return { entry };
}

export function openVisit(store: ChartStore, context: ApplyContext, command: OpenVisit): HandlerOutcome {
  const owner = ownerOfNewRecord(store, 'visitId', command.visitId, command.patientId, null);
  if ('refused' in owner) return owner.refused;
  const visit: VisitRecord = {
    ...eventStamp(context),
    visitId: command.visitId,
    patientId: command.patientId,
    reason: command.reason,
    station: command.station,
    stationSince: context.recordedAt,
    stationSinceLogIndex: context.logIndex,
    moves: [],
    enteredInError: null,
    ...(command.clinicId === undefined || command.clinicId === context.clinicId ? {} : { atClinicId: command.clinicId }),
    ...(context.leaderTimeMs === null ? {} : { openedAtClinicTime: context.leaderTimeMs }),
  };
  store.addListed(owner.entry, 'visit', command.visitId, deepFreeze(visit));
  return applied;
}

/** Moves only from the station the proposer saw: two stations cannot both "take" a patient. */
export function moveVisit(store: ChartStore, context: ApplyContext, command: MoveVisit): HandlerOutcome {
  const ref = store.entities.get(command.visitId);
  if (ref === undefined || ref.kind !== 'visit') return rejected('unknown-visit', 'command.visitId', `no visit ${command.visitId}`);
  const entry = store.patient(ref.patientId);
  assert(entry !== undefined, "a visit's patient exists");
  const visit = store.listed(entry, 'visit', command.visitId);
  assert(visit !== undefined, 'a registered visit is listed');
  if (visit.enteredInError !== null) return rejected('entered-in-error', 'command.visitId', 'the visit was marked entered-in-error');
  if (visit.station !== command.fromStation) {
    return rejected('stale-station', 'command.fromStation', `the visit is at ${visit.station}, not ${command.fromStation}`);
  }
  const moved: VisitRecord = {
    ...visit,
    station: command.toStation,
    stationSince: context.recordedAt,
    stationSinceLogIndex: context.logIndex,
    moves: [...visit.moves, { ...eventStamp(context), from: command.fromStation, to: command.toStation }],
  };
  store.replaceListed(entry, 'visit', command.visitId, deepFreeze(moved));
  return applied;
}

export function recordVitals(store: ChartStore, context: ApplyContext, command: RecordVitals): HandlerOutcome {
  const owner = ownerOfNewRecord(store, 'vitalsId', command.vitalsId, command.patientId, command.visitId);
  if ('refused' in owner) return owner.refused;
  store.addListed(owner.entry, 'vitals', command.vitalsId, deepFreeze({
    ...eventStamp(context), vitalsId: command.vitalsId, patientId: command.patientId, visitId: command.visitId,
    measurements: command.measurements, enteredInError: null,
  }));
  return applied;
}

export function addNote(store: ChartStore, context: ApplyContext, command: AddNote): HandlerOutcome {
  const owner = ownerOfNewRecord(store, 'noteId', command.noteId, command.patientId, command.visitId);
  if ('refused' in owner) return owner.refused;
  store.addListed(owner.entry, 'note', command.noteId, deepFreeze({
    ...eventStamp(context), noteId: command.noteId, patientId: command.patientId, visitId: command.visitId,
    kind: command.kind, text: command.text, enteredInError: null,
  }));
  return applied;
}

export function addDiagnosis(store: ChartStore, context: ApplyContext, command: AddDiagnosis): HandlerOutcome {
  const owner = ownerOfNewRecord(store, 'diagnosisId', command.diagnosisId, command.patientId, command.visitId);
  if ('refused' in owner) return owner.refused;
  store.addListed(owner.entry, 'diagnosis', command.diagnosisId, deepFreeze({
    ...eventStamp(context), diagnosisId: command.diagnosisId, patientId: command.patientId, visitId: command.visitId,
    code: command.code, text: command.text, certainty: command.certainty, enteredInError: null,
  }));
  return applied;
}

export function recordAllergy(store: ChartStore, context: ApplyContext, command: RecordAllergy): HandlerOutcome {
  const owner = ownerOfNewRecord(store, 'allergyId', command.allergyId, command.patientId, null);
  if ('refused' in owner) return owner.refused;
  const versions = Object.fromEntries(allergyFields.map((field) => [field, context.stamp])) as AllergyRecord['versions'];
  store.addListed(owner.entry, 'allergy', command.allergyId, deepFreeze({
    ...eventStamp(context), allergyId: command.allergyId, patientId: command.patientId, substance: command.substance,
    reaction: command.reaction, severity: command.severity, status: 'active', versions, enteredInError: null,
  }));
  return applied;
}

export function updateAllergy(store: ChartStore, context: ApplyContext, command: UpdateAllergy): HandlerOutcome {
  const ref = store.entities.get(command.allergyId);
  if (ref === undefined || ref.kind !== 'allergy') return rejected('unknown-target', 'command.allergyId', `no allergy ${command.allergyId}`);
  const entry = store.patient(ref.patientId);
  assert(entry !== undefined, "an allergy's patient exists");
  if (store.listed(entry, 'allergy', command.allergyId)?.enteredInError !== null) {
    return rejected('entered-in-error', 'command.allergyId', 'the allergy was marked entered-in-error');
  }
  return editField(store, context, allergyField(store, entry, command.allergyId, command.field), command.value, command.baseVersion);
}

export function prescribe(store: ChartStore, context: ApplyContext, command: Prescribe): HandlerOutcome {
  const owner = ownerOfNewRecord(store, 'prescriptionId', command.prescriptionId, command.patientId, command.visitId);
  if ('refused' in owner) return owner.refused;
  store.addListed(owner.entry, 'prescription', command.prescriptionId, deepFreeze({
    ...eventStamp(context), prescriptionId: command.prescriptionId, patientId: command.patientId, visitId: command.visitId,
    drug: command.drug, dose: command.dose, route: command.route, frequency: command.frequency,
    durationDays: command.durationDays, instructions: command.instructions, dispenses: [], enteredInError: null,
  }));
  return applied;
}

export function dispense(store: ChartStore, context: ApplyContext, command: Dispense): HandlerOutcome {
  if (store.isIdTaken(command.dispenseId)) return rejected('duplicate-id', 'command.dispenseId', `id ${command.dispenseId} is already in use`);
  const ref = store.entities.get(command.prescriptionId);
  if (ref === undefined || ref.kind !== 'prescription') {
    return rejected('unknown-target', 'command.prescriptionId', `no prescription ${command.prescriptionId}`);
  }
  const entry = store.patient(ref.patientId);
  assert(entry !== undefined, "a prescription's patient exists");
  const prescription = store.listed(entry, 'prescription', command.prescriptionId);
  assert(prescription !== undefined, 'a registered prescription is listed');
  const dispensed = {
    ...eventStamp(context), dispenseId: command.dispenseId, prescriptionId: command.prescriptionId,
    quantity: command.quantity, note: command.note, enteredInError: null,
  };
  store.registerNested(command.dispenseId, 'dispense', ref.patientId, command.prescriptionId);
  store.replaceListed(entry, 'prescription', command.prescriptionId, deepFreeze({ ...prescription, dispenses: [...prescription.dispenses, dispensed] }));
  return applied;
}

export function orderLab(store: ChartStore, context: ApplyContext, command: OrderLab): HandlerOutcome {
  const owner = ownerOfNewRecord(store, 'labOrderId', command.labOrderId, command.patientId, command.visitId);
  if ('refused' in owner) return owner.refused;
  store.addListed(owner.entry, 'labOrder', command.labOrderId, deepFreeze({
    ...eventStamp(context), labOrderId: command.labOrderId, patientId: command.patientId, visitId: command.visitId,
    test: command.test, specimen: command.specimen, results: [], enteredInError: null,
  }));
  return applied;
}

export function recordLabResult(store: ChartStore, context: ApplyContext, command: RecordLabResult): HandlerOutcome {
  if (store.isIdTaken(command.labResultId)) return rejected('duplicate-id', 'command.labResultId', `id ${command.labResultId} is already in use`);
  const ref = store.entities.get(command.labOrderId);
  if (ref === undefined || ref.kind !== 'labOrder') return rejected('unknown-target', 'command.labOrderId', `no lab order ${command.labOrderId}`);
  const entry = store.patient(ref.patientId);
  assert(entry !== undefined, "a lab order's patient exists");
  const order = store.listed(entry, 'labOrder', command.labOrderId);
  assert(order !== undefined, 'a registered lab order is listed');
  const result = {
    ...eventStamp(context), labResultId: command.labResultId, labOrderId: command.labOrderId,
    result: command.result, interpretation: command.interpretation, enteredInError: null,
  };
  store.registerNested(command.labResultId, 'labResult', ref.patientId, command.labOrderId);
  store.replaceListed(entry, 'labOrder', command.labOrderId, deepFreeze({ ...order, results: [...order.results, result] }));
  return applied;
}

export function bookAppointment(store: ChartStore, context: ApplyContext, command: BookAppointment): HandlerOutcome {
  const owner = ownerOfNewRecord(store, 'appointmentId', command.appointmentId, command.patientId, null);
  if ('refused' in owner) return owner.refused;
  store.addListed(owner.entry, 'appointment', command.appointmentId, deepFreeze({
    ...eventStamp(context), appointmentId: command.appointmentId, patientId: command.patientId, date: command.date,
    time: command.time, reason: command.reason, cancelled: null, enteredInError: null,
  }));
  return applied;
}

export function cancelAppointment(store: ChartStore, context: ApplyContext, command: CancelAppointment): HandlerOutcome {
  const ref = store.entities.get(command.appointmentId);
  if (ref === undefined || ref.kind !== 'appointment') {
    return rejected('unknown-target', 'command.appointmentId', `no appointment ${command.appointmentId}`);
  }
  const entry = store.patient(ref.patientId);
  assert(entry !== undefined, "an appointment's patient exists");
  const appointment = store.listed(entry, 'appointment', command.appointmentId);
  assert(appointment !== undefined, 'a registered appointment is listed');
  if (appointment.enteredInError !== null) return rejected('entered-in-error', 'command.appointmentId', 'the appointment was marked entered-in-error');
  if (appointment.cancelled !== null) return rejected('appointment-not-booked', 'command.appointmentId', 'the appointment is already cancelled');
  const cancelled = { ...appointment, cancelled: { ...eventStamp(context), reason: command.reason } };
  store.replaceListed(entry, 'appointment', command.appointmentId, deepFreeze(cancelled));
  return applied;
}

/** Marks any clinical record (not a patient) entered-in-error. It stays in the chart, marked, for ever. */
export function markEnteredInError(store: ChartStore, context: ApplyContext, command: MarkEnteredInError): HandlerOutcome {
  const ref = store.entities.get(command.targetId);
  if (ref === undefined) return rejected('unknown-target', 'command.targetId', `no record ${command.targetId}`);
  if (ref.kind === 'patient') return rejected('invalid-value', 'command.targetId', 'a patient is not marked entered-in-error');
  const entry = store.patient(ref.patientId);
  assert(entry !== undefined, "a record's patient exists");
  const marker: EnteredInError = { ...eventStamp(context), reason: command.reason };
  if (ref.kind === 'dispense' || ref.kind === 'labResult') {
    assert(ref.parentId !== null, 'a nested record has a parent');
    return ref.kind === 'dispense'
      ? markDispense(store, entry, ref.parentId, command.targetId, marker)
      : markLabResult(store, entry, ref.parentId, command.targetId, marker);
  }
  return markListed(store, entry, ref.kind, command.targetId, marker);
}

function markListed<K extends ListedKind>(store: ChartStore, entry: PatientEntry, kind: K, id: string, marker: EnteredInError): HandlerOutcome {
  const record = store.listed(entry, kind, id);
  assert(record !== undefined, 'a registered record is listed');
  if (record.enteredInError !== null) return rejected('entered-in-error', 'command.targetId', 'already marked entered-in-error');
  store.replaceListed(entry, kind, id, deepFreeze({ ...record, enteredInError: marker }));
  return applied;
}

function markDispense(store: ChartStore, entry: PatientEntry, prescriptionId: string, id: string, marker: EnteredInError): HandlerOutcome {
  const prescription: PrescriptionRecord | undefined = store.listed(entry, 'prescription', prescriptionId);
  const index = prescription?.dispenses.findIndex((item) => item.dispenseId === id) ?? -1;
  assert(prescription !== undefined && index >= 0, 'a registered dispense is in its prescription');
  if (prescription.dispenses[index]!.enteredInError !== null) return rejected('entered-in-error', 'command.targetId', 'already marked entered-in-error');
  const dispenses = prescription.dispenses.map((item, position) => (position === index ? { ...item, enteredInError: marker } : item));
  store.replaceListed(entry, 'prescription', prescriptionId, deepFreeze({ ...prescription, dispenses }));
  return applied;
}

function markLabResult(store: ChartStore, entry: PatientEntry, labOrderId: string, id: string, marker: EnteredInError): HandlerOutcome {
  const order = store.listed(entry, 'labOrder', labOrderId);
  const index = order?.results.findIndex((item) => item.labResultId === id) ?? -1;
  assert(order !== undefined && index >= 0, 'a registered lab result is in its order');
  if (order.results[index]!.enteredInError !== null) return rejected('entered-in-error', 'command.targetId', 'already marked entered-in-error');
  const results = order.results.map((item, position) => (position === index ? { ...item, enteredInError: marker } : item));
  store.replaceListed(entry, 'labOrder', labOrderId, deepFreeze({ ...order, results }));
  return applied;
}
