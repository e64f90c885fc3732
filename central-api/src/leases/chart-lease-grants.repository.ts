// Grants, renews and releases chart leases, one patient's chart at a time. Every change to a patient's leases
// runs in a transaction that first locks the patient's head row in `chart_lease_heads` (created if missing,
// ON CONFLICT DO NOTHING, then SELECT ... FOR UPDATE): two clinics racing for one chart queue on that row,
// and the second sees what the first committed. Statements after the lock run on a fresh READ COMMITTED
// snapshot, so they read the lease the previous holder of the lock left. Time is PostgreSQL's
// clock_timestamp() read after the lock, never the API process's clock, so all API processes agree.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ChartLeaseEntity } from './chart-lease.entity.js';
import { type ChartLeaseRow, leaseFromRow } from './lease-rows.js';
import { decideAcquire, decideRenew, type LeaseHeadView } from './lease-rules.js';

export type AcquireOutcome =
  /** A new lease with the next epoch: nobody held the chart (never leased, released, or expired). */
  | { readonly kind: 'granted'; readonly lease: ChartLeaseEntity }
  /** The clinic already held the chart: the same lease (id, epoch), its expiry moved forward. */
  | { readonly kind: 'extended'; readonly lease: ChartLeaseEntity }
  | { readonly kind: 'held-by-another'; readonly holder: ChartLeaseEntity }
  | { readonly kind: 'clinic-not-found' };

export type RenewOutcome =
  | { readonly kind: 'renewed'; readonly lease: ChartLeaseEntity }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'released' }
  /** A later grant exists (to another clinic, or to the same clinic after this lease expired). */
  | { readonly kind: 'superseded'; readonly current: ChartLeaseEntity; readonly currentActive: boolean };

export type ReleaseOutcome = { readonly kind: 'released'; readonly lease: ChartLeaseEntity } | { readonly kind: 'not-found' };

interface LockedHead {
  readonly lastEpoch: number;
  readonly current: ChartLeaseEntity | null;
  /** The current lease is held at `now`: not released, not expired. */
  readonly currentActive: boolean;
  /** clock_timestamp() read once the head row was locked, as PostgreSQL's text: microseconds kept. */
  readonly now: string;
}

@Injectable()
export class ChartLeaseGrantsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  acquire(patientId: string, clinicId: string, durationSeconds: number): Promise<AcquireOutcome> {
    return this.dataSource.transaction(async (manager): Promise<AcquireOutcome> => {
      const clinics: unknown[] = await manager.query('SELECT 1 FROM clinics WHERE id = $1', [clinicId]);
      if (clinics.length === 0) return { kind: 'clinic-not-found' };
      await manager.query('INSERT INTO chart_lease_heads (patient_id) VALUES ($1) ON CONFLICT DO NOTHING', [patientId]);
      const head = await lockHead(manager, patientId);
      const decision = decideAcquire(headView(head), clinicId);
      if (decision.kind === 'held-by-another') return { kind: 'held-by-another', holder: head.current! };
      if (decision.kind === 'extend') return { kind: 'extended', lease: await extend(manager, decision.leaseId, head.now, durationSeconds) };
      const rows: ChartLeaseRow[] = await manager.query(
        `INSERT INTO chart_leases (patient_id, clinic_id, epoch, granted_at, expires_at)
         VALUES ($1, $2, $3, $4, $4::timestamptz + make_interval(secs => $5)) RETURNING *`,
        [patientId, clinicId, decision.epoch, head.now, durationSeconds],
      );
      const lease = leaseFromRow(single(rows));
      await manager.query('UPDATE chart_lease_heads SET last_epoch = $2, current_lease_id = $3 WHERE patient_id = $1', [patientId, lease.epoch, lease.id]);
      return { kind: 'granted', lease };
    });
  }

  /**
   * Extends a lease that is still its patient's current one (no grant since) and not released; an expired
   * lease nobody took since is revived with its epoch, since no clinic wrote under a newer one meanwhile.
   */
  renew(leaseId: string, durationSeconds: number): Promise<RenewOutcome> {
    return this.dataSource.transaction(async (manager): Promise<RenewOutcome> => {
      const lease = await findLease(manager, leaseId);
      if (lease === null) return { kind: 'not-found' };
      const head = await lockHead(manager, lease.patientId);
      const decision = decideRenew(headView(head), leaseId);
      if (decision.kind === 'superseded') return { kind: 'superseded', current: head.current!, currentActive: head.currentActive };
      if (decision.kind === 'released') return { kind: 'released' };
      return { kind: 'renewed', lease: await extend(manager, leaseId, head.now, durationSeconds) };
    });
  }

  /** Marks the lease released (once: a second release keeps the first time). The epoch stays the patient's. */
  release(leaseId: string): Promise<ReleaseOutcome> {
    return this.dataSource.transaction(async (manager): Promise<ReleaseOutcome> => {
      const lease = await findLease(manager, leaseId);
      if (lease === null) return { kind: 'not-found' };
      await lockHead(manager, lease.patientId);
      const rows: ChartLeaseRow[] = await manager.query(
        `WITH released AS (
           UPDATE chart_leases SET released_at = coalesce(released_at, clock_timestamp()) WHERE id = $1 RETURNING *
         ) SELECT * FROM released`,
        [leaseId],
      );
      return { kind: 'released', lease: leaseFromRow(single(rows)) };
    });
  }
}

