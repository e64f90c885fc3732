// The query string of GET /api/clinics/:clinicId/patients.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { searchQueryLengthMax, searchResultsMax } from '../../../../leader-worker/src/chart/index.js';

export class SearchPatientsQuery {
  @ApiProperty({ maxLength: searchQueryLengthMax, description: 'as typed: part of a name, a phone number or an identifier', example: 'amina ok' })
  @IsString()
  @MaxLength(searchQueryLengthMax)
  query!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: searchResultsMax, default: searchResultsMax })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(searchResultsMax)
  limit?: number;
}
