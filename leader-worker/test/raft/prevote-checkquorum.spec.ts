// Disruption control. Reference: Ongaro's thesis §9.6 (PreVote), §6.2 (a leader steps down when it cannot
// reach a majority: CheckQuorum) and §4.2.3 (a server that hears from a leader ignores vote requests: the
// leader lease that keeps a rejoining or waking device from deposing a healthy leader).
import type { Message } from '../../src/raft/types.js';
import { appendedIndex, TestCluster } from './test-cluster.js';

function voteRequest(from: string, to: string, term: number, transfer: boolean): Message {
  return { type: 'vote', from, to, term, lastLogIndex: 10, lastLogTerm: 10, transfer };
}

function terms(cluster: TestCluster): number[] {
  return cluster.ids.map((id) => cluster.raft(id).status().term);
}

/** `term` once for every node of the cluster: what `terms` returns when all agree on it. */
function everyNodeIn(cluster: TestCluster, term: number): number[] {
  return cluster.ids.map(() => term);
}

describe('Raft thesis §9.6 PreVote', () => {
  it('a node partitioned away keeps its term, and on healing does not depose the leader', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const term = cluster.raft('a').status().term;
    cluster.isolate('c');
    cluster.run(['a', 'b', 'c'], 10 * cluster.electionTimeoutTicks);
    // c campaigned many times, but only in pre-votes: nobody, itself included, entered a new term.
    expect(cluster.sent.filter((message) => message.from === 'c' && message.type === 'preVote').length).toBeGreaterThan(2);
    expect(cluster.sent.some((message) => message.from === 'c' && message.type === 'vote')).toBeFalse();
    expect(terms(cluster)).toEqual(everyNodeIn(cluster, term));
    cluster.heal();
    cluster.run(['a', 'b', 'c'], 3 * cluster.electionTimeoutTicks);
    expect(cluster.leaders()).toEqual(['a']);
    expect(terms(cluster)).toEqual(everyNodeIn(cluster, term));
    expect(cluster.raft('c').status().leaderId).toBe('a');
  });

  it('a pre-vote that wins is followed by a real election in the next term', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    const term = cluster.raft('a').status().term;
    cluster.tickUntilCampaign('a');
    expect(cluster.raft('a').status()).toEqual(jasmine.objectContaining({ role: 'preCandidate', term }));
    expect(cluster.queue.map((message) => [message.type, message.term])).toEqual([['preVote', term + 1], ['preVote', term + 1]]);
    cluster.deliverAll();
    expect(cluster.raft('a').status()).toEqual(jasmine.objectContaining({ role: 'leader', term: term + 1 }));
  });

  it('a node that slept (no ticks) wakes with its timer expired and does not disrupt the cluster', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const term = cluster.raft('a').status().term;
    // c sleeps with a log as up-to-date as anyone's: only PreVote and the lease stop it.
    cluster.isolate('c');
    cluster.run(['a', 'b'], 5 * cluster.electionTimeoutTicks);
    cluster.heal();
    cluster.tickUntilCampaign('c');
    expect(cluster.queue.filter((message) => message.from === 'c').map((message) => message.type)).toEqual(['preVote', 'preVote']);
    cluster.run(['a', 'b', 'c'], 3 * cluster.electionTimeoutTicks);
    expect(cluster.leaders()).toEqual(['a']);
    expect(terms(cluster)).toEqual(everyNodeIn(cluster, term));
    expect(cluster.raft('c').status().leaderId).toBe('a');
  });

  it('the minority side of a partition keeps its term, and the majority keeps its leader', () => {
    const cluster = new TestCluster(['a', 'b', 'c', 'd', 'e']);
    cluster.elect('a');
    const term = cluster.raft('a').status().term;
    cluster.partition(['a', 'b', 'c'], ['d', 'e']);
    cluster.run(cluster.ids, 10 * cluster.electionTimeoutTicks);
    expect(cluster.raft('d').status().term).toBe(term);
    expect(cluster.raft('e').status().term).toBe(term);
    expect(cluster.raft('d').status().role).not.toBe('leader');
    expect(cluster.raft('e').status().role).not.toBe('leader');
    const during = cluster.propose('a', 'during');
    expect(during.type).toBe('appended');
    cluster.deliverAll();
    expect(cluster.raft('a').status().commitIndex).toBe(appendedIndex(during));
    cluster.heal();
    cluster.run(cluster.ids, 3 * cluster.electionTimeoutTicks);
    expect(cluster.leaders()).toEqual(['a']);
    expect(terms(cluster)).toEqual(everyNodeIn(cluster, term));
    expect(cluster.appliedCommands('e')).toEqual(['during']);
  });
});

