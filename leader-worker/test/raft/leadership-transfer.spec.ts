// Leadership transfer. Reference: Ongaro's thesis §3.10: the leader brings the target's log up to date,
// stops taking client requests, and sends TimeoutNow; the target campaigns at once. If the transfer does
// not finish within an election timeout, the leader abandons it and takes requests again.
import { TestCluster } from './test-cluster.js';

function electedCluster(ids: string[] = ['a', 'b', 'c']): TestCluster {
  const cluster = new TestCluster(ids);
  cluster.elect('a');
  return cluster;
}

describe('Raft thesis §3.10 leadership transfer', () => {
  it('to an up-to-date follower: TimeoutNow goes out at once and the target wins the next term', () => {
    const cluster = electedCluster();
    cluster.propose('a', 'x');
    cluster.deliverAll();
    const term = cluster.raft('a').status().term;
    const mark = cluster.sent.length;
    expect(cluster.raft('a').transferLeadership('b')).toEqual({ type: 'accepted' });
    cluster.processAll();
    expect(cluster.queue.map((message) => [message.type, message.to])).toEqual([['timeoutNow', 'b']]);
    cluster.deliverAll();
    expect(cluster.leaders()).toEqual(['b']);
    expect(cluster.raft('b').status().term).toBe(term + 1);
    expect(cluster.raft('a').status()).toEqual(jasmine.objectContaining({ role: 'follower', leaderId: 'b', term: term + 1 }));
    // The vote requests were marked as a transfer, which is why a (the old leader, in its lease) answered.
    const votes = cluster.sentSince(mark, (message) => message.type === 'vote');
    expect(votes.length).toBe(2);
    expect(votes.every((message) => message.type === 'vote' && message.transfer)).toBeTrue();
  });

  it('to a lagging follower: the leader first brings it up to date, then sends TimeoutNow', () => {
    const cluster = electedCluster();
    cluster.isolate('c');
    for (const text of ['x', 'y', 'z']) cluster.propose('a', text);
    cluster.deliverAll();
    cluster.heal();
    const lastIndex = cluster.raft('a').status().lastIndex;
    const mark = cluster.sent.length;
    expect(cluster.raft('a').transferLeadership('c')).toEqual({ type: 'accepted' });
    cluster.processAll();
    expect(cluster.queue.some((message) => message.type === 'timeoutNow')).toBeFalse();
    cluster.deliverAll();
    const sent = cluster.sentSince(mark);
    const timeoutNow = sent.findIndex((message) => message.type === 'timeoutNow');
    const caughtUp = sent.findIndex((message) => message.type === 'appendResponse' && message.from === 'c' && !message.rejected && message.index === lastIndex);
    expect(caughtUp).toBeGreaterThanOrEqual(0);
    expect(timeoutNow).toBeGreaterThan(caughtUp);
    expect(cluster.leaders()).toEqual(['c']);
    expect(cluster.appliedCommands('c')).toEqual(['x', 'y', 'z']);
  });

  it('the leader refuses proposals and membership changes while a transfer is in progress', () => {
    const cluster = electedCluster();
    cluster.isolate('c');
    cluster.propose('a', 'x');
    cluster.deliverAll();
    cluster.raft('a').transferLeadership('c');
    expect(cluster.propose('a', 'y')).toEqual({ type: 'refused', reason: 'transferInProgress' });
    expect(cluster.raft('a').proposeMembershipChange({ type: 'addLearner', nodeId: 'd' })).toEqual({ type: 'refused', reason: 'transferInProgress' });
  });

  it('a transfer to an unreachable target is abandoned after one election timeout', () => {
    const cluster = electedCluster();
    cluster.isolate('c');
    cluster.propose('a', 'x');
    cluster.deliverAll();
    cluster.raft('a').transferLeadership('c');
    cluster.run(['a', 'b'], cluster.electionTimeoutTicks - 1);
    expect(cluster.propose('a', 'y')).toEqual({ type: 'refused', reason: 'transferInProgress' });
    cluster.run(['a', 'b'], 1);
    expect(cluster.raft('a').status().role).toBe('leader');
    expect(cluster.propose('a', 'y')).toEqual(jasmine.objectContaining({ type: 'appended' }));
  });

  it('a transfer to a learner, to an unknown node, or asked of a follower is refused', () => {
    const cluster = electedCluster();
    cluster.addJoiningNode('d');
    expect(cluster.raft('a').proposeMembershipChange({ type: 'addLearner', nodeId: 'd' }).type).toBe('appended');
    cluster.deliverAll();
    expect(cluster.raft('a').transferLeadership('d')).toEqual({ type: 'refused', reason: 'unknownNode' });
    expect(cluster.raft('a').transferLeadership('zz')).toEqual({ type: 'refused', reason: 'unknownNode' });
    expect(cluster.raft('b').transferLeadership('c')).toEqual({ type: 'refused', reason: 'notLeader' });
    expect(cluster.propose('a', 'still leading').type).toBe('appended');
  });

  it('a transfer to the leader itself is a no-op', () => {
    const cluster = electedCluster();
    expect(cluster.raft('a').transferLeadership('a')).toEqual({ type: 'accepted' });
    expect(cluster.propose('a', 'x').type).toBe('appended');
  });
});

