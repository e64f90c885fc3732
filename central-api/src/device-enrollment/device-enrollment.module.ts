// Device enrollment with device certificates: central as a small certificate authority per clinic. An admin
// makes a one-time code; the device enrolls with it and its public key, and gets a certificate its peers check
// with no call to central.
import { Module } from '@nestjs/common';
import { ClinicsModule } from '../clinics/clinics.module.js';
import { SignalingModule } from '../signaling/signaling.module.js';
import { ClinicSigningKeysRepository } from './clinic-signing-keys.repository.js';
import { ClinicSigningKeys } from './clinic-signing-keys.service.js';
import { EnrollmentCodesController } from './enrollment-codes.controller.js';
import { EnrollmentCodesRepository } from './enrollment-codes.repository.js';
import { EnrollmentCodesService } from './enrollment-codes.service.js';
import { EnrollmentsController } from './enrollments.controller.js';
import { EnrollmentsRepository } from './enrollments.repository.js';
import { EnrollmentsService } from './enrollments.service.js';

@Module({
  imports: [ClinicsModule, SignalingModule],
  controllers: [EnrollmentCodesController, EnrollmentsController],
  providers: [ClinicSigningKeysRepository, ClinicSigningKeys, EnrollmentCodesRepository, EnrollmentsRepository, EnrollmentCodesService, EnrollmentsService],
})
export class DeviceEnrollmentModule {}
