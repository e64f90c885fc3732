// Clinics and their devices.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClinicEntity } from './clinic.entity.js';
import { ClinicsController } from './clinics.controller.js';
import { ClinicsRepository } from './clinics.repository.js';
import { ClinicsService } from './clinics.service.js';
import { DeviceEntity } from './device.entity.js';
import { DevicesRepository } from './devices.repository.js';

@Module({
  imports: [TypeOrmModule.forFeature([ClinicEntity, DeviceEntity])],
  controllers: [ClinicsController],
  providers: [ClinicsRepository, DevicesRepository, ClinicsService],
  exports: [ClinicsRepository, DevicesRepository],
})
export class ClinicsModule {}
