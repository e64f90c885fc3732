// Revoking a device: its row is marked (its credential stops working in this process at once, and within the
// auth cache's 30 s in another), and a feed item tells its clinic, whose devices then refuse its links even while
// offline from central. The two steps are not one transaction; each is idempotent, so a revocation whose
// second step failed is completed by sending it again.
import { Injectable, NotFoundException } from '@nestjs/common';
import { Authenticator } from '../auth/authenticator.service.js';
import { DevicesRepository } from '../clinics/devices.repository.js';
import { FeedService } from '../feed/feed.service.js';
import type { DeviceRevocationResponse } from './dto/device-revocation.response.js';
import type { RevokeDeviceRequest } from './dto/revoke-device.request.js';

@Injectable()
export class DeviceRevocationService {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly feed: FeedService,
    private readonly authenticator: Authenticator,
  ) {}

  async revoke(clinicId: string, deviceId: string, request: RevokeDeviceRequest): Promise<{ readonly created: boolean; readonly revocation: DeviceRevocationResponse }> {
    const revoked = await this.devices.revoke(clinicId, deviceId, request.reason);
    if (revoked === undefined) throw new NotFoundException(`Clinic ${clinicId} has no device ${deviceId}`);
    const { device } = revoked;
    this.authenticator.forgetDevice(device.id);
    // The first revocation's reason is the one on record, at central and in the clinic log alike; the id as
    // stored (a path may spell a UUID in capitals), so a repeat names the same device the same way.
    const reason = device.revokedReason!;
    const appended = await this.feed.appendDeviceRevocation(clinicId, { deviceId: device.id, reason, revokedBy: request.revokedBy });
    return {
      created: revoked.revokedNow || appended.created,
      revocation: { deviceId: device.id, revokedAt: device.revokedAt!.toISOString(), reason, feedCursor: appended.item.cursor },
    };
  }
}
