// Log compaction. Reference: Raft paper §7: each server snapshots its committed state; the leader sends
// InstallSnapshot to a follower that needs entries it has discarded.
import { InvariantViolation } from '../../src/invariants/assert.js';
import type { Entry, Message, NodeId } from '../../src/raft/types.js';
import { appendedIndex, persistedFrom, standaloneRaft, storedLog, TestCluster } from './test-cluster.js';

const isSnapshotTo = (to: string) => (message: Message): boolean => message.type === 'installSnapshot' && message.to === to;

function membershipOf(cluster: TestCluster, id: NodeId): { voters: NodeId[]; learners: NodeId[] } {
  const { voters, learners } = cluster.raft(id).status().membership;
  return { voters: [...voters].sort(), learners: [...learners].sort() };
}

/** Adds `id` as a learner (it starts with an empty log, and a has compacted), then promotes it to voter. */
function promoteJoiningDevice(cluster: TestCluster, id: NodeId): void {
  cluster.heal();
  cluster.addJoiningNode(id);
  expect(cluster.raft('a').proposeMembershipChange({ type: 'addLearner', nodeId: id }).type).toBe('appended');
  cluster.run(['a'], 2);
  expect(cluster.raft('a').proposeMembershipChange({ type: 'addVoter', nodeId: id }).type).toBe('appended');
  cluster.deliverAll();
}

/**
 * a leads a, b, c; c missed five commands, which a then compacted away up to the fourth (with the founding
 * membership entries and a's empty entry before them). Returns the cluster and the snapshot index.
 */
function clusterWithCompactedLeader(): { cluster: TestCluster; snapshotIndex: number } {
  const cluster = new TestCluster(['a', 'b', 'c']);
  cluster.elect('a');
  cluster.isolate('c');
  const indexes = ['1', '2', '3', '4', '5'].map((text) => appendedIndex(cluster.propose('a', text)));
  cluster.deliverAll();
  const lastIndex = indexes[indexes.length - 1]!;
  expect(cluster.raft('a').status().appliedIndex).toBe(lastIndex);
  const snapshotIndex = indexes[3]!;
  cluster.compact('a', snapshotIndex);
  expect(cluster.raft('a').status().firstIndex).toBe(lastIndex);
  return { cluster, snapshotIndex };
}

