// What the chart holds and what queries return: immutable records (frozen; a change replaces the record),
// each stamped with the event that created it. These are the shapes the UI renders.
import type {
  Address, AllergyField, AllergySeverity, AllergyStatus, Author, Birth, DiagnosisCertainty,
  DoseUnit, FieldValue, FieldVersion, Frequency, Identifier, IsoDate, LabInterpretation, LabResultValue, NextOfKin,
  NoteKind, PatientField, PersonName, Quantity, Route, Sex, Station,
} from './commands.js';
import type { VitalSignMeasurements } from './vital-signs.js';

/** Who recorded an event, when (the proposer's clock), and the event's clinic-wide unique id. */
export interface EventStamp {
  /** `${clinicId}/${logIndex}`: unique across every clinic and central. */
  readonly eventId: string;
  readonly recordedAt: number;
  readonly author: Author;
}

export interface EnteredInError extends EventStamp {
  readonly reason: string;
}

/** Clinical records carry this: null, or the event that marked them entered-in-error. */
interface Markable {
  readonly enteredInError: EnteredInError | null;
}

export interface PatientRecord extends EventStamp {
  readonly patientId: string;
  readonly name: PersonName;
  readonly sex: Sex;
  readonly birth: Birth;
  readonly identifiers: readonly Identifier[];
  readonly phone: string | null;
  readonly address: Address | null;
  readonly nextOfKin: NextOfKin | null;
  /** Each field's version: pass it as `baseVersion` when editing that field. */
  readonly versions: Readonly<Record<PatientField, FieldVersion>>;
}

export interface StationMove extends EventStamp {
  readonly from: Station;
  readonly to: Station;
}

export interface VisitRecord extends EventStamp, Markable {
  readonly visitId: string;
  readonly patientId: string;
  readonly reason: string | null;
  readonly station: Station;
  /** When the visit reached its current station (proposer's clock) and the log index of that move. */
  readonly stationSince: number;
  readonly stationSinceLogIndex: number;
  readonly moves: readonly StationMove[];
  /** Set only for a visit at another clinic (see OpenVisit.clinicId); such a visit is in no station queue. */
  readonly atClinicId?: string;
  /**
   * The clinic's time (the leader's clock) when the visit was opened: the day's queues file it by this, not by
   * the opening tablet's clock (recordedAt, kept as written). Absent on visits opened before leader times.
   */
  readonly openedAtClinicTime?: number;
}

export interface VitalSignsRecord extends EventStamp, Markable {
  readonly vitalsId: string;
  readonly patientId: string;
  readonly visitId: string | null;
  readonly measurements: VitalSignMeasurements;
}

export interface NoteRecord extends EventStamp, Markable {
  readonly noteId: string;
  readonly patientId: string;
  readonly visitId: string | null;
  readonly kind: NoteKind;
  readonly text: string;
}

export interface DiagnosisRecord extends EventStamp, Markable {
  readonly diagnosisId: string;
  readonly patientId: string;
  readonly visitId: string | null;
  readonly code: string;
  readonly text: string;
  readonly certainty: DiagnosisCertainty;
}

export interface AllergyRecord extends EventStamp, Markable {
  readonly allergyId: string;
  readonly patientId: string;
  readonly substance: string;
  readonly reaction: string | null;
  readonly severity: AllergySeverity;
  readonly status: AllergyStatus;
  readonly versions: Readonly<Record<AllergyField, FieldVersion>>;
}

export interface DispenseRecord extends EventStamp, Markable {
  readonly dispenseId: string;
  readonly prescriptionId: string;
  readonly quantity: Quantity;
  readonly note: string | null;
}

export interface PrescriptionRecord extends EventStamp, Markable {
  readonly prescriptionId: string;
  readonly patientId: string;
  readonly visitId: string | null;
  readonly drug: string;
  readonly dose: Quantity<DoseUnit>;
  readonly route: Route;
  readonly frequency: Frequency;
  readonly durationDays: number;
  readonly instructions: string | null;
  readonly dispenses: readonly DispenseRecord[];
}

export interface LabResultRecord extends EventStamp, Markable {
  readonly labResultId: string;
  readonly labOrderId: string;
  readonly result: LabResultValue;
  readonly interpretation: LabInterpretation | null;
}

