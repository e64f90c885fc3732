// The ops listings: every clinic with its leader, upload progress, lag, chart copy, conflicts, leases, devices;
// and the entries fenced for a stale chart lease epoch.
import { Injectable } from '@nestjs/common';
import type { FencingConflictsResponse } from './dto/fencing-conflicts.response.js';
import type { ListFencingConflictsQuery } from './dto/list-fencing-conflicts.query.js';
import type { OpsClinicsResponse } from './dto/ops-clinic.response.js';
import { opsLimits } from './ops-limits.js';
import { toFencingConflictResponse, toOpsClinicResponse } from './ops-mapping.js';
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

  async listFencingConflicts(query: ListFencingConflictsQuery): Promise<FencingConflictsResponse> {
    const rows = await this.ops.listFencingConflicts(query.clinicId, query.limit ?? opsLimits.fencingConflictsListedDefault);
    return { conflicts: rows.map(toFencingConflictResponse) };
  }
}
