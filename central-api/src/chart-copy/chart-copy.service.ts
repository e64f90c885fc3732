// Central's copy of each clinic's charts: the clinics' own ChartStateMachine fed the stored log in order.
//
// The stored log is the only truth; the copy is a projection of it. An upload's transaction only stores
// entries and moves the acknowledged index; the copy catches up afterwards, in transactions of its own that
// apply stored entries past its applied index and record, with that index and the state hash, what ops see
// of them (rejected commands, conflicts, stale lease epochs). A crash between the two leaves the copy behind,
// never wrong: whoever uses it next catches it up. When that is:
//   - a read: always first, so it answers from the whole acknowledged log;
//   - after uploads: once the clinic's uploads pause (projectionQuietMs) when they left it trailing by a batch
//     worth applying (projectionBatchEntries), else once the clinic stopped uploading a while
//     (projectionIdleMs); at once, before answering, when it trails by more than projectionLagEntriesMax.
// Projections of a clinic take turns on its chart_copies row lock, whichever API processes run them.
//
// The machines in memory are a cache (several API processes share one PostgreSQL, each with its own cache).
// A process meeting a clinic cold restores its newest stored snapshot and replays the entries after it. In
// one process the uses of a clinic's copy take turns with its machine (`exclusive`): a projection mutates it
// before its records commit.
import { HttpException, HttpStatus, Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ChartStateMachine } from '../../../leader-worker/src/chart/index.js';
import { assert } from '../../../leader-worker/src/invariants/assert.js';
import { ChartChangeExport } from '../feed/chart-change-export.js';
import { LeaseFencing } from '../leases/lease-fencing.js';
import { LogEntriesRepository } from '../log-store/log-entries.repository.js';
import type { StoredEntry } from '../log-store/log-entry.js';
import { ChartCopiesRepository, type ProjectionPosition } from './chart-copies.repository.js';
import { emptyNotes, feedEntry, type FeedNotes } from './chart-copy-feed.js';
import { type ChartCopySettings, chartCopySettingsToken } from './chart-copy-settings.js';
import { type CachedCopy, ChartMachineCache } from './chart-machine-cache.js';
import { KeyedMutex, QueueFullError } from '../concurrency/keyed-mutex.js';
import { QuietTimers } from '../concurrency/quiet-timers.js';
import { SerialQueue } from '../concurrency/serial-queue.js';
import { StoredTails } from './stored-tails.js';

/** What a copy answers a query with: the machine as of `appliedIndex` of the clinic's committed log. */
export type CopyQuery<T> = (machine: ChartStateMachine, appliedIndex: number) => T;

@Injectable()
export class ChartCopyService implements OnModuleDestroy {
  private readonly logger = new Logger(ChartCopyService.name);
  private readonly cache: ChartMachineCache;
  private readonly turns: KeyedMutex;
  /** Catch-ups owed for a batch of entries (projectionQuietMs), and for a small lag when idle (projectionIdleMs). */
  private readonly quietTimers: QuietTimers;
  private readonly idleTimers: QuietTimers;
  /** Catch-ups the timers start run one at a time, so they never crowd out the requests. */
  private readonly backgroundProjections: SerialQueue;
  private readonly sweepTimer: NodeJS.Timeout;
  private sweeping: Promise<void> = Promise.resolve();
  private closing = false;
  private readonly storedTails: StoredTails;

  constructor(
    @Inject(chartCopySettingsToken) private readonly settings: ChartCopySettings,
    private readonly logEntries: LogEntriesRepository,
    private readonly copies: ChartCopiesRepository,
    private readonly fencing: LeaseFencing,
    private readonly chartChanges: ChartChangeExport,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.cache = new ChartMachineCache(settings.clinicsCachedMax);
    this.turns = new KeyedMutex(settings.queuedPerClinicMax);
    this.storedTails = new StoredTails(settings.storedTailEntriesMax);
    this.backgroundProjections = new SerialQueue((clinicId) => this.projectInBackground(clinicId), settings.backgroundProjectionShareMax);
    this.quietTimers = new QuietTimers(settings.projectionQuietMs, (clinicId) => this.backgroundProjections.enqueue(clinicId));
    this.idleTimers = new QuietTimers(settings.projectionIdleMs, (clinicId) => this.backgroundProjections.enqueue(clinicId));
    this.sweepTimer = setInterval(() => {
      this.sweeping = this.sweepTrailing();
    }, settings.trailingSweepIntervalMs);
    // Never keeps a process alive that has nothing else to do.
    this.sweepTimer.unref();
  }

