// One clinic device in the simulation: durable storage that survives a crash, and the volatile part a crash
// loses (the Raft core and the state machine). It is the driver: after every input it drains the core's
// Readys (persist, send, apply, advance), then compacts when the log is long.
import type { Raft, RaftStatus } from '../../../leader-worker/src/raft/raft.js';
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type {
  Entry, HardState, MembershipChange, Message, NodeId, ProposeResult, RaftLimits, ReadState, Ready, RequestResult, Snapshot,
} from '../../../leader-worker/src/raft/types.js';
import type { EventQueue } from '../engine/event-queue.js';
import type { Trace } from '../engine/trace.js';
import { check, simulatorAssert } from '../engine/violation.js';
import type { DriverOrder, RaftFactory } from './core-factory.js';
import { describeMessage } from '../../../leader-worker/src/raft/describe-message.js';
import { describeReady } from './describe.js';
import { handleReadies, type SynchronousReadySteps } from '../../../leader-worker/src/raft/ready-loop.js';
import type { DurableStorage } from './durable-storage.js';
import type { RaftFigures } from './figures.js';
import type { RunTimings, SimulatorLimits } from './settings.js';
import { ClientSessionStateMachine, type ApplyOutcome } from './state-machine.js';

/** `retired`: removed from the cluster for good, storage wiped. */
export type NodeCondition = 'up' | 'paused' | 'crashed' | 'retired';

/** The invariant checkers' view of a driver at work. Each hook runs at the moment the driver does that step. */
export interface NodeObserver {
  /** The Ready's snapshot, entries and hard state are durable now. */
  persisted(node: SimulatedNode, ready: Ready, previousHardState: HardState): void;
  /** A message is leaving the node (the network may still lose it). */
  sending(node: SimulatedNode, message: Message): void;
  /** The state machine was rebuilt from a snapshot (an installed one, or the node's own on restart). */
  snapshotRestored(node: SimulatedNode, snapshot: Snapshot): void;
  applied(node: SimulatedNode, entry: Entry, outcome: ApplyOutcome): void;
  readStateReceived(node: SimulatedNode, readState: ReadState): void;
}

/** What every node shares: the clock, the network, the checkers and the core under test. */
export interface NodeContext {
  readonly queue: EventQueue;
  readonly trace: Trace;
  readonly figures: RaftFigures;
  readonly observer: NodeObserver;
  readonly createRaft: RaftFactory;
  readonly driverOrder: DriverOrder;
  readonly timings: RunTimings;
  readonly limits: SimulatorLimits;
  readonly raftLimits: Partial<RaftLimits>;
  send(message: Message): void;
  /** The node called into its core during the current event: observe it afterwards. */
  touched(node: SimulatedNode): void;
  /** Whether the device loses power while handling a Ready: after which of `steps` steps, or null. */
  powerLossDuringReady(node: SimulatedNode, steps: number): number | null;
}

/** `powerLost`: the device crashed in the middle of a Ready and is now down. */
type ReadyOutcome = 'handled' | 'powerLost';

/** Persist, send, apply: the steps of one Ready the power may go after. */
const readyStepCount = 3;

/** Thrown from a Ready step to end the loop where the power went; caught by drainReadys, never beyond. */
class PowerLostMidReady extends Error {
  constructor(readonly step: number) {
    super(`power lost after step ${step} of the Ready`);
  }
}

export class SimulatedNode {
  private conditionNow: NodeCondition = 'crashed';
  private raft: Raft | null = null;
  private machine: ClientSessionStateMachine | null = null;
  /** Invariant: while up, appliedIndex is the index of the last entry the state machine reflects. */
  private applied = 0;
  private incarnationCount = 0;
  private heldMessages: Message[] = [];

  constructor(
    readonly id: NodeId,
    readonly storage: DurableStorage,
    private readonly random: SeededRandom,
    private readonly context: NodeContext,
  ) {}

  get condition(): NodeCondition {
    return this.conditionNow;
  }

  get isUp(): boolean {
    return this.conditionNow === 'up';
  }

  /** Running, whether or not paused: the volatile state exists. */
  get isRunning(): boolean {
    return this.conditionNow === 'up' || this.conditionNow === 'paused';
  }

  get appliedIndex(): number {
    return this.applied;
  }

  /** Starts of this node's process, counting restarts. */
  get incarnation(): number {
    return this.incarnationCount;
  }

  stateMachine(): ClientSessionStateMachine {
    simulatorAssert(this.machine !== null, `${this.id} has no state machine while ${this.conditionNow}`);
    return this.machine;
  }

