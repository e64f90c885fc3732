// What GET /health answers, as the OpenAPI document describes it: terminus's result, and when unhealthy that
// result passed through our error filter (its `error` map becomes the reason phrase, as in every error).
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ErrorResponse } from '../../http/dto/error.response.js';

export class HealthIndicatorResponse {
  @ApiProperty({ enum: ['up', 'down'] })
  status!: string;

  @ApiPropertyOptional({ description: 'how long the check took, in milliseconds' })
  responseTime?: number;
}

const indicators = { type: 'object', additionalProperties: { $ref: getSchemaPath(HealthIndicatorResponse) } } as const;

export class HealthyResponse {
  @ApiProperty({ enum: ['ok'] })
  status!: string;

  @ApiProperty({ ...indicators, description: 'the checks that passed, by name (database)' })
  info!: Record<string, HealthIndicatorResponse>;

  @ApiProperty({ ...indicators, description: 'the checks that failed: none' })
  error!: Record<string, HealthIndicatorResponse>;

  @ApiProperty({ ...indicators, description: 'every check, by name' })
  details!: Record<string, HealthIndicatorResponse>;
}

export class UnhealthyResponse extends ErrorResponse {
  @ApiProperty({ enum: ['error', 'shutting_down'] })
  status!: string;

  @ApiProperty({ ...indicators, description: 'the checks that passed, by name' })
  info!: Record<string, HealthIndicatorResponse>;

  @ApiProperty({ ...indicators, description: 'every check, by name: the failed ones say why' })
  details!: Record<string, HealthIndicatorResponse>;
}
