// The pure rules of chart leases (DESIGN.md, invariant 5): how an acquire or a renewal is decided given the
// patient's lease head, when a lease is held, how far an extension moves its expiry, and when a write is
// stale. The repositories carry them out in SQL transactions (chart-lease-grants.repository.ts,
// lease-fencing.ts); the simulator's central calls the same functions, so the two cannot drift.

/** A patient's lease head as a decision sees it, read under the head's lock. */
export interface LeaseHeadView {
  /** The highest epoch ever granted for the chart (0: never leased). */
  readonly lastEpoch: number;
  /** The chart's newest grant, if any. */
  readonly current: { readonly id: string; readonly clinicId: string; readonly released: boolean } | null;
  /** Whether `current` is held now: not released, not expired. */
  readonly currentActive: boolean;
}

export type AcquireDecision =
  /** Another clinic holds the chart now: nothing changes. */
  | { readonly kind: 'held-by-another' }
  /** The clinic holds the chart already: the same lease (id, epoch), its expiry moved forward. */
  | { readonly kind: 'extend'; readonly leaseId: string }
  /** Nobody holds it (never leased, released or expired): a new lease with the next epoch. */
  | { readonly kind: 'grant'; readonly epoch: number };

export function decideAcquire(head: LeaseHeadView, clinicId: string): AcquireDecision {
  const current = head.current;
  if (current !== null && head.currentActive) {
    return current.clinicId === clinicId ? { kind: 'extend', leaseId: current.id } : { kind: 'held-by-another' };
  }
  return { kind: 'grant', epoch: head.lastEpoch + 1 };
}

export type RenewDecision =
  /** A later grant exists (to another clinic, or to the same one after this lease expired). */
  | { readonly kind: 'superseded' }
  | { readonly kind: 'released' }
  /**
   * Extended: still the chart's current lease and not released. An expired lease nobody took since is revived
   * with its epoch, since no clinic wrote under a newer one meanwhile.
   */
  | { readonly kind: 'renew' };

export function decideRenew(head: LeaseHeadView, leaseId: string): RenewDecision {
  if (head.current === null) throw new Error(`lease ${leaseId} exists but its patient's head names no lease`);
  if (head.current.id !== leaseId) return { kind: 'superseded' };
  return head.current.released ? { kind: 'released' } : { kind: 'renew' };
}

/** Held at `nowMs`: not released and not yet expired (the SQL of the repositories says the same). */
export function isLeaseHeld(lease: { readonly releasedAtMs: number | null; readonly expiresAtMs: number }, nowMs: number): boolean {
  return lease.releasedAtMs === null && lease.expiresAtMs > nowMs;
}

/** An extension or renewal never shortens a lease (the duration setting may have been lowered since it was granted). */
export function extendedExpiresAtMs(expiresAtMs: number, nowMs: number, durationMs: number): number {
  return Math.max(expiresAtMs, nowMs + durationMs);
}

/**
 * A write made under `writtenEpoch` (its clinic's own lease's epoch, 0 with none) is stale iff the chart was
 * granted to a DIFFERENT clinic under a higher epoch: `newestEpochElsewhere` is the highest epoch ever
 * granted for the chart to any clinic but the writer (null: none). The writer's own re-grant does not make its
 * earlier writes stale, nor do expiry or release alone (see lease-fencing.ts).
 */
export function isStaleWrite(writtenEpoch: number, newestEpochElsewhere: number | null): boolean {
  return newestEpochElsewhere !== null && newestEpochElsewhere > writtenEpoch;
}
