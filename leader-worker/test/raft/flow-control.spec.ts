// Flow control and limits: every queue in the core has a named bound, and each test goes past it. The
// probe/replicate window follows etcd-io/raft; proposals on a follower are forwarded to the leader.
import { bootstrapState, type Raft } from '../../src/raft/raft.js';
import type { Message } from '../../src/raft/types.js';
import { entryBytes } from '../../src/raft/raft-log.js';
import { command, standaloneRaft, TestCluster } from './test-cluster.js';

/** Data of `bytes` bytes: with the fixed per-entry overhead, an entry of `bytes + 24`. */
function data(bytes: number): Uint8Array {
  return new Uint8Array(bytes).fill(120);
}

function appendsWithEntriesTo(cluster: TestCluster, to: string, mark: number): number {
  return cluster.sentSince(mark, (message) => message.type === 'append' && message.to === to && message.entries.length > 0).length;
}

function drain(raft: Raft): void {
  while (raft.hasReady()) {
    raft.ready();
    raft.advance();
  }
}

describe('Raft flow control and limits', () => {
  it('inflightMessagesMax: a silent follower gets at most that many append messages in flight', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { limits: { inflightMessagesMax: 3, messageBytesMax: 1 } });
    cluster.elect('a');
    const emptyEntryIndex = cluster.raft('a').status().lastIndex;
    cluster.cutLink('b', 'a');
    const mark = cluster.sent.length;
    for (let count = 1; count <= 10; count++) cluster.propose('a', `${count}`);
    cluster.deliverAll();
    expect(appendsWithEntriesTo(cluster, 'b', mark)).toBe(3);
    expect(appendsWithEntriesTo(cluster, 'c', mark)).toBe(10);
    expect(cluster.raft('a').status().commitIndex).toBe(emptyEntryIndex + 10);
  });

  it('inflightMessagesMax: a follower whose acknowledgements were lost catches up once its link heals', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { limits: { inflightMessagesMax: 3, messageBytesMax: 1 } });
    cluster.elect('a');
    cluster.cutLink('b', 'a');
    for (let count = 1; count <= 10; count++) cluster.propose('a', `${count}`);
    cluster.deliverAll();
    cluster.heal();
    cluster.run(['a', 'b', 'c'], 3 * cluster.electionTimeoutTicks);
    expect(cluster.raft('b').status().lastIndex).toBe(cluster.raft('a').status().lastIndex);
    expect(cluster.appliedCommands('b').length).toBe(10);
  });

  it('inflightMessagesMax: a full window whose entries the leader compacted away is repaired by a snapshot', () => {
    // Simulator seed 21 (heavy): appends filled b's window while b was down, then the leader compacted past
    // them; a heartbeat answer must lead to a snapshot, not to silence.
    const cluster = new TestCluster(['a', 'b', 'c'], { limits: { inflightMessagesMax: 3, messageBytesMax: 1 } });
    cluster.elect('a');
    cluster.cutLink('a', 'b');
    for (let count = 1; count <= 10; count++) cluster.propose('a', `${count}`);
    cluster.deliverAll();
    const leaderStatus = cluster.raft('a').status();
    expect(leaderStatus.commitIndex).toBe(leaderStatus.lastIndex);
    cluster.compact('a', leaderStatus.appliedIndex);
    cluster.heal();
    cluster.run(['a', 'b', 'c'], 3 * cluster.electionTimeoutTicks);
    expect(cluster.raft('b').status().commitIndex).toBe(cluster.raft('a').status().commitIndex);
    expect(cluster.sent.some((message) => message.type === 'installSnapshot' && message.to === 'b')).toBeTrue();
  });

  it('messageBytesMax: an append carries at most that many bytes, but always at least one entry', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { limits: { messageBytesMax: 100 } });
    cluster.elect('a');
    const mark = cluster.sent.length;
    cluster.raft('a').propose([data(26), data(26), data(26), data(26), data(26), data(200)]);
    cluster.deliverAll();
    const appends = cluster.sentSince(mark, (message) => message.type === 'append' && message.entries.length > 0);
    expect(appends.length).toBeGreaterThan(0);
    for (const append of appends) {
      if (append.type !== 'append') continue;
      const bytes = append.entries.reduce((sum, entry) => sum + entryBytes(entry), 0);
      if (append.entries.length > 1) expect(bytes).toBeLessThanOrEqual(100);
    }
    expect(appends.some((append) => append.type === 'append' && append.entries.length === 2)).toBeTrue();
    expect(appends.some((append) => append.type === 'append' && append.entries.length === 1 && entryBytes(append.entries[0]!) === 224)).toBeTrue();
    for (const id of ['b', 'c']) expect(cluster.appliedCommands(id).length).withContext(id).toBe(6);
  });

  it('entryBytesMax: an entry over the limit is refused with entryTooLarge, and its whole batch with it', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { limits: { entryBytesMax: 100 } });
    cluster.elect('a');
    const { lastIndex, term } = cluster.raft('a').status();
    expect(cluster.raft('a').propose([data(77)])).toEqual({ type: 'refused', reason: 'entryTooLarge' });
    expect(cluster.raft('a').propose([data(10), data(77)])).toEqual({ type: 'refused', reason: 'entryTooLarge' });
    expect(cluster.raft('a').status().lastIndex).toBe(lastIndex);
    expect(cluster.raft('a').propose([data(76)])).toEqual({ type: 'appended', index: lastIndex + 1, term });
  });

  it('uncommittedBytesMax: a leader without a quorum refuses proposals once too much is uncommitted', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { limits: { uncommittedBytesMax: 200 } });
    cluster.elect('a');
    const emptyEntryIndex = cluster.raft('a').status().lastIndex;
    cluster.isolate('b');
    cluster.isolate('c');
    const results = [1, 2, 3, 4, 5].map(() => cluster.raft('a').propose([data(26)]).type);
    expect(results).toEqual(['appended', 'appended', 'appended', 'appended', 'refused']);
    expect(cluster.raft('a').propose([data(26)])).toEqual({ type: 'refused', reason: 'uncommittedLimit' });
    cluster.heal();
    cluster.run(['a', 'b', 'c'], 2);
    expect(cluster.raft('a').status().commitIndex).toBe(emptyEntryIndex + 4);
    expect(cluster.raft('a').propose([data(26)]).type).toBe('appended');
  });

  it('uncommittedBytesMax: a first batch larger than the limit is accepted, so one big batch cannot wedge the leader', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { limits: { uncommittedBytesMax: 200 } });
    cluster.elect('a');
    expect(cluster.raft('a').propose([data(26), data(26), data(26), data(26), data(26)]).type).toBe('appended');
    cluster.deliverAll();
    expect(cluster.appliedCommands('c').length).toBe(5);
  });

  it('uncommittedBytesMax: a follower holding more uncommitted bytes than the limit can still become leader', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { limits: { uncommittedBytesMax: 200 } });
    cluster.elect('a');
    const emptyEntryIndex = cluster.raft('a').status().lastIndex;
    cluster.cutLink('b', 'a');
    cluster.cutLink('c', 'a');
    // 5 x 50 bytes, accepted as the first batch of an empty pipeline, reaches b and c but never commits.
    cluster.raft('a').propose([data(26), data(26), data(26), data(26), data(26)]);
    cluster.deliverAll();
    const batchLastIndex = emptyEntryIndex + 5;
    expect(cluster.raft('b').status()).toEqual(jasmine.objectContaining({ lastIndex: batchLastIndex, commitIndex: emptyEntryIndex }));
    cluster.heal();
    cluster.isolate('a');
    cluster.expireLease('c');
    cluster.elect('b');
    cluster.deliverAll();
    // b's own empty entry follows the batch, and committing it commits the batch.
    expect(cluster.raft('b').status()).toEqual(jasmine.objectContaining({ role: 'leader', commitIndex: batchLastIndex + 1 }));
    expect(cluster.appliedCommands('c').length).toBe(5);
  });

  it('committedBytesPerReadyMax: committed entries reach the caller in bounded batches', () => {
    const raft = standaloneRaft('a', bootstrapState({ voters: ['a'], learners: [] }), { limits: { committedBytesPerReadyMax: 100 } });
    while (raft.status().role !== 'leader') raft.tick();
    drain(raft);
    const appliedBefore = raft.status().appliedIndex;
    expect(appliedBefore).toBe(raft.status().lastIndex);
    raft.propose([data(26), data(26), data(26), data(26), data(26)]);
    const batches: number[] = [];
    while (raft.hasReady()) {
      batches.push(raft.ready().committedEntries.length);
      raft.advance();
    }
    expect(batches.filter((count) => count > 0)).toEqual([2, 2, 1]);
    expect(raft.status().appliedIndex).toBe(appliedBefore + 5);
  });

  it('a follower forwards proposals to the leader, which appends them', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    expect(cluster.propose('b', 'via b')).toEqual({ type: 'forwarded', leaderId: 'a' });
    expect(cluster.queue.map((message) => [message.type, message.from, message.to])).toEqual([['propose', 'b', 'a']]);
    cluster.deliverAll();
    for (const id of ['a', 'b', 'c']) expect(cluster.appliedCommands(id)).withContext(id).toEqual(['via b']);
  });

  it('a proposal is refused with noLeader where no leader is known, and while campaigning', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    expect(cluster.propose('b', 'x')).toEqual({ type: 'refused', reason: 'noLeader' });
    cluster.tickUntilCampaign('a');
    expect(cluster.raft('a').status().role).toBe('preCandidate');
    expect(cluster.propose('a', 'x')).toEqual({ type: 'refused', reason: 'noLeader' });
    expect(cluster.raft('a').propose([command('y')])).toEqual({ type: 'refused', reason: 'noLeader' });
  });

  it('a forwarded proposal the leader refuses is counted as dropped', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { limits: { entryBytesMax: 100 } });
    cluster.elect('a');
    const dropped = cluster.raft('a').status().droppedMessages;
    cluster.raft('b').propose([data(500)]);
    cluster.deliverAll();
    expect(cluster.raft('a').status().droppedMessages).toBe(dropped + 1);
    expect(cluster.appliedCommands('a')).toEqual([]);
  });
});

