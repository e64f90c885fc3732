// A synchronous in-memory cluster for unit tests: each node persists into a plain object, messages wait in
// one queue the test delivers explicitly (or all at once), and links can be cut. No timers, no randomness
// but a seeded generator, so every test is a script.
import { Raft, bootstrapState } from '../../src/raft/raft.js';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import type { Entry, HardState, Message, NodeId, PersistedState, RaftLimits, ReadState, Snapshot } from '../../src/raft/types.js';

export interface StoredState {
  hardState: HardState;
  snapshot: Snapshot;
  entries: Entry[];
}

export interface TestNode {
  raft: Raft;
  storage: StoredState;
  applied: Entry[];
  readStates: ReadState[];
}

export interface ClusterOptions {
  electionTimeoutTicks?: number;
  heartbeatIntervalTicks?: number;
  seed?: number;
  limits?: Partial<RaftLimits>;
  raftFactory?: (options: ConstructorParameters<typeof Raft>[0], persisted: PersistedState) => Raft;
}

export class TestCluster {
  readonly nodes = new Map<NodeId, TestNode>();
  /** Messages sent and not yet delivered, in send order. */
  queue: Message[] = [];
  /** Links that drop messages, as "from->to". */
  private readonly cut = new Set<string>();
  private readonly random: SeededRandom;
  readonly electionTimeoutTicks: number;

  constructor(readonly ids: readonly NodeId[], private readonly options: ClusterOptions = {}) {
    this.random = new SeededRandom(options.seed ?? 1);
    this.electionTimeoutTicks = options.electionTimeoutTicks ?? 10;
    for (const id of ids) this.start(id, storedFrom(bootstrapState({ voters: [...ids], learners: [] })));
  }

  /** Starts (or restarts) a node from stored state, as after a crash. */
  start(id: NodeId, storage: StoredState): TestNode {
    const options = {
      id,
      electionTimeoutTicks: this.electionTimeoutTicks,
      heartbeatIntervalTicks: this.options.heartbeatIntervalTicks ?? 1,
      random: this.random.fork(),
      limits: this.options.limits,
    };
    const persisted: PersistedState = { ...storage, appliedIndex: storage.snapshot.index };
    const raft = this.options.raftFactory ? this.options.raftFactory(options, persisted) : new Raft(options, persisted);
    const node: TestNode = { raft, storage, applied: [], readStates: [] };
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

  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}->${to}`);
  }

  heal(): void {
    this.cut.clear();
  }

  /** Handles every pending Ready of one node: persist, queue messages, apply, advance. */
  process(id: NodeId): void {
    const node = this.node(id);
    while (node.raft.hasReady()) {
      const ready = node.raft.ready();
      if (ready.snapshot !== null) {
        node.storage.snapshot = ready.snapshot;
        node.storage.entries = [];
      }
      if (ready.entries.length > 0) {
        const first = ready.entries[0]!.index;
        node.storage.entries = node.storage.entries.filter((entry) => entry.index < first).concat(ready.entries);
      }
      if (ready.hardState !== null) node.storage.hardState = ready.hardState;
      this.queue.push(...ready.messages);
      node.applied.push(...ready.committedEntries);
      node.readStates.push(...ready.readStates);
      node.raft.advance();
    }
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

  /** Delivers one message (unless its link is cut or the target is gone) and processes the target. */
  deliver(message: Message): void {
    if (this.cut.has(`${message.from}->${message.to}`)) return;
    const target = this.nodes.get(message.to);
    if (target === undefined) return;
    target.raft.step(message);
    this.process(message.to);
  }

  /** Takes the queued messages matching `predicate` out of the queue, for a test to inspect or reorder. */
  take(predicate: (message: Message) => boolean): Message[] {
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

  /** Ticks `id` until it starts a campaign, then delivers everything: the usual way to elect it. */
  elect(id: NodeId): void {
    this.tick(id, 2 * this.electionTimeoutTicks);
    this.deliverAll();
  }

  leaders(): NodeId[] {
    return [...this.nodes.values()].filter((node) => node.raft.status().role === 'leader').map((node) => node.raft.id);
  }

  propose(id: NodeId, text: string): ReturnType<Raft['propose']> {
    const result = this.raft(id).propose([new TextEncoder().encode(text)]);
    this.process(id);
    return result;
  }

  /** The commands a node applied, as text, in order. */
  appliedCommands(id: NodeId): string[] {
    return this.node(id).applied.flatMap((entry) => (entry.type === 'command' ? [new TextDecoder().decode(entry.data)] : []));
  }
}

function storedFrom(persisted: PersistedState): StoredState {
  return { hardState: persisted.hardState, snapshot: persisted.snapshot, entries: [...persisted.entries] };
}
