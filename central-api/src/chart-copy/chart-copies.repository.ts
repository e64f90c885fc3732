// Reads and writes central's chart copies: progress and hash per clinic, snapshots, and apply outcomes.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ChartPolicy } from '../clinics/clinic-limits.js';
import { safeIntegerFrom } from '../database/database-numbers.js';
import type { ApplyOutcomeRecord } from './apply-outcome.js';

export interface CopyPosition {
  readonly appliedIndex: number;
  readonly snapshotIndex: number;
}

/** Where a copy stands under the projection lock, and what it must catch up to. */
export interface ProjectionPosition extends CopyPosition {
  /** The clinic's acknowledged log index (committed): every entry up to it is stored and never changes. */
  readonly acknowledgedIndex: number;
  readonly chartPolicy: ChartPolicy;
}

export interface CopyProgress {
  readonly appliedIndex: number;
  readonly stateHash: string;
  readonly patients: number;
  readonly openConflicts: number;
  /** Added to the clinic's running counts. */
  readonly newlyRejected: number;
  readonly newlyConflicting: number;
  readonly snapshotIndex: number;
}

export interface StoredSnapshot {
  readonly logIndex: number;
  readonly stateHash: string;
  readonly data: Buffer;
}

@Injectable()
export class ChartCopiesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Where the committed copy stands (a copy that was never written stands at 0). */
  async position(manager: EntityManager | undefined, clinicId: string): Promise<CopyPosition> {
    const rows: { applied_index: string; snapshot_index: string }[] = await (manager ?? this.dataSource.manager).query(
      'SELECT applied_index, snapshot_index FROM chart_copies WHERE clinic_id = $1',
      [clinicId],
    );
    const row = rows[0];
    return row === undefined ? { appliedIndex: 0, snapshotIndex: 0 } : { appliedIndex: safeIntegerFrom(row.applied_index), snapshotIndex: safeIntegerFrom(row.snapshot_index) };
  }

  /** Clinics whose copy trails their acknowledged log (or has none yet), most behind first, at most `limit`. */
  async trailing(limit: number): Promise<string[]> {
    const rows: { clinic_id: string }[] = await this.dataSource.query(
      `SELECT sync.clinic_id FROM clinic_sync_states sync LEFT JOIN chart_copies copy USING (clinic_id)
       WHERE sync.acknowledged_index > coalesce(copy.applied_index, 0)
       ORDER BY sync.acknowledged_index - coalesce(copy.applied_index, 0) DESC LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.clinic_id);
  }

  /**
   * Locks the clinic's `chart_copies` row until the caller's transaction ends (creating it, at index 0 with
   * the empty machine's hash, the first time): projections of one clinic, from any API process, take turns on
   * it. Undefined when the clinic does not exist.
   */
  async lockForProjection(manager: EntityManager, clinicId: string, emptyStateHash: () => string): Promise<ProjectionPosition | undefined> {
    const lock = async () => ((await manager.query('SELECT 1 FROM chart_copies WHERE clinic_id = $1 FOR UPDATE', [clinicId])) as unknown[]).length > 0;
    if (!(await lock())) {
      // Racing first projections both insert; the loser's insert waits for the winner, then does nothing.
      await manager.query(
        `INSERT INTO chart_copies (clinic_id, applied_index, state_hash, patients, open_conflicts)
         SELECT id, 0, $2, 0, 0 FROM clinics WHERE id = $1 ON CONFLICT (clinic_id) DO NOTHING`,
        [clinicId, emptyStateHash()],
      );
      if (!(await lock())) return undefined;
    }
    // A new statement after the lock: it reads the acknowledged index as committed by then.
    const rows: { applied_index: string; snapshot_index: string; acknowledged_index: string | null; chart_policy: ChartPolicy }[] = await manager.query(
      `SELECT copy.applied_index, copy.snapshot_index, sync.acknowledged_index, clinic.chart_policy
       FROM chart_copies copy JOIN clinics clinic ON clinic.id = copy.clinic_id
       LEFT JOIN clinic_sync_states sync ON sync.clinic_id = copy.clinic_id
       WHERE copy.clinic_id = $1`,
      [clinicId],
    );
    const row = rows[0]!;
    return {
      appliedIndex: safeIntegerFrom(row.applied_index),
      snapshotIndex: safeIntegerFrom(row.snapshot_index),
      acknowledgedIndex: row.acknowledged_index === null ? 0 : safeIntegerFrom(row.acknowledged_index),
      chartPolicy: row.chart_policy,
    };
  }

  async saveProgress(manager: EntityManager, clinicId: string, progress: CopyProgress): Promise<void> {
    await manager.query(
      `INSERT INTO chart_copies (clinic_id, applied_index, state_hash, patients, open_conflicts, rejected_commands, conflicting_commands, snapshot_index)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (clinic_id) DO UPDATE SET
         applied_index = EXCLUDED.applied_index, state_hash = EXCLUDED.state_hash, patients = EXCLUDED.patients,
         open_conflicts = EXCLUDED.open_conflicts, snapshot_index = EXCLUDED.snapshot_index, updated_at = now(),
         rejected_commands = chart_copies.rejected_commands + EXCLUDED.rejected_commands,
         conflicting_commands = chart_copies.conflicting_commands + EXCLUDED.conflicting_commands`,
      [
        clinicId, progress.appliedIndex, progress.stateHash, progress.patients, progress.openConflicts,
        progress.newlyRejected, progress.newlyConflicting, progress.snapshotIndex,
      ],
    );
  }

  async recordOutcomes(manager: EntityManager, clinicId: string, outcomes: readonly ApplyOutcomeRecord[]): Promise<void> {
    if (outcomes.length === 0) return;
    await manager.query(
      `INSERT INTO chart_apply_outcomes (clinic_id, log_index, outcome, client_id, sequence, error_code, error_field, message, conflict_id)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[])`,
      [
        clinicId,
        outcomes.map((outcome) => outcome.logIndex),
        outcomes.map((outcome) => outcome.outcome),
        outcomes.map((outcome) => outcome.clientId),
        outcomes.map((outcome) => outcome.sequence),
        outcomes.map((outcome) => outcome.errorCode),
        outcomes.map((outcome) => outcome.errorField),
        outcomes.map((outcome) => outcome.message),
        outcomes.map((outcome) => outcome.conflictId),
      ],
    );
  }

  /** The newest snapshot at or below `atMostIndex`. */
  async latestSnapshot(manager: EntityManager | undefined, clinicId: string, atMostIndex: number): Promise<StoredSnapshot | undefined> {
    const rows: { log_index: string; state_hash: string; data: Buffer }[] = await (manager ?? this.dataSource.manager).query(
      `SELECT log_index, state_hash, data FROM chart_snapshots WHERE clinic_id = $1 AND log_index <= $2
       ORDER BY log_index DESC LIMIT 1`,
      [clinicId, atMostIndex],
    );
    const row = rows[0];
    return row === undefined ? undefined : { logIndex: safeIntegerFrom(row.log_index), stateHash: row.state_hash, data: row.data };
  }

  /** Stores a snapshot and deletes all but the newest `keptMax` of the clinic's. */
  async saveSnapshot(manager: EntityManager, clinicId: string, snapshot: StoredSnapshot, keptMax: number): Promise<void> {
    await manager.query(
      'INSERT INTO chart_snapshots (clinic_id, log_index, state_hash, data) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [clinicId, snapshot.logIndex, snapshot.stateHash, snapshot.data],
    );
    await manager.query(
      `DELETE FROM chart_snapshots WHERE clinic_id = $1 AND log_index NOT IN
         (SELECT log_index FROM chart_snapshots WHERE clinic_id = $1 ORDER BY log_index DESC LIMIT $2)`,
      [clinicId, keptMax],
    );
  }
}
