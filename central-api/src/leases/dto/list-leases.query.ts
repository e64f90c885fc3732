// The query of GET /api/leases.
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { leaseLimits } from '../lease-settings.js';

export class ListLeasesQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  clinicId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  patientId?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only held leases (not released, not expired); false: only the others' })
  @IsOptional()
  @IsIn(['true', 'false'])
  active?: 'true' | 'false';

  @ApiPropertyOptional({ minimum: 1, maximum: leaseLimits.listedLeasesMax, default: leaseLimits.listedLeasesDefault })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(leaseLimits.listedLeasesMax)
  limit?: number;
}
