// Robustness against the network: misaddressed messages are dropped and counted, and duplicated or
// reordered messages (which PeerJS reconnections produce) never break an invariant. The cluster checks
// Election Safety and State Machine Safety throughout.
import type { Message } from '../../src/raft/types.js';
import { TestCluster } from './test-cluster.js';

/** Delivers each batch of queued messages in reverse order, then again in order, until the network is quiet. */
function deliverTwiceReversed(cluster: TestCluster, roundsMax = 100): void {
  cluster.processAll();
  for (let round = 0; round < roundsMax && cluster.queue.length > 0; round++) {
    const batch = cluster.take(() => true);
    for (const message of [...batch].reverse()) cluster.deliver(message);
    for (const message of batch) cluster.deliver(message);
  }
  expect(cluster.queue).withContext('the network quiesces').toEqual([]);
}

describe('Raft robustness against a misbehaving network', () => {
  it('drops and counts a message addressed to another node, from itself, or with a nonsense term', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const before = cluster.raft('b').status();
    const heartbeat = (from: string, to: string, term: number): Message => ({ type: 'heartbeat', from, to, term, commitIndex: 0, readContext: null });
    cluster.raft('b').step(heartbeat('a', 'c', 9));
    cluster.raft('b').step(heartbeat('b', 'b', 9));
    cluster.raft('b').step(heartbeat('a', 'b', Number.NaN));
    cluster.raft('b').step(heartbeat('a', 'b', -1));
    expect(cluster.raft('b').status()).toEqual({ ...before, droppedMessages: before.droppedMessages + 4 });
    expect(cluster.raft('b').hasReady()).toBeFalse();
  });

  it('an election whose messages are all duplicated and reordered still elects one leader', () => {
    const cluster = new TestCluster(['a', 'b', 'c', 'd', 'e']);
    cluster.tickUntilCampaign('a');
    cluster.tickUntilCampaign('b');
    deliverTwiceReversed(cluster);
    cluster.run(cluster.ids, 5 * cluster.electionTimeoutTicks);
    expect(cluster.leaders().length).toBe(1);
  });

  it('replication whose messages are all duplicated and reordered converges, applying each command once', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    for (const text of ['1', '2', '3']) cluster.propose('a', text);
    deliverTwiceReversed(cluster);
    cluster.propose('a', '4');
    cluster.propose('a', '5');
    cluster.raft('a').readIndex('read');
    deliverTwiceReversed(cluster);
    cluster.run(['a', 'b', 'c'], 2);
    for (const id of ['a', 'b', 'c']) {
      expect(cluster.appliedCommands(id)).withContext(id).toEqual(['1', '2', '3', '4', '5']);
      expect(cluster.logTerms(id)).withContext(id).toEqual(cluster.logTerms('a'));
    }
    expect(cluster.node('a').readStates.map((state) => state.readContext)).toEqual(['read']);
  });

  it('a forwarded proposal the network duplicates is appended twice: exactly-once is the state machine\'s job (§8)', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.propose('b', 'twice');
    const [forwarded] = cluster.take((message) => message.type === 'propose');
    cluster.deliver(forwarded!);
    cluster.deliver(forwarded!);
    cluster.deliverAll();
    expect(cluster.appliedCommands('c')).toEqual(['twice', 'twice']);
  });

  it('an old append delivered late changes nothing: it neither truncates nor moves anything back', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.propose('a', '1');
    const early = cluster.queue.filter((message) => message.type === 'append' && message.to === 'b');
    expect(early.length).toBe(1);
    cluster.deliverAll();
    for (const text of ['2', '3']) cluster.propose('a', text);
    cluster.deliverAll();
    const before = cluster.raft('b').status();
    for (const message of early) cluster.deliver(message);
    cluster.deliverAll();
    expect(cluster.raft('b').status()).toEqual(before);
    expect(cluster.appliedCommands('b')).toEqual(['1', '2', '3']);
  });

  it('a late duplicate whose prevLogIndex is the commit index reaches the log and truncates nothing (Figure 2, AppendEntries rule 3)', () => {
    // The case above is answered by the early return below the commit index. Here b holds three entries past
    // its commit index, so the duplicate of the first passes the consistency check and meets the log, which
    // may delete entries only where one conflicts with the leader's, never because a shorter append arrived.
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const commitIndex = cluster.raft('b').status().commitIndex;
    for (const text of ['1', '2', '3']) cluster.propose('a', text);
    const toB = cluster.take((message) => message.type === 'append' && message.to === 'b');
    expect(toB.map((message) => message.type === 'append' && message.prevLogIndex)).toEqual([commitIndex, commitIndex + 1, commitIndex + 2]);
    for (const message of toB) cluster.deliver(message);
    const before = cluster.raft('b').status();
    expect(before).toEqual(jasmine.objectContaining({ commitIndex, lastIndex: commitIndex + 3 }));
    const answered = cluster.queue.length;
    cluster.deliver(toB[0]!);
    expect(cluster.raft('b').status()).toEqual(before);
    expect(cluster.logTerms('b')).toEqual(cluster.logTerms('a'));
    // The answer acknowledges what the duplicate proved, and no more.
    expect(cluster.queue.slice(answered)).toEqual([jasmine.objectContaining({ type: 'appendResponse', from: 'b', index: commitIndex + 1, rejected: false })]);
    cluster.deliverAll();
    for (const id of ['a', 'b', 'c']) expect(cluster.appliedCommands(id)).withContext(id).toEqual(['1', '2', '3']);
  });

  it('a late message from a deposed leader\'s term is answered with the newer term and changes nothing', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.propose('a', '1');
    const stale = cluster.queue.filter((message) => message.type === 'append' && message.to === 'c');
    cluster.deliverAll();
    cluster.raft('a').transferLeadership('b');
    cluster.deliverAll();
    expect(cluster.leaders()).toEqual(['b']);
    const newerTerm = cluster.raft('b').status().term;
    expect(stale.every((message) => message.term < newerTerm)).toBeTrue();
    const before = cluster.raft('c').status();
    for (const message of stale) cluster.deliver(message);
    expect(cluster.raft('c').status()).toEqual(before);
    const answer = cluster.queue.find((message) => message.from === 'c' && message.to === 'a');
    expect(answer).toEqual(jasmine.objectContaining({ type: 'appendResponse', term: newerTerm, rejected: true }));
    cluster.deliverAll();
    expect(cluster.leaders()).toEqual(['b']);
  });
});

