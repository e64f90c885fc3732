// Raw `chart_leases` rows (from SQL run inside the locking transactions) to entities.
import { ChartLeaseEntity } from './chart-lease.entity.js';

export interface ChartLeaseRow {
  readonly id: string;
  readonly patient_id: string;
  readonly clinic_id: string;
  /** pg returns bigint as text. */
  readonly epoch: string | number;
  readonly granted_at: Date;
  readonly expires_at: Date;
  readonly released_at: Date | null;
}

export function leaseFromRow(row: ChartLeaseRow): ChartLeaseEntity {
  const epoch = Number(row.epoch);
  if (!Number.isSafeInteger(epoch) || epoch < 1) throw new Error(`lease ${row.id} has a malformed epoch ${String(row.epoch)}`);
  return Object.assign(new ChartLeaseEntity(), {
    id: row.id,
    patientId: row.patient_id,
    clinicId: row.clinic_id,
    epoch,
    grantedAt: row.granted_at,
    expiresAt: row.expires_at,
    releasedAt: row.released_at,
  });
}
