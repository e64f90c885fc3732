// Leases to responses, explicitly: a new column never leaks into the API by accident.
import type { ChartLeaseEntity } from './chart-lease.entity.js';
import type { LeaseGrantResponse, LeaseResponse } from './dto/lease.responses.js';

export function toLeaseGrant(lease: ChartLeaseEntity): LeaseGrantResponse {
  return { leaseId: lease.id, epoch: lease.epoch, expiresAt: lease.expiresAt.toISOString() };
}

export function toLeaseResponse(lease: ChartLeaseEntity, active: boolean): LeaseResponse {
  return {
    leaseId: lease.id,
    patientId: lease.patientId,
    clinicId: lease.clinicId,
    epoch: lease.epoch,
    grantedAt: lease.grantedAt.toISOString(),
    expiresAt: lease.expiresAt.toISOString(),
    releasedAt: lease.releasedAt?.toISOString() ?? null,
    active,
  };
}
