// The ops listings: every clinic with its leader, upload progress, lag, chart copy, conflicts, leases, devices;
// the entries fenced for a stale chart lease epoch and the divergent uploads, and resolving those two.
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { DivergencesResponse, DivergenceResponse } from './dto/divergences.response.js';
import type { ListDivergencesQuery } from './dto/list-divergences.query.js';
import type { ResolveRequest } from './dto/resolve.request.js';
import type { FencingConflictResponse, FencingConflictsResponse } from './dto/fencing-conflicts.response.js';
import type { ListFencingConflictsQuery } from './dto/list-fencing-conflicts.query.js';
import type { OpsClinicsResponse } from './dto/ops-clinic.response.js';
import { opsLimits } from './ops-limits.js';
import { toDivergenceResponse, toFencingConflictResponse, toOpsClinicResponse } from './ops-mapping.js';
import { type DeviceOpsRow, OpsRepository, type ResolveOutcome } from './ops.repository.js';

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

  async listDivergences(query: ListDivergencesQuery): Promise<DivergencesResponse> {
    const rows = await this.ops.listDivergences(query.clinicId, query.open === 'true', query.limit ?? opsLimits.divergencesListedDefault);
    return { divergences: rows.map(toDivergenceResponse) };
  }

  async resolveFencingConflict(id: string, request: ResolveRequest): Promise<FencingConflictResponse> {
    return toFencingConflictResponse(resolvedRow(await this.ops.resolveFencingConflict(id, request.resolution), `fencing conflict ${id}`));
  }

  async resolveDivergence(id: string, request: ResolveRequest): Promise<DivergenceResponse> {
    return toDivergenceResponse(resolvedRow(await this.ops.resolveDivergence(id, request.resolution), `divergence ${id}`));
  }
}

function resolvedRow<Row extends { readonly resolved_at: Date | null }>(outcome: ResolveOutcome<Row>, what: string): Row {
  switch (outcome.kind) {
    case 'resolved':
      return outcome.row;
    case 'not-found':
      throw new NotFoundException(`There is no ${what}`);
    case 'already-resolved':
      throw new ConflictException({ message: `The ${what} was resolved already, at ${outcome.row.resolved_at?.toISOString()}; its resolution stays`, resolvedAt: outcome.row.resolved_at?.toISOString() });
  }
}
