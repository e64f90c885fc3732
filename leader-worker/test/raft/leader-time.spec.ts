// The leader's time on entries (Entry.leaderTimeMs): the clinic's one clock, stamped by whoever leads when it
// appends, carried to every follower as sent, never earlier than the entry before it (a new leader whose clock is
// behind continues from the log), and absent when the core is given no clock.
import type { Entry, NodeId } from '../../src/raft/types.js';
import { TestCluster } from './test-cluster.js';

function leaderTimes(cluster: TestCluster, id: NodeId, fromIndex: number): (number | undefined)[] {
  return cluster.nodes.get(id)!.storage.entries.filter((entry: Entry) => entry.index >= fromIndex).map((entry) => entry.leaderTimeMs);
}

describe('the leader\'s time on entries', () => {
  const clock = { a: 1_000_000, b: 1_000_000, c: 1_000_000 };
  const clocks = { a: () => clock.a, b: () => clock.b, c: () => clock.c };

  beforeEach(() => {
    clock.a = 1_000_000;
    clock.b = 1_000_000;
    clock.c = 1_000_000;
  });

  it('is the leader\'s clock when it appended, kept as sent by every follower', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { clocks });
    clock.a = 5_000_000;
    cluster.elect('a');
    const first = cluster.foundingIndex + 1;
    clock.a = 5_000_250;
    cluster.propose('a', 'registration');
    // Followers' own clocks are wrong by hours: what they store is the leader's time.
    clock.b = 1;
    clock.c = 99_000_000;
    cluster.deliverAll();
    for (const id of ['a', 'b', 'c']) expect(leaderTimes(cluster, id, first)).withContext(id).toEqual([5_000_000, 5_000_250]);
  });

  it('never goes back: a new leader whose clock is behind stamps the last entry\'s time until its clock passes it', () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { clocks });
    clock.a = 8_000_000;
    cluster.elect('a');
    cluster.propose('a', 'vitals');
    cluster.deliverAll();
    const next = cluster.nodes.get('b')!.storage.entries.at(-1)!.index + 1;
    clock.b = 2_000_000; // a tablet whose date is days behind
    cluster.isolate('a');
    cluster.expireLease('c');
    cluster.elect('b');
    cluster.propose('b', 'note');
    clock.b = 9_000_000;
    cluster.propose('b', 'diagnosis');
    cluster.deliverAll();
    expect(leaderTimes(cluster, 'c', next)).toEqual([8_000_000, 8_000_000, 9_000_000]);
  });

  it('is absent when the core has no clock', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    cluster.propose('a', 'registration');
    cluster.deliverAll();
    expect(cluster.nodes.get('c')!.storage.entries.every((entry) => !('leaderTimeMs' in entry))).toBeTrue();
  });
});
