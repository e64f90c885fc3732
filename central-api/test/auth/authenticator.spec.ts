// The authenticator remembers the devices it found for a while, so a device's requests do not each read its
// row; it never remembers a credential it did not find.
import type { AdminTokenService } from '../../src/auth/admin-token.service.js';
import { Authenticator } from '../../src/auth/authenticator.service.js';
import { generateCredential, hashCredential } from '../../src/auth/credentials.js';
import type { LastSeenRecorder } from '../../src/auth/last-seen-recorder.js';
import { recentDeviceLimits } from '../../src/auth/recent-devices.js';
import type { DeviceEntity } from '../../src/clinics/device.entity.js';
import type { DevicesRepository } from '../../src/clinics/devices.repository.js';

describe('Authenticator', () => {
  const credential = generateCredential('device');
  const device = { id: 'device-1', clinicId: 'clinic-1' } as DeviceEntity;
  let findByCredentialHash: jasmine.Spy<DevicesRepository['findByCredentialHash']>;
  let record: jasmine.Spy<LastSeenRecorder['record']>;
  let authenticator: Authenticator;

  beforeEach(() => {
    findByCredentialHash = jasmine.createSpy('findByCredentialHash').and.callFake(async (hash: Buffer) => (hash.equals(hashCredential(credential)) ? device : undefined));
    record = jasmine.createSpy('record').and.resolveTo();
    const adminToken = { isAdminTokenHash: () => false } as unknown as AdminTokenService;
    authenticator = new Authenticator(adminToken, { findByCredentialHash } as unknown as DevicesRepository, { record } as unknown as LastSeenRecorder);
  });

  it('reads a device once, then answers from memory until the lookup is cachedMs old', async () => {
    const principal = { kind: 'device', deviceId: 'device-1', clinicId: 'clinic-1' } as const;
    await expectAsync(authenticator.authenticate(credential, 1_000)).toBeResolvedTo(principal);
    await expectAsync(authenticator.authenticate(credential, 1_000 + recentDeviceLimits.cachedMs - 1)).toBeResolvedTo(principal);
    expect(findByCredentialHash).toHaveBeenCalledTimes(1);
    await expectAsync(authenticator.authenticate(credential, 1_000 + recentDeviceLimits.cachedMs)).toBeResolvedTo(principal);
    expect(findByCredentialHash).toHaveBeenCalledTimes(2);
    expect(record.calls.allArgs().map(([deviceId]) => deviceId)).withContext('last seen is still recorded on every call').toEqual(['device-1', 'device-1', 'device-1']);
  });

  it('looks an unknown credential up every time', async () => {
    const stranger = generateCredential('device');
    await expectAsync(authenticator.authenticate(stranger, 0)).toBeResolvedTo(undefined);
    await expectAsync(authenticator.authenticate(stranger, 1)).toBeResolvedTo(undefined);
    expect(findByCredentialHash).toHaveBeenCalledTimes(2);
    expect(record).not.toHaveBeenCalled();
  });
});
