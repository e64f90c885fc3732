// The clinic's day as its clinicians live it. Patients arrive (a Poisson process) at registration; each
// station's clinician works through their own queue on their own device, one visit at a time, and starts a
// visit only once their device shows everything the previous stations wrote for it (that is the handoff).
// Each save is a propose() on the clinician's device, answered 'applied', 'pending' or 'failed'; a refused
// or rejected save is tried again later, a save lost with its device is looked for after the restart.
import type { ApplyResult, ChartErrorCode, ChartStateMachine, Station } from '../../../leader-worker/src/chart/index.js';
import type { ProposalOutcome } from '../../../leader-worker/src/node/clinic-node.js';
import { identityKey, type CommandIdentity } from '../../../leader-worker/src/node/replicated-state-machine.js';
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { NodeId } from '../../../leader-worker/src/raft/types.js';
import type { EventQueue } from '../engine/event-queue.js';
import type { Trace } from '../engine/trace.js';
import { check } from '../engine/violation.js';
import type { DurationRange } from '../raft/fault-profiles.js';
import { ChartCommands } from './chart-commands.js';
import type { ClinicFigures } from './clinic-figures.js';
import type { Handoff, HandoffTracker } from './handoff-tracker.js';
import type { WriteLedger } from './invariants/write-ledger.js';
import type { ClinicWorkloadSettings } from './settings.js';
import type { SimulatedDevice } from './simulated-device.js';
import { isVisible, stationPart, Visit, workStations, type StationPart, type VisitWrite, type WorkStation } from './visit-flow.js';
import type { WritableMinutes } from './writable-minutes.js';

/**
 * Rejections a valid write can meet when it is applied before something it refers to (or after its visit
 * moved on): the clinician tries again. Any other rejection means the simulated clinician wrote nonsense.
 */
const orderingRejections: ReadonlySet<ChartErrorCode> = new Set<ChartErrorCode>(['unknown-patient', 'unknown-visit', 'unknown-target', 'stale-station', 'duplicate-id']);

/** Who works at a device: one clinician per device, named in every write's author and client id. */
export interface Clinician {
  readonly userName: string;
  /** The part of the client id that names them (letters, digits, dashes). */
  readonly handle: string;
  readonly role: string;
}

const cliniciansByStation: Readonly<Record<WorkStation, Clinician>> = {
  registration: { userName: 'Wanjiru Mwangi', handle: 'clerk-wanjiru', role: 'records clerk' },
  triage: { userName: 'Achieng Otieno', handle: 'nurse-achieng', role: 'nurse' },
  clinician: { userName: 'Moses Okello', handle: 'co-okello', role: 'clinical officer' },
  lab: { userName: 'Peter Mugisha', handle: 'labtech-mugisha', role: 'laboratory technician' },
  pharmacy: { userName: 'Grace Namutebi', handle: 'pharm-namutebi', role: 'pharmacist' },
};

/** Where devices beyond the first five go: the busiest stations first. */
const extraDeviceStations: readonly WorkStation[] = ['clinician', 'triage', 'registration', 'pharmacy', 'lab'];

/** The stations device `index` (0-based) of `deviceCount` serves: one each with five, shared with fewer, doubled with more. */
export function stationsOfDevice(index: number, deviceCount: number): WorkStation[] {
  if (deviceCount < workStations.length) return workStations.filter((_, stationIndex) => stationIndex % deviceCount === index);
  if (index < workStations.length) return [workStations[index]!];
  return [extraDeviceStations[(index - workStations.length) % extraDeviceStations.length]!];
}

/** A device's name in the clinic: its first station and its number. */
export function deviceName(index: number, deviceCount: number): string {
  return `${stationsOfDevice(index, deviceCount)[0]}-${index + 1}`;
}

/** A station's part of one visit, queued at a desk until the desk's device shows what came before. */
interface StationTask {
  readonly visit: Visit;
  readonly station: WorkStation;
  readonly clinicianPass: 1 | 2;
  /** Every write of the visit before this station's: the device must show them all. */
  readonly prerequisites: readonly VisitWrite[];
  readonly handoff: Handoff | null;
  visibleAtMs: number | null;
  /** Already counted as shown out of order. */
  outOfOrder: boolean;
}

/** The write a desk is working on. */
interface WriteInProgress {
  write: VisitWrite | null;
  /** The identity of a refused attempt, tried again as is while the session lasts (nothing was stored). */
  retryIdentity: CommandIdentity | null;
  /** The identity of the last attempt, whatever became of it (for the outbox check after a restart). */
  lastIdentity: CommandIdentity | null;
  /** Numbers attempts, so an outcome that arrives after its attempt was given up is ignored. */
  attempts: number;
  state: 'thinking' | 'awaitingOutcome' | 'awaitingRetry' | 'awaitingDevice';
}