async function lockHead(manager: EntityManager, patientId: string): Promise<LockedHead> {
  const heads: { last_epoch: string; current_lease_id: string | null }[] = await manager.query(
    'SELECT last_epoch, current_lease_id FROM chart_lease_heads WHERE patient_id = $1 FOR UPDATE',
    [patientId],
  );
  const head = single(heads);
  // A new statement after the lock: it sees whatever the previous holder of the lock committed. One reading
  // of the clock, compared in SQL at full precision, and reused as text for the times written.
  const rows: (Partial<ChartLeaseRow> & { now_text: string; held: boolean | null })[] = await manager.query(
    `SELECT clock.now::text AS now_text, (l.released_at IS NULL AND l.expires_at > clock.now) AS held, l.*
     FROM (SELECT clock_timestamp() AS now) AS clock LEFT JOIN chart_leases l ON l.id = $1`,
    [head.current_lease_id],
  );
  const row = single(rows);
  const current = row.id === undefined || row.id === null ? null : leaseFromRow(row as ChartLeaseRow);
  return { lastEpoch: Number(head.last_epoch), current, currentActive: current !== null && row.held === true, now: row.now_text };
}

/** The locked head as the pure rules (lease-rules.ts) take it. */
function headView(head: LockedHead): LeaseHeadView {
  const current = head.current === null ? null : { id: head.current.id, clinicId: head.current.clinicId, released: head.current.releasedAt !== null };
  return { lastEpoch: head.lastEpoch, current, currentActive: head.currentActive };
}

async function findLease(manager: EntityManager, leaseId: string): Promise<ChartLeaseEntity | null> {
  const rows: ChartLeaseRow[] = await manager.query('SELECT * FROM chart_leases WHERE id = $1', [leaseId]);
  return rows.length === 0 ? null : leaseFromRow(single(rows));
}

/** Never shortens a lease (lease-rules.ts, extendedExpiresAtMs: greatest() here, at the database's precision). */
async function extend(manager: EntityManager, leaseId: string, now: string, durationSeconds: number): Promise<ChartLeaseEntity> {
  const rows: ChartLeaseRow[] = await manager.query(
    `WITH extended AS (
       UPDATE chart_leases SET expires_at = greatest(expires_at, $2::timestamptz + make_interval(secs => $3)) WHERE id = $1 RETURNING *
     ) SELECT * FROM extended`,
    [leaseId, now, durationSeconds],
  );
  return leaseFromRow(single(rows));
}

function single<T>(rows: readonly T[]): T {
  if (rows.length !== 1 || rows[0] === undefined) throw new Error(`expected exactly one row, got ${rows.length}`);
  return rows[0];
}