describe('Raft §7 log compaction and InstallSnapshot', () => {
  it('a lagging follower catches up through a snapshot, then through appends', () => {
    const { cluster, snapshotIndex } = clusterWithCompactedLeader();
    cluster.heal();
    cluster.run(['a'], 2);
    expect(cluster.sent.filter(isSnapshotTo('c')).length).toBe(1);
    expect(cluster.node('c').storage.snapshot.index).toBe(snapshotIndex);
    const lastIndex = snapshotIndex + 1;
    expect(cluster.raft('c').status()).toEqual(jasmine.objectContaining({ commitIndex: lastIndex, firstIndex: lastIndex, lastIndex }));
    expect(cluster.appliedCommands('c')).toEqual(['1', '2', '3', '4', '5']);
    cluster.propose('a', '6');
    cluster.deliverAll();
    expect(cluster.appliedCommands('c')).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('a new device joins through a snapshot, with the membership it records', () => {
    const { cluster } = clusterWithCompactedLeader();
    cluster.heal();
    cluster.addJoiningNode('d');
    cluster.raft('a').proposeMembershipChange({ type: 'addLearner', nodeId: 'd' });
    cluster.run(['a'], 2);
    expect(cluster.sent.filter(isSnapshotTo('d')).length).toBe(1);
    expect(cluster.appliedCommands('d')).toEqual(['1', '2', '3', '4', '5']);
    expect(cluster.raft('d').status().membership).toEqual({ voters: ['a', 'b', 'c'], learners: ['d'] });
    expect(cluster.raft('d').status().lastIndex).toBe(cluster.raft('a').status().lastIndex);
  });

  it('a device that joins through a snapshot learns the founding voters from it, and once promoted its answers count', () => {
    const { cluster, snapshotIndex } = clusterWithCompactedLeader();
    // The founding membership entries are compacted away: d can learn the voters only from the snapshot.
    expect(snapshotIndex).toBeGreaterThan(cluster.foundingIndex);
    promoteJoiningDevice(cluster, 'd');
    expect(cluster.sent.filter(isSnapshotTo('d')).length).toBe(1);
    expect(cluster.node('d').storage.snapshot.membership).toEqual({ voters: ['a', 'b', 'c'], learners: [] });
    for (const id of ['a', 'b', 'c', 'd']) expect(membershipOf(cluster, id)).withContext(id).toEqual({ voters: ['a', 'b', 'c', 'd'], learners: [] });
    // With c away, a and b are two of four voters: d's answer makes the third.
    cluster.isolate('c');
    cluster.cutLink('d', 'a');
    const commitIndex = cluster.raft('a').status().commitIndex;
    const index = appendedIndex(cluster.propose('a', 'needs d'));
    cluster.deliverAll();
    expect(cluster.raft('d').status().lastIndex).toBe(index);
    expect(cluster.raft('a').status().commitIndex).toBe(commitIndex);
    cluster.heal();
    cluster.isolate('c');
    cluster.run(['a'], 1);
    expect(cluster.raft('a').status().commitIndex).toBe(index);
    expect(cluster.appliedCommands('d')).toEqual(['1', '2', '3', '4', '5', 'needs d']);
  });

  it('a device that joined through a snapshot and was promoted counts a quorum of all four voters', () => {
    const { cluster } = clusterWithCompactedLeader();
    promoteJoiningDevice(cluster, 'd');
    // Alone, it asks every founder for a vote, and never elects itself.
    cluster.isolate('d');
    const mark = cluster.sent.length;
    cluster.tick('d', 4 * cluster.electionTimeoutTicks);
    const asked = cluster.sentSince(mark, (message) => message.type === 'preVote').map((message) => message.to);
    expect(new Set(asked)).toEqual(new Set(['a', 'b', 'c']));
    expect(cluster.raft('d').status().role).not.toBe('leader');
    // With b and c it wins (three of four); as leader, with c gone too, two of four commit nothing.
    cluster.heal();
    cluster.isolate('a');
    for (const id of ['b', 'c']) cluster.expireLease(id);
    cluster.elect('d');
    cluster.deliverAll();
    expect(cluster.raft('d').status().commitIndex).toBe(cluster.raft('d').status().lastIndex);
    cluster.isolate('c');
    const commitIndex = cluster.raft('d').status().commitIndex;
    expect(cluster.propose('d', 'two of four').type).toBe('appended');
    cluster.deliverAll();
    expect(cluster.raft('d').status().commitIndex).toBe(commitIndex);
  });

  it('a node restarts from its snapshot plus the log tail and rebuilds the same state', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const indexes = ['1', '2', '3', '4', '5'].map((text) => appendedIndex(cluster.propose('a', text)));
    cluster.deliverAll();
    // b's snapshot holds commands 1 to 3; its log tail, 4 and 5 and then 6.
    cluster.compact('b', indexes[2]!);
    const lastIndex = appendedIndex(cluster.propose('a', '6'));
    cluster.deliverAll();
    cluster.run(['a'], 1);
    const before = cluster.appliedCommands('b');
    expect(before).toEqual(['1', '2', '3', '4', '5', '6']);
    cluster.crashAndRestart('b');
    cluster.process('b');
    const tail = [indexes[3]!, indexes[4]!, lastIndex];
    expect(cluster.raft('b').status()).toEqual(
      jasmine.objectContaining({ firstIndex: tail[0], lastIndex, commitIndex: lastIndex, appliedIndex: lastIndex }),
    );
    expect(cluster.appliedCommands('b')).toEqual(before);
    expect(cluster.node('b').applied.map((entry: Entry) => entry.index)).toEqual(tail);
  });

  it('a lost snapshot is sent again after an election timeout, not before', () => {
    const { cluster } = clusterWithCompactedLeader();
    cluster.heal();
    let lost = 0;
    const liftRule = cluster.dropWhere((message) => message.type === 'installSnapshot' && lost++ === 0);
    cluster.run(['a', 'b', 'c'], cluster.electionTimeoutTicks - 1);
    expect(cluster.sent.filter(isSnapshotTo('c')).length).toBe(1);
    expect(cluster.appliedCommands('c')).toEqual([]);
    cluster.run(['a', 'b', 'c'], 2);
    liftRule();
    expect(cluster.sent.filter(isSnapshotTo('c')).length).toBe(2);
    expect(cluster.appliedCommands('c')).toEqual(['1', '2', '3', '4', '5']);
    expect(cluster.leaders()).toEqual(['a']);
  });

  it('compacting beyond the applied index is a bug and throws', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.isolate('b');
    cluster.isolate('c');
    cluster.propose('a', 'uncommitted');
    const applied = cluster.raft('a').status().appliedIndex;
    expect(() => cluster.raft('a').compact(applied + 1, new Uint8Array(0))).toThrowError(InvariantViolation);
    expect(() => cluster.raft('a').compact(applied, new Uint8Array(0))).not.toThrow();
  });

  it('a follower that already holds the snapshot\'s last entry keeps its log and acknowledges only the snapshot index', () => {
    // After the founding entries, b holds three entries of term 2 and two of term 3 that the term-4 leader a
    // never had; only the founding entries are committed. a's snapshot ends with b's last entry of term 2.
    const voters = { voters: ['a', 'b', 'c'], learners: [] };
    const stored = storedLog(voters, { terms: [2, 2, 2, 3, 3], term: 4 });
    const snapshotEntry = stored.entries[stored.entries.length - 3]!;
    expect(snapshotEntry.term).toBe(2);
    expect(stored.hardState.commitIndex).toBeLessThan(snapshotEntry.index);
    const raft = standaloneRaft('b', persistedFrom(stored));
    raft.step({
      type: 'installSnapshot', from: 'a', to: 'b', term: 4,
      snapshot: { index: snapshotEntry.index, term: snapshotEntry.term, membership: voters, data: new Uint8Array(0) },
    });
    const ready = raft.ready();
    expect(ready.messages).toEqual([
      { type: 'appendResponse', from: 'b', to: 'a', term: 4, index: snapshotEntry.index, rejected: false, hintIndex: 0, hintTerm: 0 },
    ]);
    const lastIndex = stored.entries[stored.entries.length - 1]!.index;
    expect(raft.status()).toEqual(jasmine.objectContaining({ commitIndex: snapshotEntry.index, lastIndex }));
  });
});

