// Log replication. Reference: Raft paper §5.3 (AppendEntries consistency check, Figure 7), and the fast log
// backtracking optimisation the paper mentions at the end of §5.3.
import type { Message } from '../../src/raft/types.js';
import { appendedIndex, TestCluster } from './test-cluster.js';

/** The leader's log in Figure 7 (index 1..10). The leader is elected in term 8. */
const figure7LeaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];

/** The six possible follower logs of Figure 7. */
const figure7Followers: Record<string, number[]> = {
  '(a) missing entries': [1, 1, 1, 4, 4, 5, 5, 6, 6],
  '(b) missing entries': [1, 1, 1, 4],
  '(c) an extra uncommitted entry': [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
  '(d) extra uncommitted entries of a later term': [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
  '(e) missing and extra entries': [1, 1, 1, 4, 4, 4, 4],
  '(f) missing and extra entries of earlier terms': [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
};

const isRejection = (from: string) => (message: Message): boolean =>
  message.type === 'appendResponse' && message.from === from && message.rejected;

describe('Raft §5.3 log replication', () => {
  for (const [name, followerLog] of Object.entries(figure7Followers)) {
    it(`Figure 7 ${name}: the follower converges to the leader's log`, () => {
      // z holds the leader's log too, so the leader wins term 8 even when the follower refuses it (d).
      const cluster = TestCluster.withLogs({
        leader: { terms: figure7LeaderLog, term: 7 },
        follower: { terms: followerLog, term: 7 },
        z: { terms: figure7LeaderLog, term: 7 },
      });
      cluster.elect('leader');
      expect(cluster.raft('leader').status().term).toBe(8);
      cluster.deliverAll();
      const expected = [...cluster.foundingTerms(), ...figure7LeaderLog, 8];
      expect(cluster.logTerms('leader')).toEqual(expected);
      expect(cluster.logTerms('follower')).toEqual(expected);
      // Everything up to the term-8 leader's empty entry (figure entry 11) is committed.
      expect(cluster.raft('follower').status().commitIndex).toBe(cluster.figureIndex(11));
      expect(cluster.appliedCommands('follower')).toEqual(cluster.appliedCommands('leader'));
      expect(cluster.appliedCommands('leader').length).toBe(10);
    });
  }

  it('fast backtracking: a divergent suffix of 100 entries costs one rejected round trip, not 100', () => {
    const leaderLog = [1, ...Array<number>(100).fill(3)];
    const cluster = TestCluster.withLogs({
      leader: { terms: leaderLog },
      follower: { terms: [1, ...Array<number>(100).fill(2)] },
      z: { terms: leaderLog },
    });
    cluster.elect('leader');
    cluster.deliverAll();
    const rejections = cluster.sent.filter(isRejection('follower')).length;
    const appendsToFollower = cluster.sent.filter((message) => message.type === 'append' && message.to === 'follower').length;
    expect(rejections).toBe(1);
    expect(appendsToFollower).toBeLessThanOrEqual(3);
    expect(cluster.logTerms('follower')).toEqual([...cluster.foundingTerms(), ...leaderLog, 4]);
  });

  it('fast backtracking: a follower missing 100 entries says where its log ends in one rejection', () => {
    const leaderLog = [1, ...Array<number>(100).fill(3)];
    const cluster = TestCluster.withLogs({
      leader: { terms: leaderLog },
      follower: { terms: [1] },
      z: { terms: leaderLog },
    });
    cluster.elect('leader');
    cluster.deliverAll();
    expect(cluster.sent.filter(isRejection('follower')).length).toBe(1);
    // The probe after the rejection starts where the follower's log ends, not at the leader's match (0).
    const rejectedAt = cluster.sent.findIndex(isRejection('follower'));
    const nextProbe = cluster.sent.slice(rejectedAt).find((message) => message.type === 'append' && message.to === 'follower');
    expect(nextProbe).toEqual(jasmine.objectContaining({ prevLogIndex: cluster.figureIndex(1) }));
    expect(cluster.logTerms('follower')).toEqual([...cluster.foundingTerms(), ...leaderLog, 4]);
  });

  it('a follower that already matches is brought up to date without any rejection', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    for (const text of ['x', 'y', 'z']) cluster.propose('a', text);
    cluster.deliverAll();
    expect(cluster.sent.filter((message) => message.type === 'appendResponse' && message.rejected).length).toBe(0);
    for (const id of ['b', 'c']) expect(cluster.logTerms(id)).toEqual(cluster.logTerms('a'));
  });

  it('commit index propagation: followers learn the commit index with the next append', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const { lastIndex: emptyEntryIndex, term } = cluster.raft('a').status();
    const result = cluster.propose('a', 'x');
    cluster.deliverAll();
    expect(result).toEqual({ type: 'appended', index: emptyEntryIndex + 1, term });
    for (const id of ['a', 'b', 'c']) {
      expect(cluster.raft(id).status().commitIndex).withContext(id).toBe(emptyEntryIndex + 1);
      expect(cluster.appliedCommands(id)).withContext(id).toEqual(['x']);
    }
  });

  it('commit index propagation: a heartbeat carries the commit index when no append does', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const emptyEntryIndex = cluster.raft('a').status().lastIndex;
    const liftRule = cluster.dropWhere((message) => message.type === 'append' && message.to === 'b' && message.entries.length === 0);
    const index = appendedIndex(cluster.propose('a', 'x'));
    cluster.deliverAll();
    liftRule();
    expect(index).toBe(emptyEntryIndex + 1);
    expect(cluster.raft('a').status().commitIndex).toBe(index);
    expect(cluster.raft('b').status().lastIndex).toBe(index);
    expect(cluster.raft('b').status().commitIndex).toBe(emptyEntryIndex);
    expect(cluster.appliedCommands('b')).toEqual([]);
    cluster.tick('a');
    cluster.deliverAll();
    expect(cluster.raft('b').status().commitIndex).toBe(index);
    expect(cluster.appliedCommands('b')).toEqual(['x']);
  });

  it('a follower never applies an entry that is not committed, even though it stores it', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    const { lastIndex: emptyEntryIndex, term } = cluster.raft('a').status();
    cluster.cutLink('b', 'a');
    cluster.cutLink('c', 'a');
    const index = appendedIndex(cluster.propose('a', 'pending'));
    cluster.deliverAll();
    for (const id of ['b', 'c']) {
      expect(cluster.entryAt(id, index)?.term).withContext(id).toBe(term);
      expect(cluster.raft(id).status().commitIndex).withContext(id).toBe(emptyEntryIndex);
      expect(cluster.appliedCommands(id)).withContext(id).toEqual([]);
    }
    expect(cluster.raft('a').status().commitIndex).toBe(emptyEntryIndex);
    expect(cluster.appliedCommands('a')).toEqual([]);
  });

  it('an entry on a minority is never applied and is overwritten by the next leader (§5.3, Log Matching)', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.isolate('a');
    expect(cluster.propose('a', 'lost').type).toBe('appended');
    cluster.deliverAll();
    cluster.expireLease('c');
    cluster.elect('b');
    cluster.propose('b', 'kept');
    cluster.deliverAll();
    cluster.heal();
    cluster.run(['b'], 1);
    expect(cluster.raft('a').status().role).toBe('follower');
    expect(cluster.logTerms('a')).toEqual(cluster.logTerms('b'));
    for (const id of ['a', 'b', 'c']) expect(cluster.appliedCommands(id)).withContext(id).toEqual(['kept']);
  });
});
