// Leader election. Reference: Raft paper §5.2 (election, randomized timeouts) and §5.4.1 (election restriction).
import { bootstrapState } from '../../src/raft/raft.js';
import type { Message } from '../../src/raft/types.js';
import { appendedIndex, persistedFrom, ScriptedRandom, standaloneRaft, storedLog, TestCluster } from './test-cluster.js';

const voters = { voters: ['a', 'b', 'c'], learners: [] };

/** A founder starts in the term of its founding entries, which end its log; the first election is one term later. */
const founded = bootstrapState(voters);
const foundingTerm = founded.hardState.term;
const foundingIndex = founded.entries.length;
const firstElectionTerm = foundingTerm + 1;

/** A vote request; by default from a candidate whose log, like every founder's, ends with the founding entries. */
function voteRequest(from: string, to: string, term: number, lastLogIndex = foundingIndex, lastLogTerm = foundingTerm): Message {
  return { type: 'vote', from, to, term, lastLogIndex, lastLogTerm, transfer: false };
}

describe('Raft §5.2 leader election', () => {
  it('elects exactly one leader, and every node learns it', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    expect(cluster.leaders()).toEqual(['a']);
    for (const id of ['b', 'c']) {
      expect(cluster.raft(id).status().role).toBe('follower');
      expect(cluster.raft(id).status().leaderId).toBe('a');
      expect(cluster.raft(id).status().term).toBe(cluster.raft('a').status().term);
    }
  });

  it('§5.2 election safety: a node grants one vote per term and refuses a second candidate', () => {
    const raft = standaloneRaft('b', bootstrapState(voters));
    raft.step(voteRequest('a', 'b', firstElectionTerm));
    raft.step(voteRequest('c', 'b', firstElectionTerm));
    const messages = raft.ready().messages;
    expect(messages.map((message) => [message.to, message.type === 'voteResponse' && message.granted])).toEqual([
      ['a', true],
      ['c', false],
    ]);
    expect(raft.status().votedFor).toBe('a');
  });

  it('§5.2 election safety: the vote is in the same Ready as its response, so it is durable before the answer leaves', () => {
    const raft = standaloneRaft('b', bootstrapState(voters));
    raft.step(voteRequest('a', 'b', firstElectionTerm));
    const ready = raft.ready();
    expect(ready.hardState).toEqual({ term: firstElectionTerm, votedFor: 'a', commitIndex: foundingIndex });
    expect(ready.messages).toEqual([{ type: 'voteResponse', from: 'b', to: 'a', term: firstElectionTerm, granted: true }]);
  });

  it('§5.2 election safety: a candidate persists its own vote in the Ready that carries its vote requests', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.tickUntilCampaign('a');
    cluster.deliverMatching((message) => message.type === 'preVote' || message.type === 'preVoteResponse');
    const requests = cluster.queue.filter((message) => message.type === 'vote');
    expect(requests.map((message) => message.to).sort()).toEqual(['b', 'c']);
    expect(requests.map((message) => message.term)).toEqual([firstElectionTerm, firstElectionTerm]);
    expect(cluster.node('a').storage.hardState).toEqual({ term: firstElectionTerm, votedFor: 'a', commitIndex: cluster.foundingIndex });
  });

  it('§5.2 election safety: a vote survives a crash, so a restarted node does not vote twice in one term', () => {
    const first = standaloneRaft('b', bootstrapState(voters));
    first.step(voteRequest('a', 'b', firstElectionTerm));
    const ready = first.ready();
    const stored = { ...bootstrapState(voters), hardState: ready.hardState! };
    // Crash after persisting and sending: the node comes back from storage alone.
    const restarted = standaloneRaft('b', persistedFrom(stored));
    restarted.step(voteRequest('c', 'b', firstElectionTerm));
    expect(restarted.ready().messages).toEqual([{ type: 'voteResponse', from: 'b', to: 'c', term: firstElectionTerm, granted: false }]);
    restarted.advance();
    restarted.step(voteRequest('a', 'b', firstElectionTerm));
    expect(restarted.ready().messages).toEqual([{ type: 'voteResponse', from: 'b', to: 'a', term: firstElectionTerm, granted: true }]);
  });

  it('§5.2 election safety: across a crash and restart in a live cluster, the term still has one leader', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.tickUntilCampaign('a');
    cluster.deliverMatching((message) => message.type === 'preVote' || message.type === 'preVoteResponse');
    cluster.deliverMatching((message) => message.type === 'vote' && message.to === 'b');
    const campaignTerm = cluster.raft('a').status().term;
    expect(cluster.node('b').storage.hardState).toEqual(jasmine.objectContaining({ term: campaignTerm, votedFor: 'a' }));
    cluster.crashAndRestart('b');
    // c, unaware of a's campaign, asks b for a vote in the same term, with a log as up-to-date as a's.
    cluster.deliver(voteRequest('c', 'b', campaignTerm));
    const answer = cluster.queue.find((message) => message.from === 'b' && message.to === 'c');
    expect(answer).toEqual({ type: 'voteResponse', from: 'b', to: 'c', term: campaignTerm, granted: false });
  });

  it('§5.2 split votes: a term with no majority ends, and randomized timeouts elect one leader in a later term', () => {
    const cluster = new TestCluster(['a', 'b', 'c', 'd']);
    const isCampaignPhase = (message: Message): boolean => message.type === 'preVote' || message.type === 'preVoteResponse';
    cluster.tickUntilCampaign('a');
    cluster.deliverMatching(isCampaignPhase);
    // b campaigns before a's vote requests reach anyone; a (already a candidate) does not hear it.
    cluster.cutLink('b', 'a');
    cluster.tickUntilCampaign('b');
    cluster.deliverMatching(isCampaignPhase);
    cluster.heal();
    expect([cluster.raft('a').status().role, cluster.raft('b').status().role]).toEqual(['candidate', 'candidate']);
    const splitTerm = cluster.raft('a').status().term;
    expect(cluster.raft('b').status().term).toBe(splitTerm);
    // c hears only a, d hears only b: two votes each, no majority of four.
    cluster.cutLink('a', 'd');
    cluster.cutLink('b', 'c');
    cluster.deliverAll();
    expect(cluster.leaders()).toEqual([]);
    expect(cluster.raft('c').status().votedFor).toBe('a');
    expect(cluster.raft('d').status().votedFor).toBe('b');
    cluster.heal();
    for (let tick = 0; tick < 10 * cluster.electionTimeoutTicks && cluster.leaders().length === 0; tick++) {
      cluster.run(['a', 'b', 'c', 'd'], 1);
    }
    expect(cluster.leaders().length).toBe(1);
    expect(cluster.raft(cluster.leaders()[0]!).status().term).toBeGreaterThan(splitTerm);
  });

  it('§5.2 randomized election timeouts: drawn in [T, 2T)', () => {
    const timeoutTicks = 10;
    for (const [pick, expectedTicks] of [[() => 0, 10], [(bound: number) => bound - 1, 19]] as const) {
      const random = new ScriptedRandom(pick);
      const raft = standaloneRaft('a', bootstrapState(voters), { random, electionTimeoutTicks: timeoutTicks });
      let ticks = 0;
      while (raft.status().role === 'follower' && ticks < 100) {
        raft.tick();
        ticks++;
      }
      expect(ticks).toBe(expectedTicks);
      expect(random.bounds.every((bound) => bound === timeoutTicks)).toBeTrue();
    }
  });

  it('§5.2 randomized election timeouts: different nodes time out after different delays within [T, 2T)', () => {
    const cluster = new TestCluster(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], { seed: 42 });
    const delays = cluster.ids.map((id) => {
      let ticks = 0;
      while (cluster.raft(id).status().role === 'follower') {
        cluster.tick(id);
        ticks++;
      }
      return ticks;
    });
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(cluster.electionTimeoutTicks);
      expect(delay).toBeLessThan(2 * cluster.electionTimeoutTicks);
    }
    expect(new Set(delays).size).toBeGreaterThan(1);
  });
});

