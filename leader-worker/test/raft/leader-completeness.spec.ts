// Leader Completeness and the commit rule. Reference: Raft paper §5.4.2 and Figure 8: a leader cannot
// conclude that an entry of an earlier term is committed just because a majority stores it.
import { Raft } from '../../src/raft/raft.js';
import type { Message } from '../../src/raft/types.js';
import { TestCluster, type ClusterOptions } from './test-cluster.js';

/** The core with the §5.4.2 restriction removed: counts replicas for entries of any term. */
class CountsOldTermReplicasRaft extends Raft {
  protected override commitRuleAllowsIndex(): boolean {
    return true;
  }
}

const servers = ['s1', 's2', 's3', 's4', 's5'];

/**
 * Figure 8 up to (c). Before it: (a) s1 led term 2 and stored index 2 on s1 and s2; (b) s5 won term 3 with
 * s3, s4 and s5 and wrote a different index 2. In (c) s5 is down, s1 comes back, wins term 4, and replicates
 * its index 2 to s3 and s4, while its own term-4 entry at index 3 reaches nobody. (The core appends its
 * term-4 entry on election, so the first append to s2 carries index 3 and is the one lost; s1 learns of
 * the copies on s3 and s4, which with its own make a majority.) Indexes below are the figure's; in the log
 * they follow the founding membership entries (TestCluster.figureIndex).
 */
function figure8UpToC(options: ClusterOptions = {}): TestCluster {
  const cluster = TestCluster.withLogs(
    {
      s1: { terms: [1, 2], term: 2, votedFor: 's1', commitIndex: 1 },
      s2: { terms: [1, 2], term: 2, votedFor: 's1', commitIndex: 1 },
      s3: { terms: [1], term: 3, votedFor: 's5', commitIndex: 1 },
      s4: { terms: [1], term: 3, votedFor: 's5', commitIndex: 1 },
      s5: { terms: [1, 3], term: 3, votedFor: 's5', commitIndex: 1 },
    },
    // One entry per append message, so index 2 can travel without index 3.
    { ...options, limits: { messageBytesMax: 1 } },
  );
  cluster.isolate('s5');
  // Index 3 never reaches a server that already stores index 2.
  cluster.dropWhere((message) => carriesIndex(cluster, message, 3) && cluster.entryAt(message.to, cluster.figureIndex(2)) !== undefined);
  cluster.elect('s1');
  cluster.deliverAll();
  return cluster;
}

/** Whether `message` is an append carrying the figure's entry `figureIndex`. */
function carriesIndex(cluster: TestCluster, message: Message, figureIndex: number): boolean {
  return message.type === 'append' && message.entries.some((entry) => entry.index === cluster.figureIndex(figureIndex));
}

/** The servers storing the figure's entry `figureIndex` with term `term`. */
function replicasOf(cluster: TestCluster, figureIndex: number, term: number): string[] {
  return servers.filter((id) => cluster.entryAt(id, cluster.figureIndex(figureIndex))?.term === term);
}

describe('Raft §5.4.2 Figure 8: committing entries from previous terms', () => {
  it('(c) the term-2 entry is stored on a majority but the term-4 leader does not commit it', () => {
    const cluster = figure8UpToC();
    expect(cluster.raft('s1').status()).toEqual(jasmine.objectContaining({ role: 'leader', term: 4, lastIndex: cluster.figureIndex(3) }));
    expect(replicasOf(cluster, 2, 2)).toEqual(['s1', 's2', 's3', 's4']);
    const acknowledged = cluster.sent.filter(
      (message) => message.type === 'appendResponse' && message.to === 's1' && !message.rejected && message.index === cluster.figureIndex(2),
    );
    expect(acknowledged.map((message) => message.from).sort()).toEqual(['s3', 's4']);
    expect(replicasOf(cluster, 3, 4)).toEqual(['s1']);
    expect(cluster.raft('s1').status().commitIndex).toBe(cluster.figureIndex(1));
    expect(cluster.appliedCommands('s1')).toEqual(['1@1']);
  });

  it('(c) without the current-term rule the same leader commits the term-2 entry by counting replicas', () => {
    const cluster = figure8UpToC({ raftFactory: (options, persisted) => new CountsOldTermReplicasRaft(options, persisted) });
    expect(replicasOf(cluster, 3, 4)).toEqual(['s1']);
    expect(cluster.raft('s1').status().commitIndex).toBe(cluster.figureIndex(2));
  });

  it('(d) so when s1 crashes, s5 can win term 5 and overwrite the term-2 entry everywhere, safely', () => {
    const cluster = figure8UpToC();
    // s1 crashes; s5 comes back.
    cluster.liftDropRules();
    cluster.heal();
    cluster.isolate('s1');
    for (const id of ['s2', 's3', 's4']) cluster.expireLease(id);
    cluster.elect('s5');
    cluster.deliverAll();
    expect(cluster.raft('s5').status().term).toBe(5);
    expect(replicasOf(cluster, 2, 2)).toEqual(['s1']);
    expect(replicasOf(cluster, 2, 3)).toEqual(['s2', 's3', 's4', 's5']);
    for (const id of ['s2', 's3', 's4', 's5']) expect(cluster.appliedCommands(id)).withContext(id).toEqual(['1@1', '2@3']);
  });

  it('(e) once an entry of the leader\'s term is on a majority, it and the term-2 entry before it commit', () => {
    const cluster = TestCluster.withLogs({
      s1: { terms: [1, 2], term: 2, votedFor: 's1', commitIndex: 1 },
      s2: { terms: [1, 2], term: 2, votedFor: 's1', commitIndex: 1 },
      s3: { terms: [1], term: 3, votedFor: 's5', commitIndex: 1 },
      s4: { terms: [1], term: 3, votedFor: 's5', commitIndex: 1 },
      s5: { terms: [1, 3], term: 3, votedFor: 's5', commitIndex: 1 },
    });
    cluster.isolate('s5');
    cluster.dropWhere((message) => message.type === 'append' && message.to === 's4');
    cluster.elect('s1');
    cluster.deliverAll();
    expect(replicasOf(cluster, 3, 4)).toEqual(['s1', 's2', 's3']);
    expect(cluster.raft('s1').status().commitIndex).toBe(cluster.figureIndex(3));
    expect(cluster.appliedCommands('s1')).toEqual(['1@1', '2@2']);
    // s5 can no longer win: s2 and s3 hold a log with a later last term than its own.
    cluster.liftDropRules();
    cluster.heal();
    cluster.isolate('s1');
    for (const id of ['s2', 's3', 's4']) cluster.expireLease(id);
    for (let tick = 0; tick < 5 * cluster.electionTimeoutTicks; tick++) {
      cluster.tick('s5');
      cluster.deliverAll();
      expect(cluster.raft('s5').status().role).not.toBe('leader');
    }
  });
});
