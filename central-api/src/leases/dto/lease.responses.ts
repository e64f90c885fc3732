// What the lease routes answer. Built field by field (lease-mapping.ts), never rows themselves.
import { ApiProperty } from '@nestjs/swagger';

export class LeaseGrantResponse {
  @ApiProperty({ format: 'uuid' })
  leaseId!: string;

  @ApiProperty({ description: "the fencing epoch: grows with every grant of this patient's chart, whichever clinic it goes to" })
  epoch!: number;

  @ApiProperty({ format: 'date-time', description: "by central's clock" })
  expiresAt!: string;
}

export class LeaseHeldResponse {
  @ApiProperty({ example: 409 })
  statusCode!: number;

  @ApiProperty()
  error!: string;

  @ApiProperty()
  message!: string;

  @ApiProperty({ format: 'uuid', description: 'the clinic holding the chart' })
  heldBy!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
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
