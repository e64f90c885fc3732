// Linearizable reads without a log entry. Reference: Ongaro's thesis §6.4 (ReadIndex): the leader records
// its commit index, confirms it is still leader with a heartbeat round answered by a majority, and the read
// is served once the state machine has applied that index. A new leader first commits an entry of its term.
import type { Message } from '../../src/raft/types.js';
import { appendedIndex, TestCluster } from './test-cluster.js';

const isElection = (message: Message): boolean =>
  message.type === 'preVote' || message.type === 'preVoteResponse' || message.type === 'vote' || message.type === 'voteResponse';

describe('Raft thesis §6.4 ReadIndex', () => {
  it('a read on the leader completes after a majority answers a heartbeat round, at the commit index', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const index = appendedIndex(cluster.propose('a', 'x'));
    cluster.deliverAll();
    expect(cluster.raft('a').status().commitIndex).toBe(index);
    expect(cluster.raft('a').readIndex('read-1')).toEqual({ type: 'accepted' });
    cluster.processAll();
    expect(cluster.node('a').readStates).toEqual([]);
    const heartbeats = cluster.queue.filter((message) => message.type === 'heartbeat');
    expect(heartbeats.map((message) => message.type === 'heartbeat' && message.readContext)).toEqual(['read-1', 'read-1']);
    cluster.deliverAll();
    expect(cluster.node('a').readStates).toEqual([{ readContext: 'read-1', index }]);
  });

  it('one answer besides the leader is enough in a cluster of three; none is not', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    // The read point is the leader's commit index: its empty entry.
    const index = cluster.raft('a').status().lastIndex;
    expect(cluster.raft('a').status().commitIndex).toBe(index);
    cluster.cutLink('b', 'a');
    cluster.cutLink('c', 'a');
    cluster.raft('a').readIndex('read-1');
    cluster.deliverAll();
    expect(cluster.node('a').readStates).toEqual([]);
    cluster.heal();
    cluster.cutLink('c', 'a');
    cluster.raft('a').readIndex('read-2');
    cluster.deliverAll();
    // A majority confirming the later read confirms the earlier one too.
    expect(cluster.node('a').readStates).toEqual([{ readContext: 'read-1', index }, { readContext: 'read-2', index }]);
  });

  it('a new leader holds reads until it has committed an entry of its term', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.tickUntilCampaign('a');
    cluster.deliverMatching(isElection);
    // Only the founding entries, of an earlier term, are committed; the leader's empty entry is not yet.
    const emptyEntryIndex = cluster.raft('a').status().lastIndex;
    expect(cluster.raft('a').status()).toEqual(jasmine.objectContaining({ role: 'leader', commitIndex: cluster.foundingIndex }));
    expect(cluster.foundingIndex).toBeLessThan(emptyEntryIndex);
    expect(cluster.raft('a').readIndex('early')).toEqual({ type: 'accepted' });
    cluster.processAll();
    expect(cluster.queue.some((message) => message.type === 'heartbeat')).toBeFalse();
    cluster.deliverAll();
    expect(cluster.node('a').readStates).toEqual([{ readContext: 'early', index: emptyEntryIndex }]);
  });

  it('a read asked of a follower is forwarded and answered with the leader\'s commit index', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const index = appendedIndex(cluster.propose('a', 'x'));
    cluster.deliverAll();
    expect(cluster.raft('a').status().commitIndex).toBe(index);
    expect(cluster.raft('b').readIndex('from-b')).toEqual({ type: 'forwarded', leaderId: 'a' });
    cluster.deliverAll();
    expect(cluster.node('b').readStates).toEqual([{ readContext: 'from-b', index }]);
    expect(cluster.node('a').readStates).toEqual([]);
  });

  it('a read is refused where no leader is known', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    expect(cluster.raft('b').readIndex('nobody')).toEqual({ type: 'refused', reason: 'noLeader' });
  });

  it('a stale leader on the minority side cannot complete a read, even after the partition heals', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const staleTerm = cluster.raft('a').status().term;
    cluster.isolate('a');
    cluster.expireLease('c');
    cluster.elect('b');
    const newerTerm = cluster.raft('b').status().term;
    expect(newerTerm).toBeGreaterThan(staleTerm);
    cluster.propose('b', 'newer');
    cluster.deliverAll();
    // a still believes it leads its old term.
    expect(cluster.raft('a').status()).toEqual(jasmine.objectContaining({ role: 'leader', term: staleTerm }));
    expect(cluster.raft('a').readIndex('stale')).toEqual({ type: 'accepted' });
    cluster.deliverAll();
    expect(cluster.node('a').readStates).toEqual([]);
    cluster.heal();
    cluster.tick('a');
    cluster.deliverAll();
    expect(cluster.node('a').readStates).toEqual([]);
    expect(cluster.raft('a').status()).toEqual(jasmine.objectContaining({ role: 'follower', term: newerTerm }));
  });

  it('the number of reads waiting for a quorum is bounded (pendingReadsMax)', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { limits: { pendingReadsMax: 2 } });
    cluster.elect('a');
    cluster.isolate('a');
    expect(cluster.raft('a').readIndex('r1').type).toBe('accepted');
    expect(cluster.raft('a').readIndex('r2').type).toBe('accepted');
    expect(cluster.raft('a').readIndex('r3')).toEqual({ type: 'refused', reason: 'readLimit' });
  });
});

