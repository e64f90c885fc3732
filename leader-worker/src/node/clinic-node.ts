// The clinic node: joins the Raft core, the device's storage, a peer transport and the replicated state
// machine, with timers. It persists before it sends, applies committed entries in log order, answers each
// proposer with its applied result, and keeps a device that cannot reach a quorum useful through the
// durable outbox. A device that cannot store a write (disk full) hands it to a peer that can
// (write-handoff.ts). One node runs per device, in a dedicated Worker.
import { decodeCommand, encodeCommand } from '../chart/index.js';
import { assert } from '../invariants/assert.js';
import { Raft } from '../raft/raft.js';
import { handleReadies, type ReadySteps } from '../raft/ready-loop.js';
import type { Entry, Membership, NodeId, RaftLimits, RandomSource, Ready, Role } from '../raft/types.js';
import { StorageError, type RaftStorage, type StoredRaftState } from '../storage/raft-storage.js';
import type { OutboxItem, OutboxStorage } from '../storage/outbox-storage.js';
import type { StateCache } from '../storage/state-cache.js';
import type { StorageReserve } from '../storage/storage-reserve.js';
import type { PeerTransport, TransportEvent } from '../transport/peer-transport.js';
import { decodePeerMessage, encodePeerMessage } from '../wire/peer-message-codec.js';
import type { HoldWritesRequest } from '../wire/safekeeping-messages.js';
import { LogMaintenance } from './log-maintenance.js';
import { Outbox, type OutboxLimits } from './outbox.js';
import { ProposalWaiters, type Waiter } from './proposal-waiters.js';
import {
  commandIdentity, identityKey, type CommandIdentity, type ReplicatedStateMachine, type StateMachineFactory,
} from './replicated-state-machine.js';
import type { Scheduler } from './scheduler.js';
import { StorageReserveKeeper } from './storage-reserve-keeper.js';
import { UnappliedWrites } from './unapplied-writes.js';
import { defaultHandoffLimits, WriteHandoff, type HandoffLimits } from './write-handoff.js';
import { VoterKeeper, type VoterKeeperCounters } from '../voter-policy/voter-keeper.js';
import { defaultVoterPolicyLimits, type DevicePower, type VoterPolicyAction, type VoterPolicyLimits } from '../voter-policy/voter-policy-decisions.js';

export interface ClinicNodeTiming {
  readonly tickIntervalMs: number;
  readonly electionTimeoutTicks: number;
  readonly heartbeatIntervalTicks: number;
  /** How long a write waits to be applied through a leader before it goes to the outbox as pending. */
  readonly quorumWaitMs: number;
  /** Entries kept after the snapshot before the node compacts its log. */
  readonly compactionThresholdEntries: number;
  /** Applied entries between two saves of the state cache, at least (log-maintenance.ts). */
  readonly stateCacheIntervalEntries: number;
  /** Snapshot bytes a cache save may cost per entry applied since the last (a large state is cached less often). */
  readonly stateCacheSnapshotBytesPerEntry: number;
  /** After the storage reserve was spent, how often the node tries to take it again. */
  readonly reserveRetryIntervalMs: number;
  /** How often a leader with a voter policy considers one membership step. */
  readonly voterPolicyIntervalTicks: number;
}

export const defaultClinicNodeTiming: ClinicNodeTiming = {
  tickIntervalMs: 100,
  electionTimeoutTicks: 10,
  heartbeatIntervalTicks: 1,
  quorumWaitMs: 1500,
  compactionThresholdEntries: 10_000,
  stateCacheIntervalEntries: 500,
  stateCacheSnapshotBytesPerEntry: 4_000,
  reserveRetryIntervalMs: 60_000,
  // Two seconds: a device that joins is a learner within seconds; steps wait for the one before to commit.
  voterPolicyIntervalTicks: 20,
};

export const defaultOutboxLimits: OutboxLimits = { proposalsPerRoundMax: 64, retryIntervalMs: 3000 };

/**
 * Writes a device holds in its outbox, its own and those peers handed it: past this it stops taking peers'
 * writes (it does not answer, so they ask another), which bounds what a broken or hostile peer can make it store.
 */