describe('Raft §5.4.1 election restriction', () => {
  it('a voter refuses a candidate whose log is less up-to-date, and grants one whose log is as up-to-date', () => {
    // b holds, after the founding entries, one entry of term 2; c's log ends with the founding entries.
    const raft = standaloneRaft('b', persistedFrom(storedLog(voters, { terms: [2] })));
    const last = { index: foundingIndex + 1, term: 2 };
    raft.step(voteRequest('c', 'b', 3, foundingIndex, foundingTerm));
    expect(raft.ready().messages).toEqual([{ type: 'voteResponse', from: 'b', to: 'c', term: 3, granted: false }]);
    raft.advance();
    expect(raft.status().votedFor).toBeNull();
    raft.step(voteRequest('a', 'b', 3, last.index, last.term));
    expect(raft.ready().messages).toEqual([{ type: 'voteResponse', from: 'b', to: 'a', term: 3, granted: true }]);
  });

  it('a higher last term wins over a longer log (up-to-date compares terms first)', () => {
    // b holds two entries of term 2 after the founding entries; a holds one, of term 3.
    const raft = standaloneRaft('b', persistedFrom(storedLog(voters, { terms: [2, 2], term: 3 })));
    raft.step(voteRequest('a', 'b', 4, foundingIndex + 1, 3));
    expect(raft.ready().messages).toEqual([{ type: 'voteResponse', from: 'b', to: 'a', term: 4, granted: true }]);
  });

  it('a node missing committed entries cannot become leader; one holding them can', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.isolate('c');
    const committed = appendedIndex(cluster.propose('a', 'committed'));
    cluster.deliverAll();
    expect(cluster.raft('a').status().commitIndex).toBe(committed);
    cluster.heal();
    cluster.isolate('a');
    cluster.expireLease('b');
    // Only c's timer runs: it campaigns again and again, and b, which holds the committed entry, refuses it.
    const mark = cluster.sent.length;
    for (let tick = 0; tick < 5 * cluster.electionTimeoutTicks; tick++) {
      cluster.tick('c');
      cluster.deliverAll();
      expect(cluster.raft('c').status().role).not.toBe('leader');
    }
    const answersToC = cluster.sentSince(mark, (message) => message.from === 'b' && message.to === 'c');
    expect(answersToC.length).toBeGreaterThan(0);
    expect(answersToC.every((message) => (message.type === 'preVoteResponse' || message.type === 'voteResponse') && !message.granted)).toBeTrue();
    cluster.run(['b', 'c'], 3 * cluster.electionTimeoutTicks);
    expect(cluster.raft('b').status().role).toBe('leader');
    expect(cluster.appliedCommands('c')).toEqual(['committed']);
  });
});