describe('Raft thesis §6.4 ReadIndex: the quorum, and reads that cannot be served here', () => {
  it('in a cluster of five, one answer besides the leader confirms nothing; two do', () => {
    const cluster = new TestCluster(['a', 'b', 'c', 'd', 'e']);
    cluster.elect('a');
    const index = cluster.raft('a').status().commitIndex;
    for (const id of ['c', 'd', 'e']) cluster.cutLink(id, 'a');
    cluster.raft('a').readIndex('r');
    cluster.deliverAll();
    expect(cluster.node('a').readStates).toEqual([]);
    cluster.heal();
    for (const id of ['d', 'e']) cluster.cutLink(id, 'a');
    cluster.raft('a').readIndex('r2');
    cluster.deliverAll();
    expect(cluster.node('a').readStates).toEqual([{ readContext: 'r', index }, { readContext: 'r2', index }]);
  });

  it('a single voter confirms a read by itself, at once', () => {
    const cluster = new TestCluster(['a']);
    cluster.elect('a');
    const index = appendedIndex(cluster.propose('a', 'x'));
    cluster.processAll();
    expect(cluster.raft('a').readIndex('alone')).toEqual({ type: 'accepted' });
    cluster.processAll();
    expect(cluster.node('a').readStates).toEqual([{ readContext: 'alone', index }]);
  });

  it('the same read asked twice is one read: one heartbeat round, one answer', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.raft('a').readIndex('same');
    cluster.processAll();
    const mark = cluster.sent.length;
    expect(cluster.raft('a').readIndex('same')).toEqual({ type: 'accepted' });
    cluster.processAll();
    expect(cluster.sentSince(mark)).toEqual([]);
    cluster.deliverAll();
    expect(cluster.node('a').readStates.map((state) => state.readContext)).toEqual(['same']);
  });

  it('a read forwarded to a node that no longer leads is dropped and counted: the asker retries', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const { term, droppedMessages } = cluster.raft('c').status();
    cluster.deliver({ type: 'readIndex', from: 'b', to: 'c', term, readContext: 'lost' });
    expect(cluster.raft('c').status().droppedMessages).toBe(droppedMessages + 1);
    expect(cluster.queue).toEqual([]);
  });

  it('reads waiting for a new leader\'s first commit count against pendingReadsMax too', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { limits: { pendingReadsMax: 2 } });
    cluster.tickUntilCampaign('a');
    cluster.deliverMatching(isElection);
    expect(cluster.raft('a').status().role).toBe('leader');
    expect(cluster.raft('a').readIndex('w1').type).toBe('accepted');
    expect(cluster.raft('a').readIndex('w2').type).toBe('accepted');
    expect(cluster.raft('a').readIndex('w3')).toEqual({ type: 'refused', reason: 'readLimit' });
    cluster.deliverAll();
    expect(cluster.node('a').readStates.map((state) => state.readContext)).toEqual(['w1', 'w2']);
  });
});