interface ActiveTask {
  readonly task: StationTask;
  readonly part: StationPart;
  step: number;
  readonly progress: WriteInProgress;
  /** Whether the last write of the part was acknowledged (else it was found recorded on a retry). */
  lastWriteAcknowledged: boolean;
}

/** One client per device process: a restarted app starts a new session rather than reuse sequences. */
interface ClientSession {
  readonly clientId: string;
  readonly incarnation: number;
  nextSequence: number;
}

class Desk {
  readonly queue: StationTask[] = [];
  active: ActiveTask | null = null;
  session: ClientSession | null = null;

  constructor(
    readonly device: SimulatedDevice,
    readonly stations: readonly WorkStation[],
    readonly clinician: Clinician,
  ) {}

  get load(): number {
    return this.queue.length + (this.active === null ? 0 : 1);
  }
}

export interface WorkloadHost {
  readonly ledger: WriteLedger;
  readonly handoffs: HandoffTracker;
  readonly minutes: WritableMinutes;
  touched(device: SimulatedDevice): void;
  fail(error: unknown): void;
  /** A write was just acknowledged on `device`: the fault injector may take the device down right now. */
  afterAcknowledgement(device: SimulatedDevice): void;
  /** Since when the device has been connected to a healthy leader without a break (AvailabilityChecker), or null. */
  connectedToHealthyLeaderSince(deviceId: NodeId): number | null;
  /** A patient another clinic has seen walking in (their id), or null for a new patient. */
  sharedPatient(): string | null;
}

export class ClinicWorkload {
  private readonly desks: Desk[];
  private readonly visits: Visit[] = [];
  private readonly commands: ChartCommands;
  /** Writes acknowledged as pending and not yet applied anywhere, by key. */
  private readonly pendingWrites = new Map<string, VisitWrite>();
  private arriving = false;

  constructor(
    private readonly queue: EventQueue,
    private readonly random: SeededRandom,
    private readonly trace: Trace,
    private readonly figures: ClinicFigures,
    private readonly settings: ClinicWorkloadSettings,
    private readonly host: WorkloadHost,
    devices: readonly SimulatedDevice[],
    /** Keeps this clinic's record ids apart from other clinics' (0 for a lone clinic). */
    idSpace = 0,
  ) {
    this.commands = new ChartCommands(random.fork(), settings.dayStartEpochMs, idSpace);
    this.desks = devices.map((device, index) => {
      const stations = stationsOfDevice(index, devices.length);
      return new Desk(device, stations, cliniciansByStation[stations[0]!]);
    });
  }

  /** Patients start arriving now. */
  open(): void {
    this.arriving = true;
    this.scheduleArrival();
  }

  /** No more patients today; those inside are still seen. */
  closeDoors(): void {
    this.arriving = false;
  }

  get openVisits(): number {
    return this.visits.filter((visit) => visit.completedAtMs === null).length;
  }

  allVisits(): readonly Visit[] {
    return this.visits;
  }

  describeOpenVisits(): string {
    const open = this.visits.filter((visit) => visit.completedAtMs === null).slice(0, 5);
    return open.map((visit) => {
      const desk = this.desks.find((candidate) => candidate.active?.task.visit === visit || candidate.queue.some((task) => task.visit === visit));
      const where = desk === undefined ? 'nowhere' : `${desk.device.id} (${desk.device.condition}${desk.active?.task.visit === visit ? `, ${desk.active.progress.state}` : ', queued'})`;
      return `${visit.id} at ${where}`;
    }).join('; ');
  }

  /** The device started a new process or woke: its clinician can carry on. */
  deviceAvailable(device: SimulatedDevice): void {
    const desk = this.deskOf(device);
    this.checkVisibility(desk);
    if (desk.active?.progress.state === 'awaitingDevice') this.attempt(desk);
    else this.poke(desk);
  }

  /**
   * The device lost power or its app is restarting: a save it was answering will never be answered to the
   * clinician. They look for it once the device is back.
   */
  deviceLost(device: SimulatedDevice): void {
    const progress = this.deskOf(device).active?.progress;
    if (progress?.state !== 'awaitingOutcome') return;
    this.figures.abandonedWrites++;
    this.log(`${progress.write!.visit.id}: ${device.id} went down before answering ${identityKey(progress.lastIdentity!)}`);
    progress.state = 'awaitingDevice';
  }

