// Rolls the fault profile's dice once per decision interval during the fault phase: crashes (often of the
// leader) with later restarts, frozen tabs, partitions of several shapes, one-way links, leadership
// transfers and membership churn. Every fault that starts also schedules its end; healing ends them all.
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { NodeId } from '../../../leader-worker/src/raft/types.js';
import type { EventQueue } from '../engine/event-queue.js';
import type { Trace } from '../engine/trace.js';
import type { Cluster } from './cluster.js';
import { describeResult } from './describe.js';
import type { FailoverTracker } from './failover-tracker.js';
import { healedNetwork, type DurationRange, type FaultProfile, type PartitionKind } from './fault-profiles.js';
import type { RaftFigures } from './figures.js';
import type { MembershipChurn } from './membership-churn.js';
import type { Network } from './network.js';
import type { SimulatedNode } from './simulated-node.js';

/** A blocked directed link. */
type Link = readonly [from: NodeId, to: NodeId];

export class FaultInjector {
  private healed = false;
  private partitionsActive = 0;
  /** Rolls and draws for the regular decisions. */
  private readonly random: SeededRandom;
  /** Its own stream: how many leaders get elected must not shift every later decision. */
  private readonly leaderFaultRandom: SeededRandom;
  /** Rolled once per Ready: its own stream, since the number of Readys depends on everything else. */
  private readonly powerLossRandom: SeededRandom;

  constructor(
    private readonly queue: EventQueue,
    streams: { readonly decisions: SeededRandom; readonly leaderFaults: SeededRandom; readonly powerLoss: SeededRandom },
    private readonly trace: Trace,
    private readonly figures: RaftFigures,
    private readonly profile: FaultProfile,
    private readonly cluster: Cluster,
    private readonly network: Network,
    private readonly failover: FailoverTracker,
    private readonly churn: MembershipChurn,
    /** The simulation is about to ask this leader of this term to hand over: the availability checks expect a new leader. */
    private readonly transferRequested: (leaderId: NodeId, term: number) => void,
  ) {
    this.random = streams.decisions;
    this.leaderFaultRandom = streams.leaderFaults;
    this.powerLossRandom = streams.powerLoss;
  }

  get isHealed(): boolean {
    return this.healed;
  }

  start(): void {
    this.network.setConditions(this.profile.network);
    this.queue.scheduleAfter(this.profile.decisionIntervalMs, () => this.decide());
  }

  /** Ends every fault at once: links, network conditions, frozen tabs, crashed devices. */
  heal(): void {
    this.healed = true;
    this.network.unblockAll();
    this.network.setConditions(healedNetwork);
    this.log('heal: partitions and one-way links removed, network calm, paused nodes resumed, crashed nodes restarted');
    for (const node of this.cluster.active()) {
      if (node.condition === 'paused') this.resume(node);
      else if (node.condition === 'crashed') this.restart(node);
    }
  }

  /** A device may lose power in the middle of a Ready; the node crashes itself, the restart is scheduled here. */
  powerLossDuringReady(node: SimulatedNode, steps: number): number | null {
    const random = this.powerLossRandom;
    if (this.healed || !random.chance(this.profile.powerLossDuringReadyProbability) || !this.mayTakeNodeDown()) return null;
    const step = 1 + random.nextInt(steps);
    const wasLeader = this.noteLeaderRemoval(node, 'power loss');
    const downtimeMs = this.draw(this.profile.crashDowntime, random);
    this.figures.crashes++;
    this.figures.powerLossesDuringReady++;
    if (wasLeader) this.figures.leaderCrashes++;
    this.log(`fault: power loss on ${node.id}${wasLeader ? ' (leader)' : ''} after step ${step} of a Ready, down for ${downtimeMs}ms`);
    this.scheduleRestart(node, node.incarnation, downtimeMs);
    return step;
  }

  /** Jepsen's "kill the leader" nemesis: a new leader may be crashed or cut off before it replicates much. */
  leaderElected(leader: SimulatedNode): void {
    if (this.healed) return;
    const random = this.leaderFaultRandom;
    const crash = random.chance(this.profile.newLeaderCrashProbability);
    if (!crash && !random.chance(this.profile.newLeaderIsolationProbability)) return;
    const incarnation = leader.incarnation;
    this.queue.scheduleAfter(this.draw(this.profile.newLeaderFaultDelay, random), () => {
      if (this.healed || !leader.isUp || leader.incarnation !== incarnation || this.cluster.currentLeader() !== leader) return;
      if (crash) this.crash(leader, random);
      else this.isolate(leader, random);
    });
  }

