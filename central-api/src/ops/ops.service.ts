// The ops listing: every clinic with its leader, upload progress, lag, chart copy, conflicts, leases, devices.
import { Injectable } from '@nestjs/common';
import type { OpsClinicsResponse } from './dto/ops-clinic.response.js';
import { opsLimits } from './ops-limits.js';
import { toOpsClinicResponse } from './ops-mapping.js';
import { type DeviceOpsRow, OpsRepository } from './ops.repository.js';

@Injectable()
export class OpsService {
  constructor(private readonly ops: OpsRepository) {}

  async listClinics(): Promise<OpsClinicsResponse> {
    const clinics = await this.ops.listClinics(opsLimits.clinicsListedMax);
    const devicesByClinic = new Map<string, DeviceOpsRow[]>();
    for (const device of await this.ops.listDevices(clinics.map((clinic) => clinic.id))) {
      const devices = devicesByClinic.get(device.clinic_id) ?? [];
      devices.push(device);
      devicesByClinic.set(device.clinic_id, devices);
    }
    return { clinics: clinics.map((clinic) => toOpsClinicResponse(clinic, devicesByClinic.get(clinic.id) ?? [])) };
  }
}
