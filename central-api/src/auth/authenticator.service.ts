// Turns a bearer token into the principal it belongs to: the admin, an enrolled device, or nobody.
import { Injectable } from '@nestjs/common';
import { DevicesRepository } from '../clinics/devices.repository.js';
import { AdminTokenService } from './admin-token.service.js';
import { hashCredential } from './credentials.js';
import { LastSeenRecorder } from './last-seen-recorder.js';
import type { Principal } from './principal.js';

@Injectable()
export class Authenticator {
  constructor(
    private readonly adminToken: AdminTokenService,
    private readonly devices: DevicesRepository,
    private readonly lastSeen: LastSeenRecorder,
  ) {}

  async authenticate(token: string): Promise<Principal | undefined> {
    const tokenHash = hashCredential(token);
    if (this.adminToken.isAdminTokenHash(tokenHash)) return { kind: 'admin' };
    const device = await this.devices.findByCredentialHash(tokenHash);
    if (device === undefined) return undefined;
    await this.lastSeen.record(device.id);
    return { kind: 'device', deviceId: device.id, clinicId: device.clinicId };
  }
}