export const outboxItemsHeldForPeersMax = 10_000;

export interface ClinicNodeOptions<Result> {
  readonly id: NodeId;
  readonly raftStorage: RaftStorage;
  readonly outboxStorage: OutboxStorage;
  readonly stateCache: StateCache | null;
  /** Space kept in reserve for a full disk (storage-reserve.ts); null: none. */
  readonly storageReserve?: StorageReserve | null;
  readonly transport: PeerTransport;
  readonly stateMachines: StateMachineFactory<Result>;
  readonly scheduler: Scheduler;
  readonly random: RandomSource;
  /** What a device that never stored anything starts from: `bootstrapState(...)` of the raft core. */
  readonly initialState: StoredRaftState;
  readonly timing?: Partial<ClinicNodeTiming>;
  readonly outboxLimits?: Partial<OutboxLimits>;
  readonly handoffLimits?: Partial<HandoffLimits>;
  readonly raftLimits?: Partial<RaftLimits>;
  /** The highest index the log may be compacted to (central's acknowledged index, once there is an uplink). */
  readonly compactionBound?: () => number;
  /**
   * The device's wall clock (ms since the epoch), which a leader stamps on each entry it appends
   * (Entry.leaderTimeMs). The scheduler's clock by default; the simulator's scheduler counts from 0, and its
   * devices' wall clocks are the clinic day's date.
   */
  readonly wallClock?: () => number;
  /**
   * Who votes, decided by the leader as devices come and go (voter-policy/): absent, the membership changes
   * only when someone proposes a change.
   */
  readonly voterPolicy?: Partial<VoterPolicyLimits>;
  /** Told of every step the voter policy takes on this device while it leads. */
  readonly onVoterPolicyAction?: (action: VoterPolicyAction, term: number) => void;
}

/** What a clinician's save comes to. Never an exception for an expected outcome. */
export type ProposalOutcome<Result> =
  /** Committed by a quorum and applied here: `result` is the state machine's answer (which may be a rejection). */
  | { readonly type: 'applied'; readonly logIndex: number; readonly result: Result }
  /**
   * No leader with a quorum in time: stored durably in the outbox, shown as pending, applied once later.
   * `heldBy` names the peer holding it when this device could not store it itself.
   */
  | { readonly type: 'pending'; readonly heldBy?: NodeId }
  /**
   * Not stored here, and no peer confirmed holding it: the clinician must be told (storage full or
   * unavailable, a malformed command). A retry reuses the command's identity, so a write a peer did take
   * after all still applies once.
   */
  | { readonly type: 'failed'; readonly reason: 'storageFull' | 'storageUnavailable' | 'storageCorrupt' | 'invalidCommand' | 'stopped'; readonly message: string };

export interface ClinicNodeStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly leaderId: NodeId | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly pendingWrites: number;
  /** Of those, held by peers because this device could not store them. */
  readonly writesHandedOff: number;
  readonly droppedPeerMessages: number;
  readonly storageFailure: StorageError['failure'] | null;
  /** The disk filled and the storage reserve was spent: the clinic should free space on this device. */
  readonly storageLow: boolean;
  readonly stateHash: string;
  /** The clinic's members as this device's log has them: the devices its transport keeps links with. */
  readonly membership: Membership;
}

export interface AppliedEvent<Result> {
  readonly logIndex: number;
  readonly identity: CommandIdentity | null;
  readonly result: Result;
}

