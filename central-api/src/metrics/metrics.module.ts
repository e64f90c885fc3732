// Prometheus metrics.
import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { DatabasePoolMetrics } from './database-pool-metrics.js';
import { MetricsService } from './metrics.service.js';

@Module({
  controllers: [MetricsController],
  providers: [MetricsService, DatabasePoolMetrics],
  exports: [MetricsService],
})
export class MetricsModule {}