  /** The leader just appended a membership change: it may be cut off at once, with the joining devices. */
  membershipChangeAppended(leader: SimulatedNode, joining: readonly NodeId[]): void {
    if (this.healed || !this.random.chance(this.profile.membershipSplitProbability)) return;
    const side = [leader.id, ...joining.filter((id) => id !== leader.id)];
    const links = crossLinks(side, this.cluster.nodeIds().filter((id) => !side.includes(id)));
    if (links.length === 0) return;
    const durationMs = this.draw(this.profile.partitionDuration);
    this.figures.membershipSplits++;
    this.figures.partitions++;
    this.log(`fault: membership split: {${side.join(', ')}} cut off for ${durationMs}ms`);
    this.applyLinks(links, durationMs, 'membership split', () => undefined);
  }

  private isolate(leader: SimulatedNode, random: SeededRandom): void {
    const links = crossLinks([leader.id], this.cluster.nodeIds().filter((id) => id !== leader.id));
    const durationMs = this.draw(this.profile.partitionDuration, random);
    this.figures.partitions++;
    this.log(`fault: new leader ${leader.id} cut off for ${durationMs}ms`);
    this.applyLinks(links, durationMs, 'new leader cut off', () => undefined);
  }

  private decide(): void {
    if (this.healed) return;
    this.queue.scheduleAfter(this.profile.decisionIntervalMs, () => this.decide());
    const profile = this.profile;
    if (this.random.chance(profile.crashProbability)) this.crashOne();
    if (this.random.chance(profile.pauseProbability)) this.pauseOne();
    if (this.random.chance(profile.partitionProbability)) this.partition();
    if (this.random.chance(profile.oneWayLinkProbability)) this.blockOneWay();
    if (this.random.chance(profile.leadershipTransferProbability)) this.transferLeadership();
    if (this.random.chance(profile.membershipChangeProbability)) this.churn.step(true);
  }

  private mayTakeNodeDown(): boolean {
    const nodes = this.cluster.active().length;
    return this.cluster.downCount() < Math.min(this.profile.nodesDownMax, nodes - 1);
  }

  /** The leader with the profile's probability, else any node that is up. */
  private pickVictim(): SimulatedNode | null {
    const leader = this.cluster.currentLeader();
    if (leader !== null && this.random.chance(this.profile.leaderTargetProbability)) return leader;
    const up = this.cluster.active().filter((node) => node.isUp);
    return up[this.random.nextInt(Math.max(1, up.length))] ?? null;
  }

  private crashOne(): void {
    if (!this.mayTakeNodeDown()) return;
    const node = this.pickVictim();
    if (node !== null) this.crash(node, this.random);
  }

  private crash(node: SimulatedNode, random: SeededRandom): void {
    if (!this.mayTakeNodeDown()) return;
    const wasLeader = this.noteLeaderRemoval(node, 'crash');
    const downtimeMs = this.draw(this.profile.crashDowntime, random);
    this.figures.crashes++;
    if (wasLeader) this.figures.leaderCrashes++;
    this.log(`fault: crash ${node.id}${wasLeader ? ' (leader)' : ''} for ${downtimeMs}ms`);
    node.crash();
    this.scheduleRestart(node, node.incarnation, downtimeMs);
  }

  /** Restarts the node after `downtimeMs` unless something else (healing) restarted it first. */
  private scheduleRestart(node: SimulatedNode, incarnation: number, downtimeMs: number): void {
    this.queue.scheduleAfter(downtimeMs, () => {
      if (node.condition === 'crashed' && node.incarnation === incarnation) this.restart(node);
    });
  }

  private pauseOne(): void {
    if (!this.mayTakeNodeDown()) return;
    const node = this.pickVictim();
    if (node === null) return;
    const wasLeader = this.noteLeaderRemoval(node, 'pause');
    const durationMs = this.draw(this.profile.pauseDuration);
    this.figures.pauses++;
    this.log(`fault: pause ${node.id}${wasLeader ? ' (leader)' : ''} for ${durationMs}ms`);
    node.pause();
    // Only an up node is paused, so this pause is still the one in force unless healing or retirement ended it.
    this.queue.scheduleAfter(durationMs, () => {
      if (node.condition === 'paused') this.resume(node);
    });
  }

  private restart(node: SimulatedNode): void {
    this.figures.restarts++;
    this.log(`restart ${node.id}`);
    // A restarted leader comes back as a follower: any failover being timed goes on until a new election.
    node.start();
  }

  private resume(node: SimulatedNode): void {
    this.log(`resume ${node.id}`);
    node.resume(this.healed ? 0 : this.profile.heldMessageDropOnResumeProbability, this.random);
    this.failover.faultEnded(node.id, (term) => this.stillLeads(node.id, term));
  }

  private partition(): void {
    if (this.partitionsActive >= this.profile.partitionsActiveMax) return;
    const kinds = this.profile.partitionKinds;
    const kind = kinds[this.random.nextInt(kinds.length)];
    if (kind === undefined) return;
    const links = this.partitionLinks(kind);
    if (links.length === 0) return;
    this.figures.partitions++;
    this.partitionsActive++;
    const durationMs = this.draw(this.profile.partitionDuration);
    this.log(`fault: partition ${kind} for ${durationMs}ms: ${describeLinks(links)}`);
    this.applyLinks(links, durationMs, `partition ${kind}`, () => this.partitionsActive--);
  }

