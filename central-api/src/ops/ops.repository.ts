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
  readonly leader_clock_skew_ms: string | null;
  readonly leader_clock_checked_at: Date | null;
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
  readonly id: string;
  readonly clinic_id: string;
  readonly log_index: string;
  readonly patient_id: string;
  readonly written_epoch: string;
  readonly current_epoch: string;
  readonly current_holder_clinic_id: string;
  readonly recorded_at: Date;
  readonly resolved_at: Date | null;
  readonly resolution: string | null;
}

export interface DivergenceRow {
  readonly id: string;
  readonly clinic_id: string;
  readonly log_index: string;
  readonly stored_term: string;
  readonly stored_kind: string;
  readonly received_term: string;
  readonly received_kind: string;
  readonly device_id: string | null;
  readonly occurrences: number;
  readonly first_seen_at: Date;
  readonly last_seen_at: Date;
  readonly resolved_at: Date | null;
  readonly resolution: string | null;
}

/** What resolving one found: the row as resolved now, the row resolved before (unchanged), or nothing. */
export type ResolveOutcome<Row> = { readonly kind: 'resolved'; readonly row: Row } | { readonly kind: 'already-resolved'; readonly row: Row } | { readonly kind: 'not-found' };

const fencingConflictColumns = 'id, clinic_id, log_index, patient_id, written_epoch, current_epoch, current_holder_clinic_id, recorded_at, resolved_at, resolution';
const divergenceColumns = 'id, clinic_id, log_index, stored_term, stored_kind, received_term, received_kind, device_id, occurrences, first_seen_at, last_seen_at, resolved_at, resolution';

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
              s.acknowledged_index, s.leader_device_id, leader.name AS leader_device_name, s.leader_commit_index, s.last_upload_at, s.leader_clock_skew_ms, s.leader_clock_checked_at,
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
      `SELECT ${fencingConflictColumns}
       FROM lease_fencing_conflicts WHERE $1::uuid IS NULL OR clinic_id = $1
       ORDER BY recorded_at DESC, id DESC LIMIT $2`,
      [clinicId ?? null, limit],
    );
  }

  /** Divergences, newest first, of one clinic or all, only open ones if asked, at most `limit`. */
  listDivergences(clinicId: string | undefined, openOnly: boolean, limit: number): Promise<DivergenceRow[]> {
    return this.dataSource.query(
      `SELECT ${divergenceColumns}
       FROM log_divergences WHERE ($1::uuid IS NULL OR clinic_id = $1) AND (NOT $2 OR resolved_at IS NULL)
       ORDER BY last_seen_at DESC, id DESC LIMIT $3`,
      [clinicId ?? null, openOnly, limit],
    );
  }

  resolveFencingConflict(id: string, resolution: string): Promise<ResolveOutcome<FencingConflictRow>> {
    return this.resolve<FencingConflictRow>('lease_fencing_conflicts', fencingConflictColumns, id, resolution);
  }

  resolveDivergence(id: string, resolution: string): Promise<ResolveOutcome<DivergenceRow>> {
    return this.resolve<DivergenceRow>('log_divergences', divergenceColumns, id, resolution);
  }

  /** Resolves an open row; a resolved one keeps its first resolution (ops may not silently rewrite history). */
  private async resolve<Row>(table: string, columns: string, id: string, resolution: string): Promise<ResolveOutcome<Row>> {
    // In a WITH: TypeORM answers a bare UPDATE ... RETURNING as [rows, count], a SELECT as rows.
    const resolved: Row[] = await this.dataSource.query(
      `WITH resolved AS (UPDATE ${table} SET resolved_at = now(), resolution = $2 WHERE id = $1 AND resolved_at IS NULL RETURNING ${columns})
       SELECT * FROM resolved`,
      [id, resolution],
    );
    if (resolved[0] !== undefined) return { kind: 'resolved', row: resolved[0] };
    const existing: Row[] = await this.dataSource.query(`SELECT ${columns} FROM ${table} WHERE id = $1`, [id]);
    return existing[0] === undefined ? { kind: 'not-found' } : { kind: 'already-resolved', row: existing[0] };
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