  /** Background catch-ups finish (or are cancelled) before the database closes. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.closing = true;
    await Promise.all([this.quietTimers.close(), this.idleTimers.close(), this.sweeping, this.backgroundProjections.close()]);
  }

  /** Queues the catch-up of every copy left behind (see trailingSweepIntervalMs). Never rejects. */
  private async sweepTrailing(): Promise<void> {
    try {
      for (const clinicId of await this.copies.trailing(this.settings.trailingSweepClinicsMax)) {
        if (this.closing) return;
        void this.backgroundProjections.enqueue(clinicId);
      }
    } catch (error) {
      this.logger.warn(`could not look for chart copies left behind: ${String(error)}`);
    }
  }

  /**
   * Runs `work` alone with the clinic's copy in this process. If `work` fails, the cached machine is dropped:
   * it may have been fed entries whose records never committed, and is rebuilt from the database on next use.
   */
  async exclusive<T>(clinicId: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.turns.run(clinicId, async () => {
        try {
          return await work();
        } catch (error) {
          this.cache.delete(clinicId);
          throw error;
        }
      });
    } catch (error) {
      if (error instanceof QueueFullError) {
        throw new HttpException(`Too many requests are waiting for clinic ${clinicId}; retry later`, HttpStatus.TOO_MANY_REQUESTS);
      }
      throw error;
    }
  }

  /** An upload of the clinic starts in this process: the copy does not catch up in the background meanwhile. */
  uploadStarted(clinicId: string): void {
    this.quietTimers.begin(clinicId);
    this.idleTimers.begin(clinicId);
  }

  /**
   * The upload ended, committing the acknowledged index `acknowledgedIndex` and the entries `stored`
   * (undefined: nothing committed). Catches the copy up before returning when it trails by more than
   * projectionLagEntriesMax; otherwise once the clinic's uploads here have paused for projectionQuietMs.
   * Never throws: the upload has committed, and a copy left behind catches up on its next use.
   */
  async uploadEnded(clinicId: string, committed: { readonly acknowledgedIndex: number; readonly stored: readonly StoredEntry[] } | undefined): Promise<void> {
    const acknowledgedIndex = committed?.acknowledgedIndex;
    if (committed !== undefined) this.storedTails.append(clinicId, committed.stored);
    let lag = 0;
    try {
      if (acknowledgedIndex !== undefined) lag = acknowledgedIndex - (await this.copies.position(undefined, clinicId)).appliedIndex;
    } catch (error) {
      this.logger.warn(`could not tell how far the chart copy of clinic ${clinicId} trails: ${String(error)}`);
    }
    const trailing = lag > this.settings.projectionLagEntriesMax;
    const batchDue = lag >= this.settings.projectionBatchEntries;
    this.quietTimers.end(clinicId, batchDue && !trailing);
    this.idleTimers.end(clinicId, lag > 0 && !batchDue);
    if (trailing) await this.projectInBackground(clinicId);
  }

  /** Answers `query` from the clinic's copy brought up to its whole acknowledged log first. */
  read<T>(clinicId: string, query: CopyQuery<T>): Promise<T> {
    return this.exclusive(clinicId, async () => {
      const copy = await this.project(clinicId);
      return query(copy.machine, copy.appliedIndex);
    });
  }

  private async projectInBackground(clinicId: string): Promise<void> {
    try {
      await this.exclusive(clinicId, () => this.project(clinicId));
    } catch (error) {
      // Nothing is lost: the copy stays behind until its next use catches it up.
      this.logger.warn(`catching up the chart copy of clinic ${clinicId} failed: ${String(error)}`);
    }
  }

  /**
   * Brings the clinic's copy to its acknowledged index, one bounded transaction at a time, and returns the
   * cached copy there. Call it inside `exclusive`. A clinic that does not exist has an empty copy.
   */
  private async project(clinicId: string): Promise<CachedCopy> {
    for (;;) {
      const step = await this.dataSource.transaction((manager) => this.projectStep(manager, clinicId));
      this.storedTails.dropThrough(clinicId, step.copy.appliedIndex);
      if (step.caughtUp) return step.copy;
    }
  }

  private async projectStep(manager: EntityManager, clinicId: string): Promise<{ copy: CachedCopy; caughtUp: boolean }> {
    assert(this.turns.isBusy(clinicId), 'a projection runs inside exclusive()');
    const position = await this.copies.lockForProjection(manager, clinicId, () => new ChartStateMachine(clinicId).stateHash());
    if (position === undefined) return { copy: { machine: new ChartStateMachine(clinicId), appliedIndex: 0 }, caughtUp: true };
    assert(position.appliedIndex <= position.acknowledgedIndex, `chart copy of ${clinicId} is at ${position.appliedIndex}, past its log at ${position.acknowledgedIndex}`);
    // Entries up to the recorded index were recorded by whoever projected them: replayed silently.
    const copy = await this.catchUp(manager, clinicId, position.appliedIndex, null);
    const targetIndex = Math.min(position.acknowledgedIndex, position.appliedIndex + this.settings.projectionEntriesPerTransactionMax);
    if (targetIndex > position.appliedIndex) {
      const notes = emptyNotes(position.chartPolicy === 'lease');
      await this.catchUp(manager, clinicId, targetIndex, notes);
      await this.record(manager, clinicId, copy, position, notes);
    }
    return { copy, caughtUp: targetIndex === position.acknowledgedIndex };
  }

  /** Saves what the entries past `position.appliedIndex` brought, the new progress, and a snapshot when due. */
  private async record(manager: EntityManager, clinicId: string, copy: CachedCopy, position: ProjectionPosition, notes: FeedNotes): Promise<void> {
    let snapshotIndex = position.snapshotIndex;
    const counts = copy.machine.counts();
    const { snapshotIntervalEntriesMin, snapshotIntervalEntriesMax } = this.settings;
    if (copy.appliedIndex - snapshotIndex >= Math.min(snapshotIntervalEntriesMax, Math.max(snapshotIntervalEntriesMin, counts.patients))) {
      const bytes = copy.machine.snapshot();
      const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      await this.copies.saveSnapshot(manager, clinicId, { logIndex: copy.appliedIndex, stateHash: copy.machine.stateHash(), data }, this.settings.snapshotsKeptPerClinic);
      snapshotIndex = copy.appliedIndex;
    }
    await this.copies.recordOutcomes(manager, clinicId, notes.outcomes);
    const fencedLogIndexes = (await this.fencing.fenceStaleWrites(manager, clinicId, notes.leasedWrites)).map((write) => write.logIndex);
    await this.logEntries.markFenced(manager, clinicId, fencedLogIndexes);
    await this.chartChanges.exportWrites(manager, clinicId, notes.chartWrites, new Set(fencedLogIndexes));
    await this.copies.saveProgress(manager, clinicId, {
      appliedIndex: copy.appliedIndex,
      stateHash: copy.machine.stateHash(),
      patients: counts.patients,
      openConflicts: counts.openConflicts,
      newlyRejected: notes.outcomes.filter((outcome) => outcome.outcome === 'rejected').length,
      newlyConflicting: notes.outcomes.filter((outcome) => outcome.outcome === 'conflict').length,
      snapshotIndex,
    });
  }

  /**
   * The cached copy brought to exactly `targetIndex` of the stored log, loaded first if not cached; the entries
   * fed are noted in `notes` when given.
   */
  private async catchUp(manager: EntityManager, clinicId: string, targetIndex: number, notes: FeedNotes | null): Promise<CachedCopy> {
    let copy = this.cache.get(clinicId);
    // Ahead of the recorded index means fed by a projection whose records never committed: rebuilt, so that
    // the next projection feeds (and records) those entries again.
    if (copy !== undefined && copy.appliedIndex > targetIndex) copy = undefined;
    copy ??= await this.load(manager, clinicId, targetIndex);
    this.cache.set(clinicId, copy);
    while (copy.appliedIndex < targetIndex) {
      const toIndex = Math.min(targetIndex, copy.appliedIndex + this.settings.catchUpPageEntries);
      const page = this.storedTails.range(clinicId, copy.appliedIndex + 1, toIndex) ?? (await this.logEntries.readRange(manager, clinicId, copy.appliedIndex + 1, toIndex));
      assert(page.length === toIndex - copy.appliedIndex, `stored log of ${clinicId} has a gap before ${toIndex}`);
      for (const entry of page) feedEntry(copy, entry, notes);
    }
    return copy;
  }

  /** The newest stored snapshot at or below `atMostIndex`, or an empty machine. */
  private async load(manager: EntityManager, clinicId: string, atMostIndex: number): Promise<CachedCopy> {
    const snapshot = await this.copies.latestSnapshot(manager, clinicId, atMostIndex);
    if (snapshot === undefined) return { machine: new ChartStateMachine(clinicId), appliedIndex: 0 };
    const restored = ChartStateMachine.restore(snapshot.data);
    // Written by this code from a machine of this clinic: one that does not restore is corruption.
    assert(restored.type === 'restored', `chart snapshot ${clinicId}@${snapshot.logIndex} does not restore`);
    const { machine } = restored;
    assert(machine.clinicId === clinicId && machine.stateHash() === snapshot.stateHash, `chart snapshot ${clinicId}@${snapshot.logIndex} is not the state it claims`);
    return { machine, appliedIndex: snapshot.logIndex };
  }
}
