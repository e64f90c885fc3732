import { TestCluster } from './test-cluster.js';

describe('Raft smoke', () => {
  it('elects a leader and replicates a command to every node', () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    cluster.elect('a');
    expect(cluster.leaders()).toEqual(['a']);
    expect(cluster.propose('a', 'hello').type).toBe('appended');
    cluster.deliverAll();
    cluster.tick('a');
    cluster.deliverAll();
    for (const id of ['a', 'b', 'c']) expect(cluster.appliedCommands(id)).toEqual(['hello']);
  });
});
