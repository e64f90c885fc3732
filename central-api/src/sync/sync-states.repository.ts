// The per-clinic upload state: the lock an upload takes, the acknowledged index, the last upload's leader.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { safeIntegerFrom } from '../database/database-numbers.js';

export interface UploadRecord {
  readonly acknowledgedIndex: number;
  readonly leaderDeviceId: string;
  readonly leaderCommitIndex: number | null;
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

  /** Under the lock taken by lockForUpload. */
  async recordUpload(manager: EntityManager, clinicId: string, upload: UploadRecord): Promise<void> {
    await manager.query(
      `UPDATE clinic_sync_states SET acknowledged_index = $2, leader_device_id = $3, leader_commit_index = $4, last_upload_at = now()
       WHERE clinic_id = $1`,
      [clinicId, upload.acknowledgedIndex, upload.leaderDeviceId, upload.leaderCommitIndex],
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
