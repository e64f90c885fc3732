// Service logic with the repositories mocked; the repositories themselves are tested against PostgreSQL.
import { ConflictException, NotFoundException } from '@nestjs/common';
import { hashCredential } from '../../src/auth/credentials.js';
import type { ClinicEntity } from '../../src/clinics/clinic.entity.js';
import { clinicLimits } from '../../src/clinics/clinic-limits.js';
import type { ClinicsRepository } from '../../src/clinics/clinics.repository.js';
import { ClinicsService } from '../../src/clinics/clinics.service.js';
import type { DeviceEntity } from '../../src/clinics/device.entity.js';
import type { DevicesRepository, EnrollmentOutcome, NewDevice } from '../../src/clinics/devices.repository.js';

const clinicId = '4a7c2c38-7d4b-4c36-9a39-3f0b1d0f3a11';
const clinic: ClinicEntity = { id: clinicId, name: 'Kisoro', chartPolicy: 'merge', createdAt: new Date('2026-11-01T08:00:00Z') };
const device: DeviceEntity = {
  id: '9d3f7c2e-1b1a-4f7e-8a55-0c2f8e1f6b22',
  clinicId,
  name: 'Nurse tablet',
  credentialHash: Buffer.alloc(32),
  createdAt: new Date('2026-11-02T09:00:00Z'),
  lastSeenAt: null,
  publicKey: null,
  certificateSerial: null,
  revokedAt: null,
  revokedReason: null,
};

describe('ClinicsService', () => {
  let clinics: jasmine.SpyObj<ClinicsRepository>;
  let devices: jasmine.SpyObj<DevicesRepository>;
  let service: ClinicsService;

  beforeEach(() => {
    clinics = jasmine.createSpyObj<ClinicsRepository>('ClinicsRepository', ['insert', 'findById']);
    devices = jasmine.createSpyObj<DevicesRepository>('DevicesRepository', ['enroll', 'listByClinic']);
    service = new ClinicsService(clinics, devices);
  });

  it('creates a clinic with its name trimmed and answers only its id', async () => {
    clinics.insert.and.resolveTo(clinic);
    await expectAsync(service.createClinic({ name: '  Kisoro ', chartPolicy: 'merge' })).toBeResolvedTo({ id: clinicId });
    expect(clinics.insert).toHaveBeenCalledOnceWith('Kisoro', 'merge');
  });

  it('maps a clinic and its devices to the response field by field', async () => {
    clinics.findById.and.resolveTo(clinic);
    devices.listByClinic.and.resolveTo([{ ...device, lastSeenAt: new Date('2026-11-03T10:00:00Z') }]);
    await expectAsync(service.getClinic(clinicId)).toBeResolvedTo({
      id: clinicId,
      name: 'Kisoro',
      chartPolicy: 'merge',
      createdAt: '2026-11-01T08:00:00.000Z',
      devices: [{ deviceId: device.id, name: 'Nurse tablet', enrolledAt: '2026-11-02T09:00:00.000Z', lastSeenAt: '2026-11-03T10:00:00.000Z' }],
    });
    expect(devices.listByClinic).toHaveBeenCalledOnceWith(clinicId, clinicLimits.devicesPerClinicMax);
  });

  it('answers 404 for a clinic that does not exist', async () => {
    clinics.findById.and.resolveTo(undefined);
    await expectAsync(service.getClinic(clinicId)).toBeRejectedWithError(NotFoundException);
  });

  it('enrolls a device: the credential goes to the caller, only its hash to the repository', async () => {
    devices.enroll.and.callFake(async (newDevice: NewDevice): Promise<EnrollmentOutcome> => ({ kind: 'enrolled', device: { ...device, ...newDevice } }));
    const enrollment = await service.enrollDevice(clinicId, { name: ' Nurse tablet ' });
    expect(enrollment.deviceId).toBe(device.id);
    const [stored, devicesMax] = devices.enroll.calls.mostRecent().args;
    expect(stored).toEqual({ clinicId, name: 'Nurse tablet', credentialHash: hashCredential(enrollment.credential) });
    expect(JSON.stringify(stored)).not.toContain(enrollment.credential);
    expect(devicesMax).toBe(clinicLimits.devicesPerClinicMax);
  });

  it('answers 404 when enrolling into a clinic that does not exist, 409 into a full one', async () => {
    devices.enroll.and.resolveTo({ kind: 'clinic-not-found' });
    await expectAsync(service.enrollDevice(clinicId, { name: 'Tablet' })).toBeRejectedWithError(NotFoundException);
    devices.enroll.and.resolveTo({ kind: 'clinic-full' });
    await expectAsync(service.enrollDevice(clinicId, { name: 'Tablet' })).toBeRejectedWithError(ConflictException, /100 devices/);
  });
});
