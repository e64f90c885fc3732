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
import { isStaleWrite } from './lease-rules.js';

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
   * in the caller's transaction: one statement reads the charts' grants, one records the stale writes. Returns the fenced writes in log order; the caller
   * marks their log entries (the log store's table) never to be exported. Recording is idempotent per (clinic,
   * log index).
   *
   * The grants it compares with are those committed when the statement runs; a grant committed later is
   * ordered after these writes, which central had already acknowledged.
   */
  async fenceStaleWrites(manager: EntityManager, clinicId: string, writes: readonly LeasedWrite[]): Promise<FencedWrite[]> {
    if (writes.length === 0) return [];
    for (const write of writes) assert(Number.isSafeInteger(write.writtenEpoch) && write.writtenEpoch >= 0, 'a written epoch is a whole number');
    // Per chart written to: its newest grant (epoch and holder) and the highest epoch ever granted to a clinic
    // other than the writer; the rule itself (isStaleWrite) is the simulator's too.
    const heads: { patient_id: string; current_epoch: string; current_holder_clinic_id: string; newest_elsewhere: string | null }[] = await manager.query(
      `SELECT head.patient_id, head.last_epoch AS current_epoch, current_lease.clinic_id AS current_holder_clinic_id,
         (SELECT max(other.epoch) FROM chart_leases other WHERE other.patient_id = head.patient_id AND other.clinic_id <> $1) AS newest_elsewhere
       FROM chart_lease_heads head
       JOIN chart_leases current_lease ON current_lease.id = head.current_lease_id
       WHERE head.patient_id = ANY($2::uuid[])`,
      [clinicId, [...new Set(writes.map((write) => write.patientId))]],
    );
    const headOf = new Map(heads.map((head) => [head.patient_id, head]));
    const stale: FencedWrite[] = [];
    for (const write of writes) {
      const head = headOf.get(write.patientId);
      if (head === undefined || !isStaleWrite(write.writtenEpoch, head.newest_elsewhere === null ? null : Number(head.newest_elsewhere))) continue;
      stale.push({ ...write, currentEpoch: Number(head.current_epoch), currentHolderClinicId: head.current_holder_clinic_id });
    }
    stale.sort((left, right) => left.logIndex - right.logIndex);
    if (stale.length === 0) return [];
    await manager.query(
      `INSERT INTO lease_fencing_conflicts (clinic_id, log_index, patient_id, written_epoch, current_epoch, current_holder_clinic_id)
       SELECT $1, * FROM unnest($2::bigint[], $3::uuid[], $4::bigint[], $5::bigint[], $6::uuid[])
       ON CONFLICT (clinic_id, log_index) DO NOTHING`,
      [clinicId, stale.map((write) => write.logIndex), stale.map((write) => write.patientId), stale.map((write) => write.writtenEpoch),
        stale.map((write) => write.currentEpoch), stale.map((write) => write.currentHolderClinicId)],
    );
    return stale;
  }
}
