// A synchronous in-memory cluster for unit tests: each node persists into a plain object, messages wait in
// one queue the test delivers explicitly (or all at once), and links can be cut. No timers, no randomness
// but a seeded generator, so every test is a script.
//
// The cluster checks two global safety properties on every Ready, so any test that drives it checks them:
// Election Safety (at most one leader per term, §5.2) and State Machine Safety (no two nodes apply different
// entries at one index, §5.4.3). A violation throws and fails the test, as does a message a node sends itself.
import { Raft, bootstrapState } from '../../src/raft/raft.js';
import { handleReadies } from '../../src/raft/ready-loop.js';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import type {
  Entry, HardState, Membership, Message, NodeId, PersistedState, ProposeResult, RaftLimits, RaftOptions, RandomSource, ReadState,
  Snapshot,
} from '../../src/raft/types.js';

export interface StoredState {
  hardState: HardState;
  snapshot: Snapshot;
  entries: Entry[];
}

/** One command the test state machine applied, with the log index it came from. */
export interface AppliedCommand {
  readonly index: number;
  readonly text: string;
}

export interface TestNode {
  raft: Raft;
  storage: StoredState;
  /** Entries applied since this incarnation started (a restart replays from the snapshot). */
  applied: Entry[];
  readStates: ReadState[];
  /** The state machine: every command applied, including those restored from a snapshot. */
  stateMachine: AppliedCommand[];
  /** The last index the state machine holds. Invariant: applied entries arrive one index at a time. */
  lastAppliedIndex: number;
}

export interface ClusterOptions {
  electionTimeoutTicks?: number;
  heartbeatIntervalTicks?: number;
  seed?: number;
  limits?: Partial<RaftLimits>;
  raftFactory?: (options: RaftOptions, persisted: PersistedState) => Raft;
  /** Each node's wall clock (RaftOptions.clock); without it entries carry no leader time. */
  clocks?: Readonly<Record<NodeId, () => number>>;
}

/** What happened to one message the test network handled. */
export type DeliveryOutcome = 'delivered' | 'cut' | 'dropped' | 'noTarget';

export interface Delivery {
  readonly message: Message;
  readonly outcome: DeliveryOutcome;
}

/**
 * A log to start a founder from, as a figure of the paper draws it: the terms of the figure's entries 1..n,
 * and the hard state around them. The entries follow the founding membership entries (see `storedLog`).
 */
export interface LogSpec {
  readonly terms: readonly number[];
  readonly term?: number;
  readonly votedFor?: NodeId | null;
  /** How many of the figure's entries are committed (the founding entries always are). */
  readonly commitIndex?: number;
}

export const defaultElectionTimeoutTicks = 10;

export class TestCluster {
  readonly nodes = new Map<NodeId, TestNode>();
  /** Messages sent and not yet delivered, in send order. */
  queue: Message[] = [];
  /** Every message any node emitted, in order. */
  readonly sent: Message[] = [];
  /** Every message the network handled, in order, with what happened to it. */
  readonly deliveries: Delivery[] = [];
  /** Links that drop messages, as "from->to". */
  private readonly cut = new Set<string>();
  /** Fault rules: a message matching any of them is lost in transit. */
  private readonly dropRules = new Set<(message: Message) => boolean>();
  private readonly random: SeededRandom;
  readonly electionTimeoutTicks: number;
  /** Election Safety bookkeeping: who led each term. */
  private readonly leaderOfTerm = new Map<number, NodeId>();
  /** State Machine Safety bookkeeping: what was applied at each index, by anyone. */
  private readonly appliedAtIndex = new Map<number, string>();
  /** The committed membership entries every founder's log starts with (see bootstrapState). */
  readonly foundingEntries: readonly Entry[];

  constructor(readonly ids: readonly NodeId[], private readonly options: ClusterOptions = {}) {
    this.random = new SeededRandom(options.seed ?? 1);
    this.electionTimeoutTicks = options.electionTimeoutTicks ?? defaultElectionTimeoutTicks;
    this.foundingEntries = foundingEntries(ids);
    for (const id of ids) this.start(id, storedFrom(bootstrapState({ voters: [...ids], learners: [] })));
  }

