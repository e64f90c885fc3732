// Every seed that ever failed, replayed by regression.spec.ts. Add a line whenever a run fails, with what
// failed and why; never remove one. A seed stays here after the bug is fixed: it is the bug's test. (Seeds
// replay exactly only with the code they failed on; later changes to the core or the simulator take them
// down other paths, which still makes them useful, varied runs.)

export interface RegressionSeed {
  readonly scenario: string;
  readonly seed: number;
  readonly nodes: number;
  readonly faults: string;
  readonly note: string;
}

const inflightStall = 'core: a follower whose in-flight appends were all lost (crash, loss, one-way link) was never sent to again: the full in-flight window was not freed by heartbeat responses; proposals through it never acknowledged after healing';
const newLeaderNoopRefused = 'core: a new leader inheriting more uncommitted bytes than uncommittedBytesMax had its own noop refused and threw "a new leader always appends its empty entry"';
const joinerMembership = 'core: a joining device (empty bootstrap) replicated from index 1 derived its membership from an empty base, believed itself the only voter after addVoter, elected itself and committed alone; another leader then lacked those committed entries';
const windowProbeCompacted = 'core: the heartbeat-triggered probe of a full in-flight window found the entries in flight compacted away and sent nothing, so the follower never got the snapshot it needed (unit test: flow-control "a full window whose entries the leader compacted away")';
const implausibleVitals = 'simulator (clinic-day workload): adult vitals were drawn with the diastolic pressure at or above the systolic; the chart rejected them, the nurse retried forever (a visit never finished), or a pending copy applied as rejected behind a later move. Invalid commands are now a workload-invalid violation';
const reentryAfterRestart = 'simulator (clinic-day check): a write whose device died before answering was re-entered after the restart, its first attempt had committed meanwhile, and the re-entry (answered pending) applied as duplicate-id: flagged as pending-write-rejected although the record is there once. The check now accepts a rejection when the write is visible';
const inFlightMirror = 'simulator (clinic-day check): the observed Raft storage forgot its write in flight before the device\'s mirror of the disk was updated, so a power loss in between flagged the landed write as durable-write-lost';
const closingTooShort = 'simulator (clinic-day): the clinic could not finish its backlog within 6 min of healing (an overloaded clinician); the closing deadline is now 20 min and the clinician writes faster';
const outboxKeyOrder = 'leader-worker, fixed (every write goes through the outbox, ordered by its strictly increasing save time): after a restart the Outbox is loaded in storage key order (clientId, sequence), not in the order the writes were saved. registration-1, restarted for the tenth time, proposes its client session s10 before s9 at the end of the day, so openVisit (s10#1) is applied before the registerPatient it needs (s9), is rejected (unknown-patient), and a write its clinician was told is pending is lost';
const unconfirmedHandoffShownPending = 'leader-worker, fixed before landing (only writes a peer confirmed holding are pending): a write handed off from a full disk whose holders did not answer in time was kept to be carried by later requests, and also listed in pendingWrites(); registration-1\'s clerk, retrying the refused moveVisit of visit 13, saw it "pending" and moved on, the app restarted (the write was only in memory), and visit 13 never finished';
const outboxRetryOvertakes = 'leader-worker, fixed (one batch in flight, always from the oldest unapplied write): Outbox.takeDue skips items still inside their retry interval and goes on to later ones, so a write that never went out overtakes older writes of the same client whose proposal went to a leader that then froze. registration-1 proposes s2#1 (openVisit) to clinician-3, which falls asleep; at 217.6 s s2#2 (moveVisit) enters the outbox and is proposed alone to the new leader, applies before s2#1 and is rejected (unknown-visit): a pending write lost'
const staleCandidateFalseAlarm = 'simulator: n4, frozen as a candidate of term 6, woke, counted the votes granted before it froze and led term 6 for 5 ms, while 153..179 had been committed in term 7; Leader Completeness was checked against every committed entry instead of those committed in terms before the leader\'s (§5.4). n4 stepped down at the first term-7 answer; the core was right';
const learnerLostWithItsTerm = 'simulator (membership churn, before landing): n23 was added as a learner by n19 while a split cut n19 off; the entry never committed and n22 led the next term without it. After healing the churn stopped trying, because n19 had counted n23 as a learner with no room to promote it, so n23 was never a member and its clinician\'s proposals were never acknowledged. Joins now go on until the run ends';
const staleSuffixFalseAlarm = 'simulator: a stale node\'s divergent uncommitted suffix was flagged as an overwritten committed entry; now only entries at or below the node\'s own commit index are compared';

