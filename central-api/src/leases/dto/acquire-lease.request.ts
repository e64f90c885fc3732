// The body of POST /api/clinics/:clinicId/leases.
import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class AcquireLeaseRequest {
  @ApiProperty({ format: 'uuid', description: 'the patient whose chart the clinic wants to lock' })
  @IsUUID()
  patientId!: string;
}
