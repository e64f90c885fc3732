// What the log routes answer: how far central holds the clinic's log.
import { ApiProperty } from '@nestjs/swagger';

export class LogAckResponse {
  @ApiProperty({ minimum: 0, description: 'the highest index up to which central holds every entry (0: none)' })
  acknowledgedIndex!: number;
}
