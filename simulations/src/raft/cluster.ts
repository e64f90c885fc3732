// The devices of one clinic and what was last seen of each. Node ids are n1, n2, ... in creation order and
// are never reused: a retired device stays retired, and a joining device gets the next number.
import { bootstrapState } from '../../../leader-worker/src/raft/raft.js';
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { Membership, Message, NodeId } from '../../../leader-worker/src/raft/types.js';
import { describeMessage } from '../../../leader-worker/src/raft/describe-message.js';
import { DurableStorage } from './durable-storage.js';
import type { Observation } from './invariants/safety-checker.js';
import type { NetworkEndpoint } from './network.js';
import { SimulatedNode, type NodeContext } from './simulated-node.js';
import type { WorkloadCluster } from './workload.js';

export class Cluster implements NetworkEndpoint, WorkloadCluster {
  private readonly nodesById = new Map<NodeId, SimulatedNode>();
  private readonly observations = new Map<NodeId, Observation>();
  private createdCount = 0;

  constructor(
    private readonly context: NodeContext,
    private readonly coreRandom: SeededRandom,
  ) {}

  /** The id the next created node will get. */
  nextNodeId(): NodeId {
    return `n${this.createdCount + 1}`;
  }

  /** A new device with fresh storage: `membership` is the cluster's voters at bootstrap, or empty to join. */
  createNode(membership: Membership): SimulatedNode {
    const id = this.nextNodeId();
    this.createdCount++;
    const node = new SimulatedNode(id, new DurableStorage(bootstrapState(membership)), this.coreRandom.fork(), this.context);
    this.nodesById.set(id, node);
    return node;
  }

  node(id: NodeId): SimulatedNode | undefined {
    return this.nodesById.get(id);
  }

  /** Every device not retired, in creation order. */
  active(): SimulatedNode[] {
    return [...this.nodesById.values()].filter((node) => node.condition !== 'retired');
  }

  nodeIds(): readonly NodeId[] {
    return this.active().map((node) => node.id);
  }

  /** Crashed or paused devices right now. */
  downCount(): number {
    return this.active().filter((node) => !node.isUp).length;
  }

  receive(message: Message, recipient: NodeId): void {
    const node = this.nodesById.get(recipient);
    if (node === undefined || node.condition === 'retired') {
      this.context.figures.messagesToDownNodes++;
      if (this.context.trace.enabled) this.context.trace.write(this.context.queue.nowMs, `net to retired ${recipient}: ${describeMessage(message)}`);
      return;
    }
    node.receive(message);
  }

  retire(node: SimulatedNode): void {
    node.retire();
    this.observations.delete(node.id);
  }

  /** Records the node's status now and returns what was seen before (undefined the first time). */
  observe(node: SimulatedNode): { previous: Observation | undefined; current: Observation } {
    const previous = this.observations.get(node.id);
    const current = { status: node.status(), incarnation: node.incarnation };
    this.observations.set(node.id, current);
    return { previous, current };
  }

  observation(id: NodeId): Observation | undefined {
    return this.observations.get(id);
  }

  /** The running (not paused) node that believes it leads the highest term, if any. */
  currentLeader(): SimulatedNode | null {
    let leader: SimulatedNode | null = null;
    let leaderTerm = -1;
    for (const node of this.active()) {
      const observed = this.observations.get(node.id);
      if (!node.isUp || observed === undefined || observed.incarnation !== node.incarnation) continue;
      if (observed.status.role === 'leader' && observed.status.term > leaderTerm) {
        leader = node;
        leaderTerm = observed.status.term;
      }
    }
    return leader;
  }

  /** A leader that a quorum of its voters, up and running, also see as leader of its term. */
  stableLeader(): SimulatedNode | null {
    const leader = this.currentLeader();
    if (leader === null) return null;
    const status = this.observations.get(leader.id)!.status;
    const voters = status.membership.voters;
    let supporters = 0;
    for (const voterId of voters) {
      const voter = this.nodesById.get(voterId);
      const observed = this.observations.get(voterId);
      if (voter === undefined || !voter.isUp || observed === undefined) continue;
      if (voterId === leader.id || (observed.status.leaderId === leader.id && observed.status.term === status.term)) supporters++;
    }
    return supporters >= quorumOf(voters.length) ? leader : null;
  }

  /** Whether `leader` can exchange messages both ways with a quorum of its voters (itself included). */
  leaderReachesQuorum(leader: SimulatedNode, canReach: (from: NodeId, to: NodeId) => boolean): boolean {
    const voters = this.observations.get(leader.id)?.status.membership.voters ?? [];
    const reachable = voters.filter((id) => id === leader.id || (canReach(leader.id, id) && canReach(id, leader.id)));
    return reachable.length >= quorumOf(voters.length);
  }
}

export function quorumOf(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}
