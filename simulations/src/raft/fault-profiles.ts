// Named fault tables. A profile is data: the probabilities and durations the fault injector draws from, the
// network's conditions while faults last, and the core's limits (small limits force flow control and
// partial replication). Verbose mode prints the chosen table; a replay uses the same name.
import type { RaftLimits } from '../../../leader-worker/src/raft/types.js';
import { acknowledgeLatencyBounds, failoverBound, type SampleBound } from '../engine/figure-bounds.js';

export interface DurationRange {
  readonly minMs: number;
  readonly maxMs: number;
}

export interface NetworkConditions {
  /** Latency of an ordinary message on the clinic LAN, uniform in the range. */
  readonly latency: DurationRange;
  /** Chance a message takes the long tail instead: uniform up to latencyTailMsMax, so messages reorder. */
  readonly latencyTailProbability: number;
  readonly latencyTailMsMax: number;
  readonly lossProbability: number;
  readonly duplicationProbability: number;
  /** Chance a message is handed to the wrong node: the core must drop what is not addressed to it. */
  readonly misdeliveryProbability: number;
}

export type PartitionKind = 'isolateOne' | 'isolateLeader' | 'minorityMajority' | 'bridge';

export interface FaultProfile {
  readonly name: string;
  readonly description: string;
  /** Network conditions during the fault phase (after healing the network is calm). */
  readonly network: NetworkConditions;
  /** Each tick interval is drawn from [interval - jitter, interval + jitter] during the fault phase. */
  readonly tickJitterMs: number;
  /** The injector rolls every probability below once per interval. */
  readonly decisionIntervalMs: number;
  readonly crashProbability: number;
  /** When a crash or pause is rolled, the chance that it hits the current leader. */
  readonly leaderTargetProbability: number;
  readonly crashDowntime: DurationRange;
  /**
   * Chance, per Ready a driver handles, that the device loses power part-way through it (after persisting,
   * after sending, or after applying). Solar power: a crash can land between any two steps of the driver.
   */
  readonly powerLossDuringReadyProbability: number;
  readonly pauseProbability: number;
  readonly pauseDuration: DurationRange;
  /** Chance each message held for a paused node is lost in the burst on resume. */
  readonly heldMessageDropOnResumeProbability: number;
  /** Crashed plus paused nodes at once (also capped at nodes - 1). */
  readonly nodesDownMax: number;
  readonly partitionProbability: number;
  readonly partitionKinds: readonly PartitionKind[];
  readonly partitionDuration: DurationRange;
  readonly partitionsActiveMax: number;
  readonly oneWayLinkProbability: number;
  readonly oneWayLinkDuration: DurationRange;
  /**
   * Jepsen's "kill the leader": chances that a newly elected leader is crashed, or else cut off from
   * everyone (for partitionDuration), soon after its election. Leaders then leave logs that differ across
   * terms and are replicated to only part of the cluster: the setting of Raft's Figure 8.
   */
  readonly newLeaderCrashProbability: number;
  readonly newLeaderIsolationProbability: number;
  readonly newLeaderFaultDelay: DurationRange;
  readonly leadershipTransferProbability: number;
  /** Chance per decision of a churn step: the leader retires a voter, a new device joins, learners are promoted. */
  readonly membershipChangeProbability: number;
  /** After a change is proposed in a churn step, the chance of proposing another before the first commits. */
  readonly concurrentMembershipChangeProbability: number;
  /**
   * Chance, when the leader appends a membership change, that the leader and the joining devices are cut
   * off from everyone else at once (for partitionDuration): the old and the new configuration each try to
   * go on alone, which only the one-change-at-a-time rule keeps safe.
   */
  readonly membershipSplitProbability: number;
  readonly raftLimits: Partial<RaftLimits>;
  /** What a seed under this profile must keep (engine/figure-bounds.ts): its network sets how fast a healthy clinic is. */
  readonly figureBounds: readonly SampleBound[];
}


const calmLan: NetworkConditions = {
  latency: { minMs: 1, maxMs: 4 },
  latencyTailProbability: 0,
  latencyTailMsMax: 0,
  lossProbability: 0,
  duplicationProbability: 0,
  misdeliveryProbability: 0,
};

