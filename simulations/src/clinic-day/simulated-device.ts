// One clinic device: a real ClinicNode (Raft core, chart state machine, outbox) on a MemoryDisk that survives
// its crashes, joined to the clinic network, with timers on the virtual clock. The device owns the life
// cycle faults act on (boot, sleep and wake, power loss, a clean restart, a full disk) and mirrors what its
// disk durably holds, so the checkers can tell what a crash may and may not take away.
import type { DevicePower, VoterPolicyAction } from '../../../leader-worker/src/voter-policy/voter-policy-decisions.js';
import type { ApplyResult, ChartStateMachine } from '../../../leader-worker/src/chart/index.js';
import { ClinicNode, type ClinicNodeTiming } from '../../../leader-worker/src/node/clinic-node.js';
import { identityKey } from '../../../leader-worker/src/node/replicated-state-machine.js';
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { HardState, NodeId, PersistedState, Snapshot } from '../../../leader-worker/src/raft/types.js';
import { MemoryDisk } from '../../../leader-worker/src/storage/memory-disk.js';
import { MemoryStateCache } from '../../../leader-worker/src/storage/memory-state-cache.js';
import type { StorageReserve } from '../../../leader-worker/src/storage/storage-reserve.js';
import type { OutboxItem } from '../../../leader-worker/src/storage/outbox-storage.js';
import type { PersistBatch, StoredRaftState } from '../../../leader-worker/src/storage/raft-storage.js';
import type { EventQueue } from '../engine/event-queue.js';
import { check } from '../engine/violation.js';
import { DurableStorage } from '../raft/durable-storage.js';
import type { CheckedNode } from '../raft/invariants/safety-checker.js';
import type { DeviceClock } from './device-clock.js';
import type { DeviceStorageFactory } from './device-factory.js';
import type { DeviceWiring } from './device-wiring.js';
import { durableImage, imageAfter } from './durable-image.js';
import { ObservedChart, observedChartMachines } from './observed-chart.js';
import { ObservedOutboxStorage, ObservedRaftStorage, ObservedTransport, type DeviceIoWatcher, type RaftWrite } from './observed-device-io.js';
import type { ClinicNetwork } from './clinic-network.js';

/** `starting` and `stopping`: the app is loading or shutting down; nobody can use it. */
export type DeviceCondition = 'off' | 'starting' | 'up' | 'asleep' | 'stopping';

export type ChartNode = ClinicNode<ApplyResult>;

/** What a device reports to, and needs from, the simulation. */
export interface DeviceHost {
  readonly queue: EventQueue;
  readonly network: ClinicNetwork;
  readonly storageFactory: DeviceStorageFactory;
  readonly wiring: DeviceWiring;
  readonly nodeTiming: Partial<ClinicNodeTiming>;
  readonly clinicId: string;
  readonly initialState: PersistedState;
  /** The node runs beside a link to central: its log is never compacted past central's acknowledgement (as the Worker starts it). */
  readonly boundsCompactionByCentral: boolean;
  /** The leader runs the voter policy (voter-policy/). */
  readonly voterPolicy: boolean;
  /** The policy took a step on this device, leading `term`. */
  voterPolicyAction(device: SimulatedDevice, action: VoterPolicyAction, term: number): void;
  /** The devices' wall clock: the clinic day's date and time now (what a leader stamps on entries). */
  wallClockMs(): number;
  tickJitterMs(): number;
  /** The device did work in the current event: observe it afterwards. */
  touched(device: SimulatedDevice): void;
  /** A check failed or something threw inside the node's asynchronous work: the run fails after this event. */
  fail(error: unknown): void;
  trace(text: string): void;
  /** Hooks for the checkers; each runs at the moment the node does that step. */
  persisted(device: SimulatedDevice, batch: PersistBatch, previousHardState: HardState): void;
  compacted(device: SimulatedDevice, snapshot: Snapshot): void;
  /** The node released its storage reserve to go on writing on a full disk. */
  reserveSpent(device: SimulatedDevice): void;
  sending(device: SimulatedDevice, to: NodeId, bytes: Uint8Array): void;
  /** The device's state machine applied the entry at `logIndex` (also while replaying its log at start). */
  applied(device: SimulatedDevice, chart: ChartStateMachine, logIndex: number, result: ApplyResult): void;
  /** The device is usable again (its new process runs, or it woke): the clinician may carry on. */
  available(device: SimulatedDevice): void;
  /** A process's node has started, on `clock` (what runs beside the node starts here). */
  nodeStarted(device: SimulatedDevice, node: ChartNode, clock: DeviceClock): void;
  /** The process ended (power loss, restart): what ran beside it stops. */
  processEnded(device: SimulatedDevice): void;
}

