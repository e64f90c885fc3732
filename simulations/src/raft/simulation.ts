// One seeded run of the raft scenario: builds the clinic (nodes, network, clients, faults, checkers) on one
// virtual clock, runs the fault phase, heals, runs the quiet window, then gives the verdict. Every random
// choice comes from one SeededRandom, forked per subsystem so a new draw in one does not shift the others.
import { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { Entry, HardState, Message, NodeId, ReadState, Ready, Snapshot } from '../../../leader-worker/src/raft/types.js';
import { EventQueue } from '../engine/event-queue.js';
import { checkSampleBounds } from '../engine/figure-bounds.js';
import { RunawayGuard } from '../engine/runaway-guard.js';
import { Trace } from '../engine/trace.js';
import { classifyFailure, simulatorAssert, type Violation } from '../engine/violation.js';
import { Cluster } from './cluster.js';
import { commandKey } from './command-codec.js';
import { createRaft, type DriverOrder, type RaftFactory } from './core-factory.js';
import { FailoverTracker } from './failover-tracker.js';
import { FaultInjector } from './fault-injector.js';
import type { FaultProfile } from './fault-profiles.js';
import { RaftFigures } from './figures.js';
import { AcknowledgementLedger } from './invariants/acknowledgement-ledger.js';
import { AvailabilityChecker, type AvailabilityHost, type DeviceAvailability } from './invariants/availability-checker.js';
import { checkFinalState } from './invariants/final-checks.js';
import { LivenessChecker } from './invariants/liveness-checker.js';
import { LogHistory } from './invariants/log-history.js';
import { ReadChecker } from './invariants/read-checker.js';
import { SafetyChecker } from './invariants/safety-checker.js';
import { MembershipChurn, type ChurnHost } from './membership-churn.js';
import { Network } from './network.js';
import { ReadWorkload } from './read-workload.js';
import { defaultRunSettings, type RunSettings } from './settings.js';
import type { NodeObserver, SimulatedNode } from './simulated-node.js';
import { clientSessionMachineView, type ApplyOutcome } from './state-machine.js';
import { Workload } from './workload.js';

export interface RaftRunOptions {
  readonly seed: number;
  readonly nodeCount: number;
  readonly profile: FaultProfile;
  readonly trace: boolean;
  /** The core under test; tests inject broken subclasses. */
  readonly createRaft?: RaftFactory;
  readonly driverOrder?: DriverOrder;
  readonly settings?: RunSettings;
  /** Check the protocol's step rules as well as the end-to-end properties (default true); see SafetyChecker. */
  readonly protocolRuleChecks?: boolean;
}

export interface RaftRunResult {
  readonly seed: number;
  readonly violation: Violation | null;
  readonly figures: RaftFigures;
  readonly trace: string;
}

export function runRaftSimulation(options: RaftRunOptions): RaftRunResult {
  return new RaftSimulation(options).run();
}

/** Independent random streams, forked from the seed in a fixed order. */
interface RandomStreams {
  readonly network: SeededRandom;
  readonly faults: SeededRandom;
  readonly workload: SeededRandom;
  readonly reads: SeededRandom;
  readonly ticks: SeededRandom;
  readonly cores: SeededRandom;
  readonly churn: SeededRandom;
  readonly leaderFaults: SeededRandom;
  readonly powerLoss: SeededRandom;
}

function forkStreams(seed: number): RandomStreams {
  const root = new SeededRandom(seed);
  return {
    network: root.fork(), faults: root.fork(), workload: root.fork(), reads: root.fork(),
    ticks: root.fork(), cores: root.fork(), churn: root.fork(), leaderFaults: root.fork(), powerLoss: root.fork(),
  };
}

class RaftSimulation implements NodeObserver, ChurnHost, AvailabilityHost {
  private readonly settings: RunSettings;
  private readonly random: RandomStreams;
  private readonly queue = new EventQueue();
  private readonly trace: Trace;
  private readonly figures = new RaftFigures();
  private readonly history = new LogHistory();
  private readonly ledger = new AcknowledgementLedger();
  private readonly safety: SafetyChecker;
  private readonly reads: ReadChecker;
  private readonly cluster: Cluster;
  private readonly network: Network;
  private readonly workload: Workload;
  private readonly readWorkload: ReadWorkload;
  private readonly churn: MembershipChurn;
  private readonly failover: FailoverTracker;
  private readonly injector: FaultInjector;
  private readonly liveness: LivenessChecker;
  private readonly availability: AvailabilityChecker;
  private readonly touchedNodes = new Set<SimulatedNode>();
  private readonly runaway: RunawayGuard;
  private finished = false;

  constructor(private readonly options: RaftRunOptions) {
    this.settings = options.settings ?? defaultRunSettings;
    const { timings, workload, limits } = this.settings;
    this.random = forkStreams(options.seed);
    this.runaway = new RunawayGuard(limits);
    this.trace = new Trace(options.trace);
    this.safety = new SafetyChecker(this.history, this.queue, options.protocolRuleChecks ?? true, clientSessionMachineView);
    this.reads = new ReadChecker(this.ledger, this.queue, this.trace, this.figures);
    this.cluster = new Cluster(
      {
        queue: this.queue, trace: this.trace, figures: this.figures, observer: this,
        createRaft: options.createRaft ?? createRaft, driverOrder: options.driverOrder ?? 'persistThenSend',
        timings, limits, raftLimits: options.profile.raftLimits,
        send: (message) => this.network.send(message),
        touched: (node) => this.touchedNodes.add(node),
        powerLossDuringReady: (node, steps) => this.injector.powerLossDuringReady(node, steps),
      },
      this.random.cores,
    );
    this.network = new Network(this.queue, this.random.network, this.trace, this.figures, this.cluster, options.profile.network);
    this.workload = new Workload(this.queue, this.random.workload, this.trace, this.figures, workload, this.ledger,
      (clientId, seq) => this.safety.appliedIndexOf(commandKey(clientId, seq)), this.cluster,
      (nodeId) => this.availability.connectedToHealthyLeaderSince(nodeId));
    this.readWorkload = new ReadWorkload(this.queue, this.random.reads, this.trace, this.figures, workload, this.cluster, this.reads);
    this.churn = new MembershipChurn(this.queue, this.random.churn, this.trace, this.figures, this.cluster, this, {
      votersMax: options.nodeCount,
      learnerCatchUpLagEntriesMax: limits.learnerCatchUpLagEntriesMax,
      concurrentChangeProbability: options.profile.concurrentMembershipChangeProbability,
    });
    this.failover = new FailoverTracker(this.queue, this.trace, this.figures, timings.tickIntervalMs);
    this.injector = new FaultInjector(this.queue, { decisions: this.random.faults, leaderFaults: this.random.leaderFaults, powerLoss: this.random.powerLoss },
      this.trace, this.figures, options.profile, this.cluster, this.network, this.failover, this.churn,
      (leaderId, term) => this.availability.transferRequested(leaderId, term));
    this.liveness = new LivenessChecker(this.queue, this.trace, this.figures, timings, this.cluster, this.workload);
    this.availability = new AvailabilityChecker(this, this.figures, limits, timings.electionTimeoutTicks * timings.tickIntervalMs,
      this.trace.enabled ? (text) => this.trace.write(this.queue.nowMs, text) : null);
  }

  run(): RaftRunResult {
    let violation: Violation | null = null;
    try {
      this.schedulePhases();
      this.runEvents();
      checkFinalState(this.cluster, this.history, this.ledger, this.figures, this.trace, this.queue.nowMs);
      checkSampleBounds(this.figures.samples(), this.options.profile.figureBounds);
    } catch (error) {
      violation = classifyFailure(error, this.queue.nowMs);
      this.trace.write(this.queue.nowMs, `VIOLATION ${violation.invariant}: ${violation.message}`);
    }
    this.figures.virtualMs = this.queue.nowMs;
    this.figures.eventsProcessed = this.runaway.eventCount;
    this.figures.eventsPerVirtualSecondPeak.push(this.runaway.eventsPerVirtualSecondPeak);
    return { seed: this.options.seed, violation, figures: this.figures, trace: this.trace.text() };
  }

  // NodeObserver: every driver step goes to the checkers first, then to whoever acts on it.

  persisted(node: SimulatedNode, ready: Ready, previousHardState: HardState): void {
    this.safety.persisted(node, ready, previousHardState);
    if (ready.hardState !== null) this.availability.termPersisted(ready.hardState.term);
  }

  sending(node: SimulatedNode, message: Message): void {
    this.safety.sending(node, message);
  }

  snapshotRestored(node: SimulatedNode, snapshot: Snapshot): void {
    this.safety.snapshotRestored(node, snapshot);
    this.workload.catchUp(node);
  }

  applied(node: SimulatedNode, entry: Entry, outcome: ApplyOutcome): void {
    this.safety.applied(node, entry, outcome);
    this.workload.applied(node, entry);
    this.reads.applied(node);
    this.churn.committed(entry);
  }

  readStateReceived(node: SimulatedNode, readState: ReadState): void {
    this.reads.readStateReceived(node, readState);
  }

  // ChurnHost: devices that join and leave bring their clinician (client) with them.

  addJoiningNode(): SimulatedNode {
    const node = this.cluster.createNode({ voters: [], learners: [] });
    node.start();
    this.scheduleTicks(node, this.settings.timings.tickIntervalMs);
    this.workload.addClient(clientIdOf(node.id), node.id);
    return node;
  }

  retireNode(node: SimulatedNode): void {
    this.cluster.retire(node);
    this.figures.nodesRetired++;
    const candidates = this.cluster.active();
    const home = candidates[this.random.churn.nextInt(Math.max(1, candidates.length))];
    if (home === undefined) return;
    this.workload.rehome(node.id, home.id);
    if (home.isRunning) this.workload.catchUp(home);
  }

  membershipChangeAppended(leader: SimulatedNode, joining: readonly NodeId[]): void {
    this.injector.membershipChangeAppended(leader, joining);
  }

  // AvailabilityHost: a paused or crashed node takes no part; a crashed one comes back in its durable term.

  deviceAvailability(): DeviceAvailability[] {
    return this.cluster.active().map((node): DeviceAvailability => {
      if (!node.isRunning) {
        return { id: node.id, incarnation: node.incarnation, participating: false, role: null, term: node.storage.hardState.term, leaderId: null, voters: [] };
      }
      // A core changes only when called, and every node called in this event was observed just before: the
      // last observation of this process is its status now (asking the core again costs every event).
      const observed = this.cluster.observation(node.id);
      const status = observed !== undefined && observed.incarnation === node.incarnation ? observed.status : node.status();
      return {
        id: node.id, incarnation: node.incarnation, participating: node.isUp, role: status.role, term: status.term, leaderId: status.leaderId,
        voters: status.membership.voters,
      };
    });
  }

  linked(from: NodeId, to: NodeId): boolean {
    return this.network.canReach(from, to);
  }

  private schedulePhases(): void {
    const { timings } = this.settings;
    this.queue.schedule(0, () => this.bootCluster());
    this.queue.schedule(timings.faultPhaseMs, () => this.heal());
    this.queue.schedule(timings.faultPhaseMs + timings.quietWindowMs, () => {
      this.finished = true;
    });
  }

  private bootCluster(): void {
    const voters = Array.from({ length: this.options.nodeCount }, (_, position) => `n${position + 1}`);
    for (const id of voters) {
      const node = this.cluster.createNode({ voters, learners: [] });
      simulatorAssert(node.id === id, `created ${node.id}, expected ${id}`);
      node.start();
      this.scheduleTicks(node, 1 + this.random.ticks.nextInt(this.settings.timings.tickIntervalMs));
      this.workload.addClient(clientIdOf(id), id);
    }
    this.readWorkload.start();
    this.injector.start();
  }

  private heal(): void {
    this.injector.heal();
    this.workload.stopGenerating();
    this.liveness.healed();
    this.finishJoins();
  }

  /** After healing nothing new changes membership, but a device halfway through joining completes. */
  private finishJoins(): void {
    if (!this.churn.joinInProgress) return;
    this.churn.step(false);
    this.queue.scheduleAfter(this.settings.timings.tickIntervalMs * 5, () => this.finishJoins());
  }

  private scheduleTicks(node: SimulatedNode, firstDelayMs: number): void {
    this.queue.scheduleAfter(firstDelayMs, () => this.tick(node));
  }

  private tick(node: SimulatedNode): void {
    if (node.condition === 'retired') return;
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, `${node.id} tick${node.isUp ? '' : ` (${node.condition}: skipped)`}`);
    node.tick();
    const { tickIntervalMs } = this.settings.timings;
    const jitterMs = this.injector.isHealed ? 0 : this.options.profile.tickJitterMs;
    const intervalMs = tickIntervalMs - jitterMs + this.random.ticks.nextInt(2 * jitterMs + 1);
    this.scheduleTicks(node, intervalMs);
  }

  private runEvents(): void {
    for (let event = this.queue.pop(); event !== undefined; event = this.queue.pop()) {
      this.runaway.count(this.queue.nowMs);
      event.run();
      this.afterEvent();
      if (this.finished) return;
    }
  }

  /** Status checks on every node the event touched, then the liveness clocks. */
  private afterEvent(): void {
    for (const node of this.touchedNodes) {
      if (node.isRunning) this.observe(node);
    }
    this.touchedNodes.clear();
    this.liveness.afterEvent();
    this.availability.afterEvent(this.queue.nowMs);
    // A failover is timed only while someone could win an election (see FailoverTracker).
    if (this.failover.timing && !this.availability.electionPossible()) this.failover.abandon('no node reaches a quorum of its voters');
  }

  private observe(node: SimulatedNode): void {
    const { previous, current } = this.cluster.observe(node);
    this.safety.observed(node, previous, current.status);
    const status = current.status;
    const changed = previous === undefined || previous.incarnation !== current.incarnation
      || previous.status.role !== status.role || previous.status.term !== status.term || previous.status.leaderId !== status.leaderId;
    if (!changed) return;
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, `${node.id} is ${status.role} t${status.term} leader=${status.leaderId ?? '-'} commit=${status.commitIndex}`);
    const leaderBefore = previous !== undefined && previous.incarnation === current.incarnation
      && previous.status.role === 'leader' && previous.status.term === status.term;
    if (status.role === 'leader' && !leaderBefore) {
      this.figures.elections++;
      this.failover.leaderElected(node.id, status.term);
      this.injector.leaderElected(node);
    }
  }
}

/** n7 -> client 7: one clinician per device. */
function clientIdOf(nodeId: string): number {
  return Number(nodeId.slice(1));
}
