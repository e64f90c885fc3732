// The 409 of a resolution that came second: the first one stays, and this says when it was made.
import { ApiProperty } from '@nestjs/swagger';
import { ErrorResponse } from '../../http/dto/error.response.js';

export class AlreadyResolvedResponse extends ErrorResponse {
  @ApiProperty({ format: 'date-time', description: 'when the resolution that stays was made' })
  resolvedAt!: string;
}
