// The fencing check the log ingest uses: was a write made under the chart's current lease epoch?
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The SQL of the check, for callers that prefer to inline it. Parameters: $1 patient id, $2 clinic id,
 * $3 epoch. Returns one row `{ current: true }` when the patient's latest grant has that epoch and went to
 * that clinic, and no row otherwise. The head row is locked FOR SHARE: inside the caller's transaction no
 * new grant of this chart can commit until that transaction ends, so the answer holds until its writes do.
 * (A grant locks the head FOR UPDATE and waits; two ingest transactions share the lock without waiting.)
 */
export const currentEpochSql = `
  SELECT true AS current
  FROM chart_lease_heads h JOIN chart_leases l ON l.id = h.current_lease_id
  WHERE h.patient_id = $1 AND l.clinic_id = $2 AND h.last_epoch = $3
  FOR SHARE OF h`;

@Injectable()
export class LeaseFencing {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * True when no grant of the patient's chart is newer than `epoch` and that grant went to `clinicId`: an
   * entry written under it may be applied. False for a stale epoch (another grant since, to any clinic,
   * including this clinic's own re-grant after expiry), a wrong clinic, or a chart never leased: the
   * caller records such an entry as a conflict for ops instead of letting it overwrite.
   *
   * Expiry and release do not make an epoch stale: a clinic may upload, late, what it wrote while it held
   * the lease, and nobody else can have written under a newer epoch unless a newer grant exists.
   *
   * Pass the caller's transaction `manager` to check and write atomically: the head row is locked FOR SHARE
   * until that transaction ends (see currentEpochSql). Without one the answer is a snapshot.
   */
  async isCurrentEpoch(patientId: string, clinicId: string, epoch: number, manager?: EntityManager): Promise<boolean> {
    if (!Number.isSafeInteger(epoch) || epoch < 1) return false;
    const rows: unknown[] = await (manager ?? this.dataSource.manager).query(currentEpochSql, [patientId, clinicId, epoch]);
    return rows.length > 0;
  }
}