  /**
   * A device applied the first copy of `key`. A write its clinician was told is saved (pending) must not come
   * out rejected, unless an earlier attempt of the same write got in first (a re-entry after a restart is
   * then refused as a duplicate, which is right: the record is there once).
   */
  applied(device: SimulatedDevice, chart: ChartStateMachine, key: string, logIndex: number, result: ApplyResult): void {
    const write = this.pendingWrites.get(key);
    if (write === undefined) return;
    this.pendingWrites.delete(key);
    if (result.type !== 'rejected') return;
    check(isVisible(write, chart), 'pending-write-rejected',
      () => `${device.id} applied ${key} (${write.command.type} of ${write.visit.id}) at ${logIndex} as rejected (${result.error.code}: ${result.error.message}), but its clinician was told it was saved (pending)`);
    this.figures.rejectedAlreadyRecorded++;
  }

  /** The device applied more of the log: visits waiting for it may now be shown. */
  deviceAdvanced(device: SimulatedDevice): void {
    const desk = this.deskOf(device);
    if (this.checkVisibility(desk)) this.poke(desk);
  }

  private scheduleArrival(): void {
    const intervalMs = Math.max(1, Math.round(-Math.log(1 - this.random.nextFloat()) * this.settings.patientArrivalIntervalMsMean));
    this.queue.scheduleAfter(intervalMs, () => {
      if (!this.arriving) return;
      this.arrive();
      this.scheduleArrival();
    });
  }

  private arrive(): void {
    const { labOrderProbability, prescriptionProbability, secondPrescriptionProbability, allergyProbability, phoneCorrectionProbability, pharmacyNoteProbability } = this.settings;
    const prescribes = this.random.chance(prescriptionProbability);
    const visit = new Visit(this.visits.length + 1, this.commands.newPatient(this.host.sharedPatient()), {
      labTest: this.random.chance(labOrderProbability),
      prescriptions: prescribes ? (this.random.chance(secondPrescriptionProbability) ? 2 : 1) : 0,
      allergy: this.random.chance(allergyProbability),
      phoneCorrection: this.random.chance(phoneCorrectionProbability),
      pharmacyNote: this.random.chance(pharmacyNoteProbability),
    }, this.queue.nowMs);
    this.visits.push(visit);
    this.figures.patients++;
    this.log(`${visit.id}: patient arrives`);
    this.enqueue(visit, 'registration', 1, null);
  }

  private enqueue(visit: Visit, station: WorkStation, clinicianPass: 1 | 2, from: Desk | null): void {
    const desk = this.deskFor(station);
    const handoff = from === null || from.device === desk.device ? null
      : this.host.handoffs.opened(`${visit.id} ${from.active?.task.station ?? '?'}->${station}`, from.device.id, desk.device.id, from.active?.lastWriteAcknowledged ?? false);
    const task: StationTask = { visit, station, clinicianPass, prerequisites: [...visit.writes], handoff, visibleAtMs: null, outOfOrder: false };
    desk.queue.push(task);
    this.checkVisibility(desk);
    this.poke(desk);
  }

  /** The least busy desk serving `station`. */
  private deskFor(station: WorkStation): Desk {
    let chosen: Desk | null = null;
    for (const desk of this.desks) {
      if (!desk.stations.includes(station)) continue;
      if (chosen === null || desk.load < chosen.load) chosen = desk;
    }
    check(chosen !== null, 'simulator-state', () => `no device serves ${station}`);
    return chosen;
  }

  private deskOf(device: SimulatedDevice): Desk {
    return this.desks.find((desk) => desk.device === device)!;
  }

  /** Marks queued tasks whose prerequisites the desk's device now shows; true if any became visible. */
  private checkVisibility(desk: Desk): boolean {
    const chart = desk.device.chart;
    if (chart === null) return false;
    let progressed = false;
    for (const task of desk.queue) {
      if (task.visibleAtMs !== null) continue;
      const shown = task.prerequisites.map((write) => isVisible(write, chart));
      if (!shown.every(Boolean)) {
        // The move that sends the visit here is the part's last write: showing it before an earlier one
        // means the log applied one clinician's writes out of the order they were made.
        if (shown[shown.length - 1] === true && !task.outOfOrder) {
          task.outOfOrder = true;
          this.figures.handoffsOutOfOrder++;
          this.log(`${task.visit.id}: ${desk.device.id} shows the move to ${task.station} before an earlier write of the visit`);
        }
        continue;
      }
      task.visibleAtMs = this.queue.nowMs;
      progressed = true;
      if (task.handoff !== null) this.host.handoffs.visible(task.handoff);
    }
    return progressed;
  }

