// Devices leave and join, one membership step at a time (thesis §4.1): the leader retires a voter (the
// device is wiped for good once its removal commits), and a brand-new device joins as a learner, catches up,
// and is promoted with addVoter. The voter count stays within [votersMin, the requested node count].
// Refusals are typed results from the core: the next roll simply tries again.
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { Entry, MembershipChange, NodeId } from '../../../leader-worker/src/raft/types.js';
import type { EventQueue } from '../engine/event-queue.js';
import type { Trace } from '../engine/trace.js';
import type { Cluster } from './cluster.js';
import { describeResult } from './describe.js';
import type { RaftFigures } from './figures.js';
import type { SimulatedNode } from './simulated-node.js';

/** Fewer voters than this and one more failure would stop the clinic; never retire below it. */
export const votersMin = 3;

/** What churn needs from the simulation besides the cluster: creating and retiring devices with their clients. */
export interface ChurnHost {
  addJoiningNode(): SimulatedNode;
  retireNode(node: SimulatedNode): void;
}

export class MembershipChurn {
  /** The device being added (learner, then voter), until it is a voter in the leader's configuration. */
  private joiningId: NodeId | null = null;

  constructor(
    private readonly queue: EventQueue,
    private readonly random: SeededRandom,
    private readonly trace: Trace,
    private readonly figures: RaftFigures,
    private readonly cluster: Cluster,
    private readonly host: ChurnHost,
    private readonly votersMax: number,
    private readonly learnerCatchUpLagEntriesMax: number,
  ) {}

  /** Whether a join is still in progress (it is finished after healing; nothing new starts then). */
  get joinInProgress(): boolean {
    return this.joiningId !== null;
  }

  /** One step: continue a join, or start a removal or a join. */
  step(mayStartChange: boolean): void {
    const leader = this.cluster.currentLeader();
    if (leader === null) return;
    const membership = leader.status().membership;
    if (this.joiningId !== null) return this.continueJoin(leader, this.joiningId);
    if (!mayStartChange) return;
    if (membership.voters.length < this.votersMax) return this.startJoin();
    if (membership.voters.length > votersMin) {
      const candidates = membership.voters.filter((id) => id !== leader.id);
      const target = candidates[this.random.nextInt(candidates.length)];
      if (target !== undefined) this.propose(leader, { type: 'removeNode', nodeId: target });
    }
  }

  /** A committed entry: a committed removal retires the device for good. */
  committed(entry: Entry): void {
    if (entry.type !== 'membership' || entry.change.type !== 'removeNode') return;
    const node = this.cluster.node(entry.change.nodeId);
    if (node === undefined || node.condition === 'retired') return;
    // Not inside the applying node's Ready loop: the removed node may be the one applying.
    this.queue.scheduleAfter(0, () => {
      if (node.condition === 'retired') return;
      if (this.joiningId === node.id) this.joiningId = null;
      this.host.retireNode(node);
    });
  }

  private startJoin(): void {
    const node = this.host.addJoiningNode();
    this.joiningId = node.id;
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, `churn: new device ${node.id} will join`);
  }

  private continueJoin(leader: SimulatedNode, joiningId: NodeId): void {
    const membership = leader.status().membership;
    if (membership.voters.includes(joiningId)) {
      this.joiningId = null;
      this.figures.nodesJoined++;
      return;
    }
    if (!membership.learners.includes(joiningId)) return this.propose(leader, { type: 'addLearner', nodeId: joiningId });
    const joining = this.cluster.node(joiningId);
    if (joining === undefined || !joining.isUp) return;
    if (joining.appliedIndex + this.learnerCatchUpLagEntriesMax < leader.status().commitIndex) return;
    this.propose(leader, { type: 'addVoter', nodeId: joiningId });
  }

  private propose(leader: SimulatedNode, change: MembershipChange): void {
    this.figures.membershipChangesProposed++;
    const result = leader.proposeMembershipChange(change);
    if (result.type === 'refused') this.figures.membershipChangesRefused++;
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, `churn: ${leader.id} proposes ${change.type} ${change.nodeId}: ${describeResult(result)}`);
  }
}
