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
import type { CachedState, StateCache } from '../../src/storage/state-cache.js';

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
    const settings = { compactionThresholdEntries: threshold, stateCacheIntervalEntries: 1_000, stateCacheSnapshotBytesPerEntry: 4_000, compactionBound: bound };
    return new LogMaintenance(raft, storage as unknown as RaftStorage, null, settings);
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

/** A state cache that records the applied index of every save. */
class CacheRecorder implements StateCache {
  readonly savedAt: number[] = [];
  load(): Promise<CachedState | null> {
    return Promise.resolve(null);
  }
  save(state: CachedState): Promise<void> {
    this.savedAt.push(state.appliedIndex);
    return Promise.resolve();
  }
  clear(): Promise<void> {
    return Promise.resolve();
  }
}

describe('log maintenance: the state cache', () => {
  const settings = { compactionThresholdEntries: 1_000_000, stateCacheIntervalEntries: 10, stateCacheSnapshotBytesPerEntry: 100 };

  /** Applies `entries` one at a time, running the upkeep after each as the node does. */
  async function applyOneByOne(raft: Raft, upkeep: LogMaintenance, machine: ReplicatedStateMachine<null>, entries: number): Promise<void> {
    for (let entry = 0; entry < entries; entry++) {
      commit(raft, 1);
      upkeep.applied();
      await upkeep.run(machine);
    }
  }

  function machineOfBytes(bytes: () => number): ReplicatedStateMachine<null> {
    return { apply: () => null, hasApplied: () => false, snapshot: () => new Uint8Array(bytes()), stateHash: () => '' };
  }

  it('saves a small state every stateCacheIntervalEntries entries', async () => {
    const raft = leadingAlone();
    const cache = new CacheRecorder();
    const upkeep = new LogMaintenance(raft, new CompactionRecorder() as unknown as RaftStorage, cache, settings);
    const start = raft.status().appliedIndex;
    await applyOneByOne(raft, upkeep, machineOfBytes(() => 500), 35);
    expect(cache.savedAt.map((index) => index - start)).toEqual([10, 20, 30]);
  });

  it('saves a large state less often, so caching costs the same per entry at any size', async () => {
    const raft = leadingAlone();
    const cache = new CacheRecorder();
    const upkeep = new LogMaintenance(raft, new CompactionRecorder() as unknown as RaftStorage, cache, settings);
    const start = raft.status().appliedIndex;
    // A state that grows by 1,000 bytes an entry (a sync horizon downloading): each save waits its size / 100 entries.
    await applyOneByOne(raft, upkeep, machineOfBytes(() => 1_000 * (raft.status().appliedIndex - start)), 400);
    const saved = cache.savedAt.map((index) => index - start);
    expect(saved).toEqual([10, 110, 1210].filter((at) => at <= 400));
    expect(LogMaintenance.stateCacheInterval(settings, 0)).toBe(10);
    expect(LogMaintenance.stateCacheInterval(settings, 1_001)).toBe(11);
  });

  it('saves at once after a snapshot replaced the state', async () => {
    const raft = leadingAlone();
    const cache = new CacheRecorder();
    const upkeep = new LogMaintenance(raft, new CompactionRecorder() as unknown as RaftStorage, cache, settings);
    await applyOneByOne(raft, upkeep, machineOfBytes(() => 50_000), 10);
    expect(cache.savedAt.length).toBe(1);
    upkeep.restoredSnapshot();
    await upkeep.run(machineOfBytes(() => 50_000));
    expect(cache.savedAt.length).toBe(2);
    await applyOneByOne(raft, upkeep, machineOfBytes(() => 50_000), 499);
    expect(cache.savedAt.length).withContext('the next save waits 50,000 / 100 entries').toBe(2);
    await applyOneByOne(raft, upkeep, machineOfBytes(() => 50_000), 1);
    expect(cache.savedAt.length).toBe(3);
  });
});
