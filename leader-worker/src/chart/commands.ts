// The chart's commands: plain data, a tagged union on `type`, each wrapped in an envelope that says who
// proposed it and when. This file is the protocol between the UI, the outbox, the log and every device's
// state machine; the shapes here are what validation accepts, field for field (unknown fields are rejected,
// so a newer client's data is never silently dropped by an older device).
//
// Ids of new things are UUIDs made by the proposer, so a device cut off from the clinic can register a
// patient and record their vitals before anything commits. Optional fields may be omitted or null on the
// wire; after validation they are always present (null when absent).
import type { VitalSignMeasurements } from './vital-signs.js';

export const stations = ['registration', 'triage', 'clinician', 'lab', 'pharmacy', 'done'] as const;
export type Station = (typeof stations)[number];

export const sexes = ['female', 'male', 'other', 'unknown'] as const;
export type Sex = (typeof sexes)[number];

export const noteKinds = ['clinical', 'nursing', 'nutrition', 'counselling', 'pharmacy', 'other'] as const;
export type NoteKind = (typeof noteKinds)[number];

export const diagnosisCertainties = ['provisional', 'confirmed'] as const;
export type DiagnosisCertainty = (typeof diagnosisCertainties)[number];

export const allergySeverities = ['mild', 'moderate', 'severe', 'unknown'] as const;
export type AllergySeverity = (typeof allergySeverities)[number];

export const allergyStatuses = ['active', 'inactive', 'resolved'] as const;
export type AllergyStatus = (typeof allergyStatuses)[number];

export const routes = [
  'oral', 'sublingual', 'intravenous', 'intramuscular', 'subcutaneous', 'topical', 'transdermal', 'inhaled',
  'nasal', 'ophthalmic', 'otic', 'rectal', 'vaginal',
] as const;
export type Route = (typeof routes)[number];

export const frequencies = [
  'once', 'daily', 'twice-daily', 'three-times-daily', 'four-times-daily', 'every-4-hours', 'every-6-hours',
  'every-8-hours', 'every-12-hours', 'at-night', 'weekly', 'as-needed',
] as const;
export type Frequency = (typeof frequencies)[number];

export const doseUnits = [
  'mg', 'g', 'mcg', 'mL', 'IU', 'unit', 'tablet', 'capsule', 'drop', 'puff', 'sachet', 'application',
] as const;
export type DoseUnit = (typeof doseUnits)[number];

export const labInterpretations = ['normal', 'abnormal', 'critical'] as const;
export type LabInterpretation = (typeof labInterpretations)[number];

/** A date on the calendar, 'YYYY-MM-DD'. Dates carry no time zone: a birthday is the same day everywhere. */
export type IsoDate = string;

export interface PersonName {
  readonly given: string;
  readonly family: string;
}

/** Exact date of birth, or a birth year estimated from the age the patient or family gives. */
export type Birth =
  | { readonly estimated: false; readonly dateOfBirth: IsoDate }
  | { readonly estimated: true; readonly birthYear: number };

/** An identifier in some system: 'national-id', 'clinic-number', 'art-number', ... */
export interface Identifier {
  readonly system: string;
  readonly value: string;
}

export interface Address {
  readonly village: string;
  readonly details: string | null;
}

export interface NextOfKin {
  readonly name: string;
  readonly relationship: string;
  readonly phone: string | null;
}

/** The versioned fields of a patient: each is edited on its own, with the version the edit was based on. */
export interface PatientFieldValues {
  readonly name: PersonName;
  readonly sex: Sex;
  readonly birth: Birth;
  readonly identifiers: readonly Identifier[];
  readonly phone: string | null;
  readonly address: Address | null;
  readonly nextOfKin: NextOfKin | null;
}
export type PatientField = keyof PatientFieldValues;
export const patientFields = ['name', 'sex', 'birth', 'identifiers', 'phone', 'address', 'nextOfKin'] as const satisfies readonly PatientField[];

/** The versioned fields of an allergy. */
export interface AllergyFieldValues {
  readonly substance: string;
  readonly reaction: string | null;
  readonly severity: AllergySeverity;
  readonly status: AllergyStatus;
}
export type AllergyField = keyof AllergyFieldValues;
export const allergyFields = ['substance', 'reaction', 'severity', 'status'] as const satisfies readonly AllergyField[];