/** What a crash or stop left, for the check at the next start. */
interface ExpectedDisk {
  readonly raft: DurableStorage;
  readonly raftInFlight: RaftWrite | null;
  readonly outbox: ReadonlyMap<string, OutboxItem>;
  readonly outboxRemovalsInFlight: ReadonlySet<string>;
}

export class SimulatedDevice implements CheckedNode {
  readonly disk = new MemoryDisk();
  /** A cache, like the device's localforage: it outlives crashes and may be stale. */
  private readonly stateCache = new MemoryStateCache();
  private conditionNow: DeviceCondition = 'off';
  private incarnationCount = 0;
  /** Bumped when a process starts and when it ends: hooks of any other generation are a dead process's. */
  private generation = 0;
  private nodeNow: ChartNode | null = null;
  /** The machine that last applied an entry while no node was running yet (the replay at start). */
  private machineNow: ObservedChart | null = null;
  private clock: DeviceClock | null = null;
  private raftStorage: ObservedRaftStorage | null = null;
  private outboxStorage: ObservedOutboxStorage | null = null;
  /** What the disk durably holds, as the storage acknowledged it; rebuilt from the disk at every start. */
  private mirror: DurableStorage;
  /** Outbox items the storage acknowledged as stored and has not removed, by `client#sequence`. */
  private outboxDurable = new Map<string, OutboxItem>();
  /** Keys of every outbox item the storage ever acknowledged (items leave once applied), over all incarnations. */
  private readonly outboxEverStored = new Set<string>();
  private expectedAtStart: ExpectedDisk | null = null;
  private heldDeliveries: (() => void)[] = [];
  private diskFullNow = false;

  constructor(
    readonly id: NodeId,
    private readonly random: SeededRandom,
    private readonly host: DeviceHost,
  ) {
    this.mirror = new DurableStorage(host.initialState);
  }

  get condition(): DeviceCondition {
    return this.conditionNow;
  }

  /** Powered, awake and the app running: a clinician can use it. */
  get isUsable(): boolean {
    return this.conditionNow === 'up' && this.nodeNow !== null;
  }

  get incarnation(): number {
    return this.incarnationCount;
  }

  get storage(): DurableStorage {
    return this.mirror;
  }

  get diskFull(): boolean {
    return this.diskFullNow;
  }

  /** The running node; only while the device is up or asleep. */
  get node(): ChartNode | null {
    return this.nodeNow;
  }

  /** The chart this device shows, or null while no node runs. */
  get chart(): ChartStateMachine | null {
    const state = this.nodeNow?.state;
    return state instanceof ObservedChart ? state.chart : null;
  }

  /** The hash of the state the device's machine holds (also while its node is still starting and replaying). */
  stateHash(): string {
    const state = this.nodeNow?.state ?? this.machineNow;
    check(state !== null && state !== undefined, 'simulator-state', () => `${this.id} has no state machine to hash`);
    return state.stateHash();
  }

  /** Keys of outbox items the storage holds durably, for the acknowledgement check. */
  hasDurableOutboxItem(key: string): boolean {
    return this.outboxDurable.has(key);
  }

  /** Whether the storage ever acknowledged storing this outbox item, for writes a peer holds for another device. */
  hasEverStoredOutboxItem(key: string): boolean {
    return this.outboxEverStored.has(key);
  }

  private reportingReleases(reserve: StorageReserve, generation: number): StorageReserve {
    return {
      hold: () => reserve.hold(),
      release: async () => {
        const released = await reserve.release();
        if (released) this.guarded(generation, () => this.host.reserveSpent(this));
        return released;
      },
      close: () => reserve.close(),
    };
  }

