// What the clinicians of a rural clinic write, as chart commands with plausible content: registrations with
// local names and villages, adult and child vital signs, ICD-10 diagnoses, common prescriptions and lab
// tests. Ids are UUIDs numbered per kind, so a run's records read the same in every replay.
import { yearOfMs, type AddDiagnosis, type AddNote, type Dispense, type MoveVisit, type OpenVisit, type OrderLab, type Prescribe, type RecordAllergy, type RecordLabResult, type RecordVitals, type RegisterPatient, type Station, type UpdatePatient } from '../../../leader-worker/src/chart/index.js';
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';

const givenNamesFemale = ['Amina', 'Grace', 'Achieng', 'Nakato', 'Esther', 'Fatuma', 'Mercy', 'Aisha', 'Joyce', 'Halima', 'Wanjiru', 'Zawadi'];
const givenNamesMale = ['Joseph', 'Okello', 'Moses', 'Baraka', 'Juma', 'Peter', 'Kato', 'Samuel', 'Ibrahim', 'Otieno', 'Daniel', 'Musa'];
const familyNames = ['Okello', 'Namutebi', 'Mwangi', 'Otieno', 'Achieng', 'Mugisha', 'Wekesa', 'Nansubuga', 'Kiprono', 'Hassan', 'Banda', 'Phiri'];
const villages = ['Kibuye', 'Nyamira', 'Bugiri', 'Kasese', 'Lwala', 'Ombeyi', 'Kakamega', 'Mbale', 'Rakai', 'Tororo'];
const complaints = ['fever for three days', 'cough for two weeks', 'diarrhoea since yesterday', 'headache and body pains',
  'antenatal visit', 'follow-up of blood pressure', 'skin rash', 'painful urination', 'abdominal pain', 'child not feeding well'];

interface DiagnosisChoice {
  readonly code: string;
  readonly text: string;
  readonly labTest: string | null;
}

const diagnoses: readonly DiagnosisChoice[] = [
  { code: 'B54', text: 'Unspecified malaria', labTest: 'Malaria RDT' },
  { code: 'J06.9', text: 'Acute upper respiratory infection, unspecified', labTest: null },
  { code: 'A09', text: 'Infectious gastroenteritis and colitis, unspecified', labTest: 'Stool microscopy' },
  { code: 'I10', text: 'Essential (primary) hypertension', labTest: null },
  { code: 'E11.9', text: 'Type 2 diabetes mellitus without complications', labTest: 'Random blood glucose' },
  { code: 'N39.0', text: 'Urinary tract infection, site not specified', labTest: 'Urinalysis' },
  { code: 'J18.9', text: 'Pneumonia, unspecified organism', labTest: 'Full blood count' },
  { code: 'L08.9', text: 'Local infection of the skin and subcutaneous tissue, unspecified', labTest: null },
  { code: 'K29.7', text: 'Gastritis, unspecified', labTest: 'H. pylori stool antigen' },
  { code: 'D50.9', text: 'Iron deficiency anaemia, unspecified', labTest: 'Haemoglobin' },
];

type PrescriptionChoice = Omit<Prescribe, 'type' | 'prescriptionId' | 'patientId' | 'visitId'> & { readonly dispensed: { readonly amount: number; readonly unit: string } };

const prescriptions: readonly PrescriptionChoice[] = [
  { drug: 'Artemether/lumefantrine 20/120 mg', dose: { amount: 4, unit: 'tablet' }, route: 'oral', frequency: 'twice-daily', durationDays: 3, instructions: 'with food or milk', dispensed: { amount: 24, unit: 'tablets' } },
  { drug: 'Amoxicillin 500 mg', dose: { amount: 500, unit: 'mg' }, route: 'oral', frequency: 'three-times-daily', durationDays: 5, instructions: null, dispensed: { amount: 15, unit: 'capsules' } },
  { drug: 'Paracetamol 500 mg', dose: { amount: 1, unit: 'g' }, route: 'oral', frequency: 'every-8-hours', durationDays: 3, instructions: 'as needed for fever', dispensed: { amount: 18, unit: 'tablets' } },
  { drug: 'Oral rehydration salts', dose: { amount: 1, unit: 'sachet' }, route: 'oral', frequency: 'as-needed', durationDays: 3, instructions: 'after each loose stool', dispensed: { amount: 6, unit: 'sachets' } },
  { drug: 'Zinc sulphate 20 mg', dose: { amount: 20, unit: 'mg' }, route: 'oral', frequency: 'daily', durationDays: 10, instructions: null, dispensed: { amount: 10, unit: 'tablets' } },
  { drug: 'Amlodipine 5 mg', dose: { amount: 5, unit: 'mg' }, route: 'oral', frequency: 'daily', durationDays: 30, instructions: null, dispensed: { amount: 30, unit: 'tablets' } },
  { drug: 'Metformin 500 mg', dose: { amount: 500, unit: 'mg' }, route: 'oral', frequency: 'twice-daily', durationDays: 30, instructions: 'with meals', dispensed: { amount: 60, unit: 'tablets' } },
  { drug: 'Ferrous sulphate 200 mg', dose: { amount: 200, unit: 'mg' }, route: 'oral', frequency: 'daily', durationDays: 30, instructions: null, dispensed: { amount: 30, unit: 'tablets' } },
  { drug: 'Omeprazole 20 mg', dose: { amount: 20, unit: 'mg' }, route: 'oral', frequency: 'daily', durationDays: 14, instructions: 'before breakfast', dispensed: { amount: 14, unit: 'capsules' } },
  { drug: 'Ceftriaxone 1 g', dose: { amount: 1, unit: 'g' }, route: 'intramuscular', frequency: 'daily', durationDays: 3, instructions: null, dispensed: { amount: 3, unit: 'vials' } },
];

