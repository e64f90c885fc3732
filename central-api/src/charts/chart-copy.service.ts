// Central's copy of each clinic's charts: the clinics' own ChartStateMachine fed the stored log in order.
//
// The stored log is the truth; the machines in memory are a cache (several API processes share one
// PostgreSQL, each with its own cache). Every use of a clinic's copy first brings the cached machine up to
// what is committed, replaying stored entries past it; a process meeting a clinic cold restores its newest
// stored snapshot and replays the entries after it. Uploads feed new entries inside their transaction, under
// the clinic's database lock, and record the applied index and state hash in that same transaction, so
// central's copy is exactly as far as the acknowledged log, never partly.
//
// In one process the requests of a clinic take turns with its machine (`exclusive`): an upload mutates it
// before it commits, and a read must not see that until it has.
import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ChartStateMachine } from '../../../leader-worker/src/chart/chart-state-machine.js';
import { assert } from '../../../leader-worker/src/raft/assert.js';
import { LogEntriesRepository } from '../sync/log-entries.repository.js';
import type { StoredEntry } from '../sync/log-entry.js';
import { applyOutcomeRecord, type ApplyOutcomeRecord } from './apply-outcome.js';
import { ChartCopiesRepository } from './chart-copies.repository.js';
import { type ChartCopySettings, chartCopySettingsToken } from './chart-copy-settings.js';
import { type CachedCopy, ChartMachineCache } from './chart-machine-cache.js';
import { decodeCommand } from './command-decoding.js';
import { KeyedMutex, QueueFullError } from './keyed-mutex.js';

/** What a copy answers a query with: the machine as of `appliedIndex` of the clinic's committed log. */
export type CopyQuery<T> = (machine: ChartStateMachine, appliedIndex: number) => T;

@Injectable()
export class ChartCopyService {
  private readonly cache: ChartMachineCache;
  private readonly turns: KeyedMutex;

  constructor(
    @Inject(chartCopySettingsToken) private readonly settings: ChartCopySettings,
    private readonly logEntries: LogEntriesRepository,
    private readonly copies: ChartCopiesRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.cache = new ChartMachineCache(settings.clinicsCachedMax);
    this.turns = new KeyedMutex(settings.queuedPerClinicMax);
  }

  /**
   * Runs `work` alone with the clinic's copy in this process. If `work` fails, the cached machine is dropped:
   * it may hold entries of a transaction that never committed, and is rebuilt from the database on next use.
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

  /**
   * Feeds newly stored entries (`acknowledgedIndex + 1` onwards) to the clinic's copy, records the rejections
   * and conflicts, and saves the new applied index and state hash (and a snapshot when one is due). Call it
   * inside `exclusive`, in the upload's transaction, holding the clinic's lock.
   */
  async applyBatch(manager: EntityManager, clinicId: string, acknowledgedIndex: number, entries: readonly StoredEntry[]): Promise<void> {
    assert(this.turns.isBusy(clinicId), 'applyBatch runs inside exclusive()');
    const position = await this.copies.position(manager, clinicId);
    assert(position.appliedIndex === acknowledgedIndex, `chart copy of ${clinicId} is at ${position.appliedIndex}, its log at ${acknowledgedIndex}`);
    const copy = await this.catchUp(manager, clinicId, acknowledgedIndex);
    const outcomes: ApplyOutcomeRecord[] = [];
    for (const entry of entries) {
      const outcome = this.feed(copy, entry);
      if (outcome !== null) outcomes.push(outcome);
    }
    let snapshotIndex = position.snapshotIndex;
    if (copy.appliedIndex - snapshotIndex >= this.settings.snapshotIntervalEntries) {
      const bytes = copy.machine.snapshot();
      const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      await this.copies.saveSnapshot(manager, clinicId, { logIndex: copy.appliedIndex, stateHash: copy.machine.stateHash(), data }, this.settings.snapshotsKeptPerClinic);
      snapshotIndex = copy.appliedIndex;
    }
    await this.copies.recordOutcomes(manager, clinicId, outcomes);
    const counts = copy.machine.counts();
    await this.copies.saveProgress(manager, clinicId, {
      appliedIndex: copy.appliedIndex,
      stateHash: copy.machine.stateHash(),
      patients: counts.patients,
      openConflicts: counts.openConflicts,
      newlyRejected: outcomes.filter((outcome) => outcome.outcome === 'rejected').length,
      newlyConflicting: outcomes.filter((outcome) => outcome.outcome === 'conflict').length,
      snapshotIndex,
    });
  }

  /** Answers `query` from the clinic's copy as committed now (brought up to date first). */
  read<T>(clinicId: string, query: CopyQuery<T>): Promise<T> {
    return this.exclusive(clinicId, async () => {
      const { appliedIndex } = await this.copies.position(undefined, clinicId);
      const copy = await this.catchUp(this.dataSource.manager, clinicId, appliedIndex);
      return query(copy.machine, copy.appliedIndex);
    });
  }

  /** The cached copy brought to exactly `targetIndex` (committed entries only), loaded first if not cached. */
  private async catchUp(manager: EntityManager, clinicId: string, targetIndex: number): Promise<CachedCopy> {
    let copy = this.cache.get(clinicId);
    // Ahead of the committed log means it holds entries that never committed: it cannot be trusted.
    if (copy !== undefined && copy.appliedIndex > targetIndex) copy = undefined;
    copy ??= await this.load(manager, clinicId, targetIndex);
    this.cache.set(clinicId, copy);
    while (copy.appliedIndex < targetIndex) {
      const toIndex = Math.min(targetIndex, copy.appliedIndex + this.settings.catchUpPageEntries);
      const page = await this.logEntries.readRange(manager, clinicId, copy.appliedIndex + 1, toIndex);
      assert(page.length === toIndex - copy.appliedIndex, `stored log of ${clinicId} has a gap before ${toIndex}`);
      for (const entry of page) this.feed(copy, entry);
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

  /** Applies the next entry of the log; noops and membership changes only move the index. */
  private feed(copy: CachedCopy, entry: StoredEntry): ApplyOutcomeRecord | null {
    assert(entry.index === copy.appliedIndex + 1, `entry ${entry.index} fed to a copy at ${copy.appliedIndex}`);
    copy.appliedIndex = entry.index;
    if (entry.kind !== 'command') return null;
    const command = decodeCommand(entry.data);
    return applyOutcomeRecord(entry.index, command, copy.machine.apply(entry.index, command));
  }
}