describe('Raft flow control: probing, pipelining and heartbeats', () => {
  const isElection = (message: Message): boolean =>
    message.type === 'preVote' || message.type === 'preVoteResponse' || message.type === 'vote' || message.type === 'voteResponse';

  it('once a probe is answered, the leader fills the follower\'s window at once (pipelining)', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { limits: { inflightMessagesMax: 3, messageBytesMax: 1 } });
    cluster.tickUntilCampaign('a');
    cluster.deliverMatching(isElection);
    // b's first probe (the empty entry) is held back; meanwhile five commands commit with c.
    const [probe] = cluster.take((message) => message.type === 'append' && message.to === 'b');
    for (let count = 1; count <= 5; count++) cluster.propose('a', `${count}`);
    cluster.deliverAll();
    expect(cluster.appliedCommands('c').length).toBe(5);
    cluster.deliver(probe!);
    const [answer] = cluster.take((message) => message.from === 'b');
    const mark = cluster.sent.length;
    cluster.deliver(answer!);
    const appends = cluster.sentSince(mark, (message) => message.type === 'append' && message.to === 'b');
    expect(appends.map((message) => message.type === 'append' && message.entries.length)).toEqual([1, 1, 1]);
    cluster.deliverAll();
    cluster.run(['a'], 2);
    expect(cluster.appliedCommands('b').length).toBe(5);
  });

  it('a full window whose acknowledgements were lost is probed with an empty append after the last entry sent', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { limits: { inflightMessagesMax: 2, messageBytesMax: 1 } });
    cluster.elect('a');
    const liftRule = cluster.dropWhere((message) => message.type === 'appendResponse' && message.from === 'b');
    for (let count = 1; count <= 4; count++) cluster.propose('a', `${count}`);
    cluster.deliverAll();
    const inFlight = cluster.sent.filter((message) => message.type === 'append' && message.to === 'b' && message.entries.length > 0);
    const lastSent = inFlight[inFlight.length - 1]!;
    const lastSentIndex = lastSent.type === 'append' ? lastSent.prevLogIndex + lastSent.entries.length : 0;
    liftRule();
    const mark = cluster.sent.length;
    cluster.tick('a');
    cluster.deliverMatching((message) => message.type === 'heartbeat' || message.type === 'heartbeatResponse');
    const probes = cluster.sentSince(mark, (message) => message.type === 'append' && message.to === 'b');
    expect(probes).toEqual([jasmine.objectContaining({ prevLogIndex: lastSentIndex, entries: [] })]);
    cluster.deliverAll();
    cluster.run(['a'], 2);
    expect(cluster.appliedCommands('b').length).toBe(4);
  });

  it('a quiet leader sends only heartbeats, one every heartbeat interval', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { heartbeatIntervalTicks: 3 });
    cluster.elect('a');
    cluster.propose('a', 'x');
    cluster.deliverAll();
    const mark = cluster.sent.length;
    cluster.run(cluster.ids, 30);
    const fromLeader = cluster.sentSince(mark, (message) => message.from === 'a');
    expect(new Set(fromLeader.map((message) => message.type))).toEqual(new Set(['heartbeat']));
    expect(fromLeader.filter((message) => message.to === 'b').length).toBe(10);
    expect(cluster.leaders()).toEqual(['a']);
  });

  it('a late acknowledgement below what a probing follower already matched does not restart streaming', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const staleAnswer = cluster.sent.filter((message) => message.type === 'appendResponse' && message.from === 'b' && !message.rejected)[0]!;
    cluster.propose('a', '1');
    cluster.deliverAll();
    // The append of '2' to b is lost; '3' then leaves a gap at b, which rejects it: a probes b again.
    cluster.propose('a', '2');
    cluster.propose('a', '3');
    const [, gap] = cluster.take((message) => message.type === 'append' && message.to === 'b');
    cluster.deliver(gap!);
    const [rejection] = cluster.take((message) => message.from === 'b');
    expect(rejection).toEqual(jasmine.objectContaining({ type: 'appendResponse', rejected: true }));
    cluster.deliver(rejection!);
    const probe = cluster.take((message) => message.type === 'append' && message.to === 'b');
    expect(probe.length).withContext('the probe after the rejection').toBe(1);
    const mark = cluster.sent.length;
    cluster.deliver(staleAnswer);
    expect(cluster.sentSince(mark)).withContext('the late answer teaches nothing').toEqual([]);
    for (const message of probe) cluster.deliver(message);
    cluster.deliverAll();
    cluster.run(['a'], 2);
    expect(cluster.appliedCommands('b')).toEqual(['1', '2', '3']);
  });

  it('in probe, a repeated acknowledgement of exactly what the follower matched ends the probe: streaming resumes after it', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.propose('a', '1');
    cluster.deliverAll();
    const matched = cluster.sent.filter((message) => message.type === 'appendResponse' && message.from === 'b' && !message.rejected).pop()!;
    cluster.propose('a', '2');
    cluster.propose('a', '3');
    const [, gap] = cluster.take((message) => message.type === 'append' && message.to === 'b');
    cluster.deliver(gap!);
    cluster.deliver(cluster.take((message) => message.from === 'b')[0]!);
    const probe = cluster.take((message) => message.type === 'append' && message.to === 'b');
    expect(probe.length).toBe(1);
    const mark = cluster.sent.length;
    cluster.deliver(matched);
    const resumed = cluster.sentSince(mark, (message) => message.type === 'append' && message.to === 'b');
    expect(resumed).toEqual([jasmine.objectContaining({ prevLogIndex: matched.type === 'appendResponse' ? matched.index : -1 })]);
    cluster.deliverAll();
    cluster.run(['a'], 2);
    expect(cluster.appliedCommands('b')).toEqual(['1', '2', '3']);
  });

  it('a probing follower that answers a heartbeat gets the entries it misses in the next append, not an empty probe', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.tickUntilCampaign('a');
    cluster.deliverMatching(isElection);
    // b's first probe is lost, so b stays in probe; the next heartbeat's answer lets the leader probe again.
    const [lostProbe] = cluster.take((message) => message.type === 'append' && message.to === 'b');
    expect(lostProbe).toBeDefined();
    cluster.propose('a', 'x');
    cluster.deliverAll();
    const mark = cluster.sent.length;
    cluster.tick('a');
    cluster.deliverMatching((message) => message.type === 'heartbeat' || message.type === 'heartbeatResponse');
    const [next] = cluster.sentSince(mark, (message) => message.type === 'append' && message.to === 'b');
    expect(next?.type === 'append' && next.entries.length).toBe(2);
  });
});

