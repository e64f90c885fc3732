// What the chart routes answer: central's copy of a clinic's charts, built field by field from the chart state
// machine's records (chart-mapping.ts). Nested values the state machine validated on apply (a name, a birth,
// measurements, a field's value) are passed on as they are; times are the proposer's clock in ms since 1970.
import { ApiProperty } from '@nestjs/swagger';

export class ChartAuthorResponse {
  @ApiProperty() deviceId!: string;
  @ApiProperty() userName!: string;
  @ApiProperty({ nullable: true, type: String }) role!: string | null;
}

/** Who recorded something and when, and the event's id (`<clinicId>/<logIndex>`). */
export class EventStampResponse {
  @ApiProperty({ example: '1f0c.../1234' }) eventId!: string;
  @ApiProperty({ description: 'ms since 1970, proposer clock' }) recordedAt!: number;
  @ApiProperty({ type: ChartAuthorResponse }) author!: ChartAuthorResponse;
}

export class EnteredInErrorResponse extends EventStampResponse {
  @ApiProperty() reason!: string;
}

export class PatientResponse extends EventStampResponse {
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ type: Object, description: '{ given, family }' }) name!: unknown;
  @ApiProperty({ enum: ['female', 'male', 'other', 'unknown'] }) sex!: string;
  @ApiProperty({ type: Object, description: '{ estimated: false, dateOfBirth } or { estimated: true, birthYear }' }) birth!: unknown;
  @ApiProperty({ type: Object, isArray: true, description: '{ system, value }' }) identifiers!: unknown[];
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: Object, description: '{ village, details }' }) address!: unknown;
  @ApiProperty({ nullable: true, type: Object, description: '{ name, relationship, phone }' }) nextOfKin!: unknown;
  @ApiProperty({ type: Object, description: "each field's version: the baseVersion of an edit" }) versions!: Record<string, string>;
}

export class StationMoveResponse extends EventStampResponse {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
}

export class VisitResponse extends EventStampResponse {
  @ApiProperty({ format: 'uuid' }) visitId!: string;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty() station!: string;
  @ApiProperty() stationSince!: number;
  @ApiProperty({ nullable: true, type: String, description: "The clinic the visit was at, when another clinic's (imported through the feed): in no station queue here" })
  atClinicId!: string | null;
  @ApiProperty({ type: [StationMoveResponse] }) moves!: StationMoveResponse[];
  @ApiProperty({ nullable: true, type: EnteredInErrorResponse }) enteredInError!: EnteredInErrorResponse | null;
}

export class VitalSignsResponse extends EventStampResponse {
  @ApiProperty({ format: 'uuid' }) vitalsId!: string;
  @ApiProperty({ nullable: true, type: String }) visitId!: string | null;
  @ApiProperty({ type: Object, description: 'e.g. { systolicMmHg: 120, pulseBpm: 72 }' }) measurements!: Record<string, number>;
  @ApiProperty({ nullable: true, type: EnteredInErrorResponse }) enteredInError!: EnteredInErrorResponse | null;
}

export class NoteResponse extends EventStampResponse {
  @ApiProperty({ format: 'uuid' }) noteId!: string;
  @ApiProperty({ nullable: true, type: String }) visitId!: string | null;
  @ApiProperty() kind!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ nullable: true, type: EnteredInErrorResponse }) enteredInError!: EnteredInErrorResponse | null;
}

export class DiagnosisResponse extends EventStampResponse {
  @ApiProperty({ format: 'uuid' }) diagnosisId!: string;
  @ApiProperty({ nullable: true, type: String }) visitId!: string | null;
  @ApiProperty({ description: 'ICD-10' }) code!: string;
  @ApiProperty() text!: string;
  @ApiProperty() certainty!: string;
  @ApiProperty({ nullable: true, type: EnteredInErrorResponse }) enteredInError!: EnteredInErrorResponse | null;
}

export class AllergyResponse extends EventStampResponse {
  @ApiProperty({ format: 'uuid' }) allergyId!: string;
  @ApiProperty() substance!: string;
  @ApiProperty({ nullable: true, type: String }) reaction!: string | null;
  @ApiProperty() severity!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: Object }) versions!: Record<string, string>;
  @ApiProperty({ nullable: true, type: EnteredInErrorResponse }) enteredInError!: EnteredInErrorResponse | null;
}

export class DispenseResponse extends EventStampResponse {
  @ApiProperty({ format: 'uuid' }) dispenseId!: string;
  @ApiProperty({ type: Object, description: '{ amount, unit }' }) quantity!: unknown;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ nullable: true, type: EnteredInErrorResponse }) enteredInError!: EnteredInErrorResponse | null;
}

export class PrescriptionResponse extends EventStampResponse {
  @ApiProperty({ format: 'uuid' }) prescriptionId!: string;
  @ApiProperty({ nullable: true, type: String }) visitId!: string | null;
  @ApiProperty() drug!: string;
  @ApiProperty({ type: Object, description: '{ amount, unit }' }) dose!: unknown;
  @ApiProperty() route!: string;
  @ApiProperty() frequency!: string;
  @ApiProperty() durationDays!: number;
  @ApiProperty({ nullable: true, type: String }) instructions!: string | null;
  @ApiProperty({ type: [DispenseResponse] }) dispenses!: DispenseResponse[];
  @ApiProperty({ nullable: true, type: EnteredInErrorResponse }) enteredInError!: EnteredInErrorResponse | null;
}

