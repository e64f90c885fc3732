// What the log routes answer: how far central holds the clinic's log.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { LogAcknowledgement } from '../../../../leader-worker/src/uplink/central-protocol.js';

export class LogAckResponse implements LogAcknowledgement {
  @ApiProperty({ minimum: 0, description: 'the highest index up to which central holds every entry (0: none)' })
  acknowledgedIndex!: number;

  @ApiPropertyOptional({ description: "an upload's answer when the leader sent its clock: the leader's clock minus central's, in ms, on arrival" })
  clockSkewMs?: number;
}