describe('Raft thesis §3.10 leadership transfer: repeated, lagging, and misdirected', () => {
  it('asking again for the same transfer changes nothing: no second TimeoutNow, no new deadline', () => {
    const cluster = electedCluster();
    cluster.cutLink('a', 'b');
    expect(cluster.raft('a').transferLeadership('b')).toEqual({ type: 'accepted' });
    cluster.run(['a', 'c'], cluster.electionTimeoutTicks - 1);
    const mark = cluster.sent.length;
    expect(cluster.raft('a').transferLeadership('b')).toEqual({ type: 'accepted' });
    cluster.processAll();
    expect(cluster.sentSince(mark)).toEqual([]);
    cluster.run(['a', 'c'], 1);
    expect(cluster.propose('a', 'abandoned on time').type).withContext('the first request\'s deadline still holds').toBe('appended');
  });

  it('a target that needs several appends gets TimeoutNow only once it holds the whole log', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { limits: { messageBytesMax: 1, inflightMessagesMax: 1 } });
    cluster.elect('a');
    cluster.isolate('c');
    for (const text of ['x', 'y', 'z']) cluster.propose('a', text);
    cluster.deliverAll();
    cluster.heal();
    const lastIndex = cluster.raft('a').status().lastIndex;
    const mark = cluster.sent.length;
    cluster.raft('a').transferLeadership('c');
    // c's window is full of lost appends: the next heartbeat's answer starts its catch-up.
    cluster.run(['a'], 2);
    const sent = cluster.sentSince(mark);
    const timeoutNow = sent.findIndex((message) => message.type === 'timeoutNow');
    const caughtUp = sent.findIndex((message) => message.type === 'appendResponse' && message.from === 'c' && !message.rejected && message.index === lastIndex);
    expect(sent.filter((message) => message.type === 'append' && message.to === 'c' && message.entries.length > 0).length).toBeGreaterThan(1);
    expect(timeoutNow).toBeGreaterThan(caughtUp);
    expect(caughtUp).toBeGreaterThanOrEqual(0);
    expect(cluster.leaders()).toEqual(['c']);
  });

  it('a learner told to time out does not campaign: it cannot lead', () => {
    const cluster = electedCluster();
    cluster.addJoiningNode('d');
    cluster.raft('a').proposeMembershipChange({ type: 'addLearner', nodeId: 'd' });
    cluster.deliverAll();
    const { term } = cluster.raft('d').status();
    cluster.deliver({ type: 'timeoutNow', from: 'a', to: 'd', term });
    expect(cluster.raft('d').status()).toEqual(jasmine.objectContaining({ role: 'follower', term, leaderId: 'a' }));
    expect(cluster.queue).toEqual([]);
  });
});

describe('Raft thesis §3.10 leadership transfer: one TimeoutNow', () => {
  it('a repeated acknowledgement from the caught-up target does not send TimeoutNow again (it would campaign twice)', () => {
    const cluster = electedCluster();
    cluster.propose('a', 'x');
    cluster.deliverAll();
    const repeated = cluster.sent.filter((message) => message.type === 'appendResponse' && message.from === 'b').pop()!;
    cluster.raft('a').transferLeadership('b');
    expect(cluster.take(() => true).map((message) => message.type)).toEqual(['timeoutNow']);
    cluster.deliver(repeated);
    expect(cluster.queue).toEqual([]);
  });
});