export class ClinicNode<Result> {
  private readonly timing: ClinicNodeTiming;
  private readonly waiters = new ProposalWaiters<ProposalOutcome<Result>>();
  private readonly unapplied: UnappliedWrites;
  private readonly appliedListeners = new Set<(event: AppliedEvent<Result>) => void>();
  private readonly statusListeners = new Set<(status: ClinicNodeStatus) => void>();
  private processing: Promise<void> | null = null;
  /** The chain of outbox writes, so each save is stamped after the one before it is stored. */
  private saving: Promise<void> = Promise.resolve();
  private processAgain = false;
  private droppedPeerMessages = 0;
  private storageFailure: StorageError | null = null;
  private stopped = false;
  private readonly stopTicking: () => void;
  private readonly handoff: WriteHandoff;
  private readonly reserve: StorageReserveKeeper;
  private readonly maintenance: LogMaintenance;
  private readonly voterKeeper: VoterKeeper | null;
  private ticks = 0;
  /** The Ready contract as this device carries it out: the log on its disk, messages to peers, the chart. */
  private readonly readySteps: ReadySteps = {
    persist: (ready) => {
      if (ready.hardState === null && ready.snapshot === null && ready.entries.length === 0) return undefined;
      const write = { hardState: ready.hardState, snapshot: ready.snapshot, entries: ready.entries };
      return this.reserve.withReserve(() => this.options.raftStorage.persist(write));
    },
    send: (messages) => {
      for (const message of messages) this.options.transport.send(message.to, encodePeerMessage(message));
    },
    apply: (ready) => this.applyReady(ready),
  };

  private constructor(
    private readonly options: ClinicNodeOptions<Result>,
    private readonly raft: Raft,
    private stateMachine: ReplicatedStateMachine<Result>,
    private readonly outbox: Outbox,
  ) {
    this.timing = { ...defaultClinicNodeTiming, ...options.timing };
    this.handoff = new WriteHandoff(
      options.id,
      (request) => options.transport.send(request.to, encodePeerMessage(request)),
      options.scheduler,
      { ...defaultHandoffLimits, ...options.handoffLimits },
    );
    this.reserve = new StorageReserveKeeper(options.storageReserve ?? null, options.scheduler, this.timing.reserveRetryIntervalMs);
    this.maintenance = new LogMaintenance(raft, options.raftStorage, options.stateCache, {
      compactionThresholdEntries: this.timing.compactionThresholdEntries,
      stateCacheIntervalEntries: this.timing.stateCacheIntervalEntries,
      stateCacheSnapshotBytesPerEntry: this.timing.stateCacheSnapshotBytesPerEntry,
      compactionBound: options.compactionBound,
    });
    const voterLimits = { ...defaultVoterPolicyLimits, ...options.voterPolicy };
    this.voterKeeper = options.voterPolicy === undefined ? null : new VoterKeeper(raft, () => options.scheduler.nowMs(), voterLimits, options.onVoterPolicyAction);
    this.unapplied = new UnappliedWrites(options.stateMachines.sequenceWindow);
    for (const item of outbox.items()) this.unapplied.track(item);
    options.transport.listen((event) => this.onTransportEvent(event));
    this.stopTicking = options.scheduler.every(this.timing.tickIntervalMs, () => this.onTick());
  }

  /** Loads the device's durable state (and the state cache, so only the log's tail is replayed) and starts. */
  static async start<Result>(options: ClinicNodeOptions<Result>): Promise<ClinicNode<Result>> {
    const timing = { ...defaultClinicNodeTiming, ...options.timing };
    const stored = await options.raftStorage.load(options.initialState);
    const cached = await options.stateCache?.load() ?? null;
    // The cache is usable only if it lies within the durable log: past the snapshot, not past the commit.
    const cacheUsable = cached !== null && cached.appliedIndex > stored.snapshot.index && cached.appliedIndex <= stored.hardState.commitIndex;
    let stateMachine: ReplicatedStateMachine<Result>;
    let appliedIndex: number;
    if (cacheUsable) {
      stateMachine = options.stateMachines.restore(cached.state);
      appliedIndex = cached.appliedIndex;
    } else {
      stateMachine = stored.snapshot.index === 0 ? options.stateMachines.create() : options.stateMachines.restore(stored.snapshot.data);
      appliedIndex = stored.snapshot.index;
    }
    const raft = new Raft(
      {
        id: options.id,
        electionTimeoutTicks: timing.electionTimeoutTicks,
        heartbeatIntervalTicks: timing.heartbeatIntervalTicks,
        random: options.random,
        limits: options.raftLimits,
        // The device's clock: as leader it stamps each entry with the clinic's time (Entry.leaderTimeMs).
        clock: options.wallClock ?? (() => options.scheduler.nowMs()),
      },
      { ...stored, appliedIndex },
    );
    const outbox = await Outbox.open(options.outboxStorage, { ...defaultOutboxLimits, ...options.outboxLimits });
    const node = new ClinicNode(options, raft, stateMachine, outbox);
    await node.reserve.hold();
    node.kick();
    return node;
  }

