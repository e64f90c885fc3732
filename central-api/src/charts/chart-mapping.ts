// The chart state machine's records to responses, field by field: a field added to a record inside the state
// machine does not reach the API until it is mapped here.
import type { AllergyRecord, AppointmentRecord, Author, ConflictRecord, DiagnosisRecord, DispenseRecord, EnteredInError, EventStamp, LabOrderRecord, LabResultRecord, LeaseRecord, NoteRecord, PatientChart, PatientRecord, PrescriptionRecord, SearchHit, StationMove, VisitRecord, VitalSignsRecord } from '../../../leader-worker/src/chart/index.js';
import type {
  AllergyResponse, AppointmentResponse, ChartAuthorResponse, ChartLeaseStateResponse, ConflictResponse, DiagnosisResponse,
  DispenseResponse, EnteredInErrorResponse, EventStampResponse, LabOrderResponse, LabResultResponse, NoteResponse, PatientChartResponse,
  PatientHitResponse, PatientResponse, PatientSearchResponse, PrescriptionResponse, StationMoveResponse, VisitResponse,
  VitalSignsResponse,
} from './dto/chart.responses.js';

export function toPatientSearchResponse(hits: readonly SearchHit[], appliedIndex: number): PatientSearchResponse {
  return { appliedIndex, patients: hits.map(toPatientHit) };
}

export function toPatientChartResponse(chart: PatientChart, appliedIndex: number): PatientChartResponse {
  return {
    appliedIndex,
    patient: toPatient(chart.patient),
    visits: chart.visits.map(toVisit),
    vitals: chart.vitals.map(toVitals),
    notes: chart.notes.map(toNote),
    diagnoses: chart.diagnoses.map(toDiagnosis),
    allergies: chart.allergies.map(toAllergy),
    prescriptions: chart.prescriptions.map(toPrescription),
    labOrders: chart.labOrders.map(toLabOrder),
    appointments: chart.appointments.map(toAppointment),
    conflicts: chart.conflicts.map(toConflict),
    lease: chart.lease === null ? null : toLease(chart.lease),
  };
}

function toPatientHit(hit: SearchHit): PatientHitResponse {
  return { patientId: hit.patientId, name: hit.name, sex: hit.sex, birth: hit.birth, village: hit.village, phone: hit.phone, matchedBy: hit.matchedBy };
}

function toAuthor(author: Author): ChartAuthorResponse {
  return { deviceId: author.deviceId, userName: author.userName, role: author.role };
}

function toStamp(stamp: EventStamp): EventStampResponse {
  return { eventId: stamp.eventId, recordedAt: stamp.recordedAt, author: toAuthor(stamp.author) };
}

function toEnteredInError(marked: EnteredInError | null): EnteredInErrorResponse | null {
  return marked === null ? null : { ...toStamp(marked), reason: marked.reason };
}

function toPatient(patient: PatientRecord): PatientResponse {
  return {
    ...toStamp(patient),
    patientId: patient.patientId,
    name: patient.name,
    sex: patient.sex,
    birth: patient.birth,
    identifiers: [...patient.identifiers],
    phone: patient.phone,
    address: patient.address,
    nextOfKin: patient.nextOfKin,
    versions: { ...patient.versions },
  };
}

function toMove(move: StationMove): StationMoveResponse {
  return { ...toStamp(move), from: move.from, to: move.to };
}

function toVisit(visit: VisitRecord): VisitResponse {
  return {
    ...toStamp(visit),
    visitId: visit.visitId,
    reason: visit.reason,
    station: visit.station,
    stationSince: visit.stationSince,
    atClinicId: visit.atClinicId ?? null,
    moves: visit.moves.map(toMove),
    enteredInError: toEnteredInError(visit.enteredInError),
  };
}

function toVitals(vitals: VitalSignsRecord): VitalSignsResponse {
  return {
    ...toStamp(vitals),
    vitalsId: vitals.vitalsId,
    visitId: vitals.visitId,
    measurements: { ...vitals.measurements },
    enteredInError: toEnteredInError(vitals.enteredInError),
  };
}

