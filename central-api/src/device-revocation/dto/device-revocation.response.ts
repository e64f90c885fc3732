// The answer to a revocation: the device, when and why it was revoked (the first time), and the feed item
// that carries the revocation to the clinic's devices.
import { ApiProperty } from '@nestjs/swagger';

export class DeviceRevocationResponse {
  @ApiProperty({ format: 'uuid' })
  deviceId!: string;

  @ApiProperty({ format: 'date-time' })
  revokedAt!: string;

  @ApiProperty()
  reason!: string;

  @ApiProperty({ description: "the cursor of the feed item the clinic's devices learn of it by" })
  feedCursor!: string;
}