  /**
   * Proposes one command (an object with `clientId` and `sequence`). Resolves with the applied result, or
   * with `pending` once the command is durably in the outbox (this device's, or a peer's when this one
   * cannot store it), or with `failed` when it was not stored.
   */
  propose(command: CommandIdentity & Record<string, unknown>): Promise<ProposalOutcome<Result>> {
    const failure = this.refusalIfStopped();
    if (failure !== null) return Promise.resolve(failure);
    const identity = commandIdentity(command);
    if (identity === null) return Promise.resolve({ type: 'failed', reason: 'invalidCommand', message: 'a command needs a clientId and a positive integer sequence' });
    if (this.waiters.has(identity) || this.outbox.has(identity)) {
      return Promise.resolve({ type: 'failed', reason: 'invalidCommand', message: `command ${identityKey(identity)} is already waiting` });
    }
    const bytes = encodeCommand(command);
    this.unapplied.track(identity);
    return new Promise((resolve) => {
      const waiter = this.waiters.add(identity, resolve);
      // Saves are stamped and stored one after another: their order is the order they are proposed in.
      this.saving = this.saving.then(() => this.save(waiter, bytes));
    });
  }

  /**
   * Appends commands that are durable elsewhere (central's feed) straight to this leader's log, in one step and
   * without the outbox: storing each in the outbox first would only keep a second copy of what central keeps,
   * and costs a storage write per item, most of a sync horizon's download. Only a leader with working storage
   * takes them. Taken: in this leader's log, to be decided like any entry, or lost with its leadership (the
   * next leader reads them again from central). The caller keeps to the duplicate window; no waiter is kept.
   */
  proposeFromElsewhere(commands: readonly (CommandIdentity & Record<string, unknown>)[]): 'taken' | 'notTaken' {
    if (this.stopped || this.storageFailure !== null || this.raft.status().role !== 'leader') return 'notTaken';
    assert(commands.every((command) => commandIdentity(command) !== null), 'commands from elsewhere carry their identity');
    if (this.raft.propose(commands.map((command) => encodeCommand(command))).type === 'refused') return 'notTaken';
    this.kick();
    return 'taken';
  }