const allergies = [
  { substance: 'Penicillin', reaction: 'rash' },
  { substance: 'Sulfonamides', reaction: 'itching' },
  { substance: 'Aspirin', reaction: 'wheezing' },
  { substance: 'Chloroquine', reaction: 'itching' },
];

/** Kinds of proposer-made ids, each numbered on its own. */
const idKinds = ['patient', 'visit', 'vitals', 'note', 'diagnosis', 'allergy', 'prescription', 'dispense', 'labOrder', 'labResult'] as const;
type IdKind = (typeof idKinds)[number];

export interface PatientProfile {
  readonly patientId: string;
  readonly child: boolean;
  readonly female: boolean;
  readonly diagnosis: DiagnosisChoice;
}

export class ChartCommands {
  private readonly counters = new Map<IdKind, number>();

  constructor(
    private readonly random: SeededRandom,
    private readonly dayStartEpochMs: number,
    /** The second group of every id: clinics with different spaces never make the same id (0: a lone clinic). */
    private readonly idSpace = 0,
  ) {}

  /** A patient walking in: who they are and what their visit will be about. */
  /** `patientId`: a patient registered elsewhere too (another clinic's); otherwise a new one. */
  newPatient(patientId: string | null = null): PatientProfile {
    return { patientId: patientId ?? this.id('patient'), child: this.random.chance(0.3), female: this.random.chance(0.55), diagnosis: this.pick(diagnoses) };
  }

  /** The registration desk's record of the patient. */
  registerPatient(profile: PatientProfile): RegisterPatient {
    const { patientId, child, female } = profile;
    const family = this.pick(familyNames);
    const year = yearOfMs(this.dayStartEpochMs) - (child ? 1 + this.random.nextInt(12) : 18 + this.random.nextInt(60));
    return {
      type: 'registerPatient',
      patientId,
      name: { given: this.pick(female ? givenNamesFemale : givenNamesMale), family },
      sex: female ? 'female' : 'male',
      birth: this.random.chance(0.3)
        ? { estimated: true, birthYear: year }
        : { estimated: false, dateOfBirth: `${year}-${pad(1 + this.random.nextInt(12))}-${pad(1 + this.random.nextInt(28))}` },
      identifiers: [{ system: 'clinic-number', value: `KB-${String(10_000 + this.counter('patient')).padStart(6, '0')}` }],
      phone: this.random.chance(0.7) ? this.phone() : null,
      address: { village: this.pick(villages), details: null },
      nextOfKin: child ? { name: `${this.pick(givenNamesFemale)} ${family}`, relationship: 'mother', phone: this.phone() } : null,
    };
  }

  openVisit(patientId: string): OpenVisit {
    return { type: 'openVisit', visitId: this.id('visit'), patientId, reason: this.pick(complaints), station: 'registration' };
  }

  moveVisit(visitId: string, fromStation: Station, toStation: Station): MoveVisit {
    return { type: 'moveVisit', visitId, fromStation, toStation };
  }

  recordVitals(profile: PatientProfile, visitId: string): RecordVitals {
    const measurements = profile.child
      ? {
        temperatureCelsius: this.decimal(36.2, 39.8), pulseBpm: this.integer(80, 140), respiratoryRatePerMinute: this.integer(20, 40),
        weightKg: this.decimal(8, 35), muacMm: this.integer(115, 170),
      }
      : this.adultVitals();
    return { type: 'recordVitals', vitalsId: this.id('vitals'), patientId: profile.patientId, visitId, measurements };
  }