const noFaults: FaultProfile = {
  name: 'none',
  description: 'a healthy clinic LAN: no faults at all, only the workload',
  network: calmLan,
  tickJitterMs: 0,
  decisionIntervalMs: 500,
  crashProbability: 0,
  leaderTargetProbability: 0,
  crashDowntime: { minMs: 0, maxMs: 0 },
  powerLossDuringReadyProbability: 0,
  pauseProbability: 0,
  pauseDuration: { minMs: 0, maxMs: 0 },
  heldMessageDropOnResumeProbability: 0,
  nodesDownMax: 0,
  partitionProbability: 0,
  partitionKinds: [],
  partitionDuration: { minMs: 0, maxMs: 0 },
  partitionsActiveMax: 0,
  oneWayLinkProbability: 0,
  oneWayLinkDuration: { minMs: 0, maxMs: 0 },
  newLeaderCrashProbability: 0,
  newLeaderIsolationProbability: 0,
  newLeaderFaultDelay: { minMs: 0, maxMs: 0 },
  leadershipTransferProbability: 0,
  membershipChangeProbability: 0,
  concurrentMembershipChangeProbability: 0,
  membershipSplitProbability: 0,
  raftLimits: {},
  // Measured over seeds 1..30: the median 9 ms, the 99th percentile 14 ms (one LAN round trip or two).
  figureBounds: acknowledgeLatencyBounds(30, 60),
};

const lightFaults: FaultProfile = {
  name: 'light',
  description: 'an ordinary day: a little loss, an occasional crash, pause or partition, rare churn',
  network: {
    latency: { minMs: 1, maxMs: 5 },
    latencyTailProbability: 0.02,
    latencyTailMsMax: 150,
    lossProbability: 0.01,
    duplicationProbability: 0.005,
    misdeliveryProbability: 0,
  },
  tickJitterMs: 10,
  decisionIntervalMs: 500,
  crashProbability: 0.02,
  leaderTargetProbability: 0.3,
  crashDowntime: { minMs: 500, maxMs: 5_000 },
  powerLossDuringReadyProbability: 0.000_05,
  pauseProbability: 0.02,
  pauseDuration: { minMs: 500, maxMs: 4_000 },
  heldMessageDropOnResumeProbability: 0.05,
  nodesDownMax: 1,
  partitionProbability: 0.015,
  partitionKinds: ['isolateOne', 'minorityMajority'],
  partitionDuration: { minMs: 1_000, maxMs: 5_000 },
  partitionsActiveMax: 1,
  oneWayLinkProbability: 0.01,
  oneWayLinkDuration: { minMs: 1_000, maxMs: 4_000 },
  newLeaderCrashProbability: 0,
  newLeaderIsolationProbability: 0,
  newLeaderFaultDelay: { minMs: 0, maxMs: 0 },
  leadershipTransferProbability: 0.01,
  membershipChangeProbability: 0.01,
  concurrentMembershipChangeProbability: 0.3,
  membershipSplitProbability: 0,
  raftLimits: { messageBytesMax: 4_096, inflightMessagesMax: 16 },
  // Measured over seeds 1..100: per-seed medians up to 12 ms, 99th percentiles up to 1.9 s (a lost proposal
  // waits for its 1.5 s retry), failovers up to 18 ticks.
  figureBounds: [...acknowledgeLatencyBounds(40, 4_000), failoverBound(40)],
};

const heavyFaults: FaultProfile = {
  name: 'heavy',
  description: 'a bad day: lossy reordering links, frequent crashes (often of the leader), frozen tabs, partitions of every kind, transfers and membership churn',
  network: {
    latency: { minMs: 1, maxMs: 6 },
    latencyTailProbability: 0.1,
    latencyTailMsMax: 400,
    lossProbability: 0.07,
    duplicationProbability: 0.03,
    misdeliveryProbability: 0.002,
  },
  tickJitterMs: 30,
  decisionIntervalMs: 500,
  crashProbability: 0.06,
  leaderTargetProbability: 0.6,
  crashDowntime: { minMs: 100, maxMs: 8_000 },
  powerLossDuringReadyProbability: 0.000_3,
  pauseProbability: 0.04,
  pauseDuration: { minMs: 300, maxMs: 6_000 },
  heldMessageDropOnResumeProbability: 0.2,
  nodesDownMax: 2,
  partitionProbability: 0.05,
  partitionKinds: ['isolateOne', 'isolateLeader', 'minorityMajority', 'bridge'],
  partitionDuration: { minMs: 500, maxMs: 8_000 },
  partitionsActiveMax: 2,
  oneWayLinkProbability: 0.04,
  oneWayLinkDuration: { minMs: 500, maxMs: 6_000 },
  newLeaderCrashProbability: 0.1,
  newLeaderIsolationProbability: 0.1,
  newLeaderFaultDelay: { minMs: 0, maxMs: 1_000 },
  leadershipTransferProbability: 0.04,
  membershipChangeProbability: 0.05,
  concurrentMembershipChangeProbability: 0.5,
  membershipSplitProbability: 0.05,
  raftLimits: { messageBytesMax: 512, inflightMessagesMax: 4, uncommittedBytesMax: 4_096 },
  // Measured over seeds 1..200: per-seed medians up to 48 ms, 99th percentiles up to 3.3 s, failovers up to 71 ticks.
  figureBounds: [...acknowledgeLatencyBounds(120, 6_000), failoverBound(150)],
};