export const regressionSeeds: readonly RegressionSeed[] = [
  { scenario: 'raft', seed: 1, nodes: 5, faults: 'light', note: inflightStall },
  { scenario: 'raft', seed: 2, nodes: 5, faults: 'light', note: inflightStall },
  { scenario: 'raft', seed: 6, nodes: 5, faults: 'light', note: `${inflightStall} (n1, after a crash at 55 s)` },
  { scenario: 'raft', seed: 7, nodes: 5, faults: 'light', note: `${inflightStall} (n3, after a one-way link n2->n3 at 36.5 s)` },
  { scenario: 'raft', seed: 3, nodes: 5, faults: 'light', note: staleSuffixFalseAlarm },
  { scenario: 'raft', seed: 5, nodes: 5, faults: 'light', note: staleSuffixFalseAlarm },
  { scenario: 'raft', seed: 11, nodes: 5, faults: 'light', note: staleSuffixFalseAlarm },
  { scenario: 'raft', seed: 18, nodes: 5, faults: 'heavy', note: `${inflightStall} (learner n6 never converged)` },
  { scenario: 'raft', seed: 115, nodes: 5, faults: 'heavy', note: inflightStall },
  { scenario: 'raft', seed: 23, nodes: 5, faults: 'heavy', note: newLeaderNoopRefused },
  { scenario: 'raft', seed: 32, nodes: 5, faults: 'heavy', note: `${newLeaderNoopRefused} (n2 at 15 s, last index 97, commit 30)` },
  { scenario: 'raft', seed: 117, nodes: 5, faults: 'heavy', note: `${joinerMembership} (n6 leads term 5 alone, overwrites committed 281/4)` },
  { scenario: 'raft', seed: 286, nodes: 5, faults: 'heavy', note: `${joinerMembership} (n6 leads term 5 alone; n3 elected in term 6 without 164..171)` },
  { scenario: 'raft', seed: 4, nodes: 5, faults: 'heavy', note: `${windowProbeCompacted} (client 2@n2 unacknowledged after heal)` },
  { scenario: 'raft', seed: 21, nodes: 5, faults: 'heavy', note: `${windowProbeCompacted} (n1 restarted at 58.8 s at 325; leader n2 had 326..330 in flight and compacted past them)` },
  { scenario: 'raft', seed: 1714, nodes: 5, faults: 'heavy', note: staleCandidateFalseAlarm },
  { scenario: 'raft', seed: 71, nodes: 5, faults: 'membership-churn', note: learnerLostWithItsTerm },
  { scenario: 'clinic-session', seed: 10, nodes: 5, faults: 'light', note: implausibleVitals },
  { scenario: 'clinic-session', seed: 7, nodes: 5, faults: 'light', note: reentryAfterRestart },
  { scenario: 'clinic-session', seed: 4, nodes: 5, faults: 'heavy', note: inFlightMirror },
  { scenario: 'clinic-session', seed: 2, nodes: 5, faults: 'heavy', note: closingTooShort },
  { scenario: 'clinic-session', seed: 1, nodes: 5, faults: 'outbox-churn', note: outboxRetryOvertakes },
  { scenario: 'clinic-session', seed: 26, nodes: 5, faults: 'outbox-churn', note: outboxKeyOrder },
  { scenario: 'clinic-session', seed: 16, nodes: 5, faults: 'heavy', note: unconfirmedHandoffShownPending },
];
