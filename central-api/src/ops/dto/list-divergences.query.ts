// The query of GET /api/ops/divergences.
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { opsLimits } from '../ops-limits.js';

export class ListDivergencesQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'only the divergences of this clinic' })
  @IsOptional()
  @IsUUID()
  clinicId?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only those not resolved' })
  @IsOptional()
  @IsIn(['true', 'false'])
  open?: 'true' | 'false';

  @ApiPropertyOptional({ minimum: 1, maximum: opsLimits.divergencesListedMax, default: opsLimits.divergencesListedDefault })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(opsLimits.divergencesListedMax)
  limit?: number;
}
