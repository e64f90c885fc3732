// What the lease routes answer. Built field by field (lease-mapping.ts), never rows themselves.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorResponse } from '../../http/dto/error.response.js';
import type { LeaseGrant, LeaseHeldElsewhere } from '../../../../leader-worker/src/uplink/central-protocol.js';

export class LeaseGrantResponse implements LeaseGrant {
  @ApiProperty({ format: 'uuid' })
  leaseId!: string;

  @ApiProperty({ description: "the fencing epoch: grows with every grant of this patient's chart, whichever clinic it goes to" })
  epoch!: number;

  @ApiProperty({ format: 'date-time', description: "by central's clock" })
  expiresAt!: string;
}

/** The 409 of an acquire: who holds the chart, until when. */
export class LeaseHeldResponse extends ErrorResponse implements LeaseHeldElsewhere {
  @ApiProperty({ format: 'uuid', description: 'the clinic holding the chart' })
  heldBy!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ description: "the holder's fencing epoch: the asking clinic records the grant in its log, and shows the chart read-only" })
  epoch!: number;
}

/** The 409 of a renewal: the lease was released or superseded; who holds the chart now, when someone does. */
export class LeaseRenewRefusedResponse extends ErrorResponse {
  @ApiPropertyOptional({ format: 'uuid', description: 'superseded by a grant still held: the clinic holding it' })
  heldBy?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'superseded by a grant still held: when it expires' })
  expiresAt?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'superseded by a grant now ended: its epoch' })
  currentEpoch?: number;
}

export class LeaseResponse {
  @ApiProperty({ format: 'uuid' })
  leaseId!: string;

  @ApiProperty({ format: 'uuid' })
  patientId!: string;

  @ApiProperty({ format: 'uuid' })
  clinicId!: string;

  @ApiProperty()
  epoch!: number;

  @ApiProperty({ format: 'date-time' })
  grantedAt!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  releasedAt!: string | null;

  @ApiProperty({ description: 'held right now: not released and not expired' })
  active!: boolean;
}

export class LeaseListResponse {
  @ApiProperty({ type: [LeaseResponse] })
  leases!: LeaseResponse[];
}