describe('Raft robustness: late and unexpected messages a correct node may still receive', () => {
  it('a late append below the commit index is answered with the commit index, once, even where the follower compacted', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.propose('a', '1');
    const early = cluster.queue.filter((message) => message.type === 'append' && message.to === 'b');
    cluster.deliverAll();
    for (const text of ['2', '3']) cluster.propose('a', text);
    cluster.deliverAll();
    const { commitIndex } = cluster.raft('b').status();
    cluster.compact('b', commitIndex - 1);
    expect(early.every((message) => message.type === 'append' && message.prevLogIndex < cluster.raft('b').status().firstIndex)).toBeTrue();
    const before = cluster.raft('b').status();
    const answered = cluster.queue.length;
    for (const message of early) cluster.deliver(message);
    expect(cluster.queue.slice(answered)).toEqual([{ type: 'appendResponse', from: 'b', to: 'a', term: before.term, index: commitIndex, rejected: false, hintIndex: 0, hintTerm: 0 }]);
    expect(cluster.raft('b').status()).toEqual(before);
  });

  it('a late snapshot older than what the follower compacted to is answered with the commit index and changes nothing (§7)', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    for (const text of ['1', '2']) cluster.propose('a', text);
    cluster.deliverAll();
    const old = cluster.compact('a', cluster.raft('a').status().appliedIndex - 1);
    for (const text of ['3', '4']) cluster.propose('a', text);
    cluster.deliverAll();
    cluster.compact('b', cluster.raft('b').status().appliedIndex);
    const before = cluster.raft('b').status();
    expect(old.index).toBeLessThan(before.firstIndex - 1);
    const answered = cluster.queue.length;
    cluster.deliver({ type: 'installSnapshot', from: 'a', to: 'b', term: before.term, snapshot: old });
    expect(cluster.queue.slice(answered)).toEqual([jasmine.objectContaining({ type: 'appendResponse', index: before.commitIndex, rejected: false })]);
    expect(cluster.raft('b').status()).toEqual(before);
  });

  it('a forwarded proposal of anything but commands is dropped; one the leader appends is not counted as dropped', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const { lastIndex, term, droppedMessages } = cluster.raft('a').status();
    const command = { type: 'command' as const, data: new TextEncoder().encode('x') };
    cluster.deliver({ type: 'propose', from: 'b', to: 'a', term, payloads: [command, { type: 'noop' }] });
    expect(cluster.raft('a').status()).toEqual(jasmine.objectContaining({ lastIndex, droppedMessages: droppedMessages + 1 }));
    cluster.deliver({ type: 'propose', from: 'b', to: 'a', term, payloads: [command] });
    expect(cluster.raft('a').status()).toEqual(jasmine.objectContaining({ lastIndex: lastIndex + 1, droppedMessages: droppedMessages + 1 }));
  });

  it('a leader drops an acknowledgement of entries it never sent, so they cannot commit later without that follower', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const { lastIndex, term, commitIndex, droppedMessages } = cluster.raft('a').status();
    cluster.deliver({ type: 'appendResponse', from: 'b', to: 'a', term, index: lastIndex + 3, rejected: false, hintIndex: 0, hintTerm: 0 });
    expect(cluster.raft('a').status().droppedMessages).toBe(droppedMessages + 1);
    cluster.isolate('b');
    cluster.isolate('c');
    for (const text of ['1', '2', '3']) cluster.propose('a', text);
    cluster.deliverAll();
    expect(cluster.raft('a').status()).toEqual(jasmine.objectContaining({ lastIndex: lastIndex + 3, commitIndex }));
  });
});
