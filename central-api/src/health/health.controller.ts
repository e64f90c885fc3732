// GET /health: the process answers and its database is reachable (200), or not (503). For load balancers.
import { Controller, Get } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/access.decorator.js';
import { databaseLimits } from '../database/database-limits.js';
import { HealthIndicatorResponse, HealthyResponse, UnhealthyResponse } from './dto/health.responses.js';

@ApiTags('operations')
@ApiExtraModels(HealthIndicatorResponse)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  @Get()
  @Public()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ operationId: 'checkHealth', summary: 'Whether this process and its database answer (for load balancers)', security: [] })
  @ApiOkResponse({ type: HealthyResponse, description: 'healthy' })
  @ApiServiceUnavailableResponse({ type: UnhealthyResponse, description: 'the database did not answer a ping in time, or the process is shutting down' })
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.pingCheck('database', { timeout: databaseLimits.healthPingTimeoutMs })]);
  }
}