  /** The index of the last founding entry: a cluster's own entries (the first leader's empty entry) come after it. */
  get foundingIndex(): number {
    return this.foundingEntries.length;
  }

  /** The terms of the founding entries, the start of every founder's `logTerms`. */
  foundingTerms(): number[] {
    return this.foundingEntries.map((entry) => entry.term);
  }

  /** In a `withLogs` cluster, the log index of the figure's entry `figureIndex`. */
  figureIndex(figureIndex: number): number {
    return this.foundingIndex + figureIndex;
  }

  /**
   * A cluster of `Object.keys(logs)` whose nodes start from the given logs (Figure 7 and 8 style set-ups). The
   * figures leave the configuration out; here every log starts with the founding membership entries, so the
   * nodes know their voters as real founders do, and the figure's entry n sits at `figureIndex(n)`.
   */
  static withLogs(logs: Record<NodeId, LogSpec>, options: ClusterOptions = {}): TestCluster {
    const ids = Object.keys(logs);
    const cluster = new TestCluster(ids, options);
    for (const id of ids) cluster.start(id, storedLog({ voters: ids, learners: [] }, logs[id]!));
    return cluster;
  }

  /** Starts (or restarts) a node from stored state, as after a crash. */
  start(id: NodeId, storage: StoredState): TestNode {
    const options: RaftOptions = {
      id,
      electionTimeoutTicks: this.electionTimeoutTicks,
      heartbeatIntervalTicks: this.options.heartbeatIntervalTicks ?? 1,
      random: this.random.fork(),
      limits: this.options.limits,
      ...(this.options.clocks?.[id] === undefined ? {} : { clock: this.options.clocks[id] }),
    };
    const persisted: PersistedState = { ...storage, appliedIndex: storage.snapshot.index };
    const raft = this.options.raftFactory ? this.options.raftFactory(options, persisted) : new Raft(options, persisted);
    const stateMachine = decodeStateMachine(storage.snapshot.data);
    const node: TestNode = { raft, storage, applied: [], readStates: [], stateMachine, lastAppliedIndex: storage.snapshot.index };
    this.nodes.set(id, node);
    return node;
  }

  /** Adds a device that joins with empty membership (it waits to be added by the leader). */
  addJoiningNode(id: NodeId): TestNode {
    return this.start(id, storedFrom(bootstrapState({ voters: [], learners: [] })));
  }

  /** Loses everything volatile and restarts from what was persisted. */
  crashAndRestart(id: NodeId): TestNode {
    const storage = this.node(id).storage;
    this.queue = this.queue.filter((message) => message.to !== id && message.from !== id);
    return this.start(id, structuredClone(storage));
  }

  node(id: NodeId): TestNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  raft(id: NodeId): Raft {
    return this.node(id).raft;
  }

  isolate(id: NodeId): void {
    for (const other of this.nodes.keys()) {
      if (other === id) continue;
      this.cut.add(`${id}->${other}`);
      this.cut.add(`${other}->${id}`);
    }
  }

