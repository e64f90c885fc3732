// One patient's visit through the clinic: registration -> triage -> clinician -> (lab -> clinician) ->
// pharmacy -> done. Each station's part is a short list of writes, built when the clinician gets to them
// from what their own device shows, and each write can be looked for in any device's chart.
import type { ChartCommand, ChartStateMachine, Station } from '../../../leader-worker/src/chart/index.js';
import type { ChartCommands, PatientProfile } from './chart-commands.js';
import type { ThinkTimes } from './settings.js';

/** The stations a clinic device can serve, in the order a visit meets them. */
export const workStations = ['registration', 'triage', 'clinician', 'lab', 'pharmacy'] as const;
export type WorkStation = (typeof workStations)[number];

/** What a visit will need, decided when the patient arrives. */
export interface VisitPlan {
  readonly labTest: boolean;
  readonly prescriptions: number;
  readonly allergy: boolean;
  readonly phoneCorrection: boolean;
  readonly pharmacyNote: boolean;
}

/** A write a station made for the visit; `command` is fixed once built, retries reuse it. */
export interface VisitWrite {
  readonly visit: Visit;
  readonly command: ChartCommand;
  readonly patientId: string;
}

export class Visit {
  readonly writes: VisitWrite[] = [];
  visitId: string | null = null;
  labOrder: { readonly labOrderId: string; readonly test: string } | null = null;
  readonly prescriptions: { readonly prescriptionId: string; readonly quantity: { readonly amount: number; readonly unit: string } }[] = [];
  completedAtMs: number | null = null;

  constructor(
    readonly number: number,
    readonly profile: PatientProfile,
    readonly plan: VisitPlan,
    readonly arrivedAtMs: number,
  ) {}

  record(command: ChartCommand): VisitWrite {
    const write: VisitWrite = { visit: this, command, patientId: this.profile.patientId };
    this.writes.push(write);
    return write;
  }

  get id(): string {
    return `visit ${this.number}`;
  }
}

/** One write to make: how long the clinician takes first, and how to build it from their device's chart. */
export interface WriteStep {
  readonly think: keyof ThinkTimes;
  build(chart: ChartStateMachine): ChartCommand;
}

/** A station's part of a visit: its writes, and where the visit goes afterwards ('done' ends it). */
export interface StationPart {
  readonly station: WorkStation;
  readonly steps: readonly WriteStep[];
  readonly next: Station;
}

