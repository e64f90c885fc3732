// State Machine Safety. Reference: Raft paper §5.4.3: if a server has applied a log entry at a given index,
// no other server ever applies a different entry for that index. The test cluster checks that on every
// Ready; these scripts give it leader crashes with partly replicated entries to get wrong.
import type { NodeId } from '../../src/raft/types.js';
import { TestCluster } from './test-cluster.js';

const ids = ['a', 'b', 'c', 'd', 'e'];

/** Runs the live nodes until one of them leads a term newer than `afterTerm`; returns it. */
function awaitNewLeader(cluster: TestCluster, live: readonly NodeId[], afterTerm: number): NodeId {
  for (let tick = 0; tick < 20 * cluster.electionTimeoutTicks; tick++) {
    cluster.run(live, 1);
    const leader = live.find((id) => cluster.raft(id).status().role === 'leader' && cluster.raft(id).status().term > afterTerm);
    if (leader !== undefined) return leader;
  }
  throw new Error('no new leader');
}

/**
 * Six rounds: a leader commits one command, half-replicates two more to one follower, appends a fourth
 * nobody sees, and crashes. Returns the commands each round's leader saw committed.
 */
function crashLeadersRepeatedly(cluster: TestCluster): string[] {
  const committed: string[] = [];
  let crashed: NodeId | null = null;
  let term = 0;
  for (let round = 1; round <= 6; round++) {
    cluster.heal();
    if (crashed !== null) cluster.isolate(crashed);
    const live = ids.filter((id) => id !== crashed);
    const leader = awaitNewLeader(cluster, live, term);
    term = cluster.raft(leader).status().term;
    const first = cluster.propose(leader, `${round}.1`);
    cluster.deliverAll();
    if (first.type === 'appended' && cluster.raft(leader).status().commitIndex >= first.index) committed.push(`${round}.1`);
    const follower = live.find((id) => id !== leader)!;
    cluster.propose(leader, `${round}.2`);
    cluster.propose(leader, `${round}.3`);
    cluster.deliverMatching((message) => message.to === follower || message.from === follower);
    cluster.propose(leader, `${round}.4`);
    if (crashed !== null) cluster.crashAndRestart(crashed);
    cluster.crashAndRestart(leader);
    crashed = leader;
  }
  cluster.heal();
  const leader = awaitNewLeader(cluster, ids, term);
  cluster.propose(leader, 'final');
  cluster.run(ids, 3);
  return committed;
}

describe('Raft §5.4.3 state machine safety', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`every node applies the same entries in the same order across six leader crashes (seed ${seed})`, () => {
      const cluster = new TestCluster(ids, { seed });
      const committed = crashLeadersRepeatedly(cluster);
      const reference = cluster.appliedCommands('a');
      expect(committed.length).toBe(6);
      expect(reference).toEqual(jasmine.arrayContaining([...committed, 'final']));
      expect(reference[reference.length - 1]).toBe('final');
      for (const id of ids) {
        expect(cluster.appliedCommands(id)).withContext(id).toEqual(reference);
        expect(cluster.node(id).applied.map((entry) => `${entry.index}@${entry.term}`))
          .withContext(id)
          .toEqual(cluster.node('a').applied.map((entry) => `${entry.index}@${entry.term}`));
      }
    });
  }

  it('a committed command is never lost, and an uncommitted one is applied at most once', () => {
    const cluster = new TestCluster(ids, { seed: 9 });
    crashLeadersRepeatedly(cluster);
    const applied = cluster.appliedCommands('a');
    expect(new Set(applied).size).toBe(applied.length);
    // The command half-replicated to one follower may survive (if that follower leads next) or not, but
    // the one no follower saw never does.
    for (let round = 1; round <= 6; round++) expect(applied).not.toContain(`${round}.4`);
  });
});