  /** Cuts every link between the groups (links inside a group stay up). */
  partition(...groups: readonly (readonly NodeId[])[]): void {
    for (const group of groups) {
      for (const other of groups) {
        if (other === group) continue;
        for (const from of group) for (const to of other) this.cut.add(`${from}->${to}`);
      }
    }
  }

  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}->${to}`);
  }

  /** Restores every cut link. Drop rules stay until removed. */
  heal(): void {
    this.cut.clear();
  }

  /** Loses every message matching `rule` from now on; returns a function that lifts the rule. */
  dropWhere(rule: (message: Message) => boolean): () => void {
    this.dropRules.add(rule);
    return () => this.dropRules.delete(rule);
  }

  /** Lifts every drop rule: the network stops losing messages (cut links stay cut). */
  liftDropRules(): void {
    this.dropRules.clear();
  }

  /** Handles every pending Ready of one node: persist, queue messages, apply, advance. */
  process(id: NodeId): void {
    const node = this.node(id);
    handleReadies(node.raft, {
      persist: (ready) => {
        if (ready.snapshot !== null) {
          node.storage.snapshot = ready.snapshot;
          node.storage.entries = [];
        }
        if (ready.entries.length > 0) {
          const first = ready.entries[0]!.index;
          node.storage.entries = node.storage.entries.filter((entry) => entry.index < first).concat(ready.entries);
        }
        if (ready.hardState !== null) node.storage.hardState = ready.hardState;
        if (ready.softState?.role === 'leader') this.recordLeader(id, ready.softState.term);
      },
      send: (messages) => {
        // A node talking to itself is a bug the receiver would only count as dropped: fail where it is sent.
        const toItself = messages.find((message) => message.to === id);
        if (toItself !== undefined) throw new Error(`${id} sent a ${toItself.type} to itself`);
        this.queue.push(...messages);
        this.sent.push(...messages);
      },
      apply: (ready) => {
        if (ready.snapshot !== null) {
          node.stateMachine = decodeStateMachine(ready.snapshot.data);
          node.lastAppliedIndex = ready.snapshot.index;
        }
        for (const entry of ready.committedEntries) this.apply(id, node, entry);
        node.readStates.push(...ready.readStates);
      },
    });
  }

  private recordLeader(id: NodeId, term: number): void {
    const previous = this.leaderOfTerm.get(term);
    if (previous !== undefined && previous !== id) {
      throw new Error(`Election Safety (§5.2) violated: ${previous} and ${id} both led term ${term}`);
    }
    this.leaderOfTerm.set(term, id);
  }

  private apply(id: NodeId, node: TestNode, entry: Entry): void {
    if (entry.index !== node.lastAppliedIndex + 1) {
      throw new Error(`${id} applied entry ${entry.index} after ${node.lastAppliedIndex}: entries must apply in order`);
    }
    if (entry.index > node.storage.hardState.commitIndex) {
      throw new Error(`${id} applied entry ${entry.index} beyond its persisted commit index ${node.storage.hardState.commitIndex}`);
    }
    const description = describeEntry(entry);
    const earlier = this.appliedAtIndex.get(entry.index);
    if (earlier !== undefined && earlier !== description) {
      throw new Error(`State Machine Safety (§5.4.3) violated at ${entry.index}: ${id} applied ${description}, another node ${earlier}`);
    }
    this.appliedAtIndex.set(entry.index, description);
    node.lastAppliedIndex = entry.index;
    node.applied.push(entry);
    if (entry.type === 'command') node.stateMachine.push({ index: entry.index, text: new TextDecoder().decode(entry.data) });
  }

  processAll(): void {
    for (const id of this.nodes.keys()) this.process(id);
  }

  /** Delivers queued messages (and the ones they cause) until the network is quiet. */
  deliverAll(maxMessages = 100_000): number {
    let delivered = 0;
    this.processAll();
    while (this.queue.length > 0) {
      const message = this.queue.shift()!;
      this.deliver(message);
      delivered++;
      if (delivered > maxMessages) throw new Error('the cluster did not quiesce');
    }
    return delivered;
  }

  /**
   * Delivers only the queued messages matching `predicate` (and matching ones they cause) until none is left;
   * the others stay queued in order. To run one phase of the protocol, such as an election, on its own.
   */
  deliverMatching(predicate: (message: Message) => boolean, maxMessages = 100_000): number {
    let delivered = 0;
    this.processAll();
    for (let next = this.queue.findIndex(predicate); next >= 0; next = this.queue.findIndex(predicate)) {
      const [message] = this.queue.splice(next, 1);
      this.deliver(message!);
      delivered++;
      if (delivered > maxMessages) throw new Error('the cluster did not quiesce');
    }
    return delivered;
  }

  /** Delivers one message (unless its link is cut, a rule drops it, or the target is gone) and processes the target. */
  deliver(message: Message): void {
    const outcome = this.outcomeFor(message);
    this.deliveries.push({ message, outcome });
    if (outcome !== 'delivered') return;
    const target = this.node(message.to);
    target.raft.step(message);
    this.process(message.to);
  }

  private outcomeFor(message: Message): DeliveryOutcome {
    if (this.cut.has(`${message.from}->${message.to}`)) return 'cut';
    if ([...this.dropRules].some((rule) => rule(message))) return 'dropped';
    return this.nodes.has(message.to) ? 'delivered' : 'noTarget';
  }

  /** Takes the queued messages matching `predicate` out of the queue, for a test to inspect or reorder. */
  take(predicate: (message: Message) => boolean): Message[] {
    this.processAll();
    const taken = this.queue.filter(predicate);
    this.queue = this.queue.filter((message) => !predicate(message));
    return taken;
  }

  tick(id: NodeId, times = 1): void {
    for (let count = 0; count < times; count++) {
      this.raft(id).tick();
      this.process(id);
    }
  }

  /** `ticks` rounds of: tick each of `ids` once, then deliver everything. Time passing on a live network. */
  run(ids: readonly NodeId[], ticks: number): void {
    for (let count = 0; count < ticks; count++) {
      for (const id of ids) this.tick(id);
      this.deliverAll();
    }
  }

  /**
   * Ticks `id` until it campaigns, delivers everything, and repeats until it leads (a pre-vote answer can
   * teach it a newer term first). Only `id` is ticked; the voters must be out of their leader lease.
   */
  elect(id: NodeId): void {
    for (let round = 0; round < 5 && this.raft(id).status().role !== 'leader'; round++) {
      this.tickUntilCampaign(id);
      this.deliverAll();
    }
    if (this.raft(id).status().role !== 'leader') throw new Error(`${id} did not win an election`);
  }

  /** Ticks `id` until it sends a pre-vote or vote request (at most two election timeouts). */
  tickUntilCampaign(id: NodeId): void {
    for (let count = 0; count < 2 * this.electionTimeoutTicks; count++) {
      const sentBefore = this.sent.length;
      this.tick(id);
      const campaigned = this.sent.slice(sentBefore).some((message) => message.type === 'preVote' || message.type === 'vote');
      if (campaigned || this.raft(id).status().role === 'leader') return;
    }
    throw new Error(`${id} did not campaign within two election timeouts`);
  }

  /**
   * Lets an election timeout pass on `id` without delivering anything, so it no longer honours its leader's
   * lease (thesis §4.2.3), and loses whatever campaign it started meanwhile: another node is to win.
   */
  expireLease(id: NodeId): void {
    const sentBefore = this.sent.length;
    this.tick(id, this.electionTimeoutTicks);
    const campaign = new Set<Message>(this.sent.slice(sentBefore).filter((message) => message.type === 'preVote' || message.type === 'vote'));
    this.take((message) => campaign.has(message));
  }

  leaders(): NodeId[] {
    return [...this.nodes.values()].filter((node) => node.raft.status().role === 'leader').map((node) => node.raft.id);
  }

  propose(id: NodeId, text: string): ReturnType<Raft['propose']> {
    const result = this.raft(id).propose([new TextEncoder().encode(text)]);
    this.process(id);
    return result;
  }

  /** The commands a node's state machine holds, as text, in order (including any restored from a snapshot). */
  appliedCommands(id: NodeId): string[] {
    return this.node(id).stateMachine.map((command) => command.text);
  }

  /** The terms of the entries a node has persisted after its snapshot, in index order. */
  logTerms(id: NodeId): number[] {
    return this.node(id).storage.entries.map((entry) => entry.term);
  }

  /** The persisted entry at `index` on `id`, if it holds one. */
  entryAt(id: NodeId, index: number): Entry | undefined {
    return this.node(id).storage.entries.find((entry) => entry.index === index);
  }

  /** Compacts `id`'s log up to `index` into a snapshot of its state machine, and persists it. */
  compact(id: NodeId, index: number): Snapshot {
    const node = this.node(id);
    const data = encodeStateMachine(node.stateMachine.filter((command) => command.index <= index));
    const snapshot = node.raft.compact(index, data);
    node.storage.snapshot = snapshot;
    node.storage.entries = node.storage.entries.filter((entry) => entry.index > index);
    return snapshot;
  }

  /** The messages sent since `mark` (a former `sent.length`) that match `predicate`. */
  sentSince(mark: number, predicate: (message: Message) => boolean = () => true): Message[] {
    return this.sent.slice(mark).filter(predicate);
  }
}

/** A command's data as the tests write it. */
export function command(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The committed membership entries a founder of a cluster of `voters` starts its log with (see bootstrapState). */
export function foundingEntries(voters: readonly NodeId[]): readonly Entry[] {
  return bootstrapState({ voters: [...voters], learners: [] }).entries;
}

/**
 * The stored state of a founder of `membership` whose log holds, after its founding membership entries, the
 * figure's entries 1..n of the given terms (commands named "n@term", by their number in the figure).
 */
export function storedLog(membership: Membership, spec: LogSpec): StoredState {
  const stored = storedFrom(bootstrapState(membership));
  const founding = stored.entries.length;
  const foundingTerm = stored.hardState.term;
  if (spec.terms.some((term) => term < foundingTerm)) throw new Error(`a figure's entries follow the founding entries of term ${foundingTerm}`);
  const entries = spec.terms.map((term, offset): Entry => ({
    type: 'command', data: command(`${offset + 1}@${term}`), index: founding + offset + 1, term,
  }));
  const lastTerm = spec.terms[spec.terms.length - 1] ?? foundingTerm;
  stored.entries.push(...entries);
  stored.hardState = { term: spec.term ?? lastTerm, votedFor: spec.votedFor ?? null, commitIndex: founding + (spec.commitIndex ?? 0) };
  return stored;
}

