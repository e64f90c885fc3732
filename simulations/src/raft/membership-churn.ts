// Devices leave and join (thesis §4.1): the leader retires a voter (the device is wiped for good once its
// removal commits), and brand-new devices join as learners, catch up, and are promoted with addVoter while
// there is room among the voters. Learners wait beside any number of voters (a clinic's five voters and a
// tablet that only reads). The voter count stays within [votersMin, the requested node count].
//
// The core takes one change at a time. Churn does not wait for that: a step may propose a second change
// while the first is uncommitted (two learners caught up at once, a retirement and a join), so the core's
// one-change-at-a-time guard is what keeps the cluster safe, and a core without it is caught.
// Refusals are typed results from the core: the next roll simply tries again.
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { Entry, Membership, MembershipChange, NodeId } from '../../../leader-worker/src/raft/types.js';
import type { EventQueue } from '../engine/event-queue.js';
import type { Trace } from '../engine/trace.js';
import type { Cluster } from './cluster.js';
import { describeResult } from './describe.js';
import type { RaftFigures } from './figures.js';
import type { SimulatedNode } from './simulated-node.js';

/** Fewer voters than this and one more failure would stop the clinic; never retire below it. */
export const votersMin = 3;

/** Devices joining at once (learners until promoted): two can be promoted back to back. */
export const joiningDevicesMax = 2;

/** What churn needs from the simulation besides the cluster: creating and retiring devices with their clients. */
export interface ChurnHost {
  addJoiningNode(): SimulatedNode;
  retireNode(node: SimulatedNode): void;
  /** The leader accepted a membership change (it is in its log, uncommitted): for faults aimed at that moment. */
  membershipChangeAppended(leader: SimulatedNode, joining: readonly NodeId[]): void;
}

export interface ChurnSettings {
  readonly votersMax: number;
  readonly learnerCatchUpLagEntriesMax: number;
  /** After proposing a change, the chance of proposing another one in the same step, before the first commits. */
  readonly concurrentChangeProbability: number;
}

type ChurnAction = 'join' | 'retire';

export class MembershipChurn {
  /** Devices being added (learners, then voters), until each is a voter in the leader's configuration. */
  private readonly joining: NodeId[] = [];

  constructor(
    private readonly queue: EventQueue,
    private readonly random: SeededRandom,
    private readonly trace: Trace,
    private readonly figures: RaftFigures,
    private readonly cluster: Cluster,
    private readonly host: ChurnHost,
    private readonly settings: ChurnSettings,
  ) {}

  /**
   * Whether some device is still joining. After healing nothing new starts, but joins go on: a learner added
   * by a leader that then lost its term may have to be added again. A learner without room among the voters
   * stays a learner, caught up, and keeps this true until the run ends.
   */
  get joinInProgress(): boolean {
    return this.joining.length > 0;
  }

  /** One step: move the joins on, and (when `mayStartChange`) start a removal or a join. */
  step(mayStartChange: boolean): void {
    const leader = this.cluster.currentLeader();
    if (leader === null) return;
    this.forgetFinishedJoins(leader.status().membership);
    let proposed = this.continueJoins(leader);
    if (!mayStartChange) return;
    for (const action of this.shuffledActions()) {
      if (proposed && !this.random.chance(this.settings.concurrentChangeProbability)) return;
      if (this.start(leader, action)) proposed = true;
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
      this.forgetJoin(node.id);
      this.host.retireNode(node);
    });
  }

  private forgetFinishedJoins(membership: Membership): void {
    for (const id of [...this.joining]) {
      if (!membership.voters.includes(id)) continue;
      this.forgetJoin(id);
      this.figures.nodesJoined++;
    }
  }

  private forgetJoin(id: NodeId): void {
    const position = this.joining.indexOf(id);
    if (position >= 0) this.joining.splice(position, 1);
  }

  /** Adds each joining device as a learner, and promotes those caught up while voters have room. Returns whether it proposed. */
  private continueJoins(leader: SimulatedNode): boolean {
    let proposed = false;
    for (const id of this.joining) {
      const membership = leader.status().membership;
      if (proposed && !this.random.chance(this.settings.concurrentChangeProbability)) return proposed;
      if (!membership.learners.includes(id)) {
        if (!membership.voters.includes(id)) proposed = this.propose(leader, { type: 'addLearner', nodeId: id }) || proposed;
        continue;
      }
      const joining = this.cluster.node(id);
      if (joining === undefined || !joining.isUp || membership.voters.length >= this.settings.votersMax) continue;
      if (joining.appliedIndex + this.settings.learnerCatchUpLagEntriesMax < leader.status().commitIndex) continue;
      proposed = this.propose(leader, { type: 'addVoter', nodeId: id }) || proposed;
    }
    return proposed;
  }

  private shuffledActions(): ChurnAction[] {
    return this.random.chance(0.5) ? ['join', 'retire'] : ['retire', 'join'];
  }

  /** Starts one new change; returns whether one was proposed. */
  private start(leader: SimulatedNode, action: ChurnAction): boolean {
    const membership = leader.status().membership;
    if (action === 'join') {
      if (this.joining.length >= joiningDevicesMax) return false;
      const node = this.host.addJoiningNode();
      this.joining.push(node.id);
      if (this.trace.enabled) this.trace.write(this.queue.nowMs, `churn: new device ${node.id} will join`);
      return this.propose(leader, { type: 'addLearner', nodeId: node.id });
    }
    if (membership.voters.length <= votersMin) return false;
    const candidates = membership.voters.filter((id) => id !== leader.id);
    const target = candidates[this.random.nextInt(candidates.length)];
    return target !== undefined && this.propose(leader, { type: 'removeNode', nodeId: target });
  }

  /** Proposes `change` on the leader; returns whether the leader appended it. */
  private propose(leader: SimulatedNode, change: MembershipChange): boolean {
    this.figures.membershipChangesProposed++;
    const result = leader.proposeMembershipChange(change);
    if (result.type === 'refused') {
      this.figures.membershipChangesRefused++;
      if (result.reason === 'membershipChangePending') this.figures.membershipChangesRefusedPending++;
    }
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, `churn: ${leader.id} proposes ${change.type} ${change.nodeId}: ${describeResult(result)}`);
    if (result.type !== 'appended') return false;
    this.host.membershipChangeAppended(leader, this.joining);
    return true;
  }
}