  /** Starts a new process from the disk. The node is up once its start settles (within the same event). */
  start(): void {
    check(this.conditionNow === 'off', 'simulator-state', () => `${this.id} started while ${this.conditionNow}`);
    this.incarnationCount++;
    this.generation++;
    const generation = this.generation;
    this.conditionNow = 'starting';
    const watcher = this.watcherFor(generation);
    const clock = this.host.wiring.clock(this.host.queue, () => this.host.tickJitterMs(), () => this.host.touched(this));
    const storage = this.host.storageFactory(this.disk);
    this.clock = clock;
    this.raftStorage = new ObservedRaftStorage(storage.raftStorage, watcher);
    this.outboxStorage = new ObservedOutboxStorage(storage.outboxStorage, watcher);
    this.host.trace(`${this.id} start #${this.incarnationCount}`);
    ClinicNode.start({
      id: this.id,
      raftStorage: this.raftStorage,
      outboxStorage: this.outboxStorage,
      stateCache: this.stateCache,
      storageReserve: this.reportingReleases(storage.storageReserve, generation),
      transport: new ObservedTransport(this.host.wiring.transport(this.host.network.hub.connect(this.id), this.id, this.host.queue), watcher),
      stateMachines: observedChartMachines(this.host.clinicId, (machine, logIndex, result) => this.guarded(generation, () => {
        this.machineNow = machine;
        this.host.applied(this, machine.chart, logIndex, result);
      })),
      scheduler: clock,
      wallClock: () => this.host.wallClockMs(),
      random: this.random.fork(),
      initialState: this.host.initialState,
      timing: this.host.nodeTiming,
      ...(this.host.voterPolicy ? {
        voterPolicy: {},
        onVoterPolicyAction: (action: VoterPolicyAction, term: number) => this.host.voterPolicyAction(this, action, term)
      } : {}),
      // As clinic-worker-service.ts does: before the node runs (the replay at start) nothing is known to be held.
      ...(this.host.boundsCompactionByCentral ? { compactionBound: () => this.chart?.centralAcknowledgedIndex() ?? 0 } : {}),
    }).then((node) => {
      if (generation !== this.generation) return;
      this.nodeNow = node;
      this.machineNow = null;
      this.conditionNow = 'up';
      this.host.nodeStarted(this, node, clock);
      this.host.touched(this);
      this.host.available(this);
    }, (error: unknown) => this.host.fail(error));
  }

  /** What the page would tell its node of power and visibility; a device that is not running hears nothing. */
  signalPower(power: DevicePower): void {
    if (this.conditionNow === 'up') this.nodeNow?.setDevicePower(power);
  }

  /** The battery died: the process is gone at once, its writes in flight never land, the disk stays. */
  powerLoss(): void {
    check(this.conditionNow === 'up' || this.conditionNow === 'asleep', 'simulator-state', () => `${this.id} lost power while ${this.conditionNow}`);
    this.expectedAtStart = this.expectedDisk();
    this.endProcess();
    this.host.network.hub.crash(this.id);
    this.disk.crash();
    this.host.trace(`${this.id} power lost`);
  }

  /** The app restarts cleanly: the node stops (finishing the write in progress), then a new process starts after `downtimeMs`. */
  restart(downtimeMs: number, then: () => void): void {
    const node = this.nodeNow;
    check(this.conditionNow === 'up' && node !== null, 'simulator-state', () => `${this.id} restarted while ${this.conditionNow}`);
    this.conditionNow = 'stopping';
    this.host.trace(`${this.id} app stopping`);
    node.stop().then(() => {
      this.expectedAtStart = this.expectedDisk();
      this.endProcess();
      this.host.queue.scheduleAfter(downtimeMs, then);
    }, (error: unknown) => this.host.fail(error));
  }

  /** The tab is frozen: no timers fire and nothing is delivered until it wakes. */
  sleep(): void {
    check(this.conditionNow === 'up', 'simulator-state', () => `${this.id} put to sleep while ${this.conditionNow}`);
    this.conditionNow = 'asleep';
    this.clock?.sleep();
    this.host.trace(`${this.id} asleep`);
  }

  /** Wakes: overdue timers fire, then everything delivered meanwhile arrives in one burst. */
  wake(): void {
    check(this.conditionNow === 'asleep', 'simulator-state', () => `${this.id} woken while ${this.conditionNow}`);
    this.conditionNow = 'up';
    this.host.trace(`${this.id} awake, ${this.heldDeliveries.length} deliveries held`);
    this.host.touched(this);
    this.clock?.wake();
    const held = this.heldDeliveries;
    this.heldDeliveries = [];
    for (const deliver of held) deliver();
    this.host.available(this);
  }

  deliverWhenAwake(deliver: () => void): void {
    if (this.conditionNow === 'asleep') {
      this.heldDeliveries.push(deliver);
      return;
    }
    this.host.touched(this);
    deliver();
  }

  /** The disk fills up: writes needing more than `slackBytes` more fail as QuotaExceeded. */
  fillDisk(slackBytes: number): void {
    this.diskFullNow = true;
    this.disk.setCapacityBytes(this.disk.usedBytes() + slackBytes);
    this.host.trace(`${this.id} disk full (${this.disk.usedBytes()} bytes used, ${slackBytes} left)`);
  }