/** The index a proposal was appended at. Throws, failing the test, when it was not appended. */
export function appendedIndex(result: ProposeResult): number {
  if (result.type !== 'appended') throw new Error(`expected the proposal to be appended, got ${JSON.stringify(result)}`);
  return result.index;
}

/** A standalone node outside any cluster, to step by hand and inspect its Ready batches. */
export function standaloneRaft(id: NodeId, persisted: PersistedState, overrides: Partial<RaftOptions> = {}): Raft {
  return new Raft(
    { id, electionTimeoutTicks: defaultElectionTimeoutTicks, heartbeatIntervalTicks: 1, random: new SeededRandom(7), ...overrides },
    persisted,
  );
}

/** A RandomSource that answers with `choose(bound)` and records every bound it was asked for. */
export class ScriptedRandom implements RandomSource {
  readonly bounds: number[] = [];

  constructor(private readonly choose: (maxExclusive: number) => number) {}

  nextInt(maxExclusive: number): number {
    this.bounds.push(maxExclusive);
    return this.choose(maxExclusive);
  }
}

export function persistedFrom(stored: Pick<PersistedState, 'hardState' | 'snapshot' | 'entries'>): PersistedState {
  return { ...stored, appliedIndex: stored.snapshot.index };
}

function storedFrom(persisted: PersistedState): StoredState {
  return { hardState: persisted.hardState, snapshot: persisted.snapshot, entries: [...persisted.entries] };
}

function describeEntry(entry: Entry): string {
  const payload = entry.type === 'command' ? new TextDecoder().decode(entry.data) : entry.type === 'membership' ? JSON.stringify(entry.change) : '';
  return `${entry.index}@${entry.term} ${entry.type} ${payload}`;
}

function encodeStateMachine(commands: readonly AppliedCommand[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(commands));
}

function decodeStateMachine(data: Uint8Array): AppliedCommand[] {
  return data.byteLength === 0 ? [] : (JSON.parse(new TextDecoder().decode(data)) as AppliedCommand[]);
}
