// The ops view of every clinic, read across the tables of clinics, log ingest, the chart copy and leases
// (two queries however many clinics there are), and the lease fencing conflicts. Read only.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ChartPolicy } from '../clinics/clinic-limits.js';

export interface ClinicOpsRow {
  readonly id: string;
  readonly name: string;
  readonly chart_policy: ChartPolicy;
  /** The columns below are null for a clinic that never uploaded. */
  readonly acknowledged_index: string | null;
  readonly leader_device_id: string | null;
  readonly leader_device_name: string | null;
  readonly leader_commit_index: string | null;
  readonly last_upload_at: Date | null;
  readonly applied_index: string | null;
  readonly state_hash: string | null;
  readonly patients: number | null;
  readonly open_conflicts: number | null;
  readonly rejected_commands: string | null;
  readonly conflicting_commands: string | null;
  readonly open_divergences: number;
  readonly open_fencing_conflicts: number;
  readonly active_leases: number;
}

export interface FencingConflictRow {
  readonly clinic_id: string;
  readonly log_index: string;
  readonly patient_id: string;
  readonly written_epoch: string;
  readonly current_epoch: string;
  readonly current_holder_clinic_id: string;
  readonly recorded_at: Date;
  readonly resolved_at: Date | null;
}

export interface DeviceOpsRow {
  readonly id: string;
  readonly clinic_id: string;
  readonly name: string;
  readonly last_seen_at: Date | null;
}

@Injectable()
export class OpsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Clinics by name, at most `limit`. Active leases: granted, not released, not expired by the database's clock. */
  listClinics(limit: number): Promise<ClinicOpsRow[]> {
    return this.dataSource.query(
      `SELECT c.id, c.name, c.chart_policy,
              s.acknowledged_index, s.leader_device_id, leader.name AS leader_device_name, s.leader_commit_index, s.last_upload_at,
              copy.applied_index, copy.state_hash, copy.patients, copy.open_conflicts, copy.rejected_commands, copy.conflicting_commands,
              (SELECT count(*) FROM log_divergences d WHERE d.clinic_id = c.id AND d.resolved_at IS NULL)::int AS open_divergences,
              (SELECT count(*) FROM lease_fencing_conflicts f WHERE f.clinic_id = c.id AND f.resolved_at IS NULL)::int AS open_fencing_conflicts,
              (SELECT count(*) FROM chart_leases l
                WHERE l.clinic_id = c.id AND l.released_at IS NULL AND l.expires_at > clock_timestamp())::int AS active_leases
       FROM clinics c
       LEFT JOIN clinic_sync_states s ON s.clinic_id = c.id
       LEFT JOIN devices leader ON leader.id = s.leader_device_id
       LEFT JOIN chart_copies copy ON copy.clinic_id = c.id
       ORDER BY c.name, c.id
       LIMIT $1`,
      [limit],
    );
  }

  /** Lease fencing conflicts, newest first, of one clinic or all, at most `limit`. */
  listFencingConflicts(clinicId: string | undefined, limit: number): Promise<FencingConflictRow[]> {
    return this.dataSource.query(
      `SELECT clinic_id, log_index, patient_id, written_epoch, current_epoch, current_holder_clinic_id, recorded_at, resolved_at
       FROM lease_fencing_conflicts WHERE $1::uuid IS NULL OR clinic_id = $1
       ORDER BY recorded_at DESC, id DESC LIMIT $2`,
      [clinicId ?? null, limit],
    );
  }

  /** The devices of the given clinics, oldest enrollment first. */
  listDevices(clinicIds: readonly string[]): Promise<DeviceOpsRow[]> {
    if (clinicIds.length === 0) return Promise.resolve([]);
    return this.dataSource.query(
      'SELECT id, clinic_id, name, last_seen_at FROM devices WHERE clinic_id = ANY($1::uuid[]) ORDER BY created_at, id',
      [clinicIds],
    );
  }
}
