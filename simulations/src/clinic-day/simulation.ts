// One seeded clinic session: N devices running the real ClinicNode (Raft core, chart state machine, memory
// storage with crash semantics, outbox) on leader-worker's in-memory network, all on one virtual clock.
// Patients come in and move from station to station; faults from the seed problem hit the devices and the
// Wi-Fi; when the doors close everything heals and the visits still open are finished; then the verdict.
//
// The node works through promises. After every event the simulator lets all of that work settle (one
// macrotask turn drains every promise job, and no timer or I/O is involved) before it runs the next event,
// so a device's writes take no virtual time and one seed always replays to the same bytes.
import { decode } from '@msgpack/msgpack';
import type { ApplyResult, ChartStateMachine } from '../../../leader-worker/src/chart/index.js';
import { defaultClinicNodeTiming, type ClinicNodeStatus } from '../../../leader-worker/src/node/clinic-node.js';
import { bootstrapState } from '../../../leader-worker/src/raft/raft.js';
import { describeMessage } from '../../../leader-worker/src/raft/describe-message.js';
import { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { Entry, HardState, NodeId, PersistedState, Snapshot } from '../../../leader-worker/src/raft/types.js';
import type { PeerMessage } from '../../../leader-worker/src/wire/peer-message-codec.js';
import type { PersistBatch } from '../../../leader-worker/src/storage/raft-storage.js';
import { EventQueue } from '../engine/event-queue.js';
import { checkSampleBounds } from '../engine/figure-bounds.js';
import { RunawayGuard } from '../engine/runaway-guard.js';
import { Trace } from '../engine/trace.js';
import { check, classifyFailure, type Violation } from '../engine/violation.js';
import { FailoverTracker } from '../raft/failover-tracker.js';
import { AvailabilityChecker, type AvailabilityHost, type DeviceAvailability } from '../raft/invariants/availability-checker.js';
import { LogHistory } from '../raft/invariants/log-history.js';
import { SafetyChecker, type Observation } from '../raft/invariants/safety-checker.js';
import { chartMachineView } from './chart-machine-view.js';
import { ClinicFaultInjector, type FaultHost } from './clinic-fault-injector.js';
import { ClinicFigures } from './clinic-figures.js';
import { ClinicNetwork, type DeliveryTarget } from './clinic-network.js';
import { ClinicWorkload, deviceName, type WorkloadHost } from './clinic-workload.js';
import { memoryDeviceStorage, type DeviceStorageFactory } from './device-factory.js';
import { realDeviceWiring, type DeviceWiring } from './device-wiring.js';
import type { ClinicFaultProfile } from './fault-profiles.js';
import { HandoffTracker } from './handoff-tracker.js';
import { checkClinicFinalState, describeDevices } from './invariants/final-checks.js';
import { WriteLedger } from './invariants/write-ledger.js';
import type { VoterPolicyAction } from '../../../leader-worker/src/voter-policy/voter-policy-decisions.js';
import { defaultClinicDaySettings, type ClinicDaySettings } from './settings.js';
import { SimulatedDevice, type ChartNode, type DeviceHost } from './simulated-device.js';
import type { DeviceClock } from './device-clock.js';
import { WritableMinutes } from './writable-minutes.js';

export interface ClinicDayRunOptions {
  readonly seed: number;
  readonly deviceCount: number;
  readonly profile: ClinicFaultProfile;
  readonly trace: boolean;
  readonly settings?: ClinicDaySettings;
  /** The devices' storage; tests inject broken variants. */
  readonly storageFactory?: DeviceStorageFactory;
  /** The devices' transport and timers; tests inject broken variants. */
  readonly wiring?: DeviceWiring;
  /** Check the Raft protocol's step rules (persist before send, one vote per term, the commit rule) too. */
  readonly protocolRuleChecks?: boolean;
  /** One clinic among several on one clock (the clinics-central scenario drives it); absent: a clinic alone. */
  readonly site?: ClinicSiteOptions;
  /** The leader runs the voter policy (voter-policy/): membership and power-aware leadership. */
  readonly voterPolicy?: boolean;
}

/** What a clinic among several gets from the run around it. */
export interface ClinicSiteOptions {
  readonly queue: EventQueue;
  readonly clinicId: string;
  /** The clinic's own random root (its streams fork from it as a lone clinic's fork from the seed). */
  readonly random: SeededRandom;
  readonly trace: Trace;
  /** Keeps the ids of this clinic's records apart from other clinics' (chart-commands.ts). */
  readonly idSpace: number;
  readonly extension: ClinicExtension;
}

/** What runs beside each device of a clinic among several (its link to central), and what it sees. */
export interface ClinicExtension {
  /** A process of the device has started its node (on `clock`, which dies with the process). */
  nodeStarted(device: SimulatedDevice, node: ChartNode, clock: DeviceClock): void;
  /** The process ended (power loss or restart): whatever ran beside it stops. */
  processEnded(device: SimulatedDevice): void;
  /** The device applied a committed entry (also while replaying its log at start). */
  applied(device: SimulatedDevice, entry: Entry, result: ApplyResult): void;
  /** A patient of another clinic walking in here (their id), or null for a new patient. */
  sharedPatient(): string | null;
}

export interface ClinicDayRunResult {
  readonly seed: number;
  readonly violation: Violation | null;
  readonly figures: ClinicFigures;
  readonly trace: string;
}

export function runClinicDay(options: ClinicDayRunOptions): Promise<ClinicDayRunResult> {
  return new ClinicDaySimulation(options).run();
}

/** The clinic's id in every event id (a lone clinic's); a clinic id has no '/' or ':'. */
const loneClinicId = 'kibuye-hc';
/** The node's tick interval (its production default), for failover figures in ticks. */
const tickIntervalMs = 100;

/** Independent random streams, forked from the seed in a fixed order. */
interface RandomStreams {
  readonly network: SeededRandom;
  readonly faults: SeededRandom;
  readonly acknowledgementFaults: SeededRandom;
  readonly workload: SeededRandom;
  readonly devices: SeededRandom;
  readonly clocks: SeededRandom;
}

function forkStreams(root: SeededRandom): RandomStreams {
  return {
    network: root.fork(), faults: root.fork(), acknowledgementFaults: root.fork(), workload: root.fork(), devices: root.fork(), clocks: root.fork(),
  };
}

/** Lets every promise job queued so far, and every job those queue, run: one macrotask turn. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ClinicDaySimulation implements DeviceHost, WorkloadHost, FaultHost, DeliveryTarget, AvailabilityHost {
  readonly queue: EventQueue;
  readonly network: ClinicNetwork;
  readonly storageFactory: DeviceStorageFactory;
  readonly wiring: DeviceWiring;
  readonly nodeTiming: ClinicDaySettings['nodeTiming'];
  readonly clinicId: string;
  readonly initialState: PersistedState;
  readonly devices: readonly SimulatedDevice[];
  readonly ledger = new WriteLedger();
  readonly handoffs: HandoffTracker;
  readonly minutes: WritableMinutes;
  private readonly settings: ClinicDaySettings;
  private readonly random: RandomStreams;
  private readonly traceLog: Trace;
  private readonly figures = new ClinicFigures();
  private readonly history = new LogHistory();
  private readonly machineView: ReturnType<typeof chartMachineView>;
  private readonly safety: SafetyChecker;
  private readonly failover: FailoverTracker;
  private readonly availability: AvailabilityChecker;
  private readonly injector: ClinicFaultInjector;
  private readonly workload: ClinicWorkload;
  private readonly protocolRules: boolean;
  private readonly observations = new Map<NodeId, Observation<ClinicNodeStatus>>();
  private readonly touchedDevices = new Set<SimulatedDevice>();
  private readonly runaway: RunawayGuard;
  /** Errors raised inside the nodes' asynchronous work, thrown after the event. */
  private readonly failures: unknown[] = [];
  private healedAtMs: number | null = null;
  private leaderFoundAfterHeal = false;
  private closing = false;
  private finished = false;

  constructor(private readonly options: ClinicDayRunOptions) {
    this.settings = options.settings ?? defaultClinicDaySettings;
    this.queue = options.site?.queue ?? new EventQueue();
    this.clinicId = options.site?.clinicId ?? loneClinicId;
    this.machineView = chartMachineView(this.clinicId);
    this.random = forkStreams(options.site?.random ?? new SeededRandom(options.seed));
    this.runaway = new RunawayGuard(this.settings.limits);
    this.traceLog = options.site?.trace ?? new Trace(options.trace);
    this.storageFactory = options.storageFactory ?? memoryDeviceStorage;
    this.wiring = options.wiring ?? realDeviceWiring;
    this.nodeTiming = this.settings.nodeTiming;
    this.protocolRules = options.protocolRuleChecks ?? true;
    const ids = Array.from({ length: options.deviceCount }, (_, index) => deviceName(index, options.deviceCount));
    this.initialState = bootstrapState({ voters: ids, learners: [] });
    // The founding membership entries are committed before any device runs.
    for (const entry of this.initialState.entries) if (entry.index <= this.initialState.hardState.commitIndex) this.history.recordCommitted(entry, 'bootstrap', this.initialState.hardState.term);
    this.network = new ClinicNetwork(this.queue, this.random.network, this.figures, this, options.profile.network, (error) => this.fail(error));
    this.devices = ids.map((id) => new SimulatedDevice(id, this.random.devices.fork(), this));
    this.safety = new SafetyChecker(this.history, this.queue, this.protocolRules, this.machineView);
    this.failover = new FailoverTracker(this.queue, this.traceLog, this.figures, tickIntervalMs);
    const timing = { ...defaultClinicNodeTiming, ...this.nodeTiming };
    this.availability = new AvailabilityChecker(this, this.figures, this.settings.limits, timing.electionTimeoutTicks * timing.tickIntervalMs,
      this.traceLog.enabled ? (text) => this.trace(text) : null);
    this.handoffs = new HandoffTracker(this.queue, this.traceLog, this.figures, this.settings.limits.handoffOnTimeMs,
      (id) => this.injector.isDisrupted(this.device(id)));
    this.minutes = new WritableMinutes(this.settings.limits.writableWindowMs);
    this.injector = new ClinicFaultInjector(this.queue, this.random.faults, this.random.acknowledgementFaults, this.traceLog, this.figures,
      options.profile, this.network, this.failover, this.handoffs, this);
    this.workload = new ClinicWorkload(this.queue, this.random.workload, this.traceLog, this.figures, this.settings.workload, this, this.devices, options.site?.idSpace ?? 0);
  }

  async run(): Promise<ClinicDayRunResult> {
    let violation: Violation | null = null;
    const unhandled = (reason: unknown): void => this.fail(reason);
    process.on('unhandledRejection', unhandled);
    try {
      this.begin();
      await this.runEvents();
      this.finalChecks();
    } catch (error) {
      violation = classifyFailure(error, this.queue.nowMs);
      this.traceLog.write(this.queue.nowMs, `VIOLATION ${violation.invariant}: ${violation.message}`);
    } finally {
      process.off('unhandledRejection', unhandled);
    }
    return this.result(violation, this.runaway);
  }

  // Driven from outside (a clinic among several): begin, then after every event of the shared queue
  // loseArmedPower, one settle of the promise jobs, checkAfterEvent; finalChecks once every clinic is done.

  begin(): void {
    this.schedulePhases();
  }

  /** Every check after an event, once the devices' work has settled. */
  checkAfterEvent(): void {
    this.throwIfFailed();
    this.afterEvent();
    this.throwIfFailed();
  }

  /** The session is over, every device agrees and the quiet time has passed. */
  get isFinished(): boolean {
    return this.finished;
  }

  /** Whether the clinic's router is down now (it carries the cellular link too). */
  get isRouterDown(): boolean {
    return this.injector.isLanDown;
  }

  get clinicFigures(): ClinicFigures {
    return this.figures;
  }

  finalChecks(): void {
    checkClinicFinalState({
      devices: this.devices, leader: this.stableLeader(), history: this.history, safety: this.safety, ledger: this.ledger,
      visits: this.workload.allVisits(), figures: this.figures, trace: this.traceLog, nowMs: this.queue.nowMs,
    });
    checkSampleBounds(this.figures.samples(), this.options.profile.figureBounds);
  }

  /** The run's result, its figures tallied; `runaway` is the guard of the loop that ran the events. */
  result(violation: Violation | null, runaway: RunawayGuard): ClinicDayRunResult {
    this.minutes.tally(this.figures);
    this.figures.virtualMs = this.queue.nowMs;
    const { openingMs, sessionMs } = this.settings.timings;
    this.figures.openMs = Math.max(0, Math.min(this.queue.nowMs, sessionMs) - openingMs);
    this.figures.eventsProcessed = runaway.eventCount;
    this.figures.eventsPerVirtualSecondPeak.push(runaway.eventsPerVirtualSecondPeak);
    return { seed: this.options.seed, violation, figures: this.figures, trace: this.traceLog.text() };
  }

  // DeviceHost --------------------------------------------------------------------------------------

  tickJitterMs(): number {
    const jitterMs = this.injector.isHealed ? 0 : this.options.profile.tickJitterMs;
    return jitterMs === 0 ? 0 : this.random.clocks.nextInt(2 * jitterMs + 1) - jitterMs;
  }

  touched(device: SimulatedDevice): void {
    this.touchedDevices.add(device);
  }

  fail(error: unknown): void {
    this.failures.push(error);
  }

  trace(text: string): void {
    if (this.traceLog.enabled) this.traceLog.write(this.queue.nowMs, text);
  }

  persisted(device: SimulatedDevice, batch: PersistBatch, previousHardState: HardState): void {
    this.safety.persisted(device, batch, previousHardState);
    if (batch.hardState !== null) this.availability.termPersisted(batch.hardState.term);
    if (batch.snapshot !== null) {
      this.figures.snapshotsInstalled++;
      this.trace(`${device.id} installed snapshot ${batch.snapshot.index}/${batch.snapshot.term}`);
    }
  }

  compacted(device: SimulatedDevice, snapshot: Snapshot): void {
    this.figures.compactions++;
    this.trace(`${device.id} compacted its log to ${snapshot.index}/${snapshot.term}`);
  }

  reserveSpent(device: SimulatedDevice): void {
    this.figures.storageReservesSpent++;
    this.trace(`${device.id} released its storage reserve on a full disk`);
  }

  sending(device: SimulatedDevice, _to: NodeId, bytes: Uint8Array): void {
    if (!this.protocolRules && !this.traceLog.enabled) return;
    // The node encoded it a moment ago and the receiver validates it: a plain decode is enough here.
    const message = decode(bytes) as PeerMessage;
    if (message.type === 'holdWrites' || message.type === 'writesHeld') {
      // Safekeeping carries no Raft state: nothing about it must be durable first.
      if (this.traceLog.enabled) this.trace(`${device.id} -> ${message.type} #${message.requestId} to ${message.to}${message.type === 'holdWrites' ? ` (${message.writes.length} writes)` : ''}`);
      return;
    }
    this.safety.sending(device, message);
    if (this.traceLog.enabled) this.trace(`${device.id} -> ${describeMessage(message)}`);
  }

  applied(device: SimulatedDevice, chart: ChartStateMachine, logIndex: number, result: ApplyResult): void {
    const entry = device.storage.entryAt(logIndex);
    check(entry !== undefined, 'ready-contract', () => `${device.id} applied index ${logIndex}, which its disk does not hold`);
    this.safety.applied(device, entry, result.type);
    this.options.site?.extension.applied(device, entry, result);
    if (result.type === 'duplicate') return;
    const key = this.machineView.commandKey(entry);
    if (key === null) return;
    this.workload.applied(device, chart, String(key), logIndex, result);
    const pendingMs = this.ledger.appliedOnProposer(String(key), device.id, this.queue.nowMs);
    if (pendingMs !== null) this.figures.outboxDrainMs.push(pendingMs);
  }

  available(device: SimulatedDevice): void {
    this.workload.deviceAvailable(device);
  }

  wallClockMs(): number {
    return this.settings.workload.dayStartEpochMs + this.queue.nowMs;
  }

  get voterPolicy(): boolean {
    return this.options.voterPolicy === true;
  }

  /** A transfer the policy started is a leadership change the availability checks expect, as one the simulation asks for. */
  voterPolicyAction(device: SimulatedDevice, action: VoterPolicyAction, term: number): void {
    this.trace(`${device.id} voter policy in term ${term}: ${action.type} ${action.type === 'transferLeadership' ? action.to : action.nodeId} (${action.why})`);
    if (action.type === 'transferLeadership') {
      this.figures.policyLeadershipTransfers++;
      this.availability.transferRequested(device.id, term);
    } else {
      this.figures.policyMembershipChanges++;
    }
  }

  get boundsCompactionByCentral(): boolean {
    return this.options.site !== undefined;
  }

  nodeStarted(device: SimulatedDevice, node: ChartNode, clock: DeviceClock): void {
    this.options.site?.extension.nodeStarted(device, node, clock);
  }

  processEnded(device: SimulatedDevice): void {
    this.options.site?.extension.processEnded(device);
  }

  sharedPatient(): string | null {
    return this.options.site?.extension.sharedPatient() ?? null;
  }

  // WorkloadHost and FaultHost ------------------------------------------------------------------------

  afterAcknowledgement(device: SimulatedDevice): void {
    this.injector.afterAcknowledgement(device);
  }

  connectedToHealthyLeaderSince(deviceId: NodeId): number | null {
    return this.availability.connectedToHealthyLeaderSince(deviceId);
  }

  deviceLost(device: SimulatedDevice): void {
    this.workload.deviceLost(device);
  }

  /** The leader of the highest term among running devices whose storage works (a stopped core still says 'leader'). */
  currentLeader(): SimulatedDevice | null {
    let leader: SimulatedDevice | null = null;
    let term = -1;
    for (const device of this.devices) {
      const status = device.node?.status();
      if (status !== undefined && status.storageFailure === null && status.role === 'leader' && status.term > term) {
        leader = device;
        term = status.term;
      }
    }
    return leader;
  }

  // AvailabilityHost: every device is a voter (the clinic's membership is fixed); a device takes part while
  // it is up with its app running and its storage working. A stopped core still says 'leader': it does not
  // take part, so it is judged neither healthy nor cut off.

  deviceAvailability(): DeviceAvailability[] {
    const voters = this.devices.map((device) => device.id);
    return this.devices.map((device): DeviceAvailability => {
      const status = device.node?.status();
      if (status === undefined) {
        return { id: device.id, incarnation: device.incarnation, participating: false, role: null, term: device.storage.hardState.term, leaderId: null, voters };
      }
      const participating = device.condition === 'up' && status.storageFailure === null;
      return { id: device.id, incarnation: device.incarnation, participating, role: status.role, term: status.term, leaderId: status.leaderId, voters };
    });
  }

  linked(from: NodeId, to: NodeId): boolean {
    return this.network.linked(from, to);
  }

  // DeliveryTarget -------------------------------------------------------------------------------------

  deliverWhenAwake(to: NodeId, deliver: () => void): void {
    this.device(to).deliverWhenAwake(deliver);
  }

  // The run ---------------------------------------------------------------------------------------------

  private device(id: NodeId): SimulatedDevice {
    const device = this.devices.find((candidate) => candidate.id === id);
    check(device !== undefined, 'simulator-state', () => `no device ${id}`);
    return device;
  }

  private schedulePhases(): void {
    const { timings } = this.settings;
    for (const device of this.devices) {
      this.queue.schedule(this.random.clocks.nextInt(timings.bootSpreadMs), () => device.start());
    }
    this.queue.schedule(timings.openingMs, () => {
      this.workload.open();
      this.injector.start();
    });
    this.queue.schedule(timings.sessionMs, () => this.doorsClose());
  }

  /** Doors close, every fault heals; the visits still open are finished, under a deadline. */
  private doorsClose(): void {
    const { timings } = this.settings;
    this.trace(`end of the session: doors close with ${this.workload.openVisits} visits open`);
    this.workload.closeDoors();
    this.injector.heal();
    this.healedAtMs = this.queue.nowMs;
    this.closing = true;
    this.queue.scheduleAfter(timings.closingCheckIntervalMs, () => this.closingCheck());
    this.queue.scheduleAfter(timings.leaderAfterHealMsMax, () => check(this.leaderFoundAfterHeal, 'liveness-leader',
      () => `no leader followed by every device ${timings.leaderAfterHealMsMax}ms after healing: ${describeDevices(this.devices)}`));
    this.queue.scheduleAfter(timings.closingMsMax, () => check(!this.closing, 'liveness-closing',
      () => `${timings.closingMsMax}ms after healing the clinic is not done: ${this.workload.openVisits} visits open (${this.workload.describeOpenVisits()}); devices: ${describeDevices(this.devices)}`));
  }

  private closingCheck(): void {
    if (!this.closing) return;
    if (this.clinicDone()) {
      this.closing = false;
      this.trace(`the clinic is done and every device agrees; quiet for ${this.settings.timings.quietMs}ms`);
      this.queue.scheduleAfter(this.settings.timings.quietMs, () => {
        this.finished = true;
      });
      return;
    }
    this.queue.scheduleAfter(this.settings.timings.closingCheckIntervalMs, () => this.closingCheck());
  }

  /** Every visit done, every device up with an empty outbox, at the leader's commit index with its state. */
  private clinicDone(): boolean {
    if (this.workload.openVisits > 0) return false;
    const leader = this.stableLeader();
    if (leader === null) return false;
    const target = leader.node!.status();
    return this.devices.every((device) => {
      const status = device.node!.status();
      return status.pendingWrites === 0 && status.appliedIndex === target.commitIndex && status.stateHash === target.stateHash;
    });
  }

  /** A leader every device is up and following, in its term; null otherwise. */
  stableLeader(): SimulatedDevice | null {
    if (!this.devices.every((device) => device.isUsable)) return null;
    const leader = this.currentLeader();
    if (leader === null) return null;
    const status = leader.node!.status();
    const followed = this.devices.every((device) => {
      const other = device.node!.status();
      return other.term === status.term && other.leaderId === leader.id;
    });
    return followed ? leader : null;
  }

  private async runEvents(): Promise<void> {
    for (let event = this.queue.pop(); event !== undefined; event = this.queue.pop()) {
      this.runaway.count(this.queue.nowMs);
      event.run();
      await this.loseArmedPower();
      await settle();
      this.checkAfterEvent();
      if (this.finished) return;
    }
  }

  /** A battery death armed to land inside a device's work: after that many promise steps of it. */
  async loseArmedPower(): Promise<void> {
    for (const device of this.touchedDevices) {
      const steps = this.injector.takeArmed(device);
      if (steps === null) continue;
      for (let step = 0; step < steps; step++) await Promise.resolve();
      this.injector.loseArmedPower(device);
    }
  }

  private throwIfFailed(): void {
    if (this.failures.length > 0) throw this.failures[0];
  }

  /** Status checks on every device the event touched; then the workload sees what they now show. */
  private afterEvent(): void {
    const touched = [...this.touchedDevices];
    this.touchedDevices.clear();
    for (const device of touched) this.observe(device);
    if (this.healedAtMs !== null && !this.leaderFoundAfterHeal && this.stableLeader() !== null) {
      this.leaderFoundAfterHeal = true;
      this.figures.leaderAfterHealMs.push(this.queue.nowMs - this.healedAtMs);
    }
    this.availability.afterEvent(this.queue.nowMs);
    // A failover is timed only while someone could win an election (the injector also looks every decision).
    if (this.failover.timing && !this.availability.electionPossible()) this.failover.abandon('no device reaches a quorum of the clinic');
  }

  private observe(device: SimulatedDevice): void {
    const node = device.node;
    if (node === null) return;
    const status = node.status();
    const previous = this.observations.get(device.id);
    this.safety.observed(device, previous, status);
    const recorded = this.history.appliedAt(status.appliedIndex);
    check(recorded === undefined || recorded.stateHash === status.stateHash, 'state-divergence',
      () => `${device.id} shows chart ${status.stateHash} at applied index ${status.appliedIndex}, but applying the log there gave ${recorded?.stateHash} (${recorded?.witness})`);
    this.observations.set(device.id, { status, incarnation: device.incarnation });
    const sameProcess = previous !== undefined && previous.incarnation === device.incarnation;
    if (status.storageFailure !== null && (!sameProcess || previous.status.storageFailure === null)) {
      this.trace(`${device.id} stopped: storage ${status.storageFailure}`);
      const term = previous?.status.term ?? 0;
      const stillCurrent = this.devices.every((other) => (other.node?.status().term ?? 0) <= term);
      if (sameProcess && previous.status.role === 'leader' && stillCurrent && !this.injector.isLanDown) this.failover.leaderRemoved(device.id, term, 'its storage failing');
    }
    const ledBefore = sameProcess && previous.status.role === 'leader' && previous.status.term === status.term;
    if (status.role === 'leader' && !ledBefore) {
      this.figures.elections++;
      this.failover.leaderElected(device.id, status.term);
      this.trace(`${device.id} leads term ${status.term} (commit ${status.commitIndex})`);
    }
    if (!sameProcess || previous.status.appliedIndex !== status.appliedIndex) this.workload.deviceAdvanced(device);
  }
}
