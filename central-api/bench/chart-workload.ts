// Realistic committed chart commands for the ingest benchmark and the ingest tests: a clinic registers its
// patients, then nurses and clinicians record vitals and notes for many of them, as MessagePack-encoded
// command envelopes of about 300 bytes (what a clinic's log carries). Deterministic for a seed.
import { encode } from '@msgpack/msgpack';
import { SeededRandom } from '../../leader-worker/src/raft/seeded-random.js';

export interface ChartWorkloadOptions {
  readonly seed: number;
  /** Patients registered first; later commands are about them. */
  readonly patients: number;
  /** The proposer's id (a device's worker); sequences count up from 1. */
  readonly clientId: string;
}

const givenNames = ['Amina', 'Grace', 'Joseph', 'Fatuma', 'Moses', 'Esther', 'Wanjiru', 'Kofi', 'Chipo', 'Dawit', 'Halima', 'Baraka'];
const familyNames = ['Okello', 'Mwangi', 'Banda', 'Diallo', 'Mensah', 'Tesfaye', 'Nakato', 'Phiri', 'Kamau', 'Ndlovu', 'Otieno', 'Bello'];
const villages = ['Kibuye', 'Gulu', 'Lira', 'Kisumu', 'Bondo', 'Mzuzu', 'Karonga'];
const notes = [
  'Patient reviewed at triage. Reports mild headache for two days, no fever, eating well. Advised fluids and rest.',
  'Adherent to treatment, no new complaints. Blood pressure improving on current dose. Continue, review in one month.',
  'Child brought by mother: cough for three days, no danger signs, feeding well. Counselled on home care and return signs.',
  'Antenatal visit: fundal height consistent with dates, fetal movements felt. Iron and folate continued.',
];
const startMs = 1_790_000_000_000;

export class ChartWorkload {
  private readonly random: SeededRandom;
  private readonly patientIds: string[] = [];
  private sequence = 0;
  private idCounter = 0;

  constructor(private readonly options: ChartWorkloadOptions) {
    this.random = new SeededRandom(options.seed);
  }

  /** The next command envelope a clinic would commit. */
  nextEnvelope(): Record<string, unknown> {
    const command = this.patientIds.length < this.options.patients ? this.registration() : this.random.chance(0.5) ? this.vitals() : this.note();
    this.sequence++;
    return {
      clientId: this.options.clientId,
      sequence: this.sequence,
      recordedAt: startMs + this.sequence * 1_000,
      author: { deviceId: `${this.options.clientId}-device`, userName: 'Nurse Achieng', role: 'nurse' },
      command,
    };
  }

  /** The next command as the log carries it. */
  nextCommandBytes(): Uint8Array {
    return encode(this.nextEnvelope());
  }

  private id(): string {
    this.idCounter++;
    return `${(this.options.seed >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${this.idCounter.toString(16).padStart(12, '0')}`;
  }

  private pick<T>(list: readonly T[]): T {
    return list[this.random.nextInt(list.length)]!;
  }

  private registration(): Record<string, unknown> {
    const patientId = this.id();
    this.patientIds.push(patientId);
    return {
      type: 'registerPatient',
      patientId,
      name: { given: this.pick(givenNames), family: this.pick(familyNames) },
      sex: this.random.chance(0.55) ? 'female' : 'male',
      birth: { estimated: true, birthYear: 1940 + this.random.nextInt(80) },
      identifiers: [{ system: 'clinic-number', value: `KB-${String(this.patientIds.length).padStart(6, '0')}` }],
      phone: `07${String(this.random.nextInt(100_000_000)).padStart(8, '0')}`,
      address: { village: this.pick(villages), details: null },
      nextOfKin: null,
    };
  }

  private vitals(): Record<string, unknown> {
    return {
      type: 'recordVitals',
      vitalsId: this.id(),
      patientId: this.pick(this.patientIds),
      visitId: null,
      measurements: {
        systolicMmHg: 100 + this.random.nextInt(60),
        diastolicMmHg: 60 + this.random.nextInt(30),
        pulseBpm: 60 + this.random.nextInt(50),
        temperatureCelsius: 36 + this.random.nextInt(30) / 10,
        weightKg: 50 + this.random.nextInt(400) / 10,
        spo2Percent: 92 + this.random.nextInt(9),
      },
    };
  }

  private note(): Record<string, unknown> {
    return { type: 'addNote', noteId: this.id(), patientId: this.pick(this.patientIds), visitId: null, kind: 'nursing', text: this.pick(notes) };
  }
}