/** The parts of the visit's flow, built as the visit reaches each station. */
export function stationPart(station: WorkStation, visit: Visit, commands: ChartCommands, clinicianPass: 1 | 2): StationPart {
  const { profile, plan } = visit;
  const visitId = (): string => visit.visitId!;
  const move = (from: Station, to: Station): WriteStep => ({ think: 'moveVisit', build: () => commands.moveVisit(visitId(), from, to) });
  const afterClinician: Station = plan.prescriptions > 0 ? 'pharmacy' : 'done';
  const prescribe = (): WriteStep[] => Array.from({ length: plan.prescriptions }, () => ({
    think: 'prescribe',
    build: () => {
      const { command, dispensed } = commands.prescribe(profile, visitId());
      visit.prescriptions.push({ prescriptionId: command.prescriptionId, quantity: dispensed });
      return command;
    },
  }));
  switch (station) {
    case 'registration':
      return {
        station,
        steps: [
          { think: 'registerPatient', build: () => commands.registerPatient(profile) },
          { think: 'openVisit', build: () => {
            const command = commands.openVisit(profile.patientId);
            visit.visitId = command.visitId;
            return command;
          } },
          move('registration', 'triage'),
        ],
        next: 'triage',
      };
    case 'triage':
      return {
        station,
        steps: [
          { think: 'recordVitals', build: () => commands.recordVitals(profile, visitId()) },
          ...(plan.allergy ? [{ think: 'recordAllergy' as const, build: () => commands.recordAllergy(profile.patientId) }] : []),
          ...(plan.phoneCorrection ? [{ think: 'updatePatient' as const, build: (chart: ChartStateMachine) =>
            commands.correctPhone(profile.patientId, chart.openChart(profile.patientId)!.patient.versions.phone) }] : []),
          move('triage', 'clinician'),
        ],
        next: 'clinician',
      };
    case 'clinician':
      if (clinicianPass === 2) {
        return {
          station,
          steps: [
            { think: 'addNote', build: () => commands.addNote(profile.patientId, visitId(), 'clinical', `Reviewed ${visit.labOrder?.test ?? 'lab'} result; plan discussed with the patient.`) },
            ...prescribe(),
            move('clinician', afterClinician),
          ],
          next: afterClinician,
        };
      }
      return {
        station,
        steps: [
          { think: 'addNote', build: () => commands.clinicalNote(profile, visitId()) },
          { think: 'addDiagnosis', build: () => commands.addDiagnosis(profile, visitId(), plan.labTest ? 'provisional' : 'confirmed') },
          ...(plan.labTest
            ? [{ think: 'orderLab' as const, build: () => {
              const command = commands.orderLab(profile, visitId());
              visit.labOrder = { labOrderId: command.labOrderId, test: command.test };
              return command;
            } }, move('clinician', 'lab')]
            : [...prescribe(), move('clinician', afterClinician)]),
        ],
        next: plan.labTest ? 'lab' : afterClinician,
      };
    case 'lab':
      return {
        station,
        steps: [
          { think: 'recordLabResult', build: () => commands.recordLabResult(visit.labOrder!.labOrderId, visit.labOrder!.test) },
          move('lab', 'clinician'),
        ],
        next: 'clinician',
      };
    case 'pharmacy':
      return {
        station,
        steps: [
          ...visit.prescriptions.map((prescription): WriteStep => ({ think: 'dispense', build: () => commands.dispense(prescription.prescriptionId, prescription.quantity) })),
          ...(plan.pharmacyNote ? [{ think: 'addNote' as const, build: () => commands.addNote(profile.patientId, visitId(), 'pharmacy', 'Counselled on dosing and side effects; patient repeated the instructions back.') }] : []),
          move('pharmacy', 'done'),
        ],
        next: 'done',
      };
  }
}

/** Whether `write` shows in `chart` (applied there), whichever attempt of it got in. */
export function isVisible(write: VisitWrite, chart: ChartStateMachine): boolean {
  const view = chart.openChart(write.patientId);
  if (view === null) return false;
  const command = write.command;
  switch (command.type) {
    case 'registerPatient':
      return true;
    case 'openVisit':
      return view.visits.some((visit) => visit.visitId === command.visitId);
    case 'moveVisit':
      return view.visits.some((visit) => visit.visitId === command.visitId && visit.moves.some((move) => move.from === command.fromStation && move.to === command.toStation));
    case 'recordVitals':
      return view.vitals.some((vitals) => vitals.vitalsId === command.vitalsId);
    case 'recordAllergy':
      return view.allergies.some((allergy) => allergy.allergyId === command.allergyId);
    case 'updatePatient':
      return command.field === 'phone' && view.patient.phone === command.value;
    case 'addNote':
      return view.notes.some((note) => note.noteId === command.noteId);
    case 'addDiagnosis':
      return view.diagnoses.some((diagnosis) => diagnosis.diagnosisId === command.diagnosisId);
    case 'orderLab':
      return view.labOrders.some((order) => order.labOrderId === command.labOrderId);
    case 'recordLabResult':
      return view.labOrders.some((order) => order.results.some((result) => result.labResultId === command.labResultId));
    case 'prescribe':
      return view.prescriptions.some((prescription) => prescription.prescriptionId === command.prescriptionId);
    case 'dispense':
      return view.prescriptions.some((prescription) => prescription.dispenses.some((dispense) => dispense.dispenseId === command.dispenseId));
    default:
      return false;
  }
}