/**
 * Targeted at the commit rule (Raft Figure 8) and at durability: a new leader is usually cut off or crashed
 * within 600 ms of its election, over slow links with one entry per append, so leaders of successive terms
 * leave different entries at the same indexes, each replicated to only part of the cluster. Run it on three
 * nodes to find a broken commit rule, a forgotten vote or a send-before-persist driver through the damage
 * they do (see broken-cores.spec.ts).
 */
const leaderChurnFaults: FaultProfile = {
  name: 'leader-churn',
  description: 'new leaders are cut off or crashed soon after election, one entry per append over a slow link: partial replication across terms (Figure 8)',
  network: {
    // Slow links stretch a new leader's catch-up of a follower over many round trips, so a fault often
    // lands in the middle of it.
    latency: { minMs: 20, maxMs: 60 },
    latencyTailProbability: 0.05,
    latencyTailMsMax: 200,
    lossProbability: 0.05,
    duplicationProbability: 0.01,
    misdeliveryProbability: 0,
  },
  tickJitterMs: 20,
  decisionIntervalMs: 250,
  crashProbability: 0.03,
  leaderTargetProbability: 0.9,
  crashDowntime: { minMs: 100, maxMs: 2_500 },
  powerLossDuringReadyProbability: 0.002,
  pauseProbability: 0,
  pauseDuration: { minMs: 0, maxMs: 0 },
  heldMessageDropOnResumeProbability: 0,
  nodesDownMax: 2,
  partitionProbability: 0,
  partitionKinds: [],
  partitionDuration: { minMs: 1_000, maxMs: 5_000 },
  partitionsActiveMax: 0,
  oneWayLinkProbability: 0,
  oneWayLinkDuration: { minMs: 0, maxMs: 0 },
  newLeaderCrashProbability: 0.3,
  newLeaderIsolationProbability: 0.9,
  newLeaderFaultDelay: { minMs: 0, maxMs: 600 },
  leadershipTransferProbability: 0,
  membershipChangeProbability: 0,
  concurrentMembershipChangeProbability: 0,
  membershipSplitProbability: 0,
  raftLimits: { messageBytesMax: 1, inflightMessagesMax: 2 },
  // One entry per append over 20-60 ms links is slow by design. Measured over seeds 1..100: medians up to
  // 2.4 s, 99th percentiles up to 4.2 s, failovers up to 66 ticks.
  figureBounds: [...acknowledgeLatencyBounds(5_000, 9_000), failoverBound(150)],
};

/**
 * Targeted at membership changes (thesis §4.1): devices retire and join every few seconds, learners are
 * promoted back to back, and when the leader appends a change it is often cut off at once together with the
 * joining devices, so the old and the new configuration each try to elect and commit alone. Only the
 * one-change-at-a-time rule keeps their majorities overlapping: a core without it is caught here (see
 * broken-cores.spec.ts). Run it with --nodes 5.
 */
const membershipChurnFaults: FaultProfile = {
  ...noFaults,
  name: 'membership-churn',
  description: 'devices retire and join every few seconds, changes proposed back to back, the leader and the joining devices cut off right after a change',
  network: {
    latency: { minMs: 2, maxMs: 10 },
    latencyTailProbability: 0.05,
    latencyTailMsMax: 200,
    lossProbability: 0.02,
    duplicationProbability: 0.01,
    misdeliveryProbability: 0,
  },
  tickJitterMs: 10,
  decisionIntervalMs: 250,
  crashProbability: 0.01,
  leaderTargetProbability: 0.5,
  crashDowntime: { minMs: 200, maxMs: 3_000 },
  nodesDownMax: 1,
  partitionDuration: { minMs: 1_500, maxMs: 5_000 },
  membershipChangeProbability: 0.4,
  concurrentMembershipChangeProbability: 0.8,
  membershipSplitProbability: 0.3,
  raftLimits: { messageBytesMax: 1_024, inflightMessagesMax: 8 },
  // Measured over seeds 1..100: per-seed medians up to 27 ms, 99th percentiles up to 2 s, failovers up to 43 ticks.
  figureBounds: [...acknowledgeLatencyBounds(80, 4_000), failoverBound(100)],
};

export const faultProfiles: readonly FaultProfile[] = [noFaults, lightFaults, heavyFaults, leaderChurnFaults, membershipChurnFaults];

export function findFaultProfile(name: string): FaultProfile | undefined {
  return faultProfiles.find((profile) => profile.name === name);
}

/** After healing: the calm LAN, whatever the profile was. */
export const healedNetwork: NetworkConditions = calmLan;