export interface LabOrderRecord extends EventStamp, Markable {
  readonly labOrderId: string;
  readonly patientId: string;
  readonly visitId: string | null;
  readonly test: string;
  readonly specimen: string | null;
  readonly results: readonly LabResultRecord[];
}

export interface AppointmentRecord extends EventStamp, Markable {
  readonly appointmentId: string;
  readonly patientId: string;
  readonly date: IsoDate;
  readonly time: string | null;
  readonly reason: string | null;
  /** The cancellation event, or null while booked. */
  readonly cancelled: (EventStamp & { readonly reason: string | null }) | null;
}

/** A device central revoked, as the clinic log recorded it. */
export interface DeviceRevocation {
  readonly deviceId: string;
  readonly reason: string;
  /** Central's time of the revocation (the feed item's). */
  readonly revokedAt: number;
  readonly revokedEventId: string;
}

export interface LeaseRecord {
  readonly holderClinicId: string;
  readonly epoch: number;
  /** Central's clock (ms). The caller decides whether it has passed. */
  readonly expiresAt: number;
  readonly grantedEventId: string;
  /** The last grant, renewal or release. */
  readonly updatedEventId: string;
  readonly released: boolean;
}

export type ConflictSubject =
  | { readonly kind: 'patient'; readonly patientId: string; readonly field: PatientField }
  | { readonly kind: 'allergy'; readonly allergyId: string; readonly field: AllergyField };

export interface ConflictProposer {
  readonly clientId: string;
  readonly sequence: number;
  readonly author: Author;
  readonly recordedAt: number;
}

export type ConflictStatus = 'open' | 'resolved' | 'superseded';

export interface ConflictResolution extends EventStamp {
  readonly value: FieldValue;
  /** Set when the resolution itself was stale: the conflict it opened instead. */
  readonly supersededBy: string | null;
}

/**
 * A stale edit, kept for a person to decide: the field was at `currentVersion` (value `currentValue`) when an
 * edit based on `baseVersion` proposed `proposedValue`. The field was not changed.
 */
export interface ConflictRecord {
  /** The event id of the stale edit that opened it. */
  readonly conflictId: string;
  readonly patientId: string;
  readonly subject: ConflictSubject;
  readonly currentValue: FieldValue;
  readonly currentVersion: FieldVersion;
  readonly proposedValue: FieldValue;
  readonly baseVersion: FieldVersion;
  readonly proposer: ConflictProposer;
  readonly status: ConflictStatus;
  readonly resolution: ConflictResolution | null;
}

/** One patient's whole chart, each list in the order its items were recorded (log order). */
export interface PatientChart {
  readonly patient: PatientRecord;
  readonly visits: readonly VisitRecord[];
  readonly vitals: readonly VitalSignsRecord[];
  readonly notes: readonly NoteRecord[];
  readonly diagnoses: readonly DiagnosisRecord[];
  readonly allergies: readonly AllergyRecord[];
  readonly prescriptions: readonly PrescriptionRecord[];
  readonly labOrders: readonly LabOrderRecord[];
  readonly appointments: readonly AppointmentRecord[];
  /** Open and closed conflicts about this patient or their allergies. */
  readonly conflicts: readonly ConflictRecord[];
  readonly lease: LeaseRecord | null;
}

export type SearchMatch = 'identifier' | 'phone' | 'name' | 'name-fuzzy';

export interface SearchHit {
  readonly patientId: string;
  readonly name: PersonName;
  readonly sex: Sex;
  readonly birth: Birth;
  readonly village: string | null;
  readonly phone: string | null;
  readonly matchedBy: SearchMatch;
}

/** The caller's idea of "today": [startMs, endMs) in the clinic's local day. */
export interface DayRange {
  readonly startMs: number;
  readonly endMs: number;
}

export interface QueueEntry {
  readonly visitId: string;
  readonly patientId: string;
  readonly name: PersonName;
  readonly station: Station;
  readonly openedAt: number;
  /** When the visit reached this station (proposer's clock). */
  readonly waitingSince: number;
}

export interface ChartCounts {
  readonly patients: number;
  /** Accepted entries (applied or conflict): what the state hash chains over. */
  readonly acceptedEntries: number;
  readonly openConflicts: number;
}
