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
];