  stateHash(): string {
    return this.stateMachine().stateHash();
  }

  status(): RaftStatus {
    return this.core().status();
  }

  /** Boots (or reboots) from durable storage: state machine from the snapshot, then the core replays. */
  start(): void {
    simulatorAssert(this.conditionNow === 'crashed', `${this.id} started while ${this.conditionNow}`);
    this.incarnationCount++;
    const persisted = this.storage.persistedState();
    this.machine = ClientSessionStateMachine.restore(persisted.snapshot.data);
    this.applied = persisted.snapshot.index;
    this.raft = this.context.createRaft(
      {
        id: this.id,
        electionTimeoutTicks: this.context.timings.electionTimeoutTicks,
        heartbeatIntervalTicks: this.context.timings.heartbeatIntervalTicks,
        random: this.random.fork(),
        limits: this.context.raftLimits,
      },
      persisted,
    );
    this.conditionNow = 'up';
    this.context.observer.snapshotRestored(this, persisted.snapshot);
    this.traceLine(`start #${this.incarnationCount} from snapshot ${persisted.snapshot.index}/${persisted.snapshot.term}, ${persisted.entries.length} entries, hard t${persisted.hardState.term}/vote=${persisted.hardState.votedFor ?? '-'}/commit=${persisted.hardState.commitIndex}`);
    this.afterCoreCall();
  }

  /** Loses everything volatile; storage stays as it was after the last persisted Ready. */
  crash(): void {
    simulatorAssert(this.isRunning, `${this.id} crashed while ${this.conditionNow}`);
    this.raft = null;
    this.machine = null;
    this.heldMessages = [];
    this.conditionNow = 'crashed';
    this.traceLine('crash');
  }

  /** A frozen tab: no ticks, no delivery; messages pile up until resume. */
  pause(): void {
    simulatorAssert(this.conditionNow === 'up', `${this.id} paused while ${this.conditionNow}`);
    this.conditionNow = 'paused';
    this.traceLine('pause');
  }

  /** Thaws, then takes the held messages in one burst, each lost with `dropProbability`. */
  resume(dropProbability: number, random: SeededRandom): void {
    simulatorAssert(this.conditionNow === 'paused', `${this.id} resumed while ${this.conditionNow}`);
    this.conditionNow = 'up';
    const burst = this.heldMessages;
    this.heldMessages = [];
    this.traceLine(`resume with ${burst.length} held messages`);
    const core = this.core();
    for (const message of burst) {
      if (random.chance(dropProbability)) {
        this.context.figures.heldMessagesDroppedOnResume++;
        continue;
      }
      this.traceLine(`<- ${describeMessage(message)} (held)`);
      core.step(message);
    }
    this.afterCoreCall();
  }

  /** Removed from the cluster: the device is wiped and never comes back. */
  retire(): void {
    this.raft = null;
    this.machine = null;
    this.heldMessages = [];
    this.conditionNow = 'retired';
    this.traceLine('retired: storage wiped');
  }

  tick(): void {
    if (!this.isUp) return;
    this.core().tick();
    this.afterCoreCall();
  }

  receive(message: Message): void {
    if (this.conditionNow === 'paused') return this.hold(message);
    if (!this.isUp) {
      this.context.figures.messagesToDownNodes++;
      this.traceLine(`<- ${describeMessage(message)} (dropped: ${this.conditionNow})`);
      return;
    }
    this.traceLine(`<- ${describeMessage(message)}`);
    this.core().step(message);
    this.afterCoreCall();
  }

  propose(commands: readonly Uint8Array[]): ProposeResult {
    const result = this.core().propose(commands);
    this.afterCoreCall();
    return result;
  }

  proposeMembershipChange(change: MembershipChange): ProposeResult {
    const result = this.core().proposeMembershipChange(change);
    this.afterCoreCall();
    return result;
  }

  transferLeadership(target: NodeId): RequestResult {
    const result = this.core().transferLeadership(target);
    this.afterCoreCall();
    return result;
  }

  readIndex(readContext: string): RequestResult {
    const result = this.core().readIndex(readContext);
    this.afterCoreCall();
    return result;
  }

  private core(): Raft {
    simulatorAssert(this.raft !== null, `${this.id} has no core while ${this.conditionNow}`);
    return this.raft;
  }

  private hold(message: Message): void {
    if (this.heldMessages.length >= this.context.limits.heldMessagesPerPausedNodeMax) {
      this.traceLine(`<- ${describeMessage(message)} (dropped: paused, hold buffer full)`);
      return;
    }
    this.traceLine(`<- ${describeMessage(message)} (held: paused)`);
    this.context.figures.messagesHeldWhilePaused++;
    this.heldMessages.push(message);
  }

