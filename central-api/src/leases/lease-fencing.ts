// The fencing rule for entries a lease-policy clinic uploads: was a write made under a chart lease epoch that
// central has since given to another clinic? Such a write is stale: it never reaches other clinics, and ops
// see it (DESIGN.md, invariant 5).
//
// The epoch a write was made under is the one the clinic's own log gave it: the lease its copy of the chart
// held for this clinic when the entry was applied, 0 with none (writtenEpoch in the chart domain's write-scope.ts). It is stale
// iff some grant of that chart to a DIFFERENT clinic has a higher epoch. The clinic's own re-grant does not
// make its earlier writes stale: its log ordered them before the re-grant. Expiry and release alone do not
// either: a clinic may upload late what it wrote while it held the lease, and nobody else wrote under a newer
// epoch unless a newer grant to someone else exists.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { assert } from '../../../leader-worker/src/invariants/assert.js';

/** One accepted command of a lease-policy clinic that touched a patient's chart. */
export interface LeasedWrite {
  readonly logIndex: number;
  readonly patientId: string;
  /** The epoch of the lease the clinic's own copy held for the chart then; 0 when it held none. */
  readonly writtenEpoch: number;
}

/** A stale write as recorded for ops: what it was written under, and the chart's newest grant when found. */
export interface FencedWrite extends LeasedWrite {
  readonly currentEpoch: number;
  readonly currentHolderClinicId: string;
}

@Injectable()
export class LeaseFencing {
  /**
   * Finds which of `writes` (all of `clinicId`, in log order) are stale and records each as a fencing conflict,
   * in the caller's transaction. One statement for the lot. Returns the fenced writes in log order; the caller
   * marks their log entries (the log store's table) never to be exported. Recording is idempotent per (clinic,
   * log index).
   *
   * The grants it compares with are those committed when the statement runs; a grant committed later is
   * ordered after these writes, which central had already acknowledged.
   */
  async fenceStaleWrites(manager: EntityManager, clinicId: string, writes: readonly LeasedWrite[]): Promise<FencedWrite[]> {
    if (writes.length === 0) return [];
    for (const write of writes) assert(Number.isSafeInteger(write.writtenEpoch) && write.writtenEpoch >= 0, 'a written epoch is a whole number');
    const rows: { log_index: string; patient_id: string; written_epoch: string; current_epoch: string; current_holder_clinic_id: string }[] = await manager.query(
      `WITH writes AS (
         SELECT * FROM unnest($2::bigint[], $3::uuid[], $4::bigint[]) AS write (log_index, patient_id, written_epoch)
       ), stale AS (
         SELECT write.log_index, write.patient_id, write.written_epoch, head.last_epoch AS current_epoch, current_lease.clinic_id AS current_holder_clinic_id
         FROM writes write
         JOIN chart_lease_heads head ON head.patient_id = write.patient_id
         JOIN chart_leases current_lease ON current_lease.id = head.current_lease_id
         WHERE EXISTS (
           SELECT 1 FROM chart_leases newer
           WHERE newer.patient_id = write.patient_id AND newer.epoch > write.written_epoch AND newer.clinic_id <> $1
         )
       ), recorded AS (
         INSERT INTO lease_fencing_conflicts (clinic_id, log_index, patient_id, written_epoch, current_epoch, current_holder_clinic_id)
         SELECT $1, log_index, patient_id, written_epoch, current_epoch, current_holder_clinic_id FROM stale
         ON CONFLICT (clinic_id, log_index) DO NOTHING
       )
       SELECT * FROM stale ORDER BY log_index`,
      [clinicId, writes.map((write) => write.logIndex), writes.map((write) => write.patientId), writes.map((write) => write.writtenEpoch)],
    );
    return rows.map((row) => ({
      logIndex: Number(row.log_index),
      patientId: row.patient_id,
      writtenEpoch: Number(row.written_epoch),
      currentEpoch: Number(row.current_epoch),
      currentHolderClinicId: row.current_holder_clinic_id,
    }));
  }
}
