// Revoking a device of a clinic: marked at central, and carried to the clinic's devices by its feed.
import { Module } from '@nestjs/common';
import { ClinicsModule } from '../clinics/clinics.module.js';
import { FeedModule } from '../feed/feed.module.js';
import { DeviceRevocationController } from './device-revocation.controller.js';
import { DeviceRevocationService } from './device-revocation.service.js';

@Module({
  imports: [ClinicsModule, FeedModule],
  controllers: [DeviceRevocationController],
  providers: [DeviceRevocationService],
})
export class DeviceRevocationModule {}