export class LabResultResponse extends EventStampResponse {
  @ApiProperty({ format: 'uuid' }) labResultId!: string;
  @ApiProperty({ type: Object, description: '{ kind: numeric, value, unit } or { kind: text, text }' }) result!: unknown;
  @ApiProperty({ nullable: true, type: String }) interpretation!: string | null;
  @ApiProperty({ nullable: true, type: EnteredInErrorResponse }) enteredInError!: EnteredInErrorResponse | null;
}

export class LabOrderResponse extends EventStampResponse {
  @ApiProperty({ format: 'uuid' }) labOrderId!: string;
  @ApiProperty({ nullable: true, type: String }) visitId!: string | null;
  @ApiProperty() test!: string;
  @ApiProperty({ nullable: true, type: String }) specimen!: string | null;
  @ApiProperty({ type: [LabResultResponse] }) results!: LabResultResponse[];
  @ApiProperty({ nullable: true, type: EnteredInErrorResponse }) enteredInError!: EnteredInErrorResponse | null;
}

export class CancellationResponse extends EventStampResponse {
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
}

export class AppointmentResponse extends EventStampResponse {
  @ApiProperty({ format: 'uuid' }) appointmentId!: string;
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty({ nullable: true, type: String, description: 'HH:MM' }) time!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: CancellationResponse }) cancelled!: CancellationResponse | null;
  @ApiProperty({ nullable: true, type: EnteredInErrorResponse }) enteredInError!: EnteredInErrorResponse | null;
}

export class ConflictProposerResponse {
  @ApiProperty() clientId!: string;
  @ApiProperty() sequence!: number;
  @ApiProperty({ type: ChartAuthorResponse }) author!: ChartAuthorResponse;
  @ApiProperty() recordedAt!: number;
}

export class ConflictResolutionResponse extends EventStampResponse {
  @ApiProperty({ type: Object }) value!: unknown;
  @ApiProperty({ nullable: true, type: String }) supersededBy!: string | null;
}

export class ConflictResponse {
  @ApiProperty() conflictId!: string;
  @ApiProperty({ type: Object, description: '{ kind: patient, patientId, field } or { kind: allergy, allergyId, field }' }) subject!: unknown;
  @ApiProperty({ type: Object }) currentValue!: unknown;
  @ApiProperty() currentVersion!: string;
  @ApiProperty({ type: Object }) proposedValue!: unknown;
  @ApiProperty() baseVersion!: string;
  @ApiProperty({ type: ConflictProposerResponse }) proposer!: ConflictProposerResponse;
  @ApiProperty({ enum: ['open', 'resolved', 'superseded'] }) status!: string;
  @ApiProperty({ nullable: true, type: ConflictResolutionResponse }) resolution!: ConflictResolutionResponse | null;
}

export class ChartLeaseStateResponse {
  @ApiProperty() holderClinicId!: string;
  @ApiProperty() epoch!: number;
  @ApiProperty({ description: "ms since 1970, central's clock" }) expiresAt!: number;
  @ApiProperty() released!: boolean;
}

export class PatientChartResponse {
  @ApiProperty({ description: "the clinic's log index this copy is as of" }) appliedIndex!: number;
  @ApiProperty({ type: PatientResponse }) patient!: PatientResponse;
  @ApiProperty({ type: [VisitResponse] }) visits!: VisitResponse[];
  @ApiProperty({ type: [VitalSignsResponse] }) vitals!: VitalSignsResponse[];
  @ApiProperty({ type: [NoteResponse] }) notes!: NoteResponse[];
  @ApiProperty({ type: [DiagnosisResponse] }) diagnoses!: DiagnosisResponse[];
  @ApiProperty({ type: [AllergyResponse] }) allergies!: AllergyResponse[];
  @ApiProperty({ type: [PrescriptionResponse] }) prescriptions!: PrescriptionResponse[];
  @ApiProperty({ type: [LabOrderResponse] }) labOrders!: LabOrderResponse[];
  @ApiProperty({ type: [AppointmentResponse] }) appointments!: AppointmentResponse[];
  @ApiProperty({ type: [ConflictResponse] }) conflicts!: ConflictResponse[];
  @ApiProperty({ nullable: true, type: ChartLeaseStateResponse }) lease!: ChartLeaseStateResponse | null;
}

export class PatientHitResponse {
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ type: Object, description: '{ given, family }' }) name!: unknown;
  @ApiProperty() sex!: string;
  @ApiProperty({ type: Object }) birth!: unknown;
  @ApiProperty({ nullable: true, type: String }) village!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ enum: ['identifier', 'phone', 'name', 'name-fuzzy'] }) matchedBy!: string;
}

export class PatientSearchResponse {
  @ApiProperty({ description: "the clinic's log index this copy is as of" }) appliedIndex!: number;
  @ApiProperty({ type: [PatientHitResponse], description: 'best matches first' }) patients!: PatientHitResponse[];
}