/** Any value a versioned field can hold (what a conflict shows side by side). */
export type FieldValue = PatientFieldValues[PatientField] | AllergyFieldValues[AllergyField];

/**
 * The version of a field: the write stamp `${clientId}:${sequence}` of the accepted command that last set it.
 * The proposer knows a write's stamp before it commits (unlike its log index), so a device working offline
 * can register a patient and then correct the name, basing the correction on its own pending registration.
 * A per-field counter would not do: an offline device's second edit (base 2, its own first edit) would match
 * another device's committed version 2 and silently overwrite it.
 */
export type FieldVersion = string;

export type PatientFieldEdit = { [F in PatientField]: { readonly field: F; readonly value: PatientFieldValues[F] } }[PatientField];
export type AllergyFieldEdit = { [F in AllergyField]: { readonly field: F; readonly value: AllergyFieldValues[F] } }[AllergyField];

export type LabResultValue =
  | { readonly kind: 'numeric'; readonly value: number; readonly unit: string }
  | { readonly kind: 'text'; readonly text: string };

export interface Quantity<Unit extends string = string> {
  readonly amount: number;
  readonly unit: Unit;
}

export interface RegisterPatient {
  readonly type: 'registerPatient';
  readonly patientId: string;
  readonly name: PersonName;
  readonly sex: Sex;
  readonly birth: Birth;
  readonly identifiers: readonly Identifier[];
  readonly phone: string | null;
  readonly address: Address | null;
  readonly nextOfKin: NextOfKin | null;
}

export type UpdatePatient = {
  readonly type: 'updatePatient';
  readonly patientId: string;
  readonly baseVersion: FieldVersion;
} & PatientFieldEdit;

export interface OpenVisit {
  readonly type: 'openVisit';
  readonly visitId: string;
  readonly patientId: string;
  readonly reason: string | null;
  /** Where the visit starts; 'registration' when omitted. Never 'done'. */
  readonly station: Station;
  /**
   * The clinic the visit happens at, when it is another clinic's (imported from central's feed): it is part of
   * the patient's history here and never in this clinic's station queues. Omitted for the clinic's own visits.
   */
  readonly clinicId?: string;
}

/** Moves a visit from the station the proposer saw it at; a visit already moved elsewhere is not moved. */
export interface MoveVisit {
  readonly type: 'moveVisit';
  readonly visitId: string;
  readonly fromStation: Station;
  readonly toStation: Station;
}

export interface RecordVitals {
  readonly type: 'recordVitals';
  readonly vitalsId: string;
  readonly patientId: string;
  readonly visitId: string | null;
  readonly measurements: VitalSignMeasurements;
}

export interface AddNote {
  readonly type: 'addNote';
  readonly noteId: string;
  readonly patientId: string;
  readonly visitId: string | null;
  readonly kind: NoteKind;
  readonly text: string;
}

export interface AddDiagnosis {
  readonly type: 'addDiagnosis';
  readonly diagnosisId: string;
  readonly patientId: string;
  readonly visitId: string | null;
  /** ICD-10, e.g. 'B54' or 'E11.9' (upper case, dot before the subcategory). */
  readonly code: string;
  readonly text: string;
  readonly certainty: DiagnosisCertainty;
}

export interface RecordAllergy {
  readonly type: 'recordAllergy';
  readonly allergyId: string;
  readonly patientId: string;
  readonly substance: string;
  readonly reaction: string | null;
  readonly severity: AllergySeverity;
}

export type UpdateAllergy = {
  readonly type: 'updateAllergy';
  readonly allergyId: string;
  readonly baseVersion: FieldVersion;
} & AllergyFieldEdit;

export interface Prescribe {
  readonly type: 'prescribe';
  readonly prescriptionId: string;
  readonly patientId: string;
  readonly visitId: string | null;
  readonly drug: string;
  readonly dose: Quantity<DoseUnit>;
  readonly route: Route;
  readonly frequency: Frequency;
  readonly durationDays: number;
  readonly instructions: string | null;
}

