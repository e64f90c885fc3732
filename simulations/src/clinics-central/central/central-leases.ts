// Chart leases at the simulated central: per patient a head (the last epoch, the current grant) and every
// grant made, decided by the real API's pure rules (central-api/src/leases/lease-rules.ts) on central's clock.
import { decideAcquire, extendedExpiresAtMs, isLeaseHeld } from '../../../../central-api/src/leases/lease-rules.js';

export interface SimulatedLease {
  readonly id: string;
  readonly patientId: string;
  readonly clinicId: string;
  readonly epoch: number;
  readonly grantedAtMs: number;
  /** Grants central had made, this one included, when it was made: orders grants against projections. */
  readonly grantNumber: number;
  expiresAtMs: number;
  releasedAtMs: number | null;
}

export type LeaseAcquireOutcome =
  | { readonly kind: 'granted' | 'extended'; readonly lease: SimulatedLease }
  | { readonly kind: 'held-by-another'; readonly holder: SimulatedLease };

interface LeaseHead {
  lastEpoch: number;
  current: SimulatedLease | null;
  readonly grants: SimulatedLease[];
}

export class CentralLeases {
  private readonly heads = new Map<string, LeaseHead>();
  private readonly byId = new Map<string, SimulatedLease>();
  private grantsMadeCount = 0;

  constructor(private readonly durationMs: number) {}

  acquire(patientId: string, clinicId: string, nowMs: number): LeaseAcquireOutcome {
    let head = this.heads.get(patientId);
    if (head === undefined) this.heads.set(patientId, (head = { lastEpoch: 0, current: null, grants: [] }));
    const current = head.current;
    const view = {
      lastEpoch: head.lastEpoch,
      current: current === null ? null : { id: current.id, clinicId: current.clinicId, released: current.releasedAtMs !== null },
      currentActive: current !== null && isLeaseHeld(current, nowMs),
    };
    const decision = decideAcquire(view, clinicId);
    switch (decision.kind) {
      case 'held-by-another':
        return { kind: 'held-by-another', holder: current! };
      case 'extend':
        current!.expiresAtMs = extendedExpiresAtMs(current!.expiresAtMs, nowMs, this.durationMs);
        return { kind: 'extended', lease: current! };
      case 'grant': {
        this.grantsMadeCount++;
        const lease: SimulatedLease = {
          id: leaseIdOf(this.grantsMadeCount), patientId, clinicId, epoch: decision.epoch, grantedAtMs: nowMs, grantNumber: this.grantsMadeCount,
          expiresAtMs: nowMs + this.durationMs, releasedAtMs: null,
        };
        head.lastEpoch = decision.epoch;
        head.current = lease;
        head.grants.push(lease);
        this.byId.set(lease.id, lease);
        return { kind: 'granted', lease };
      }
    }
  }

  /** Marks the lease released (once: a second release keeps the first time); undefined when no such lease. */
  release(leaseId: string, nowMs: number): SimulatedLease | undefined {
    const lease = this.byId.get(leaseId);
    if (lease !== undefined) lease.releasedAtMs ??= nowMs;
    return lease;
  }

  get grantsMade(): number {
    return this.grantsMadeCount;
  }

  find(leaseId: string): SimulatedLease | undefined {
    return this.byId.get(leaseId);
  }

  /** The highest epoch granted for the chart to a clinic other than `clinicId` (what fencing compares with). */
  newestEpochElsewhere(patientId: string, clinicId: string): number | null {
    let newest: number | null = null;
    for (const grant of this.heads.get(patientId)?.grants ?? []) if (grant.clinicId !== clinicId && (newest === null || grant.epoch > newest)) newest = grant.epoch;
    return newest;
  }

  /** Every grant of the chart, in epoch order. */
  grantsOf(patientId: string): readonly SimulatedLease[] {
    return this.heads.get(patientId)?.grants ?? [];
  }

  patients(): IterableIterator<string> {
    return this.heads.keys();
  }
}

/** A well-formed UUID per grant (the real API's ids are random; these only need to be unique). */
function leaseIdOf(grant: number): string {
  return `1ea5e000-0000-4000-8000-${grant.toString(16).padStart(12, '0')}`;
}
