// The core's contract with its caller. Reference: Raft paper Figure 2 ("Persistent state on all servers:
// updated on stable storage before responding to RPCs": currentTerm and votedFor) and etcd-io/raft's Ready:
// every change of the hard state is handed out to be persisted, every change of role, leader or term is
// reported, one Ready at a time; and the founding of a cluster writes the same log on every founder.
import { InvariantViolation } from '../../src/invariants/assert.js';
import { bootstrapState, Raft } from '../../src/raft/raft.js';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import type { Message, PersistedState } from '../../src/raft/types.js';
import { persistedFrom, standaloneRaft, storedLog } from './test-cluster.js';

const voters = { voters: ['a', 'b', 'c'], learners: [] };

/** b, persisted in `term` with no vote and no known leader, its first Ready handled. */
function follower(term: number): Raft {
  const raft = standaloneRaft('b', persistedFrom(storedLog(voters, { terms: [], term })));
  raft.ready();
  raft.advance();
  return raft;
}

describe('Raft founding a cluster (bootstrapState)', () => {
  it('writes one committed membership entry per founder, voters then learners, each sorted, so every founder writes the same log', () => {
    const state = bootstrapState({ voters: ['c', 'a', 'b'], learners: ['m', 'l'] });
    expect(state.entries.map((entry) => entry.type === 'membership' && `${entry.change.type} ${entry.change.nodeId}@${entry.index}`)).toEqual([
      'addVoter a@1', 'addVoter b@2', 'addVoter c@3', 'addLearner l@4', 'addLearner m@5',
    ]);
    expect(state.hardState).toEqual({ term: 1, votedFor: null, commitIndex: 5 });
    expect(bootstrapState({ voters: ['b', 'c', 'a'], learners: ['l', 'm'] })).toEqual(state);
  });

  it('a device about to join starts with an empty log in term 0', () => {
    expect(bootstrapState({ voters: [], learners: [] })).toEqual(jasmine.objectContaining({ hardState: { term: 0, votedFor: null, commitIndex: 0 }, entries: [] }));
  });
});

describe('Raft options', () => {
  const options = { id: 'a', electionTimeoutTicks: 10, heartbeatIntervalTicks: 1, random: new SeededRandom(1) };
  const state: PersistedState = bootstrapState(voters);

  it('refuses an empty id, a heartbeat interval below one tick, and an election timeout not above the heartbeat interval', () => {
    expect(() => new Raft({ ...options, id: '' }, state)).toThrowError(InvariantViolation);
    expect(() => new Raft({ ...options, heartbeatIntervalTicks: 0, electionTimeoutTicks: 10 }, state)).toThrowError(InvariantViolation);
    expect(() => new Raft({ ...options, heartbeatIntervalTicks: 3, electionTimeoutTicks: 3 }, state)).toThrowError(InvariantViolation);
    expect(() => new Raft({ ...options, heartbeatIntervalTicks: 2, electionTimeoutTicks: 3 }, state)).not.toThrow();
  });
});

describe('Raft Ready: what must be persisted before the messages go out (Figure 2)', () => {
  it('a new term learned from a heartbeat is handed out, though no vote and no commit changed', () => {
    const raft = follower(2);
    raft.step({ type: 'heartbeat', from: 'a', to: 'b', term: 3, commitIndex: 0, readContext: null });
    expect(raft.ready().hardState).toEqual(jasmine.objectContaining({ term: 3, votedFor: null }));
  });

  it('a vote granted in the current term is handed out with its answer, though the term did not change', () => {
    const raft = follower(3);
    const vote: Message = { type: 'vote', from: 'a', to: 'b', term: 3, lastLogIndex: 3, lastLogTerm: 1, transfer: false };
    raft.step(vote);
    const ready = raft.ready();
    expect(ready.hardState).toEqual(jasmine.objectContaining({ term: 3, votedFor: 'a' }));
    expect(ready.messages).toEqual([{ type: 'voteResponse', from: 'b', to: 'a', term: 3, granted: true }]);
  });

  it('nothing changed, nothing handed out', () => {
    const raft = follower(3);
    expect(raft.hasReady()).toBeFalse();
    raft.tick();
    expect(raft.hasReady()).toBeFalse();
  });

  it('one Ready at a time: ready() again before advance() is a bug in the caller', () => {
    const raft = follower(3);
    raft.tick();
    raft.ready();
    expect(() => raft.ready()).toThrowError(InvariantViolation);
    raft.advance();
    expect(() => raft.advance()).toThrowError(InvariantViolation);
  });
});

describe('Raft Ready: role, leader and term as the UI shows them (soft state)', () => {
  it('reports a leader learned in the same term, a new role in the same term, and a new term alone', () => {
    const raft = follower(3);
    raft.step({ type: 'heartbeat', from: 'a', to: 'b', term: 3, commitIndex: 0, readContext: null });
    expect(raft.ready().softState).withContext('the leader alone changed').toEqual({ leaderId: 'a', role: 'follower', term: 3 });
    raft.advance();
    const later = follower(3);
    for (let tick = 0; tick < 100 && later.status().role === 'follower'; tick++) later.tick();
    expect(later.ready().softState).withContext('the role alone changed').toEqual({ leaderId: null, role: 'preCandidate', term: 3 });
    later.advance();
    later.step({ type: 'preVoteResponse', from: 'c', to: 'b', term: 5, granted: false });
    expect(later.ready().softState).withContext('the term changed, the role back to follower').toEqual({ leaderId: null, role: 'follower', term: 5 });
    const third = follower(3);
    third.step({ type: 'vote', from: 'c', to: 'b', term: 4, lastLogIndex: 0, lastLogTerm: 0, transfer: false });
    expect(third.ready().softState).withContext('the term alone changed').toEqual({ leaderId: null, role: 'follower', term: 4 });
  });
});

describe('Raft message terms', () => {
  it('term 0 is a term: a device that has joined nothing yet still hears a message of term 0', () => {
    const raft = standaloneRaft('d', bootstrapState({ voters: [], learners: [] }));
    raft.step({ type: 'heartbeat', from: 'a', to: 'd', term: 0, commitIndex: 0, readContext: null });
    expect(raft.status()).toEqual(jasmine.objectContaining({ leaderId: 'a', droppedMessages: 0 }));
    expect(raft.ready().messages).toEqual([{ type: 'heartbeatResponse', from: 'd', to: 'a', term: 0, readContext: null }]);
  });
});
