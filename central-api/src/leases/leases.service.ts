// Chart lockout leases for the routes: grant, renew, release and list, with who may touch which lease.
import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { canAccessClinic, type Principal } from '../auth/principal.js';
import type { ChartLeaseEntity } from './chart-lease.entity.js';
import { ChartLeaseGrantsRepository } from './chart-lease-grants.repository.js';
import type { LeaseGrantResponse, LeaseListResponse } from './dto/lease.responses.js';
import type { ListLeasesQuery } from './dto/list-leases.query.js';
import { toLeaseGrant, toLeaseResponse } from './lease-mapping.js';
import { leaseLimits, type LeaseSettings, leaseSettingsToken } from './lease-settings.js';
import { LeasesRepository } from './leases.repository.js';

export interface AcquiredLease {
  /** True for a new grant (a new epoch); false when the clinic already held the chart and it was extended. */
  readonly created: boolean;
  readonly grant: LeaseGrantResponse;
}

@Injectable()
export class LeasesService {
  constructor(
    private readonly grants: ChartLeaseGrantsRepository,
    private readonly leases: LeasesRepository,
    @Inject(leaseSettingsToken) private readonly settings: LeaseSettings,
  ) {}

  async acquire(clinicId: string, patientId: string): Promise<AcquiredLease> {
    const outcome = await this.grants.acquire(patientId, clinicId, this.settings.durationSeconds);
    switch (outcome.kind) {
      case 'granted':
        return { created: true, grant: toLeaseGrant(outcome.lease) };
      case 'extended':
        return { created: false, grant: toLeaseGrant(outcome.lease) };
      case 'held-by-another':
        throw heldByAnother(outcome.holder, `The chart of patient ${patientId} is leased to clinic ${outcome.holder.clinicId}`);
      case 'clinic-not-found':
        throw new NotFoundException(`Clinic ${clinicId} does not exist`);
    }
  }

  async renew(principal: Principal, leaseId: string): Promise<LeaseGrantResponse> {
    await this.findAccessible(principal, leaseId);
    const outcome = await this.grants.renew(leaseId, this.settings.durationSeconds);
    switch (outcome.kind) {
      case 'renewed':
        return toLeaseGrant(outcome.lease);
      case 'not-found':
        throw leaseNotFound(leaseId);
      case 'released':
        throw new ConflictException(`Lease ${leaseId} was released; acquire the chart again`);
      case 'superseded':
        if (outcome.currentActive) throw heldByAnother(outcome.current, `Lease ${leaseId} was superseded by epoch ${outcome.current.epoch}`);
        throw new ConflictException({
          message: `Lease ${leaseId} was superseded by epoch ${outcome.current.epoch}, now ended; acquire the chart again`,
          currentEpoch: outcome.current.epoch,
        });
    }
  }

  async release(principal: Principal, leaseId: string): Promise<void> {
    await this.findAccessible(principal, leaseId);
    const outcome = await this.grants.release(leaseId);
    if (outcome.kind === 'not-found') throw leaseNotFound(leaseId);
  }

  async list(query: ListLeasesQuery): Promise<LeaseListResponse> {
    const listed = await this.leases.list({
      ...(query.clinicId === undefined ? {} : { clinicId: query.clinicId }),
      ...(query.patientId === undefined ? {} : { patientId: query.patientId }),
      ...(query.active === undefined ? {} : { active: query.active === 'true' }),
      limit: query.limit ?? leaseLimits.listedLeasesDefault,
    });
    return { leases: listed.map(({ lease, active }) => toLeaseResponse(lease, active)) };
  }

  /** A lease route has no :clinicId for the guard to check: a device may touch only its own clinic's leases. */
  private async findAccessible(principal: Principal, leaseId: string): Promise<ChartLeaseEntity> {
    const lease = await this.leases.findById(leaseId);
    if (lease === undefined) throw leaseNotFound(leaseId);
    if (!canAccessClinic(principal, lease.clinicId)) throw new ForbiddenException('A device may only reach its own clinic\'s leases');
    return lease;
  }
}

/** 409 with `heldBy`, `expiresAt` and `epoch` beside the usual error fields: what a clinic writes into its log to show the chart read-only. */
function heldByAnother(holder: ChartLeaseEntity, message: string): ConflictException {
  return new ConflictException({ message, heldBy: holder.clinicId, expiresAt: holder.expiresAt.toISOString(), epoch: holder.epoch });
}

function leaseNotFound(leaseId: string): NotFoundException {
  return new NotFoundException(`Lease ${leaseId} does not exist`);
}
