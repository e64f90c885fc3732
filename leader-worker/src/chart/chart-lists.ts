// The lists a chart is made of, by entity kind; one Map per kind per patient, in recording order (a replaced
// record keeps its place, since Map.set on an existing key keeps insertion order).
import type {
  AllergyRecord, AppointmentRecord, DiagnosisRecord, LabOrderRecord, NoteRecord, PrescriptionRecord, VisitRecord,
  VitalSignsRecord,
} from './records.js';

export interface ListedRecords {
  visit: VisitRecord;
  vitals: VitalSignsRecord;
  note: NoteRecord;
  diagnosis: DiagnosisRecord;
  allergy: AllergyRecord;
  prescription: PrescriptionRecord;
  labOrder: LabOrderRecord;
  appointment: AppointmentRecord;
}

export type ListedKind = keyof ListedRecords;

export type ChartLists = { [K in ListedKind]?: Map<string, ListedRecords[K]> };

export const listedKinds = ['visit', 'vitals', 'note', 'diagnosis', 'allergy', 'prescription', 'labOrder', 'appointment'] as const satisfies readonly ListedKind[];
