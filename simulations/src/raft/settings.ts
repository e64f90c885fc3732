// The fixed shape of a raft run: virtual-time phases, the core's timer settings, the workload and every
// bound the simulator enforces. Fault probabilities live in fault-profiles.ts.
import type { RunawayLimits } from '../engine/runaway-guard.js';
import type { AvailabilityLimits } from './invariants/availability-checker.js';

export interface RunTimings {
  /** The core counts ticks; the simulator delivers one every tickIntervalMs of virtual time. */
  readonly tickIntervalMs: number;
  readonly electionTimeoutTicks: number;
  readonly heartbeatIntervalTicks: number;
  /** Faults are injected only in [0, faultPhaseMs); then everything heals. */
  readonly faultPhaseMs: number;
  /** After healing the run continues this long without faults before the final checks. */
  readonly quietWindowMs: number;
  /** After healing, a stable leader must exist within this many election timeouts (liveness). */
  readonly leaderAfterHealElectionTimeoutsMax: number;
  /** After healing, every pending proposal must be acknowledged within this long (liveness). */
  readonly proposalAcknowledgedAfterHealMsMax: number;
}

export interface WorkloadSettings {
  /** Mean virtual time between two new commands of one client (exponentially distributed). */
  readonly commandIntervalMsMean: number;
  /** A client with this many unacknowledged commands creates no new one until some are acknowledged. */
  readonly pendingProposalsPerClientMax: number;
  /** An unacknowledged command is proposed again after this long. */
  readonly retryIntervalMs: number;
  /** Commands proposed in one propose() call when retrying. */
  readonly proposalBatchMax: number;
  /** Random payload bytes after the {clientId, seq} header, in [0, max]. */
  readonly payloadBytesMax: number;
  /** Mean virtual time between two ReadIndex requests on the whole cluster. */
  readonly readIntervalMsMean: number;
  /** A read not answered within this long is abandoned (the request or its answer may have been lost). */
  readonly readTimeoutMs: number;
  readonly pendingReadsMax: number;
}

export interface SimulatorLimits extends RunawayLimits, AvailabilityLimits {
  /** A node compacts its log into a snapshot once it stores more entries than this. */
  readonly logEntriesBeforeCompactionMax: number;
  /** Messages held for a paused node; later ones are dropped, like a frozen tab's socket buffer. */
  readonly heldMessagesPerPausedNodeMax: number;
  /** Ready rounds drained after one event before the core is declared livelocked. */
  readonly readyRoundsPerEventMax: number;
  /** A learner is promoted to voter once its applied index is this close to the leader's commit index. */
  readonly learnerCatchUpLagEntriesMax: number;
}

export const runTimings: RunTimings = {
  tickIntervalMs: 100,
  electionTimeoutTicks: 10,
  heartbeatIntervalTicks: 1,
  faultPhaseMs: 60_000,
  quietWindowMs: 25_000,
  leaderAfterHealElectionTimeoutsMax: 10,
  proposalAcknowledgedAfterHealMsMax: 20_000,
};

export const workloadSettings: WorkloadSettings = {
  commandIntervalMsMean: 400,
  pendingProposalsPerClientMax: 8,
  retryIntervalMs: 1_500,
  proposalBatchMax: 4,
  payloadBytesMax: 48,
  readIntervalMsMean: 700,
  readTimeoutMs: 5_000,
  pendingReadsMax: 32,
};

/**
 * Shared by every scenario. CheckQuorum steps a cut-off leader down at the end of the first full election
 * timeout without a quorum's answers: at most two after the cut, measured at most 2.3 (leaderStepDownMs).
 * Three election timeouts let whatever began before a stretch (messages in flight, a window already open,
 * a lease about to be renewed) run out before the stretch is judged.
 */
export const availabilityLimits: AvailabilityLimits = {
  settleElectionTimeouts: 3,
  cutOffLeaderStepDownElectionTimeoutsMax: 3,
};

export const simulatorLimits: SimulatorLimits = {
  logEntriesBeforeCompactionMax: 96,
  heldMessagesPerPausedNodeMax: 2_000,
  readyRoundsPerEventMax: 1_000,
  eventsPerSeedMax: 2_000_000,
  // Measured peaks (eventsPerVirtualSecondPeak): about 700 for 5 nodes and 10,300 for 15 under leader churn
  // (raft), 3,400 for a clinic of 5 (clinic-day). A runaway then fails after at most a 40th of the budget.
  eventsPerVirtualSecondMax: 50_000,
  learnerCatchUpLagEntriesMax: 8,
  ...availabilityLimits,
};

/** The whole configuration of one run; tests may override parts (shorter phases, other limits). */
export interface RunSettings {
  readonly timings: RunTimings;
  readonly workload: WorkloadSettings;
  readonly limits: SimulatorLimits;
}

export const defaultRunSettings: RunSettings = { timings: runTimings, workload: workloadSettings, limits: simulatorLimits };
