// Creating clinics, reading them, and enrolling their devices.
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { generateCredential, hashCredential } from '../auth/credentials.js';
import { toClinicResponse } from './clinic-mapping.js';
import { clinicLimits } from './clinic-limits.js';
import { ClinicsRepository } from './clinics.repository.js';
import { DevicesRepository } from './devices.repository.js';
import type { ClinicResponse, CreatedClinicResponse, DeviceEnrollmentResponse } from './dto/clinic.responses.js';
import type { CreateClinicRequest } from './dto/create-clinic.request.js';
import type { EnrollDeviceRequest } from './dto/enroll-device.request.js';

@Injectable()
export class ClinicsService {
  constructor(
    private readonly clinics: ClinicsRepository,
    private readonly devices: DevicesRepository,
  ) {}

  async createClinic(request: CreateClinicRequest): Promise<CreatedClinicResponse> {
    const clinic = await this.clinics.insert(request.name.trim(), request.chartPolicy);
    return { id: clinic.id };
  }

  async getClinic(clinicId: string): Promise<ClinicResponse> {
    const clinic = await this.clinics.findById(clinicId);
    if (clinic === undefined) throw clinicNotFound(clinicId);
    const devices = await this.devices.listByClinic(clinicId, clinicLimits.devicesPerClinicMax);
    return toClinicResponse(clinic, devices);
  }

  /** The credential leaves the server in this response only; the database keeps its hash. */
  async enrollDevice(clinicId: string, request: EnrollDeviceRequest): Promise<DeviceEnrollmentResponse> {
    const credential = generateCredential('device');
    const outcome = await this.devices.enroll(
      { clinicId, name: request.name.trim(), credentialHash: hashCredential(credential) },
      clinicLimits.devicesPerClinicMax,
    );
    switch (outcome.kind) {
      case 'enrolled':
        return { deviceId: outcome.device.id, credential };
      case 'clinic-not-found':
        throw clinicNotFound(clinicId);
      case 'clinic-full':
        throw new ConflictException(`Clinic ${clinicId} already has ${clinicLimits.devicesPerClinicMax} devices, the most allowed`);
    }
  }
}

function clinicNotFound(clinicId: string): NotFoundException {
  return new NotFoundException(`Clinic ${clinicId} does not exist`);
}
