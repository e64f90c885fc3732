// A follower must be robust to any append that is well-formed on the wire, not only to the ones today's
// leader sends. Reference: Raft paper Figure 2, AppendEntries receiver rules 2-5: reply false unless the log
// holds prevLogIndex@prevLogTerm; the entries that follow are the leader's from prevLogIndex + 1 on; commit up
// to min(leaderCommit, index of the last new entry). An append whose entries do not begin right after
// prevLogIndex names a position it does not prove: acting on it could acknowledge or commit an entry the
// follower never matched against the leader's log.
import type { Message } from '../../src/raft/types.js';
import { TestCluster } from './test-cluster.js';

describe('Raft follower robustness (Figure 2, AppendEntries receiver rules)', () => {
  it('the attack: entries that start at prevLogIndex, not after it, cannot make a follower commit its own stale entry', () => {
    // a will lead term 3 with figure entries 1@2 2@3 (its empty entry); b holds 1@2 2@2, where 2@2 is a
    // term-2 leftover that a never had. c holds what a holds, so a wins without b.
    const cluster = TestCluster.withLogs({ a: { terms: [2], term: 2 }, b: { terms: [2, 2], term: 2 }, c: { terms: [2], term: 2 } });
    cluster.partition(['a', 'c'], ['b']);
    cluster.elect('a');
    cluster.deliverAll();
    const emptyEntryIndex = cluster.figureIndex(2);
    expect(cluster.raft('a').status()).toEqual(jasmine.objectContaining({ term: 3, commitIndex: emptyEntryIndex }));
    expect(cluster.entryAt('b', emptyEntryIndex)?.term).toBe(2);
    cluster.heal();
    // The append repeats the entry at prevLogIndex: prev=1@2 entries=[1@2], with a's commit index 2. Counted
    // from prevLogIndex, its one entry "ends" at index 2, where b holds 2@2, not a's 2@3.
    const prevLogIndex = cluster.figureIndex(1);
    const repeated = cluster.entryAt('a', prevLogIndex)!;
    const before = cluster.raft('b').status();
    cluster.raft('b').step({
      type: 'append', from: 'a', to: 'b', term: 3, prevLogIndex, prevLogTerm: repeated.term, entries: [repeated], commitIndex: emptyEntryIndex,
    });
    cluster.process('b');
    expect(cluster.raft('b').status()).withContext('b neither commits 2@2 nor adopts the term').toEqual({ ...before, droppedMessages: before.droppedMessages + 1 });
    expect(cluster.queue.filter((message) => message.from === 'b')).withContext('b acknowledges nothing').toEqual([]);
    // The real appends still bring b to a's log; the cluster checks State Machine Safety throughout.
    cluster.run(['a'], 2);
    expect(cluster.logTerms('b')).toEqual(cluster.logTerms('a'));
    expect(cluster.appliedCommands('b')).toEqual(cluster.appliedCommands('a'));
  });

  it('a snapshot of a term after its sender\'s is dropped: no leader holds an entry of a later term (§5.3, §7)', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.propose('a', '1');
    cluster.deliverAll();
    const { term, commitIndex } = cluster.raft('a').status();
    const before = cluster.raft('b').status();
    const snapshot = { index: commitIndex + 5, term: term + 1, membership: before.membership, data: new Uint8Array(0) };
    const sentBefore = cluster.sent.length;
    cluster.raft('b').step({ type: 'installSnapshot', from: 'a', to: 'b', term, snapshot });
    cluster.process('b');
    expect(cluster.raft('b').status()).toEqual({ ...before, droppedMessages: before.droppedMessages + 1 });
    expect(cluster.sentSince(sentBefore)).toEqual([]);
    // The same snapshot in its sender's term is installed.
    const inTerm: Message = { type: 'installSnapshot', from: 'a', to: 'b', term, snapshot: { ...snapshot, term } };
    cluster.raft('b').step(inTerm);
    cluster.process('b');
    expect(cluster.raft('b').status()).toEqual(jasmine.objectContaining({ commitIndex: snapshot.index, firstIndex: snapshot.index + 1 }));
  });
});