  /** Listens to every applied command (from any device), e.g. to refresh the screens showing its chart. */
  onApplied(listener: (event: AppliedEvent<Result>) => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  onStatus(listener: (status: ClinicNodeStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** The state machine, for queries: reads never leave the device. */
  get state(): ReplicatedStateMachine<Result> {
    return this.stateMachine;
  }

  /** Writes saved on this device (or held by a peer) and not yet applied: shown to the clinician as pending. */
  pendingWrites(): OutboxItem[] {
    return [...this.outbox.items(), ...this.heldElsewhere()];
  }

  status(): ClinicNodeStatus {
    const raft = this.raft.status();
    const heldElsewhere = this.heldElsewhere().length;
    return {
      id: raft.id,
      role: raft.role,
      term: raft.term,
      leaderId: raft.leaderId,
      commitIndex: raft.commitIndex,
      appliedIndex: raft.appliedIndex,
      pendingWrites: this.outbox.size + heldElsewhere,
      writesHandedOff: heldElsewhere,
      droppedPeerMessages: this.droppedPeerMessages + raft.droppedMessages,
      storageFailure: this.storageFailure?.failure ?? null,
      storageLow: this.reserve.storageLow,
      stateHash: this.stateMachine.stateHash(),
      membership: { voters: [...raft.membership.voters], learners: [...raft.membership.learners] },
    };
  }

  /** Committed entries from `fromIndex` (at most `countMax`) as this device holds them; null: compacted away. */
  committedEntries(fromIndex: number, countMax: number): readonly Entry[] | null {
    return this.raft.committedEntries(fromIndex, countMax);
  }

  /** Hands leadership to `target`, e.g. away from a device whose battery is low. */
  /** This device's power and visibility, as the page sees them: a leader on low battery or hidden hands on. */
  setDevicePower(power: DevicePower): void {
    this.voterKeeper?.setPower(power);
  }

  /** What the voter policy did here (null without one). */
  voterPolicyCounters(): Readonly<VoterKeeperCounters> | null {
    return this.voterKeeper === null ? null : { ...this.voterKeeper.counters };
  }

  transferLeadership(target: NodeId): boolean {
    const result = this.raft.transferLeadership(target);
    this.kick();
    return result.type === 'accepted';
  }

  /** Stops timers and the transport; waits for the Ready being handled. Pending outbox items stay stored. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopTicking();
    this.options.transport.close();
    this.handoff.abandonAll();
    await this.processing;
    this.waiters.answerAll(() => true, (identity) => ({
      type: 'failed', reason: 'stopped', message: `the node stopped before ${identityKey(identity)} was applied or stored`,
    }));
    await this.options.raftStorage.close();
    await this.options.outboxStorage.close();
    await this.reserve.close();
  }

  // ---------------------------------------------------------------------------------------------------

  /** Writes a peer confirmed holding that are not (yet) stored here too. */
  private heldElsewhere(): OutboxItem[] {
    return this.handoff.confirmedItems().filter((item) => !this.outbox.has(item));
  }

  private onTick(): void {
    if (this.stopped || this.storageFailure !== null) return;
    // Never rejects: a failure to take the reserve only leaves it for the next try.
    if (this.reserve.retryDue()) void this.reserve.hold();
    this.raft.tick();
    this.ticks++;
    if (this.voterKeeper !== null && this.ticks % this.timing.voterPolicyIntervalTicks === 0) this.voterKeeper.step();
    this.proposeFromOutbox();
    this.kick();
  }

  private onTransportEvent(event: TransportEvent): void {
    if (this.stopped) return;
    if (event.type === 'peer') {
      this.voterKeeper?.linkChanged(event.peerId, event.reachable);
      return;
    }
    const decoded = decodePeerMessage(event.bytes);
    // A device may lie about who it is inside the message; the transport knows who sent it.
    if (!decoded.ok || decoded.value.from !== event.from || decoded.value.to !== this.options.id) {
      this.droppedPeerMessages++;
      return;
    }
    const message = decoded.value;
    this.voterKeeper?.heard(event.from);
    switch (message.type) {
      case 'writesHeld':
        // Heard even with broken storage: that is when this device hands its writes to peers.
        this.handoff.onReply(message);
        return;
      case 'holdWrites':
        this.holdForPeer(message);
        return;
      default:
        if (this.storageFailure !== null) return;
        this.raft.step(message);
        this.kick();
    }
  }

  /**
   * A peer that cannot store its writes asks this device to hold them. They are stored in this outbox in
   * the order given, after this device's own, and proposed from there like its own; the peer hears back
   * only once all are durable. A device that cannot store them stays silent and the peer asks another.
   */
  private holdForPeer(request: HoldWritesRequest): void {
    if (this.storageFailure !== null || this.outbox.size + request.writes.length > outboxItemsHeldForPeersMax) return;
    this.saving = this.saving.then(async () => {
      const alreadyApplied: CommandIdentity[] = [];
      try {
        // A write whose command does not carry the identity it was sent under would never be seen applied
        // here, and would be proposed again forever: the request is not answered.
        if (!request.writes.every((write) => sameIdentity(commandIdentity(decodeCommand(write.command)), write))) {
          this.droppedPeerMessages++;
          return;
        }
        for (const write of request.writes) {
          // A copy of an applied write would only sit in the log as a duplicate.
          if (this.stateMachine.hasApplied(write)) {
            alreadyApplied.push({ clientId: write.clientId, sequence: write.sequence });
            continue;
          }
          if (this.outbox.has(write)) continue;
          const held: OutboxItem = { ...write, savedAtMs: this.nextSavedAtMs() };
          await this.reserve.withReserve(() => this.outbox.add(held));
          this.unapplied.track(write);
        }
      } catch (error) {
        if (error instanceof StorageError) return;
        throw error;
      }
      if (this.stopped) return;
      this.options.transport.send(request.from, encodePeerMessage({ type: 'writesHeld', from: this.options.id, to: request.from, requestId: request.requestId, alreadyApplied }));
      this.proposeFromOutbox();
      this.kick();
    });
  }

  /**
   * Proposes the outbox's next batch to the current leader, if one is due. Returns whether it proposed.
   * Every write goes this way, so a device's writes reach the log in the order they were saved.
   */
  private proposeFromOutbox(): boolean {
    const status = this.raft.status();
    if (this.outbox.size === 0 || status.leaderId === null) return false;
    const batch = this.outbox.takeBatch(this.options.scheduler.nowMs(), `${status.leaderId}@${status.term}`, (item) => this.unapplied.mayPropose(item));
    if (batch.length === 0) return false;
    if (this.raft.propose(batch.map((item) => item.command)).type === 'refused') {
      this.outbox.batchRefused();
      return false;
    }
    return true;
  }

  /**
   * Stores a clinician's write in the outbox (durably, before anything else), then proposes it. The
   * clinician hears 'applied' if it applies within quorumWaitMs, else 'pending' — at once when there is no
   * leader to wait for. Nothing is claimed before the write is stored, here or by a peer.
   */
  private async save(waiter: Waiter<ProposalOutcome<Result>>, bytes: Uint8Array): Promise<void> {
    if (!this.waiters.isWaiting(waiter)) return; // the node stopped meanwhile, and said so
    const { identity } = waiter;
    const stamped = (): OutboxItem => ({ clientId: identity.clientId, sequence: identity.sequence, command: bytes, savedAtMs: this.nextSavedAtMs() });
    // Storage that failed stays failed until a restart: a write stored here now would wait for that restart.
    if (this.storageFailure !== null) return this.handOff(waiter, stamped(), this.storageFailure);
    try {
      await this.storeHandedOffHere();
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      return this.handOff(waiter, stamped(), error);
    }
    const item = stamped();
    try {
      await this.reserve.withReserve(() => this.outbox.add(item));
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      return this.handOff(waiter, item, error);
    }
    if (!this.waiters.isWaiting(waiter)) return;
    const pending = (): void => this.waiters.answer(waiter, { type: 'pending' });
    if (this.raft.status().leaderId === null) pending();
    else waiter.cancelTimeout = this.options.scheduler.after(this.timing.quorumWaitMs, pending);
    this.proposeFromOutbox();
    this.kick();
  }

  /**
   * Storage works again: writes handed to peers and not yet seen applied are stored here too, ahead of the new
   * one, so this device proposes them in save order and a later write cannot overtake them (the holder's copy,
   * landing too, applies nothing twice). This also saves a write no peer confirmed holding.
   */
  private async storeHandedOffHere(): Promise<void> {
    for (const handedOff of this.handoff.items()) {
      if (this.outbox.has(handedOff)) continue;
      const restamped: OutboxItem = { ...handedOff, savedAtMs: this.nextSavedAtMs() };
      await this.reserve.withReserve(() => this.outbox.add(restamped));
      this.unapplied.track(handedOff);
    }
  }

  /** This device cannot store `item`: a peer holds it (pending), or the clinician hears it was not saved. */
  private async handOff(waiter: Waiter<ProposalOutcome<Result>>, item: OutboxItem, cause: StorageError): Promise<void> {
    const outcome = await this.handoff.handOff(this.outbox.items(), item, this.handoffTargets());
    if (!this.waiters.isWaiting(waiter)) return;
    if (outcome.kind === 'held') return this.waiters.answer(waiter, { type: 'pending', heldBy: outcome.by });
    const failure = this.failureOutcome(cause);
    if (failure.type !== 'failed') return this.waiters.answer(waiter, failure);
    if (outcome.kind === 'unconfirmed') {
      // A peer may hold it after all (its answer lost or late): it stays tracked, carried by the next request
      // and stored here once storage works, and a retry under the same identity applies it once.
      const retry = 'no other device confirmed holding the write in time (it may still be saved: retry it, it will be recorded once)';
      return this.waiters.answer(waiter, { ...failure, message: `${failure.message}; ${retry}` });
    }
    // Nobody was asked: nothing holds it, and it no longer holds back the client's later writes.
    this.unapplied.forget(item);
    this.waiters.answer(waiter, { ...failure, message: `${failure.message}; no other device of the clinic could be asked to hold the write` });
  }

  private handoffTargets(): { leaderId: NodeId | null; members: NodeId[] } {
    const { leaderId, membership } = this.raft.status();
    return { leaderId, members: [...membership.voters, ...membership.learners] };
  }

  /**
   * The save stamp of the next write stored or handed off here: the device clock, but after every write still
   * waiting, so the save order survives a clock that jumps back (tablets lose their time with the battery).
   */
  private nextSavedAtMs(): number {
    return Math.max(this.outbox.nextSavedAtMs(this.options.scheduler.nowMs()), this.handoff.newestSavedAtMs() + 1);
  }

  /** Handles Readys until there are none; calls made while one is being persisted run right after it. */
  private kick(): void {
    if (this.stopped || this.storageFailure !== null) return;
    if (this.processing !== null) {
      this.processAgain = true;
      return;
    }
    this.processing = this.processReadies().finally(() => {
      this.processing = null;
      if (this.processAgain) {
        this.processAgain = false;
        this.kick();
      }
    });
  }

  private async processReadies(): Promise<void> {
    try {
      await handleReadies(this.raft, this.readySteps, () => !this.stopped);
      await this.outbox.flushRemovals();
      // A batch that just applied frees the way for the next one.
      if (this.proposeFromOutbox()) this.processAgain = true;
      await this.maintenance.run(this.stateMachine);
    } catch (error) {
      this.failStorage(error);
    }
    this.notifyStatus();
  }

  private applyReady(ready: Ready): void {
    if (ready.snapshot !== null) {
      this.stateMachine = this.options.stateMachines.restore(ready.snapshot.data);
      this.maintenance.restoredSnapshot();
    }
    for (const entry of ready.committedEntries) {
      if (entry.type !== 'command') continue;
      const command = decodeCommand(entry.data);
      const result = this.stateMachine.apply(entry.index, command, entry.leaderTimeMs);
      this.maintenance.applied();
      const identity = commandIdentity(command);
      if (identity !== null) this.settle(identity, entry.index, result);
      for (const listener of this.appliedListeners) listener({ logIndex: entry.index, identity, result });
    }
  }

  private settle(identity: CommandIdentity, logIndex: number, result: Result): void {
    this.outbox.applied(identity);
    this.handoff.applied(identity);
    this.unapplied.forget(identity);
    this.waiters.answerIdentity(identity, { type: 'applied', logIndex, result });
  }

  private failStorage(error: unknown): void {
    if (!(error instanceof StorageError)) throw error;
    // The core holds a Ready that was never persisted: the node stops taking part in Raft until it is
    // restarted from what storage holds. A write already in the outbox is durable and is answered pending
    // (and handed to a peer with the next save); one still being saved is handed to a peer by save().
    this.storageFailure = error;
    this.stopTicking();
    this.waiters.answerAll((waiter) => this.outbox.has(waiter.identity), () => ({ type: 'pending' }));
    // Best effort, so the outbox is proposed now rather than after the restart: it stays stored here anyway.
    void this.handoff.handOff(this.outbox.items(), null, this.handoffTargets());
  }

  private refusalIfStopped(): ProposalOutcome<Result> | null {
    if (this.stopped) return { type: 'failed', reason: 'stopped', message: 'the node is stopped' };
    return null;
  }

  private failureOutcome(error: unknown): ProposalOutcome<Result> {
    if (!(error instanceof StorageError)) throw error;
    const reason = error.failure === 'full' ? 'storageFull' : error.failure === 'corrupt' ? 'storageCorrupt' : 'storageUnavailable';
    return { type: 'failed', reason, message: error.message };
  }

  private notifyStatus(): void {
    if (this.statusListeners.size === 0) return;
    const status = this.status();
    for (const listener of this.statusListeners) listener(status);
  }
}

function sameIdentity(decoded: CommandIdentity | null, sent: CommandIdentity): boolean {
  return decoded !== null && decoded.clientId === sent.clientId && decoded.sequence === sent.sequence;
}
