// The body of POST /api/clinics/:clinicId/devices.
import { ApiProperty } from '@nestjs/swagger';
import { clinicLimits } from '../clinic-limits.js';
import { IsDisplayName } from './display-name.decorator.js';

export class EnrollDeviceRequest {
  @ApiProperty({ example: 'Nurse station tablet', maxLength: clinicLimits.deviceNameCharactersMax })
  @IsDisplayName(clinicLimits.deviceNameCharactersMax)
  name!: string;
}
