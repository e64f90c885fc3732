// The per-clinic upload state: the lock an upload takes, the acknowledged index, the last upload's leader.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { safeIntegerFrom } from '../database/database-numbers.js';
import { entryParameters, insertEntriesSql } from '../log-store/log-entries.repository.js';
import type { StoredEntry } from '../log-store/log-entry.js';

export interface UploadRecord {
  readonly acknowledgedIndex: number;
  readonly leaderDeviceId: string;
  readonly leaderCommitIndex: number | null;
  /** The leader's clock minus central's at this upload; null: the leader did not say (the last one is kept). */
  readonly leaderClockSkewMs: number | null;
}

@Injectable()
export class SyncStatesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Locks the clinic's sync state row until the caller's transaction ends (creating the row on the first
   * upload) and returns its acknowledged index; undefined when the clinic does not exist. A concurrent upload
   * of the same clinic, from this process or another, waits here.
   */
  async lockForUpload(manager: EntityManager, clinicId: string): Promise<number | undefined> {
    const locked = await this.selectForUpdate(manager, clinicId);
    if (locked !== undefined) return locked;
    // First upload: racing first uploads both insert; the loser's insert waits for the winner, then does nothing.
    await manager.query(
      'INSERT INTO clinic_sync_states (clinic_id) SELECT id FROM clinics WHERE id = $1 ON CONFLICT (clinic_id) DO NOTHING',
      [clinicId],
    );
    return this.selectForUpdate(manager, clinicId);
  }

  /** The acknowledged index as committed (no lock): 0 before the first upload, undefined for no such clinic. */
  async acknowledgedIndex(clinicId: string): Promise<number | undefined> {
    const rows: { acknowledged_index: string | null }[] = await this.dataSource.query(
      `SELECT s.acknowledged_index FROM clinics c LEFT JOIN clinic_sync_states s ON s.clinic_id = c.id WHERE c.id = $1`,
      [clinicId],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return row.acknowledged_index === null ? 0 : safeIntegerFrom(row.acknowledged_index);
  }

  /**
   * The common upload in one statement, so one round trip and one commit: when `entries` (non-empty) start
   * right after the acknowledged index, moves the index and records the upload (the UPDATE takes the row's
   * lock, as lockForUpload would) and stores the entries (the log store's INSERT); otherwise changes nothing,
   * and says so. A concurrent upload of the same clinic waits on the row, then finds the index moved.
   */
  async recordContinuingUpload(clinicId: string, entries: readonly StoredEntry[], upload: UploadRecord): Promise<boolean> {
    const rows: { moved: string }[] = await this.dataSource.query(
      `WITH moved AS (
         UPDATE clinic_sync_states SET acknowledged_index = $2, leader_device_id = $3, leader_commit_index = $4, last_upload_at = now(),
           leader_clock_skew_ms = COALESCE($6, leader_clock_skew_ms), leader_clock_checked_at = CASE WHEN $6::bigint IS NULL THEN leader_clock_checked_at ELSE now() END
         WHERE clinic_id = $1 AND acknowledged_index = $5
         RETURNING clinic_id
       ), stored AS (${insertEntriesSql('moved.clinic_id', 7, 'moved, ')})
       SELECT count(*) AS moved FROM moved`,
      [clinicId, upload.acknowledgedIndex, upload.leaderDeviceId, upload.leaderCommitIndex, entries[0]!.index - 1, upload.leaderClockSkewMs, ...entryParameters(entries)],
    );
    return rows[0]?.moved === '1';
  }

  /** Under the lock taken by lockForUpload. */
  async recordUpload(manager: EntityManager, clinicId: string, upload: UploadRecord): Promise<void> {
    await manager.query(
      `UPDATE clinic_sync_states SET acknowledged_index = $2, leader_device_id = $3, leader_commit_index = $4, last_upload_at = now(),
         leader_clock_skew_ms = COALESCE($5, leader_clock_skew_ms), leader_clock_checked_at = CASE WHEN $5::bigint IS NULL THEN leader_clock_checked_at ELSE now() END
       WHERE clinic_id = $1`,
      [clinicId, upload.acknowledgedIndex, upload.leaderDeviceId, upload.leaderCommitIndex, upload.leaderClockSkewMs],
    );
  }

  private async selectForUpdate(manager: EntityManager, clinicId: string): Promise<number | undefined> {
    const rows: { acknowledged_index: string }[] = await manager.query(
      'SELECT acknowledged_index FROM clinic_sync_states WHERE clinic_id = $1 FOR UPDATE',
      [clinicId],
    );
    return rows[0] === undefined ? undefined : safeIntegerFrom(rows[0].acknowledged_index);
  }
}
