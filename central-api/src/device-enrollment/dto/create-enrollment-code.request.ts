// The body of POST /api/clinics/:clinicId/enrollment-codes: the name the device will have in the clinic.
import { ApiProperty } from '@nestjs/swagger';
import type { CreateEnrollmentCodeBody } from '../../../../leader-worker/src/device-identity/enrollment-protocol.js';
import { clinicLimits } from '../../clinics/clinic-limits.js';
import { IsDisplayName } from '../../clinics/dto/display-name.decorator.js';

export class CreateEnrollmentCodeRequest implements CreateEnrollmentCodeBody {
  @ApiProperty({ example: 'Registration tablet', maxLength: clinicLimits.deviceNameCharactersMax })
  @IsDisplayName(clinicLimits.deviceNameCharactersMax)
  name!: string;
}
