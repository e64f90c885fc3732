// The query of GET /api/ops/fencing-conflicts.
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { opsLimits } from '../ops-limits.js';

export class ListFencingConflictsQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'only the conflicts of this clinic (the one that wrote under the stale epoch)' })
  @IsOptional()
  @IsUUID()
  clinicId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: opsLimits.fencingConflictsListedMax, default: opsLimits.fencingConflictsListedDefault })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(opsLimits.fencingConflictsListedMax)
  limit?: number;
}