  private adultVitals(): RecordVitals['measurements'] {
    const systolicMmHg = this.integer(100, 170);
    // Diastolic below systolic, as the chart requires: a pulse pressure of 25 to 60 mmHg.
    const diastolicMmHg = systolicMmHg - this.integer(25, 60);
    return {
      systolicMmHg, diastolicMmHg, pulseBpm: this.integer(55, 110), temperatureCelsius: this.decimal(36, 39.5), spo2Percent: this.integer(92, 100),
      weightKg: this.decimal(45, 95),
    };
  }

  recordAllergy(patientId: string): RecordAllergy {
    const allergy = this.pick(allergies);
    return { type: 'recordAllergy', allergyId: this.id('allergy'), patientId, substance: allergy.substance, reaction: allergy.reaction, severity: 'moderate' };
  }

  /** The nurse corrects the phone number, based on the version she sees on her device. */
  correctPhone(patientId: string, baseVersion: string): UpdatePatient {
    return { type: 'updatePatient', patientId, baseVersion, field: 'phone', value: this.phone() };
  }

  addNote(patientId: string, visitId: string, kind: AddNote['kind'], text: string): AddNote {
    return { type: 'addNote', noteId: this.id('note'), patientId, visitId, kind, text };
  }

  clinicalNote(profile: PatientProfile, visitId: string): AddNote {
    return this.addNote(profile.patientId, visitId, 'clinical', `History and examination consistent with ${profile.diagnosis.text.toLowerCase()}.`);
  }

  addDiagnosis(profile: PatientProfile, visitId: string, certainty: AddDiagnosis['certainty']): AddDiagnosis {
    const { code, text } = profile.diagnosis;
    return { type: 'addDiagnosis', diagnosisId: this.id('diagnosis'), patientId: profile.patientId, visitId, code, text, certainty };
  }

  orderLab(profile: PatientProfile, visitId: string): OrderLab {
    const test = profile.diagnosis.labTest ?? 'Full blood count';
    return { type: 'orderLab', labOrderId: this.id('labOrder'), patientId: profile.patientId, visitId, test, specimen: test.includes('tool') ? 'stool' : test === 'Urinalysis' ? 'urine' : 'blood' };
  }

  recordLabResult(labOrderId: string, test: string): RecordLabResult {
    const numeric = test === 'Haemoglobin' || test === 'Random blood glucose';
    return {
      type: 'recordLabResult',
      labResultId: this.id('labResult'),
      labOrderId,
      result: numeric
        ? { kind: 'numeric', value: test === 'Haemoglobin' ? this.decimal(6, 15) : this.decimal(4, 18), unit: test === 'Haemoglobin' ? 'g/dL' : 'mmol/L' }
        : { kind: 'text', text: this.random.chance(0.5) ? 'positive' : 'negative' },
      interpretation: this.random.chance(0.6) ? 'normal' : 'abnormal',
    };
  }

  prescribe(profile: PatientProfile, visitId: string): { readonly command: Prescribe; readonly dispensed: Dispense['quantity'] } {
    const { dispensed, ...choice } = this.pick(prescriptions);
    return { command: { type: 'prescribe', prescriptionId: this.id('prescription'), patientId: profile.patientId, visitId, ...choice }, dispensed };
  }

  dispense(prescriptionId: string, quantity: Dispense['quantity']): Dispense {
    return { type: 'dispense', dispenseId: this.id('dispense'), prescriptionId, quantity, note: null };
  }

  private id(kind: IdKind): string {
    const number = this.counter(kind) + 1;
    this.counters.set(kind, number);
    const tag = idKinds.indexOf(kind) + 1;
    return `${tag.toString(16).padStart(8, '0')}-${this.idSpace.toString(16).padStart(4, '0')}-4000-8000-${number.toString(16).padStart(12, '0')}`;
  }

  private counter(kind: IdKind): number {
    return this.counters.get(kind) ?? 0;
  }

  private phone(): string {
    return `+256 7${this.integer(0, 9)}${this.integer(0, 9)} ${String(this.integer(0, 999_999)).padStart(6, '0')}`;
  }

  private pick<Item>(items: readonly Item[]): Item {
    return items[this.random.nextInt(items.length)]!;
  }

  private integer(min: number, max: number): number {
    return min + this.random.nextInt(max - min + 1);
  }

  /** One decimal place, as a thermometer or a scale shows. */
  private decimal(min: number, max: number): number {
    return Math.round((min + this.random.nextFloat() * (max - min)) * 10) / 10;
  }
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