describe('Raft §5.2 votes, counted and answered exactly', () => {
  /** A node of `voters` that has just started a pre-vote for `term + 1`, its requests handed out. */
  function preCandidate(ids: readonly string[]): ReturnType<typeof standaloneRaft> {
    const raft = standaloneRaft('a', bootstrapState({ voters: [...ids], learners: [] }));
    while (raft.status().role !== 'preCandidate') raft.tick();
    raft.ready();
    raft.advance();
    return raft;
  }

  function preVoteAnswer(from: string, term: number, granted: boolean): Message {
    return { type: 'preVoteResponse', from, to: 'a', term, granted };
  }

  it('a pre-candidate refused by a majority gives up at once instead of waiting for its timeout', () => {
    const raft = preCandidate(['a', 'b', 'c']);
    raft.step(preVoteAnswer('b', foundingTerm, false));
    expect(raft.status().role).withContext('one refusal of three: it could still win').toBe('preCandidate');
    raft.step(preVoteAnswer('c', foundingTerm, false));
    expect(raft.status()).toEqual(jasmine.objectContaining({ role: 'follower', term: foundingTerm, leaderId: null }));
  });

  it('a voter\'s first answer is the one that counts: a contradicting duplicate does not take a grant back', () => {
    const raft = preCandidate(['a', 'b', 'c', 'd', 'e']);
    raft.step(preVoteAnswer('b', firstElectionTerm, true));
    raft.step(preVoteAnswer('b', foundingTerm, false));
    raft.step(preVoteAnswer('c', firstElectionTerm, true));
    // a, b and c: three of five. The pre-vote is won and the real election starts.
    expect(raft.status()).toEqual(jasmine.objectContaining({ role: 'candidate', term: firstElectionTerm }));
  });

  it('a follower that knows its leader refuses a pre-vote for its own term, however up-to-date the log', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const term = cluster.raft('a').status().term;
    cluster.deliver({ type: 'preVote', from: 'c', to: 'b', term, lastLogIndex: 100, lastLogTerm: term });
    expect(cluster.queue).toEqual([{ type: 'preVoteResponse', from: 'b', to: 'c', term, granted: false }]);
  });

  it('a follower that learned its leader without voting refuses a vote in that term', () => {
    // b was away during the election: it learns term 2 and its leader from a heartbeat, with no vote cast.
    const raft = standaloneRaft('b', bootstrapState(voters));
    raft.step({ type: 'heartbeat', from: 'a', to: 'b', term: firstElectionTerm, commitIndex: 0, readContext: null });
    raft.ready();
    raft.advance();
    expect(raft.status()).toEqual(jasmine.objectContaining({ leaderId: 'a', votedFor: null }));
    raft.step(voteRequest('c', 'b', firstElectionTerm));
    expect(raft.ready().messages).toEqual([{ type: 'voteResponse', from: 'b', to: 'c', term: firstElectionTerm, granted: false }]);
  });

  it('a message of an older term: a pre-vote is refused in our term, a leader\'s message is answered so it steps down, the rest is ignored', () => {
    const raft = standaloneRaft('b', persistedFrom(storedLog(voters, { terms: [2], term: 5 })));
    raft.ready();
    raft.advance();
    const older = 4;
    const snapshot = { index: 2, term: 1, membership: voters, data: new Uint8Array(0) };
    const stale: Message[] = [
      { type: 'preVote', from: 'c', to: 'b', term: older, lastLogIndex: 100, lastLogTerm: older },
      voteRequest('c', 'b', older, 100, older),
      { type: 'voteResponse', from: 'c', to: 'b', term: older, granted: true },
      { type: 'installSnapshot', from: 'a', to: 'b', term: older, snapshot },
      { type: 'heartbeat', from: 'a', to: 'b', term: older, commitIndex: 0, readContext: null },
    ];
    for (const message of stale) raft.step(message);
    expect(raft.ready().messages).toEqual([
      { type: 'preVoteResponse', from: 'b', to: 'c', term: 5, granted: false },
      { type: 'appendResponse', from: 'b', to: 'a', term: 5, index: 0, rejected: true, hintIndex: 0, hintTerm: 0 },
      { type: 'appendResponse', from: 'b', to: 'a', term: 5, index: 0, rejected: true, hintIndex: 0, hintTerm: 0 },
    ]);
    expect(raft.status().term).toBe(5);
  });
});