  private blockOneWay(): void {
    const ids = this.cluster.nodeIds();
    if (ids.length < 2) return;
    const from = ids[this.random.nextInt(ids.length)]!;
    const others = ids.filter((id) => id !== from);
    const to = others[this.random.nextInt(others.length)]!;
    const durationMs = this.draw(this.profile.oneWayLinkDuration);
    this.figures.oneWayLinks++;
    this.log(`fault: one-way link ${from}->${to} blocked for ${durationMs}ms`);
    this.applyLinks([[from, to]], durationMs, 'one-way link', () => undefined);
  }

  /** Blocks `links` now and unblocks them after `durationMs` (unless healing already cleared everything). */
  private applyLinks(links: readonly Link[], durationMs: number, cause: string, onEnd: () => void): void {
    const leader = this.cluster.currentLeader();
    for (const [from, to] of links) this.network.block(from, to);
    if (leader !== null && !this.cluster.leaderReachesQuorum(leader, (from, to) => this.network.canReach(from, to))) {
      const term = this.cluster.observation(leader.id)?.status.term ?? 0;
      this.failover.leaderRemoved(leader.id, term, cause);
    }
    this.queue.scheduleAfter(durationMs, () => {
      if (this.healed) return;
      for (const [from, to] of links) this.network.unblock(from, to);
      onEnd();
      this.log(`${cause} ends: ${describeLinks(links)}`);
      if (leader !== null) this.failover.faultEnded(leader.id, (term) => this.stillLeads(leader.id, term));
    });
  }

  private partitionLinks(kind: PartitionKind): Link[] {
    const ids = this.shuffled(this.cluster.nodeIds());
    if (ids.length < 2) return [];
    switch (kind) {
      case 'isolateOne':
        return crossLinks(ids.slice(0, 1), ids.slice(1));
      case 'isolateLeader': {
        const leader = this.cluster.currentLeader()?.id ?? ids[0]!;
        return crossLinks([leader], ids.filter((id) => id !== leader));
      }
      case 'minorityMajority': {
        const minoritySize = 1 + this.random.nextInt(Math.max(1, Math.floor((ids.length - 1) / 2)));
        return crossLinks(ids.slice(0, minoritySize), ids.slice(minoritySize));
      }
      case 'bridge': {
        // Two sides that cannot talk, and one bridge node that talks to both (Jepsen's "bridge").
        if (ids.length < 3) return [];
        const sides = ids.slice(1);
        const half = Math.floor(sides.length / 2);
        return crossLinks(sides.slice(0, half), sides.slice(half));
      }
    }
  }

  private transferLeadership(): void {
    const leader = this.cluster.currentLeader();
    if (leader === null) return;
    const voters = leader.status().membership.voters.filter((id) => id !== leader.id);
    const target = voters[this.random.nextInt(Math.max(1, voters.length))];
    if (target === undefined) return;
    this.figures.leadershipTransfersRequested++;
    this.transferRequested(leader.id, leader.status().term);
    const result = leader.transferLeadership(target);
    if (result.type === 'accepted') this.figures.leadershipTransfersAccepted++;
    this.log(`fault: ${leader.id} asked to transfer leadership to ${target}: ${describeResult(result)}`);
  }

  /** Starts a failover measurement if `node` is the leader; returns whether it was. */
  private noteLeaderRemoval(node: SimulatedNode, cause: string): boolean {
    if (this.cluster.currentLeader() !== node) return false;
    this.failover.leaderRemoved(node.id, this.cluster.observation(node.id)?.status.term ?? 0, cause);
    return true;
  }

  private stillLeads(nodeId: NodeId, term: number): boolean {
    const observed = this.cluster.observation(nodeId)?.status;
    return observed !== undefined && observed.role === 'leader' && observed.term === term;
  }

  private draw(range: DurationRange, random: SeededRandom = this.random): number {
    return range.minMs + random.nextInt(range.maxMs - range.minMs + 1);
  }

  private shuffled(ids: readonly NodeId[]): NodeId[] {
    const result = [...ids];
    for (let position = result.length - 1; position > 0; position--) {
      const other = this.random.nextInt(position + 1);
      [result[position], result[other]] = [result[other]!, result[position]!];
    }
    return result;
  }

  private log(text: string): void {
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, text);
  }
}

/** Every link between the two sides, both directions. */
function crossLinks(sideA: readonly NodeId[], sideB: readonly NodeId[]): Link[] {
  const links: Link[] = [];
  for (const a of sideA) {
    for (const b of sideB) links.push([a, b], [b, a]);
  }
  return links;
}

function describeLinks(links: readonly Link[]): string {
  return links.map(([from, to]) => `${from}>${to}`).join(' ');
}
