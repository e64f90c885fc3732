// Reads chart leases for the routes: one by id, and the listing for ops.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ChartLeaseEntity } from './chart-lease.entity.js';
import { type ChartLeaseRow, leaseFromRow } from './lease-rows.js';

export interface LeaseFilter {
  readonly clinicId?: string;
  readonly patientId?: string;
  /** true: only held leases (not released, not expired by the database's clock); false: only the others. */
  readonly active?: boolean;
  readonly limit: number;
}

export interface ListedLease {
  readonly lease: ChartLeaseEntity;
  readonly active: boolean;
}

@Injectable()
export class LeasesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findById(leaseId: string): Promise<ChartLeaseEntity | undefined> {
    const rows: ChartLeaseRow[] = await this.dataSource.query('SELECT * FROM chart_leases WHERE id = $1', [leaseId]);
    return rows[0] === undefined ? undefined : leaseFromRow(rows[0]);
  }

  /** Newest grants first. */
  async list(filter: LeaseFilter): Promise<ListedLease[]> {
    const rows: (ChartLeaseRow & { active: boolean })[] = await this.dataSource.query(
      `SELECT * FROM (
         SELECT l.*, (l.released_at IS NULL AND l.expires_at > clock_timestamp()) AS active FROM chart_leases l
         WHERE ($1::uuid IS NULL OR l.clinic_id = $1) AND ($2::uuid IS NULL OR l.patient_id = $2)
       ) AS leases
       WHERE $3::boolean IS NULL OR active = $3
       ORDER BY granted_at DESC, id
       LIMIT $4`,
      [filter.clinicId ?? null, filter.patientId ?? null, filter.active ?? null, filter.limit],
    );
    return rows.map((row) => ({ lease: leaseFromRow(row), active: row.active }));
  }
}