  freeDisk(): void {
    this.diskFullNow = false;
    this.disk.setCapacityBytes(null);
    this.host.trace(`${this.id} disk space freed`);
  }

  /** Whether the node has a write to its Raft log or its outbox in progress right now. */
  get writingToDisk(): boolean {
    return this.raftStorage?.inFlight != null || this.outboxStorage?.writing === true;
  }

  /** Whether the node stopped on a storage failure (it acknowledges nothing until restarted). */
  get storageFailed(): boolean {
    return this.nodeNow?.status().storageFailure != null;
  }

  private endProcess(): void {
    if (this.nodeNow !== null) this.host.processEnded(this);
    this.clock?.kill();
    this.clock = null;
    this.nodeNow = null;
    this.machineNow = null;
    this.raftStorage = null;
    this.outboxStorage = null;
    this.heldDeliveries = [];
    this.conditionNow = 'off';
    // A process that ended reports nothing more (its wrappers check the generation).
    this.generation++;
  }

  private expectedDisk(): ExpectedDisk {
    return {
      raft: this.mirror,
      raftInFlight: this.raftStorage?.inFlight ?? null,
      outbox: new Map(this.outboxDurable),
      outboxRemovalsInFlight: new Set(this.outboxStorage?.removingKeys ?? []),
    };
  }

  /** The checkers' hooks for one process; each is guarded so a failing check never throws into the node. */
  private watcherFor(generation: number): DeviceIoWatcher {
    const run = (action: () => void): void => this.guarded(generation, action);
    return {
      isCurrent: () => generation === this.generation,
      loaded: (state) => run(() => this.loaded(state)),
      persisted: (batch) => run(() => {
        const previous = this.mirror.hardState;
        if (batch.snapshot !== null) this.mirror.installSnapshot(batch.snapshot);
        this.mirror.appendEntries(batch.entries);
        if (batch.hardState !== null) this.mirror.saveHardState(batch.hardState);
        this.host.persisted(this, batch, previous);
      }),
      compacted: (snapshot) => run(() => {
        if (snapshot.index > this.mirror.snapshot.index) this.mirror.compact(snapshot);
        this.host.compacted(this, snapshot);
      }),
      outboxAdded: (item) => run(() => {
        this.outboxDurable.set(identityKey(item), item);
        this.outboxEverStored.add(identityKey(item));
      }),
      outboxRemoved: (items) => run(() => {
        for (const item of items) this.outboxDurable.delete(identityKey(item));
      }),
      outboxListed: (items) => run(() => this.outboxListed(items)),
      sending: (to, bytes) => run(() => this.host.sending(this, to, bytes)),
      brokenContract: (error) => this.host.fail(error),
    };
  }

  private guarded(generation: number, action: () => void): void {
    if (generation !== this.generation) return;
    try {
      action();
    } catch (error) {
      this.host.fail(error);
    }
  }

  /**
   * What a restart reads must be what the storage acknowledged before the crash, plus at most the one write
   * that was in flight. Anything less is a write acknowledged as durable and lost.
   */
  private loaded(state: StoredRaftState): void {
    const loaded = new DurableStorage({ ...state, appliedIndex: state.snapshot.index });
    const expected = this.expectedAtStart;
    this.mirror = loaded;
    if (expected === null) return;
    const image = durableImage(loaded);
    const before = durableImage(expected.raft);
    const after = expected.raftInFlight === null ? before : durableImage(imageAfter(expected.raft, expected.raftInFlight));
    check(image === before || image === after, 'durable-write-lost',
      () => `${this.id} restarted with a Raft log that is not what its storage acknowledged before the crash: read ${image}, acknowledged ${before}${after === before ? '' : ` (or ${after} with the write in flight)`}`);
  }

  /** Every outbox item acknowledged as stored, and not being removed at the crash, must be read back. */
  private outboxListed(items: readonly OutboxItem[]): void {
    const listed = new Map(items.map((item) => [identityKey(item), item]));
    const expected = this.expectedAtStart;
    this.outboxDurable = listed;
    this.expectedAtStart = null;
    if (expected === null) return;
    for (const key of expected.outbox.keys()) {
      check(listed.has(key) || expected.outboxRemovalsInFlight.has(key), 'outbox-item-lost',
        () => `${this.id} restarted without outbox item ${key}, which its outbox storage acknowledged as stored`);
    }
  }
}
