// The pure lease rules the repositories and the simulator's central share (lease-rules.ts).
import { decideAcquire, decideRenew, extendedExpiresAtMs, isLeaseHeld, isStaleWrite, type LeaseHeadView } from '../../src/leases/lease-rules.js';

const free: LeaseHeadView = { lastEpoch: 0, current: null, currentActive: false };
const heldByA = (active: boolean, released = false): LeaseHeadView => ({ lastEpoch: 3, current: { id: 'lease-3', clinicId: 'A', released }, currentActive: active });

describe('lease rules', () => {
  it('grants epoch 1 for a chart never leased, and the next epoch once the holder\'s lease ended', () => {
    expect(decideAcquire(free, 'A')).toEqual({ kind: 'grant', epoch: 1 });
    expect(decideAcquire(heldByA(false), 'B')).toEqual({ kind: 'grant', epoch: 4 });
    expect(decideAcquire(heldByA(false, true), 'A')).withContext('its own released lease: a new epoch').toEqual({ kind: 'grant', epoch: 4 });
  });

  it('extends the holder\'s own lease and refuses every other clinic while it is held', () => {
    expect(decideAcquire(heldByA(true), 'A')).toEqual({ kind: 'extend', leaseId: 'lease-3' });
    expect(decideAcquire(heldByA(true), 'B')).toEqual({ kind: 'held-by-another' });
  });

  it('renews only the chart\'s current, unreleased lease', () => {
    expect(decideRenew(heldByA(false), 'lease-3')).withContext('expired, nobody took it since: revived').toEqual({ kind: 'renew' });
    expect(decideRenew(heldByA(true, true), 'lease-3')).toEqual({ kind: 'released' });
    expect(decideRenew(heldByA(true), 'lease-2')).toEqual({ kind: 'superseded' });
    expect(() => decideRenew(free, 'lease-1')).toThrowError(/names no lease/);
  });

  it('holds a lease until its expiry unless released, and never shortens one', () => {
    expect(isLeaseHeld({ releasedAtMs: null, expiresAtMs: 1_000 }, 999)).toBeTrue();
    expect(isLeaseHeld({ releasedAtMs: null, expiresAtMs: 1_000 }, 1_000)).toBeFalse();
    expect(isLeaseHeld({ releasedAtMs: 500, expiresAtMs: 1_000 }, 600)).toBeFalse();
    expect(extendedExpiresAtMs(10_000, 1_000, 5_000)).toBe(10_000);
    expect(extendedExpiresAtMs(10_000, 8_000, 5_000)).toBe(13_000);
  });

  it('finds a write stale only when another clinic was granted a higher epoch', () => {
    expect(isStaleWrite(0, null)).toBeFalse();
    expect(isStaleWrite(0, 1)).withContext('written without a lease while another clinic held one').toBeTrue();
    expect(isStaleWrite(2, 2)).toBeFalse();
    expect(isStaleWrite(2, 3)).toBeTrue();
    expect(isStaleWrite(5, 3)).withContext('the writer\'s own re-grant passed the other clinic\'s').toBeFalse();
  });
});
