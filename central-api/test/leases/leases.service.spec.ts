// LeasesService with its repositories mocked: outcomes to responses and HTTP errors, and who may touch a lease.
import { ConflictException, ForbiddenException, NotFoundException } from '@nestjs/common';
import type { Principal } from '../../src/auth/principal.js';
import type { ChartLeaseEntity } from '../../src/leases/chart-lease.entity.js';
import type { ChartLeaseGrantsRepository } from '../../src/leases/chart-lease-grants.repository.js';
import { leaseLimits, resolveLeaseSettings } from '../../src/leases/lease-settings.js';
import type { LeasesRepository } from '../../src/leases/leases.repository.js';
import { LeasesService } from '../../src/leases/leases.service.js';

const clinicId = '4a7c2c38-7d4b-4c36-9a39-3f0b1d0f3a11';
const otherClinicId = '5b8d3d49-8e5c-4d47-8b4a-4f1c2e1f4b22';
const lease: ChartLeaseEntity = {
  id: '9d3f7c2e-1b1a-4f7e-8a55-0c2f8e1f6b22',
  patientId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  clinicId,
  epoch: 3,
  grantedAt: new Date('2026-11-24T10:00:00Z'),
  expiresAt: new Date('2026-11-24T10:15:00Z'),
  releasedAt: null,
};
const device = (ofClinic: string): Principal => ({ kind: 'device', deviceId: 'd1', clinicId: ofClinic });

describe('LeasesService', () => {
  let grants: jasmine.SpyObj<ChartLeaseGrantsRepository>;
  let leases: jasmine.SpyObj<LeasesRepository>;
  let service: LeasesService;

  beforeEach(() => {
    grants = jasmine.createSpyObj<ChartLeaseGrantsRepository>('ChartLeaseGrantsRepository', ['acquire', 'renew', 'release']);
    leases = jasmine.createSpyObj<LeasesRepository>('LeasesRepository', ['findById', 'list']);
    service = new LeasesService(grants, leases, resolveLeaseSettings({ durationSeconds: 90 }));
  });

  it('answers a new grant as created and an extension as not, with the configured duration', async () => {
    grants.acquire.and.resolveTo({ kind: 'granted', lease });
    await expectAsync(service.acquire(clinicId, lease.patientId)).toBeResolvedTo({
      created: true,
      grant: { leaseId: lease.id, epoch: 3, expiresAt: '2026-11-24T10:15:00.000Z' },
    });
    expect(grants.acquire).toHaveBeenCalledOnceWith(lease.patientId, clinicId, 90);
    grants.acquire.and.resolveTo({ kind: 'extended', lease });
    expect((await service.acquire(clinicId, lease.patientId)).created).toBeFalse();
  });

  it('turns a chart held by another clinic into 409 with heldBy and expiresAt', async () => {
    grants.acquire.and.resolveTo({ kind: 'held-by-another', holder: lease });
    const error = await service.acquire(otherClinicId, lease.patientId).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictException);
    expect((error as ConflictException).getResponse()).toEqual(jasmine.objectContaining({ heldBy: clinicId, expiresAt: '2026-11-24T10:15:00.000Z' }));
    grants.acquire.and.resolveTo({ kind: 'clinic-not-found' });
    await expectAsync(service.acquire(otherClinicId, lease.patientId)).toBeRejectedWithError(NotFoundException);
  });

  it('lets only the holder clinic\'s devices (and admins) renew or release, checked before anything changes', async () => {
    leases.findById.and.resolveTo(lease);
    await expectAsync(service.renew(device(otherClinicId), lease.id)).toBeRejectedWithError(ForbiddenException);
    await expectAsync(service.release(device(otherClinicId), lease.id)).toBeRejectedWithError(ForbiddenException);
    expect(grants.renew).not.toHaveBeenCalled();
    expect(grants.release).not.toHaveBeenCalled();
    grants.renew.and.resolveTo({ kind: 'renewed', lease });
    await expectAsync(service.renew(device(clinicId), lease.id)).toBeResolvedTo({ leaseId: lease.id, epoch: 3, expiresAt: '2026-11-24T10:15:00.000Z' });
    grants.release.and.resolveTo({ kind: 'released', lease });
    await expectAsync(service.release({ kind: 'admin' }, lease.id)).toBeResolved();
    leases.findById.and.resolveTo(undefined);
    await expectAsync(service.renew({ kind: 'admin' }, lease.id)).toBeRejectedWithError(NotFoundException);
  });

  it('refuses renewing a released or superseded lease with 409', async () => {
    leases.findById.and.resolveTo(lease);
    grants.renew.and.resolveTo({ kind: 'released' });
    await expectAsync(service.renew(device(clinicId), lease.id)).toBeRejectedWithError(ConflictException, /released/);
    const newer = { ...lease, id: 'newer', clinicId: otherClinicId, epoch: 4 };
    grants.renew.and.resolveTo({ kind: 'superseded', current: newer, currentActive: true });
    const held = await service.renew(device(clinicId), lease.id).then(() => undefined, (caught: unknown) => caught as ConflictException);
    expect(held?.getResponse()).toEqual(jasmine.objectContaining({ heldBy: otherClinicId }));
    grants.renew.and.resolveTo({ kind: 'superseded', current: newer, currentActive: false });
    const ended = await service.renew(device(clinicId), lease.id).then(() => undefined, (caught: unknown) => caught as ConflictException);
    expect(ended?.getResponse()).toEqual(jasmine.objectContaining({ currentEpoch: 4 }));
  });

  it('lists with the query\'s filters and the default limit, mapping rows field by field', async () => {
    leases.list.and.resolveTo([{ lease, active: false }]);
    const listed = await service.list({ clinicId, active: 'false' });
    expect(leases.list).toHaveBeenCalledOnceWith({ clinicId, active: false, limit: leaseLimits.listedLeasesDefault });
    expect(listed.leases).toEqual([
      { leaseId: lease.id, patientId: lease.patientId, clinicId, epoch: 3, grantedAt: '2026-11-24T10:00:00.000Z', expiresAt: '2026-11-24T10:15:00.000Z', releasedAt: null, active: false },
    ]);
  });

  it('refuses a lease duration setting outside its bounds', () => {
    expect(() => resolveLeaseSettings({ durationSeconds: 0 })).toThrowError(/durationSeconds/);
    expect(() => resolveLeaseSettings({ durationSeconds: Number.NaN })).toThrowError(/durationSeconds/);
    expect(resolveLeaseSettings().durationSeconds).toBe(15 * 60);
  });
});
