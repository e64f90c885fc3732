// Membership changes. Reference: Ongaro's thesis §4.1 (one server at a time; a configuration takes effect
// as soon as it is appended, committed or not), §4.2.1 (learners catch up before they vote), and the
// single-server change bug fix: a leader proposes no change before it has committed an entry of its term.
import type { Message, NodeId } from '../../src/raft/types.js';
import { TestCluster } from './test-cluster.js';

const isElection = (message: Message): boolean =>
  message.type === 'preVote' || message.type === 'preVoteResponse' || message.type === 'vote' || message.type === 'voteResponse';

function membershipOf(cluster: TestCluster, id: NodeId): { voters: NodeId[]; learners: NodeId[] } {
  const { voters, learners } = cluster.raft(id).status().membership;
  return { voters: [...voters].sort(), learners: [...learners].sort() };
}

/** A three-voter cluster led by a, with d joining as a learner and caught up. */
function clusterWithLearner(): TestCluster {
  const cluster = new TestCluster(['a', 'b', 'c']);
  cluster.elect('a');
  cluster.propose('a', 'x');
  cluster.deliverAll();
  cluster.addJoiningNode('d');
  expect(cluster.raft('a').proposeMembershipChange({ type: 'addLearner', nodeId: 'd' }).type).toBe('appended');
  cluster.deliverAll();
  return cluster;
}

