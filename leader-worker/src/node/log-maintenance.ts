// Keeping a device's storage in shape after entries apply: the log is compacted into a snapshot once it grows
// past compactionThresholdEntries, never past the caller's bound (central's acknowledged index, once there is an
// uplink: an entry central does not hold must stay until it does), and the applied state is cached every
// stateCacheIntervalEntries so a restart replays only the tail.
//
// A save encodes the whole state, so a fixed interval makes caching cost grow with the state: a new clinic's
// sync horizon (120,000 entries for 10,000 patients) saved its growing state every 500 entries and spent most
// of the download encoding snapshots. So the interval also grows with the last cache's size
// (stateCacheSnapshotBytesPerEntry): caching then costs about the same per applied entry at any size, and the
// tail a restart replays stays a fixed fraction of the state it loads.
//
// A snapshot can only be taken of the state as applied now. When the bound trails the applied index, the state
// is snapshotted anyway and kept as the pending compaction point; the log is compacted to it once the bound
// reaches it. So a device whose uplink trails by one entry still compacts, one point behind.
import type { Raft } from '../raft/raft.js';
import type { RaftStorage } from '../storage/raft-storage.js';
import type { StateCache } from '../storage/state-cache.js';
import type { ReplicatedStateMachine } from './replicated-state-machine.js';

export interface LogMaintenanceSettings {
  readonly compactionThresholdEntries: number;
  readonly stateCacheIntervalEntries: number;
  /**
   * Snapshot bytes a save may cost per entry applied since the last: the interval is at least the last cache's
   * size divided by this (a 40 MB state is cached every 10,000 entries at 4,000).
   */
  readonly stateCacheSnapshotBytesPerEntry: number;
  /** The highest index the log may be compacted to; absent: no bound. */
  readonly compactionBound?: () => number;
}

export class LogMaintenance {
  private appliedSinceCache = 0;
  /** Bytes of the state cache saved last (0: none yet): a larger state is saved less often. */
  private lastCacheBytes = 0;
  /** A snapshot of the state taken past the bound, waiting for the bound to reach its index. */
  private pendingPoint: { readonly index: number; readonly data: Uint8Array } | null = null;

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
    this.appliedSinceCache = Number.POSITIVE_INFINITY;
  }

  /** Entries applied between two saves of the state cache, after one of `cacheBytes`. */
  static stateCacheInterval(settings: LogMaintenanceSettings, cacheBytes: number): number {
    return Math.max(settings.stateCacheIntervalEntries, Math.ceil(cacheBytes / settings.stateCacheSnapshotBytesPerEntry));
  }

  /** Compacts and caches what is due, from `stateMachine` as applied now. */
  async run<Result>(stateMachine: ReplicatedStateMachine<Result>): Promise<void> {
    await this.maybeCompact(stateMachine);
    await this.maybeSaveStateCache(stateMachine);
  }

  private async maybeCompact<Result>(stateMachine: ReplicatedStateMachine<Result>): Promise<void> {
    const status = this.raft.status();
    // A snapshot installed from the leader may have moved the log past the pending point: it is no use then.
    if (this.pendingPoint !== null && this.pendingPoint.index < status.firstIndex) this.pendingPoint = null;
    if (status.appliedIndex - status.firstIndex + 1 <= this.settings.compactionThresholdEntries) return;
    const bound = this.settings.compactionBound?.() ?? Number.POSITIVE_INFINITY;
    if (status.appliedIndex <= bound) return this.compactTo(status.appliedIndex, stateMachine.snapshot());
    if (this.pendingPoint === null) {
      this.pendingPoint = { index: status.appliedIndex, data: stateMachine.snapshot() };
      return;
    }
    if (this.pendingPoint.index <= bound) return this.compactTo(this.pendingPoint.index, this.pendingPoint.data);
  }

  /** The index the log waits to be compacted to once the bound reaches it; null: none. */
  get pendingCompactionIndex(): number | null {
    return this.pendingPoint?.index ?? null;
  }

  private async compactTo(index: number, data: Uint8Array): Promise<void> {
    this.pendingPoint = null;
    const snapshot = this.raft.compact(index, data);
    await this.raftStorage.compact(snapshot);
  }

  private async maybeSaveStateCache<Result>(stateMachine: ReplicatedStateMachine<Result>): Promise<void> {
    if (this.stateCache === null || this.appliedSinceCache < LogMaintenance.stateCacheInterval(this.settings, this.lastCacheBytes)) return;
    this.appliedSinceCache = 0;
    const state = stateMachine.snapshot();
    this.lastCacheBytes = state.byteLength;
    // Only a cache: a failure here costs a longer replay at the next start, never data.
    await this.stateCache.save({ appliedIndex: this.raft.status().appliedIndex, state }).catch(() => undefined);
  }
}
