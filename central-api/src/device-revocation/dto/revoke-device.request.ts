// The body of POST /api/clinics/:clinicId/devices/:deviceId/revocation.
import { ApiProperty } from '@nestjs/swagger';
import { labelLengthMax, shortTextLengthMax } from '../../../../leader-worker/src/chart/index.js';
import { IsDisplayName } from '../../clinics/dto/display-name.decorator.js';

export class RevokeDeviceRequest {
  @ApiProperty({ example: 'reported stolen from the pharmacy', maxLength: shortTextLengthMax, description: 'why: the clinic log keeps it' })
  @IsDisplayName(shortTextLengthMax)
  reason!: string;

  @ApiProperty({ example: 'Ops desk', maxLength: labelLengthMax, description: 'who revoked it: the author the clinic sees' })
  @IsDisplayName(labelLengthMax)
  revokedBy!: string;
}