describe('Raft thesis §4.1 membership changes', () => {
  it('a learner is added, catches up from an empty log, and is promoted to voter', () => {
    const cluster = clusterWithLearner();
    expect(cluster.logTerms('d')).toEqual(cluster.logTerms('a'));
    expect(cluster.appliedCommands('d')).toEqual(['x']);
    expect(cluster.raft('d').status()).toEqual(jasmine.objectContaining({ role: 'follower', leaderId: 'a' }));
    for (const id of ['a', 'b', 'c', 'd']) expect(membershipOf(cluster, id)).withContext(id).toEqual({ voters: ['a', 'b', 'c'], learners: ['d'] });
    expect(cluster.raft('a').proposeMembershipChange({ type: 'addVoter', nodeId: 'd' }).type).toBe('appended');
    cluster.deliverAll();
    for (const id of ['a', 'b', 'c', 'd']) expect(membershipOf(cluster, id)).withContext(id).toEqual({ voters: ['a', 'b', 'c', 'd'], learners: [] });
    // Four voters: a and d alone are no longer a majority.
    cluster.isolate('b');
    cluster.isolate('c');
    const commitIndex = cluster.raft('a').status().commitIndex;
    cluster.propose('a', 'y');
    cluster.deliverAll();
    expect(cluster.raft('a').status().commitIndex).toBe(commitIndex);
  });

  it('a learner does not count toward the commit quorum', () => {
    const cluster = clusterWithLearner();
    cluster.isolate('b');
    cluster.isolate('c');
    const commitIndex = cluster.raft('a').status().commitIndex;
    const result = cluster.propose('a', 'y');
    cluster.deliverAll();
    expect(result.type).toBe('appended');
    const index = result.type === 'appended' ? result.index : -1;
    expect(cluster.sent.some((message) => message.type === 'appendResponse' && message.from === 'd' && message.index === index)).toBeTrue();
    expect(cluster.raft('a').status().commitIndex).toBe(commitIndex);
  });

  it('a learner never campaigns', () => {
    const cluster = clusterWithLearner();
    cluster.isolate('d');
    const mark = cluster.sent.length;
    cluster.tick('d', 10 * cluster.electionTimeoutTicks);
    expect(cluster.sentSince(mark, (message) => message.from === 'd')).toEqual([]);
    expect(cluster.raft('d').status().role).toBe('follower');
  });

  it('a learner is not asked for its vote, and a vote from it does not count', () => {
    const cluster = clusterWithLearner();
    cluster.isolate('a');
    const mark = cluster.sent.length;
    cluster.tickUntilCampaign('b');
    const requests = cluster.sentSince(mark, (message) => message.type === 'preVote');
    expect(requests.map((message) => message.to).sort()).toEqual(['a', 'c']);
    // A pre-vote asks for the term after the current one; a granted answer carries that term.
    const campaignTerm = cluster.raft('b').status().term + 1;
    expect(requests.map((message) => message.term)).toEqual([campaignTerm, campaignTerm]);
    cluster.take(() => true);
    cluster.deliver({ type: 'preVoteResponse', from: 'd', to: 'b', term: campaignTerm, granted: true });
    expect(cluster.raft('b').status().role).toBe('preCandidate');
    // The same answer from a voter makes a majority of three.
    cluster.deliver({ type: 'preVoteResponse', from: 'c', to: 'b', term: campaignTerm, granted: true });
    expect(cluster.raft('b').status()).toEqual(jasmine.objectContaining({ role: 'candidate', term: campaignTerm }));
  });

  it('a device that joined knows the whole configuration: once promoted, it cannot elect itself alone', () => {
    const cluster = clusterWithLearner();
    cluster.raft('a').proposeMembershipChange({ type: 'addVoter', nodeId: 'd' });
    cluster.deliverAll();
    expect(membershipOf(cluster, 'd')).toEqual({ voters: ['a', 'b', 'c', 'd'], learners: [] });
    cluster.isolate('d');
    cluster.tick('d', 4 * cluster.electionTimeoutTicks);
    expect(cluster.raft('d').status().role).not.toBe('leader');
  });

  it('removing a voter shrinks the quorum as soon as the change is appended', () => {
    const cluster = new TestCluster(['a', 'b', 'c', 'd']);
    cluster.elect('a');
    const term = cluster.raft('a').status().term;
    cluster.isolate('c');
    cluster.isolate('d');
    const commitIndex = cluster.raft('a').status().commitIndex;
    cluster.propose('a', 'blocked');
    cluster.deliverAll();
    expect(cluster.raft('a').status().commitIndex).toBe(commitIndex);
    const removal = cluster.raft('a').proposeMembershipChange({ type: 'removeNode', nodeId: 'd' });
    // At once, on append: a and b already hold 'blocked', and they are a majority of {a, b, c}.
    expect(cluster.raft('a').status().commitIndex).toBe(commitIndex + 1);
    cluster.deliverAll();
    expect(removal).toEqual({ type: 'appended', index: commitIndex + 2, term });
    // a and b are two of {a, b, c}: a majority of the new configuration.
    expect(cluster.raft('a').status().commitIndex).toBe(commitIndex + 2);
    expect(cluster.appliedCommands('b')).toEqual(['blocked']);
    expect(membershipOf(cluster, 'a')).toEqual({ voters: ['a', 'b', 'c'], learners: [] });
  });

  it('a change is refused until the new leader has committed an entry of its term', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.tickUntilCampaign('a');
    cluster.deliverMatching(isElection);
    expect(cluster.raft('a').status().role).toBe('leader');
    expect(cluster.raft('a').proposeMembershipChange({ type: 'addLearner', nodeId: 'd' })).toEqual({ type: 'refused', reason: 'leaderNotCommittedInTerm' });
    cluster.deliverAll();
    expect(cluster.raft('a').proposeMembershipChange({ type: 'addLearner', nodeId: 'd' }).type).toBe('appended');
  });

  it('a second change is refused while the first is uncommitted', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    expect(cluster.raft('a').proposeMembershipChange({ type: 'addLearner', nodeId: 'd' }).type).toBe('appended');
    expect(cluster.raft('a').proposeMembershipChange({ type: 'addLearner', nodeId: 'e' })).toEqual({ type: 'refused', reason: 'membershipChangePending' });
    cluster.deliverAll();
    expect(cluster.raft('a').proposeMembershipChange({ type: 'addLearner', nodeId: 'e' }).type).toBe('appended');
  });

  it('removing the leader, invalid changes, and changes asked of a follower are refused', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const raft = cluster.raft('a');
    expect(raft.proposeMembershipChange({ type: 'removeNode', nodeId: 'a' })).toEqual({ type: 'refused', reason: 'cannotRemoveLeader' });
    expect(raft.proposeMembershipChange({ type: 'addVoter', nodeId: 'a' })).withContext('the leader is a voter already').toEqual({ type: 'refused', reason: 'invalidMembershipChange' });
    expect(raft.proposeMembershipChange({ type: 'addVoter', nodeId: 'b' })).toEqual({ type: 'refused', reason: 'invalidMembershipChange' });
    expect(raft.proposeMembershipChange({ type: 'addLearner', nodeId: 'b' })).toEqual({ type: 'refused', reason: 'invalidMembershipChange' });
    expect(raft.proposeMembershipChange({ type: 'removeNode', nodeId: 'zz' })).toEqual({ type: 'refused', reason: 'invalidMembershipChange' });
    expect(cluster.raft('b').proposeMembershipChange({ type: 'removeNode', nodeId: 'c' })).toEqual({ type: 'refused', reason: 'notLeader' });
    expect(membershipOf(cluster, 'a')).toEqual({ voters: ['a', 'b', 'c'], learners: [] });
  });

  it('a follower forwards no membership change: a forwarded one is dropped', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const dropped = cluster.raft('a').status().droppedMessages;
    cluster.deliver({ type: 'propose', from: 'b', to: 'a', term: 1, payloads: [{ type: 'membership', change: { type: 'removeNode', nodeId: 'c' } }] });
    expect(cluster.raft('a').status().droppedMessages).toBe(dropped + 1);
    expect(membershipOf(cluster, 'a')).toEqual({ voters: ['a', 'b', 'c'], learners: [] });
  });

  it('a configuration takes effect on append, on leader and followers, before it commits', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const emptyEntryIndex = cluster.raft('a').status().lastIndex;
    cluster.cutLink('b', 'a');
    cluster.cutLink('c', 'a');
    const result = cluster.raft('a').proposeMembershipChange({ type: 'addLearner', nodeId: 'd' });
    cluster.deliverAll();
    expect(result).toEqual(jasmine.objectContaining({ type: 'appended', index: emptyEntryIndex + 1 }));
    for (const id of ['a', 'b', 'c']) {
      expect(cluster.raft(id).status().commitIndex).withContext(id).toBe(emptyEntryIndex);
      expect(membershipOf(cluster, id)).withContext(id).toEqual({ voters: ['a', 'b', 'c'], learners: ['d'] });
    }
  });

  it('a configuration reverts when its uncommitted entry is truncated', () => {
    const cluster = new TestCluster(['a', 'b', 'c', 'd', 'e']);
    cluster.elect('a');
    for (const id of ['c', 'd', 'e']) cluster.cutLink('a', id);
    cluster.raft('a').proposeMembershipChange({ type: 'addLearner', nodeId: 'f' });
    cluster.deliverAll();
    expect(membershipOf(cluster, 'b')).toEqual({ voters: ['a', 'b', 'c', 'd', 'e'], learners: ['f'] });
    // c, d and e elect c, which never saw the change; b then rejoins, later a.
    cluster.heal();
    cluster.partition(['a', 'b'], ['c', 'd', 'e']);
    for (const id of ['d', 'e']) cluster.expireLease(id);
    cluster.elect('c');
    cluster.heal();
    cluster.isolate('a');
    cluster.run(['c'], 2);
    expect(cluster.logTerms('b')).toEqual(cluster.logTerms('c'));
    expect(membershipOf(cluster, 'b')).toEqual({ voters: ['a', 'b', 'c', 'd', 'e'], learners: [] });
    cluster.heal();
    cluster.run(['c'], 2);
    expect(cluster.raft('a').status().role).toBe('follower');
    expect(membershipOf(cluster, 'a')).toEqual({ voters: ['a', 'b', 'c', 'd', 'e'], learners: [] });
  });

  it('a removed node hears nothing more from the leader', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    expect(cluster.raft('a').proposeMembershipChange({ type: 'removeNode', nodeId: 'c' }).type).toBe('appended');
    cluster.deliverAll();
    const mark = cluster.sent.length;
    cluster.propose('a', 'after');
    cluster.run(['a', 'b'], 2 * cluster.electionTimeoutTicks);
    expect(cluster.sentSince(mark, (message) => message.to === 'c')).toEqual([]);
    expect(cluster.appliedCommands('b')).toEqual(['after']);
  });

  it('during a leadership transfer any change is refused for the transfer first, even an invalid one', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.isolate('c');
    cluster.raft('a').transferLeadership('c');
    expect(cluster.raft('a').proposeMembershipChange({ type: 'addVoter', nodeId: 'b' })).toEqual({ type: 'refused', reason: 'transferInProgress' });
  });

  it('a configuration reverts to its snapshot\'s when the truncated entry was the only one left in the log', () => {
    const cluster = new TestCluster(['a', 'b', 'c', 'd', 'e']);
    cluster.elect('a');
    cluster.propose('a', 'x');
    cluster.deliverAll();
    // Every node compacts its founding membership entries away: the configuration now lives in the snapshots.
    for (const id of cluster.ids) cluster.compact(id, cluster.raft(id).status().appliedIndex);
    for (const id of ['c', 'd', 'e']) cluster.cutLink('a', id);
    cluster.raft('a').proposeMembershipChange({ type: 'addLearner', nodeId: 'f' });
    cluster.deliverAll();
    expect(membershipOf(cluster, 'b')).toEqual({ voters: ['a', 'b', 'c', 'd', 'e'], learners: ['f'] });
    cluster.heal();
    cluster.partition(['a', 'b'], ['c', 'd', 'e']);
    for (const id of ['d', 'e']) cluster.expireLease(id);
    cluster.elect('c');
    cluster.heal();
    cluster.isolate('a');
    cluster.run(['c'], 2);
    expect(cluster.logTerms('b')).toEqual(cluster.logTerms('c'));
    expect(membershipOf(cluster, 'b')).toEqual({ voters: ['a', 'b', 'c', 'd', 'e'], learners: [] });
  });
});

