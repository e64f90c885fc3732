// Central's copy of one clinic's charts in the simulator: the clinic's own ChartStateMachine fed the stored log
// in order by the real API's projection step (central-api/src/chart-copy/chart-copy-feed.ts, feedEntry), with
// the same notes: which writes of a lease clinic are fenced (lease-rules.ts, isStaleWrite, against the grants
// central made) and which are chart writes. Central projects after every upload here; the real one may
// project later, which changes when, never what.
import { ChartStateMachine } from '../../../../leader-worker/src/chart/index.js';
import { emptyNotes, feedEntry } from '../../../../central-api/src/chart-copy/chart-copy-feed.js';
import type { CachedCopy } from '../../../../central-api/src/chart-copy/chart-machine-cache.js';
import type { LeasedWrite } from '../../../../central-api/src/leases/lease-fencing.js';
import { isStaleWrite } from '../../../../central-api/src/leases/lease-rules.js';
import type { StoredEntry } from '../../../../central-api/src/log-store/log-entry.js';

/** A write fencing judged, with how many grants central had made when it did (what it could compare with). */
export interface JudgedWrite extends LeasedWrite {
  readonly grantsMadeBefore: number;
}

export class CentralChartCopy {
  private readonly copy: CachedCopy;
  /** Stale writes by log index (never exported; ops see them). */
  readonly fenced = new Set<number>();
  /** Every write of a lease clinic to a named chart that fencing judged, in log order (for the checks). */
  readonly judgedWrites: JudgedWrite[] = [];

  constructor(
    readonly clinicId: string,
    private readonly leasePolicy: boolean,
    /** The highest epoch central ever granted the chart to a clinic other than `clinicId`, or null. */
    private readonly newestEpochElsewhere: (patientId: string, clinicId: string) => number | null,
    private readonly grantsMade: () => number,
  ) {
    this.copy = { machine: new ChartStateMachine(clinicId), appliedIndex: 0 };
  }

  get machine(): ChartStateMachine {
    return this.copy.machine;
  }

  get appliedIndex(): number {
    return this.copy.appliedIndex;
  }

  /** Feeds the entries an upload stored (they follow what the copy applied: the log has no gaps). */
  project(stored: readonly StoredEntry[]): void {
    const notes = emptyNotes(this.leasePolicy);
    for (const entry of stored) feedEntry(this.copy, entry, notes);
    for (const write of notes.leasedWrites) {
      this.judgedWrites.push({ ...write, grantsMadeBefore: this.grantsMade() });
      if (isStaleWrite(write.writtenEpoch, this.newestEpochElsewhere(write.patientId, this.clinicId))) this.fenced.add(write.logIndex);
    }
  }
}