describe('Raft thesis §6.2 CheckQuorum', () => {
  it('a leader cut off from its majority steps down within two election timeouts, keeping its term', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const term = cluster.raft('a').status().term;
    cluster.isolate('a');
    // The first check still sees the answers to its first append; the second finds nobody.
    cluster.tick('a', cluster.electionTimeoutTicks);
    expect(cluster.raft('a').status().role).toBe('leader');
    cluster.tick('a', cluster.electionTimeoutTicks);
    expect(cluster.raft('a').status()).toEqual(jasmine.objectContaining({ role: 'follower', term, leaderId: null }));
    expect(cluster.propose('a', 'x')).toEqual({ type: 'refused', reason: 'noLeader' });
  });

  it('a leader that hears from a majority stays leader through many election timeouts', () => {
    const cluster = new TestCluster(['a', 'b', 'c', 'd', 'e']);
    cluster.elect('a');
    const term = cluster.raft('a').status().term;
    cluster.isolate('d');
    cluster.isolate('e');
    cluster.run(['a', 'b', 'c'], 10 * cluster.electionTimeoutTicks);
    expect(cluster.leaders()).toEqual(['a']);
    expect(cluster.raft('a').status().term).toBe(term);
  });

  it('the majority elects a new leader after the old one is cut off, and the old one follows it on healing', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const term = cluster.raft('a').status().term;
    cluster.isolate('a');
    cluster.run(['a', 'b', 'c'], 4 * cluster.electionTimeoutTicks);
    const leaders = cluster.leaders();
    expect(leaders.length).toBe(1);
    expect(leaders[0]).not.toBe('a');
    cluster.heal();
    cluster.run(['a', 'b', 'c'], 2);
    expect(cluster.raft('a').status().leaderId).toBe(leaders[0]!);
    expect(terms(cluster)).toEqual(everyNodeIn(cluster, term + 1));
  });
});

describe('Raft thesis §4.2.3 leader lease', () => {
  it('a follower that hears from its leader ignores a vote request of a higher term', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const before = cluster.raft('b').status();
    cluster.deliver(voteRequest('c', 'b', 5, false));
    expect(cluster.queue).toEqual([]);
    expect(cluster.raft('b').status()).toEqual(before);
  });

  it('a follower in its lease still answers a vote request made for a leadership transfer', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.deliver(voteRequest('c', 'b', 5, true));
    expect(cluster.queue).toEqual([{ type: 'voteResponse', from: 'b', to: 'c', term: 5, granted: true }]);
  });

  it('once an election timeout passes without the leader, the follower answers again', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.expireLease('b');
    cluster.deliver(voteRequest('c', 'b', 5, false));
    expect(cluster.queue).toEqual([{ type: 'voteResponse', from: 'b', to: 'c', term: 5, granted: true }]);
  });

  it('the leader itself ignores a vote request of a higher term while it hears from a majority', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const term = cluster.raft('a').status().term;
    cluster.deliver(voteRequest('c', 'a', 5, false));
    expect(cluster.raft('a').status()).toEqual(jasmine.objectContaining({ role: 'leader', term }));
  });
});

describe('Raft thesis §4.2.3 and §6.2: a healthy leader is not deposed, a cut-off one steps down', () => {
  it('a follower cut off from the leader alone cannot win a pre-vote from one that still hears the leader', () => {
    // Only a->c is down: c stops hearing the leader and times out, but b (in its lease) must refuse it.
    // Granting would let c start a new term, and its first answer to a would depose a healthy leader.
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const term = cluster.raft('a').status().term;
    cluster.cutLink('a', 'c');
    const mark = cluster.sent.length;
    cluster.run(cluster.ids, 5 * cluster.electionTimeoutTicks);
    expect(cluster.sentSince(mark, (message) => message.type === 'preVote' && message.from === 'c').length).toBeGreaterThan(2);
    // In their lease, a and b leave c's pre-votes unanswered.
    expect(cluster.sentSince(mark, (message) => message.type === 'preVoteResponse' && message.to === 'c')).toEqual([]);
    expect(terms(cluster)).toEqual(everyNodeIn(cluster, term));
    cluster.heal();
    cluster.run(cluster.ids, 2 * cluster.electionTimeoutTicks);
    expect(cluster.leaders()).toEqual(['a']);
    expect(terms(cluster)).toEqual(everyNodeIn(cluster, term));
  });

  it('a leader that never hears from anyone after winning steps down at its first check, one election timeout in', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.tickUntilCampaign('a');
    cluster.deliverMatching((message) => message.type !== 'append');
    expect(cluster.raft('a').status().role).toBe('leader');
    cluster.isolate('a');
    cluster.tick('a', cluster.electionTimeoutTicks - 1);
    expect(cluster.raft('a').status().role).toBe('leader');
    cluster.tick('a');
    expect(cluster.raft('a').status().role).toBe('follower');
  });

  it('a leader counts itself: with one of two followers answering it holds a majority of three', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.isolate('c');
    cluster.run(['a', 'b'], 5 * cluster.electionTimeoutTicks);
    expect(cluster.raft('a').status().role).toBe('leader');
  });
});