function toNote(note: NoteRecord): NoteResponse {
  return { ...toStamp(note), noteId: note.noteId, visitId: note.visitId, kind: note.kind, text: note.text, enteredInError: toEnteredInError(note.enteredInError) };
}

function toDiagnosis(diagnosis: DiagnosisRecord): DiagnosisResponse {
  return {
    ...toStamp(diagnosis),
    diagnosisId: diagnosis.diagnosisId,
    visitId: diagnosis.visitId,
    code: diagnosis.code,
    text: diagnosis.text,
    certainty: diagnosis.certainty,
    enteredInError: toEnteredInError(diagnosis.enteredInError),
  };
}

function toAllergy(allergy: AllergyRecord): AllergyResponse {
  return {
    ...toStamp(allergy),
    allergyId: allergy.allergyId,
    substance: allergy.substance,
    reaction: allergy.reaction,
    severity: allergy.severity,
    status: allergy.status,
    versions: { ...allergy.versions },
    enteredInError: toEnteredInError(allergy.enteredInError),
  };
}

function toDispense(dispense: DispenseRecord): DispenseResponse {
  return {
    ...toStamp(dispense),
    dispenseId: dispense.dispenseId,
    quantity: dispense.quantity,
    note: dispense.note,
    enteredInError: toEnteredInError(dispense.enteredInError),
  };
}

function toPrescription(prescription: PrescriptionRecord): PrescriptionResponse {
  return {
    ...toStamp(prescription),
    prescriptionId: prescription.prescriptionId,
    visitId: prescription.visitId,
    drug: prescription.drug,
    dose: prescription.dose,
    route: prescription.route,
    frequency: prescription.frequency,
    durationDays: prescription.durationDays,
    instructions: prescription.instructions,
    dispenses: prescription.dispenses.map(toDispense),
    enteredInError: toEnteredInError(prescription.enteredInError),
  };
}

function toLabResult(result: LabResultRecord): LabResultResponse {
  return {
    ...toStamp(result),
    labResultId: result.labResultId,
    result: result.result,
    interpretation: result.interpretation,
    enteredInError: toEnteredInError(result.enteredInError),
  };
}

function toLabOrder(order: LabOrderRecord): LabOrderResponse {
  return {
    ...toStamp(order),
    labOrderId: order.labOrderId,
    visitId: order.visitId,
    test: order.test,
    specimen: order.specimen,
    results: order.results.map(toLabResult),
    enteredInError: toEnteredInError(order.enteredInError),
  };
}

function toAppointment(appointment: AppointmentRecord): AppointmentResponse {
  const { cancelled } = appointment;
  return {
    ...toStamp(appointment),
    appointmentId: appointment.appointmentId,
    date: appointment.date,
    time: appointment.time,
    reason: appointment.reason,
    cancelled: cancelled === null ? null : { ...toStamp(cancelled), reason: cancelled.reason },
    enteredInError: toEnteredInError(appointment.enteredInError),
  };
}

function toConflict(conflict: ConflictRecord): ConflictResponse {
  const { proposer, resolution } = conflict;
  return {
    conflictId: conflict.conflictId,
    subject: conflict.subject,
    currentValue: conflict.currentValue,
    currentVersion: conflict.currentVersion,
    proposedValue: conflict.proposedValue,
    baseVersion: conflict.baseVersion,
    proposer: { clientId: proposer.clientId, sequence: proposer.sequence, author: toAuthor(proposer.author), recordedAt: proposer.recordedAt },
    status: conflict.status,
    resolution: resolution === null ? null : { ...toStamp(resolution), value: resolution.value, supersededBy: resolution.supersededBy },
  };
}

function toLease(lease: LeaseRecord): ChartLeaseStateResponse {
  return { holderClinicId: lease.holderClinicId, epoch: lease.epoch, expiresAt: lease.expiresAt, released: lease.released };
}
