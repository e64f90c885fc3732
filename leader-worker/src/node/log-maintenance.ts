// Keeping a device's storage in shape after entries apply: the log is compacted into a snapshot once it grows
// past compactionThresholdEntries (never past the caller's bound: central's acknowledged index, once there is an
// uplink), and the applied state is cached every stateCacheIntervalEntries so a restart replays only the tail.
import type { Raft } from '../raft/raft.js';
import type { RaftStorage } from '../storage/raft-storage.js';
import type { StateCache } from '../storage/state-cache.js';
import type { ReplicatedStateMachine } from './replicated-state-machine.js';

export interface LogMaintenanceSettings {
  readonly compactionThresholdEntries: number;
  readonly stateCacheIntervalEntries: number;
  /** The highest index the log may be compacted to; absent: no bound. */
  readonly compactionBound?: () => number;
}

export class LogMaintenance {
  private appliedSinceCache = 0;

  constructor(
    private readonly raft: Raft,
    private readonly raftStorage: RaftStorage,
    private readonly stateCache: StateCache | null,
    private readonly settings: LogMaintenanceSettings,
  ) {}

  /** One command applied. */
  applied(): void {
    this.appliedSinceCache++;
  }

  /** A snapshot replaced the state: the cache is out of date at once. */
  restoredSnapshot(): void {
    this.appliedSinceCache = this.settings.stateCacheIntervalEntries;
  }

  /** Compacts and caches what is due, from `stateMachine` as applied now. */
  async run<Result>(stateMachine: ReplicatedStateMachine<Result>): Promise<void> {
    await this.maybeCompact(stateMachine);
    await this.maybeSaveStateCache(stateMachine);
  }

  private async maybeCompact<Result>(stateMachine: ReplicatedStateMachine<Result>): Promise<void> {
    const status = this.raft.status();
    if (status.appliedIndex - status.firstIndex + 1 <= this.settings.compactionThresholdEntries) return;
    const bound = this.settings.compactionBound?.() ?? Number.POSITIVE_INFINITY;
    // The snapshot is the state machine as applied now, so the log can only be compacted to the applied index.
    if (status.appliedIndex > bound) return;
    const snapshot = this.raft.compact(status.appliedIndex, stateMachine.snapshot());
    await this.raftStorage.compact(snapshot);
  }

  private async maybeSaveStateCache<Result>(stateMachine: ReplicatedStateMachine<Result>): Promise<void> {
    if (this.stateCache === null || this.appliedSinceCache < this.settings.stateCacheIntervalEntries) return;
    this.appliedSinceCache = 0;
    // Only a cache: a failure here costs a longer replay at the next start, never data.
    await this.stateCache.save({ appliedIndex: this.raft.status().appliedIndex, state: stateMachine.snapshot() }).catch(() => undefined);
  }
}