  private afterCoreCall(): void {
    this.context.touched(this);
    if (this.drainReadys() === 'powerLost') return;
    this.compactIfLong();
  }

  private drainReadys(): ReadyOutcome {
    const core = this.core();
    let round = 0;
    try {
      handleReadies(core, this.readySteps, () => {
        if (core.hasReady()) {
          check(round < this.context.limits.readyRoundsPerEventMax, 'livelock', () => `${this.id} still has a Ready after ${round} rounds in one event`);
        }
        round++;
        return true;
      });
    } catch (error) {
      if (!(error instanceof PowerLostMidReady)) throw error;
      this.traceLine(`power lost after step ${error.step} of the Ready`);
      this.crash();
      return 'powerLost';
    }
    return 'handled';
  }

  /**
   * The Ready contract through the one Ready loop every driver uses: persist, send, apply — or, for the broken
   * driver, send first. The device may lose power after any of the three steps: whatever was done by then is
   * what survives (the loop stops there, and the core is never advanced past that Ready).
   */
  private readonly readySteps: SynchronousReadySteps = {
    persist: (ready) => {
      if (this.context.trace.enabled) this.traceLine(`ready ${describeReady(ready)}`);
      this.readyStepsDone = 0;
      this.powerLossAfterStep = this.context.powerLossDuringReady(this, readyStepCount);
      if (this.context.driverOrder === 'sendBeforePersist') {
        this.sendAll(ready.messages);
        this.readyStepDone();
      }
      this.persist(ready);
      this.readyStepDone();
      return undefined;
    },
    send: (messages) => {
      if (this.context.driverOrder === 'sendBeforePersist') return;
      this.sendAll(messages);
      this.readyStepDone();
    },
    apply: (ready) => {
      this.applyReady(ready);
      this.readyStepDone();
    },
  };
  /** Steps of the Ready being handled done so far, and the one after which the power goes (null: it stays). */
  private readyStepsDone = 0;
  private powerLossAfterStep: number | null = null;

  private readyStepDone(): void {
    this.readyStepsDone++;
    if (this.powerLossAfterStep === this.readyStepsDone) throw new PowerLostMidReady(this.readyStepsDone);
  }

  private applyReady(ready: Ready): void {
    if (ready.snapshot !== null) this.restoreSnapshot(ready.snapshot);
    for (const entry of ready.committedEntries) this.apply(entry);
    for (const readState of ready.readStates) this.context.observer.readStateReceived(this, readState);
  }

  private persist(ready: Ready): void {
    const previousHardState = this.storage.hardState;
    if (ready.snapshot !== null) this.storage.installSnapshot(ready.snapshot);
    this.storage.appendEntries(ready.entries);
    if (ready.hardState !== null) this.storage.saveHardState(ready.hardState);
    this.context.observer.persisted(this, ready, previousHardState);
  }

  private sendAll(messages: readonly Message[]): void {
    for (const message of messages) {
      this.context.observer.sending(this, message);
      this.context.send(message);
    }
  }

  private restoreSnapshot(snapshot: Snapshot): void {
    check(snapshot.index >= this.applied, 'applied-regression',
      () => `${this.id} was handed snapshot ${snapshot.index}/${snapshot.term} below its applied index ${this.applied}`);
    this.machine = ClientSessionStateMachine.restore(snapshot.data);
    this.applied = snapshot.index;
    this.context.figures.snapshotsInstalled++;
    this.context.observer.snapshotRestored(this, snapshot);
  }

  private apply(entry: Entry): void {
    check(entry.index === this.applied + 1, 'ready-contract',
      () => `${this.id} was handed committed entry ${entry.index} after applying ${this.applied}`);
    const outcome = this.stateMachine().apply(entry);
    this.applied = entry.index;
    this.context.observer.applied(this, entry, outcome);
  }

  /** Snapshots at the applied index (the only state the machine can serialize) once the log is long. */
  private compactIfLong(): void {
    if (this.storage.entryCount <= this.context.limits.logEntriesBeforeCompactionMax) return;
    if (this.applied <= this.storage.snapshot.index) return;
    const snapshot = this.core().compact(this.applied, this.stateMachine().serialize());
    this.storage.compact(snapshot);
    this.context.figures.compactions++;
    this.traceLine(`compact to ${snapshot.index}/${snapshot.term}`);
    this.drainReadys();
  }

  private traceLine(text: string): void {
    if (this.context.trace.enabled) this.context.trace.write(this.context.queue.nowMs, `${this.id} ${text}`);
  }
}
