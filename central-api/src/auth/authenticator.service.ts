// Turns a bearer token into the principal it belongs to: the admin, an enrolled device, or nobody.
import { Injectable } from '@nestjs/common';
import { DevicesRepository } from '../clinics/devices.repository.js';
import { AdminTokenService } from './admin-token.service.js';
import { hashCredential } from './credentials.js';
import { LastSeenRecorder } from './last-seen-recorder.js';
import type { Principal } from './principal.js';
import { type KnownDevice, RecentDevices } from './recent-devices.js';

@Injectable()
export class Authenticator {
  constructor(
    private readonly adminToken: AdminTokenService,
    private readonly devices: DevicesRepository,
    private readonly lastSeen: LastSeenRecorder,
  ) {}

  private readonly recentDevices = new RecentDevices();

  async authenticate(token: string, nowMs = Date.now()): Promise<Principal | undefined> {
    const tokenHash = hashCredential(token);
    if (this.adminToken.isAdminTokenHash(tokenHash)) return { kind: 'admin' };
    const device = this.recentDevices.find(tokenHash, nowMs) ?? (await this.lookUp(tokenHash, nowMs));
    if (device === undefined) return undefined;
    await this.lastSeen.record(device.id, nowMs);
    return { kind: 'device', deviceId: device.id, clinicId: device.clinicId };
  }

  /** A revoked device: forgotten from the cache, so its credential fails from the next request on. */
  forgetDevice(deviceId: string): void {
    this.recentDevices.forget(deviceId);
  }

  private async lookUp(tokenHash: Buffer, nowMs: number): Promise<KnownDevice | undefined> {
    const device = await this.devices.findByCredentialHash(tokenHash);
    if (device !== undefined) this.recentDevices.remember(tokenHash, device, nowMs);
    return device;
  }
}