  /** Starts the next visit the desk's device shows, if the clinician is free. */
  private poke(desk: Desk): void {
    if (desk.active !== null) return;
    const index = desk.queue.findIndex((task) => task.visibleAtMs !== null);
    if (index < 0) return;
    const task = desk.queue.splice(index, 1)[0]!;
    desk.active = {
      task,
      part: stationPart(task.station, task.visit, this.commands, task.clinicianPass),
      step: 0,
      progress: { write: null, retryIdentity: null, lastIdentity: null, attempts: 0, state: 'thinking' },
      lastWriteAcknowledged: false,
    };
    this.log(`${task.visit.id}: ${desk.device.id} starts ${task.station}`);
    this.think(desk);
  }

  private think(desk: Desk): void {
    const active = desk.active!;
    active.progress.state = 'thinking';
    const step = active.part.steps[active.step]!;
    this.queue.scheduleAfter(this.draw(this.settings.thinkTimes[step.think]), () => this.attempt(desk));
  }

  /** Saves the current write on the desk's device (or finds it already recorded, on a retry). */
  private attempt(desk: Desk): void {
    const active = desk.active!;
    const { device } = desk;
    const progress = active.progress;
    const node = device.node;
    const chart = device.chart;
    if (!device.isUsable || node === null || chart === null) {
      progress.state = 'awaitingDevice';
      return;
    }
    if (progress.write === null) {
      progress.write = active.task.visit.record(active.part.steps[active.step]!.build(chart));
    } else if (this.alreadyRecorded(desk, chart)) {
      return this.stepDone(desk, false);
    }
    const write = progress.write;
    const session = this.sessionOf(desk);
    const identity = progress.retryIdentity !== null && progress.retryIdentity.clientId === session.clientId
      ? progress.retryIdentity
      : { clientId: session.clientId, sequence: session.nextSequence++ };
    progress.retryIdentity = null;
    progress.lastIdentity = identity;
    progress.state = 'awaitingOutcome';
    const attemptNumber = ++progress.attempts;
    const proposedAtMs = this.queue.nowMs;
    const incarnation = device.incarnation;
    const { userName, role } = desk.clinician;
    this.figures.writesAttempted++;
    this.log(`${write.visit.id}: ${device.id} saves ${write.command.type} as ${identityKey(identity)}`);
    this.host.touched(device);
    node.propose({
      clientId: identity.clientId,
      sequence: identity.sequence,
      recordedAt: this.settings.dayStartEpochMs + proposedAtMs,
      author: { deviceId: device.id, userName, role },
      command: write.command,
    }).then((outcome) => {
      try {
        if (progress.state === 'awaitingOutcome' && progress.attempts === attemptNumber) this.outcome(desk, { identity, proposedAtMs, incarnation }, outcome);
      } catch (error) {
        this.host.fail(error);
      }
    }, (error: unknown) => this.host.fail(error));
  }

  /** On a retry: the write is on the device already, or shown there as pending from an earlier attempt. */
  private alreadyRecorded(desk: Desk, chart: ChartStateMachine): boolean {
    const { write, lastIdentity } = desk.active!.progress;
    if (write !== null && isVisible(write, chart)) return true;
    if (lastIdentity === null) return false;
    const key = identityKey(lastIdentity);
    return desk.device.node!.pendingWrites().some((item) => identityKey(item) === key);
  }

