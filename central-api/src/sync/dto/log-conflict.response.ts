// The 409 of an upload: a gap says where to upload from; a divergence says which entry differs.
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorResponse } from '../../http/dto/error.response.js';

export class LogConflictResponse extends ErrorResponse {
  @ApiPropertyOptional({ type: 'integer', description: 'a gap: the index to upload from' })
  expectedIndex?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'a divergence: the index of the entry that differs from the stored one' })
  divergentIndex?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'a divergence: the highest contiguous index central holds' })
  acknowledgedIndex?: number;
}
