// What the clinic routes answer. Built field by field from rows (see clinic-mapping.ts), never rows themselves.
import { ApiProperty } from '@nestjs/swagger';
import { type ChartPolicy, chartPolicies } from '../clinic-limits.js';

export class CreatedClinicResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;
}

export class DeviceSummaryResponse {
  @ApiProperty({ format: 'uuid' })
  deviceId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ format: 'date-time' })
  enrolledAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'when the device last called central' })
  lastSeenAt!: string | null;
}

export class ClinicResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: chartPolicies })
  chartPolicy!: ChartPolicy;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: [DeviceSummaryResponse] })
  devices!: DeviceSummaryResponse[];
}

export class DeviceEnrollmentResponse {
  @ApiProperty({ format: 'uuid' })
  deviceId!: string;

  @ApiProperty({ description: 'The device\'s secret, shown this once: send it as "Authorization: Bearer <credential>"' })
  credential!: string;
}