  private outcome(
    desk: Desk, attempt: { readonly identity: CommandIdentity; readonly proposedAtMs: number; readonly incarnation: number }, outcome: ProposalOutcome<ApplyResult>,
  ): void {
    const { device } = desk;
    const active = desk.active!;
    const progress = active.progress;
    const key = identityKey(attempt.identity);
    check(device.incarnation === attempt.incarnation && device.condition === 'up', 'simulator-state',
      () => `${key} answered on ${device.id} (${device.condition}) after its process was given up`);
    const latencyMs = this.queue.nowMs - attempt.proposedAtMs;
    switch (outcome.type) {
      case 'failed':
        check(outcome.reason !== 'invalidCommand' && outcome.reason !== 'stopped', 'workload-invalid',
          () => `${device.id} refused ${key} as ${outcome.reason}: ${outcome.message}`);
        this.figures.refusedWrites++;
        if (outcome.reason === 'storageFull') this.figures.refusedStorageFull++;
        this.host.minutes.judged(device.id, attempt.proposedAtMs, outcome.reason === 'storageFull' ? 'refusedDiskFull' : 'refused');
        this.log(`${progress.write!.visit.id}: ${key} refused: ${outcome.reason}`);
        progress.retryIdentity = attempt.identity;
        return this.retryLater(desk);
      case 'pending': {
        this.host.minutes.judged(device.id, attempt.proposedAtMs, 'accepted');
        const heldBy = outcome.heldBy;
        if (heldBy === undefined) {
          check(device.hasDurableOutboxItem(key), 'acknowledged-not-persisted',
            () => `${device.id} answered ${key} 'pending' but its outbox storage never acknowledged storing it`);
        } else {
          const holder = this.desks.find((candidate) => candidate.device.id === heldBy)?.device;
          check(holder !== undefined && holder.hasEverStoredOutboxItem(key), 'acknowledged-not-persisted',
            () => `${device.id} answered ${key} 'pending' on ${heldBy}, whose outbox storage never acknowledged storing it`);
          this.figures.acknowledgedHeldByPeer++;
        }
        this.figures.acknowledgedPending++;
        this.figures.pendingAcknowledgeLatencyMs.push(latencyMs);
        this.pendingWrites.set(key, progress.write!);
        return this.acknowledged(desk, { key, deviceId: device.id, outcome: 'pending', atMs: this.queue.nowMs, logIndex: null, firstApplication: false });
      }
      case 'applied': {
        this.host.minutes.judged(device.id, attempt.proposedAtMs, 'accepted');
        const result = outcome.result;
        if (result.type === 'rejected') {
          this.figures.rejectedWrites++;
          this.log(`${progress.write!.visit.id}: ${key} rejected: ${result.error.code} ${result.error.message}`);
          if (isVisible(progress.write!, device.chart!)) {
            this.figures.rejectedAlreadyRecorded++;
            return this.stepDone(desk, false);
          }
          check(orderingRejections.has(result.error.code), 'workload-invalid',
            () => `${device.id}: ${key} (${progress.write!.command.type}) rejected as invalid: ${result.error.code} ${result.error.message}`);
          return this.retryLater(desk);
        }
        if (result.type === 'conflict') this.figures.conflicts++;
        this.figures.acknowledgedApplied++;
        this.figures.acknowledgeLatencyMs.push(latencyMs);
        const connectedSince = this.host.connectedToHealthyLeaderSince(device.id);
        if (connectedSince !== null && connectedSince <= attempt.proposedAtMs) this.figures.acknowledgeLatencyHealthyMs.push(latencyMs);
        return this.acknowledged(desk, {
          key, deviceId: device.id, outcome: 'applied', atMs: this.queue.nowMs, logIndex: outcome.logIndex, firstApplication: result.type !== 'duplicate',
        });
      }
    }
  }

  private acknowledged(desk: Desk, acknowledgement: Parameters<WriteLedger['acknowledged']>[0]): void {
    this.figures.acknowledgedWrites++;
    this.host.ledger.acknowledged(acknowledgement);
    this.log(`${desk.active!.progress.write!.visit.id}: ${acknowledgement.key} acknowledged ${acknowledgement.outcome}${acknowledgement.logIndex === null ? '' : ` at ${acknowledgement.logIndex}`}`);
    this.stepDone(desk, true);
    this.host.afterAcknowledgement(desk.device);
  }

  private retryLater(desk: Desk): void {
    desk.active!.progress.state = 'awaitingRetry';
    this.queue.scheduleAfter(this.settings.retryIntervalMs, () => this.attempt(desk));
  }

  private stepDone(desk: Desk, acknowledged: boolean): void {
    const active = desk.active!;
    active.step++;
    active.lastWriteAcknowledged = acknowledged;
    active.progress.write = null;
    active.progress.retryIdentity = null;
    active.progress.lastIdentity = null;
    if (active.step < active.part.steps.length) return this.think(desk);
    this.partDone(desk);
  }

  /** The station's part is recorded: the visit goes on to its next station, or is done. */
  private partDone(desk: Desk): void {
    const { task, part } = desk.active!;
    const next: Station = part.next;
    if (next === 'done') {
      task.visit.completedAtMs = this.queue.nowMs;
      this.figures.visitsCompleted++;
      this.log(`${task.visit.id}: done`);
    } else {
      this.enqueue(task.visit, next as WorkStation, next === 'clinician' && task.station === 'lab' ? 2 : 1, desk);
    }
    desk.active = null;
    this.poke(desk);
  }

  private sessionOf(desk: Desk): ClientSession {
    const incarnation = desk.device.incarnation;
    if (desk.session === null || desk.session.incarnation !== incarnation) {
      desk.session = { clientId: `${desk.device.id}.${desk.clinician.handle}.s${incarnation}`, incarnation, nextSequence: 1 };
    }
    return desk.session;
  }

  private draw(range: DurationRange): number {
    return range.minMs + this.random.nextInt(range.maxMs - range.minMs + 1);
  }

  private log(text: string): void {
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, text);
  }
}