describe('Raft §7 snapshots: sent only where they help', () => {
  /** clusterWithCompactedLeader, healed, with the first snapshot to c lost in transit. Returns it once sent. */
  function firstSnapshotLost(): TestCluster {
    const { cluster } = clusterWithCompactedLeader();
    cluster.heal();
    let lost = 0;
    cluster.dropWhere((message) => message.type === 'installSnapshot' && lost++ === 0);
    cluster.run(['a', 'b', 'c'], 1);
    expect(cluster.sent.filter(isSnapshotTo('c')).length).toBe(1);
    return cluster;
  }

  it('a device that went silent is not sent the snapshot again until it answers (a snapshot is large)', () => {
    const cluster = firstSnapshotLost();
    cluster.isolate('c');
    for (const text of ['6', '7']) cluster.propose('a', text);
    cluster.deliverAll();
    cluster.compact('a', cluster.raft('a').status().appliedIndex);
    cluster.run(['a', 'b'], 3 * cluster.electionTimeoutTicks);
    expect(cluster.sent.filter(isSnapshotTo('c')).length).withContext('nobody to send it to').toBe(1);
    cluster.heal();
    cluster.run(['a', 'b', 'c'], 2);
    expect(cluster.sent.filter(isSnapshotTo('c')).length).toBe(2);
    expect(cluster.appliedCommands('c')).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });

  it('a late acknowledgement below the snapshot does not end the wait for its installation', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    // c stores 1..3, but its acknowledgements are held back; then c is away while 4 and 5 commit.
    for (const text of ['1', '2', '3']) cluster.propose('a', text);
    cluster.deliverMatching((message) => message.from !== 'c');
    const late = cluster.take((message) => message.type === 'appendResponse' && message.from === 'c').pop()!;
    cluster.isolate('c');
    for (const text of ['4', '5']) cluster.propose('a', text);
    cluster.deliverAll();
    const snapshot = cluster.compact('a', cluster.raft('a').status().appliedIndex);
    cluster.heal();
    let lost = 0;
    cluster.dropWhere((message) => message.type === 'installSnapshot' && lost++ === 0);
    cluster.run(['a', 'b', 'c'], 1);
    expect(cluster.sent.filter(isSnapshotTo('c')).length).toBe(1);
    expect(late.type === 'appendResponse' && late.index).toBeLessThan(snapshot.index);
    const mark = cluster.sent.length;
    cluster.deliver(late);
    expect(cluster.sentSince(mark)).withContext('still waiting for the snapshot to be installed').toEqual([]);
  });

  it('when a lost snapshot times out, the leader probes at once, even with no entry after its snapshot', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.isolate('c');
    for (const text of ['1', '2', '3']) cluster.propose('a', text);
    cluster.deliverAll();
    const snapshot = cluster.compact('a', cluster.raft('a').status().appliedIndex);
    expect(snapshot.index).toBe(cluster.raft('a').status().lastIndex);
    cluster.heal();
    let lost = 0;
    cluster.dropWhere((message) => message.type === 'installSnapshot' && lost++ === 0);
    cluster.run(['a', 'b', 'c'], 1);
    let probedAtTick = false;
    for (let tick = 0; tick < 2 * cluster.electionTimeoutTicks && !probedAtTick; tick++) {
      const mark = cluster.sent.length;
      cluster.tick('a');
      probedAtTick = cluster.sentSince(mark).some((message) => message.type === 'append' && message.to === 'c');
      cluster.deliverAll();
    }
    expect(probedAtTick).withContext('the probe leaves with the tick that ends the wait').toBeTrue();
    cluster.run(['a', 'b', 'c'], 2);
    expect(cluster.appliedCommands('c')).toEqual(['1', '2', '3']);
  });
});
