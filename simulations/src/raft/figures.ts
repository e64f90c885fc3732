// What a raft run measured. Counters are summed over seeds in the report; samples are pooled and reported
// as percentiles. None of these pass or fail a run: the invariant checkers do that.
import { Figures } from '../engine/figures.js';

export class RaftFigures extends Figures {
  eventsProcessed = 0;
  virtualMs = 0;

  messagesSent = 0;
  messagesLost = 0;
  messagesCut = 0;
  messagesDuplicated = 0;
  messagesMisdelivered = 0;
  messagesToDownNodes = 0;
  messagesHeldWhilePaused = 0;
  heldMessagesDroppedOnResume = 0;

  elections = 0;
  crashes = 0;
  leaderCrashes = 0;
  powerLossesDuringReady = 0;
  restarts = 0;
  pauses = 0;
  partitions = 0;
  oneWayLinks = 0;
  leadershipTransfersRequested = 0;
  leadershipTransfersAccepted = 0;

  commandsCreated = 0;
  proposeCalls = 0;
  proposalsRefused = 0;
  acknowledged = 0;
  /** Command entries in the final committed log. */
  committedEntries = 0;
  /** Command entries in the final committed log that repeat an earlier (clientId, seq): applied as no-ops. */
  duplicates = 0;

  readsIssued = 0;
  /** Reads issued while the leader's configuration had learners beside an odd number of voters. */
  readsIssuedBesideLearnersAndOddVoters = 0;
  readsCompleted = 0;
  readsRefused = 0;
  readsAbandoned = 0;

  snapshotsInstalled = 0;
  compactions = 0;

  membershipChangesProposed = 0;
  membershipChangesRefused = 0;
  /** Refused because another change was still uncommitted: the one-change-at-a-time guard at work. */
  membershipChangesRefusedPending = 0;
  /** Cut-offs of the leader and the joining devices right after a change (membershipSplitProbability). */
  membershipSplits = 0;
  nodesJoined = 0;
  nodesRetired = 0;

  /** One sample per seed: the most events any second of virtual time held (RunawayGuard's limit is sized from it). */
  readonly eventsPerVirtualSecondPeak: number[] = [];
  readonly failoverTicks: number[] = [];
  /** From a leader being cut off from its quorum (links, crashes, pauses) to it stepping down. */
  readonly leaderStepDownMs: number[] = [];
  readonly leaderAfterHealTicks: number[] = [];
  readonly acknowledgeLatencyMs: number[] = [];
  /** The same, for commands created and acknowledged on a node connected to a healthy leader all along (figure-bounds.ts bounds it). */
  readonly acknowledgeLatencyHealthyMs: number[] = [];
}