export interface Dispense {
  readonly type: 'dispense';
  readonly dispenseId: string;
  readonly prescriptionId: string;
  readonly quantity: Quantity;
  readonly note: string | null;
}

export interface OrderLab {
  readonly type: 'orderLab';
  readonly labOrderId: string;
  readonly patientId: string;
  readonly visitId: string | null;
  readonly test: string;
  readonly specimen: string | null;
}

export interface RecordLabResult {
  readonly type: 'recordLabResult';
  readonly labResultId: string;
  readonly labOrderId: string;
  readonly result: LabResultValue;
  readonly interpretation: LabInterpretation | null;
}

export interface BookAppointment {
  readonly type: 'bookAppointment';
  readonly appointmentId: string;
  readonly patientId: string;
  readonly date: IsoDate;
  /** Local clock time 'HH:MM', or null for "any time that day". */
  readonly time: string | null;
  readonly reason: string | null;
}

export interface CancelAppointment {
  readonly type: 'cancelAppointment';
  readonly appointmentId: string;
  readonly reason: string | null;
}

/** Central granted `holderClinicId` the chart lease with fencing `epoch` (grows with every grant). */
export interface GrantLease {
  readonly type: 'grantLease';
  readonly patientId: string;
  readonly holderClinicId: string;
  readonly epoch: number;
  /** Central's clock, ms since the epoch. Whether a lease is still valid is asked at query time. */
  readonly expiresAt: number;
}

export interface RenewLease {
  readonly type: 'renewLease';
  readonly patientId: string;
  readonly epoch: number;
  readonly expiresAt: number;
}

export interface ReleaseLease {
  readonly type: 'releaseLease';
  readonly patientId: string;
  readonly epoch: number;
}

/**
 * Central holds every entry of this clinic's log up to `acknowledgedIndex`: written by the leader's uplink, so
 * every device knows how far its log may be compacted, and a new leader where the last one stopped uploading.
 */
export interface RecordCentralAcknowledgement {
  readonly type: 'recordCentralAcknowledgement';
  readonly acknowledgedIndex: number;
}

/**
 * Central revoked a device of this clinic (a stolen or lost tablet): from this entry on, no device of the clinic
 * links with it. Only central's feed writes it; a device cannot revoke another on its own word.
 */
export interface RevokeDevice {
  readonly type: 'revokeDevice';
  readonly deviceId: string;
  readonly reason: string;
}

/** Clinical events are never deleted: a mistaken one is marked, and stays in the chart marked. */
export interface MarkEnteredInError {
  readonly type: 'markEnteredInError';
  /** The proposer-made id of a visit, vitals, note, diagnosis, allergy, prescription, dispense, lab order,
   * lab result or appointment. */
  readonly targetId: string;
  readonly reason: string;
}

/** Closes an open conflict by setting the field to the chosen value (current, proposed, or merged). */
export interface ResolveConflict {
  readonly type: 'resolveConflict';
  readonly conflictId: string;
  /** Validated against the conflict's field when applied. */
  readonly value: FieldValue;
  /** The field's version the resolver saw; a stale one opens a new conflict instead. */
  readonly baseVersion: FieldVersion;
}

export type ChartCommand =
  | RegisterPatient | UpdatePatient | OpenVisit | MoveVisit | RecordVitals | AddNote | AddDiagnosis
  | RecordAllergy | UpdateAllergy | Prescribe | Dispense | OrderLab | RecordLabResult | BookAppointment
  | CancelAppointment | GrantLease | RenewLease | ReleaseLease | MarkEnteredInError | ResolveConflict
  | RecordCentralAcknowledgement | RevokeDevice;

export type ChartCommandType = ChartCommand['type'];

export interface Author {
  readonly deviceId: string;
  readonly userName: string;
  readonly role: string | null;
}

/** What the UI proposes and the log carries. */
export interface CommandEnvelope<Command extends ChartCommand = ChartCommand> {
  /** The proposer's stable id; with `sequence` it names this proposal (a retry reuses both). */
  readonly clientId: string;
  /** Positive, increasing per client. */
  readonly sequence: number;
  /** The proposer's clock (ms since the epoch). The state machine records it and never reads a clock. */
  readonly recordedAt: number;
  readonly author: Author;
  readonly command: Command;
}
