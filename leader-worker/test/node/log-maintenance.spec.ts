// Compaction within the caller's bound (central's acknowledgement): the log is compacted once it is long,
// never past the bound, and a bound that trails the applied index still lets the device compact, to the
// snapshot it took when the bound was behind (the pending point), once the bound reaches it.
import { LogMaintenance } from '../../src/node/log-maintenance.js';
import type { ReplicatedStateMachine } from '../../src/node/replicated-state-machine.js';
import { bootstrapState, Raft } from '../../src/raft/raft.js';
import { handleReadies } from '../../src/raft/ready-loop.js';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import type { Snapshot } from '../../src/raft/types.js';
import type { RaftStorage } from '../../src/storage/raft-storage.js';

/** A one-device clinic whose log the spec grows by committed commands. */
function leadingAlone(): Raft {
  const raft = new Raft({ id: 'a', electionTimeoutTicks: 10, heartbeatIntervalTicks: 1, random: new SeededRandom(1) }, bootstrapState({ voters: ['a'], learners: [] }));
  const drain = (): void => handleReadies(raft, { persist: () => undefined, send: () => undefined, apply: () => undefined });
  for (let tick = 0; tick < 40 && raft.status().role !== 'leader'; tick++) {
    raft.tick();
    drain();
  }
  expect(raft.status().role).toBe('leader');
  return raft;
}

function commit(raft: Raft, count: number): void {
  for (let command = 0; command < count; command++) raft.propose([new Uint8Array([command % 256])]);
  handleReadies(raft, { persist: () => undefined, send: () => undefined, apply: () => undefined });
}

/** Storage that records the snapshots it was asked to compact to. */
class CompactionRecorder implements Pick<RaftStorage, 'compact'> {
  readonly compactedTo: number[] = [];
  compact(snapshot: Snapshot): Promise<void> {
    this.compactedTo.push(snapshot.index);
    return Promise.resolve();
  }
}

/** A machine whose snapshot names the index it was taken at, so the spec sees which snapshot a compaction used. */
function machineAt(raft: Raft): ReplicatedStateMachine<null> {
  return {
    apply: () => null,
    hasApplied: () => false,
    snapshot: () => new TextEncoder().encode(`state@${raft.status().appliedIndex}`),
    stateHash: () => '',
  };
}

describe('log maintenance: compaction within central\'s acknowledgement', () => {
  const threshold = 20;

  function maintenance(raft: Raft, storage: CompactionRecorder, bound: () => number): LogMaintenance {
    return new LogMaintenance(raft, storage as unknown as RaftStorage, null, { compactionThresholdEntries: threshold, stateCacheIntervalEntries: 1_000, compactionBound: bound });
  }

  it('compacts to the applied index once the log is long, when central holds it all', async () => {
    const raft = leadingAlone();
    const storage = new CompactionRecorder();
    const upkeep = maintenance(raft, storage, () => Number.POSITIVE_INFINITY);
    commit(raft, 10);
    await upkeep.run(machineAt(raft));
    expect(storage.compactedTo).withContext('short log').toEqual([]);
    commit(raft, 20);
    await upkeep.run(machineAt(raft));
    expect(storage.compactedTo).toEqual([raft.status().appliedIndex]);
    expect(raft.status().firstIndex).toBe(raft.status().appliedIndex + 1);
  });

  it('never compacts past the bound; compacts to the point it took once central acknowledges it', async () => {
    const raft = leadingAlone();
    const storage = new CompactionRecorder();
    let acknowledged = 3;
    const upkeep = maintenance(raft, storage, () => acknowledged);
    commit(raft, 30);
    const pointIndex = raft.status().appliedIndex;
    await upkeep.run(machineAt(raft));
    expect(storage.compactedTo).toEqual([]);
    expect(upkeep.pendingCompactionIndex).toBe(pointIndex);
    commit(raft, 5);
    acknowledged = pointIndex - 1;
    await upkeep.run(machineAt(raft));
    expect(storage.compactedTo).withContext('the bound trails the point by one').toEqual([]);
    acknowledged = pointIndex + 2; // trails the applied index by a few, as an uplink always does
    await upkeep.run(machineAt(raft));
    expect(storage.compactedTo).toEqual([pointIndex]);
    expect(raft.status().firstIndex).toBe(pointIndex + 1);
    expect(upkeep.pendingCompactionIndex).toBeNull();
    expect(raft.committedEntries(pointIndex + 1, 100)!.length).withContext('what central lacks is still in the log').toBe(raft.status().appliedIndex - pointIndex);
  });

  it('keeps compacting, one point behind, an uplink that always trails by one entry', async () => {
    const raft = leadingAlone();
    const storage = new CompactionRecorder();
    const upkeep = maintenance(raft, storage, () => raft.status().appliedIndex - 1);
    for (let round = 0; round < 6; round++) {
      commit(raft, 25);
      await upkeep.run(machineAt(raft));
    }
    expect(storage.compactedTo.length).toBeGreaterThanOrEqual(2);
    expect(raft.status().appliedIndex - raft.status().firstIndex + 1).toBeLessThanOrEqual(2 * 25 + threshold);
    for (const index of storage.compactedTo) expect(index).toBeLessThan(raft.status().appliedIndex);
  });
});
