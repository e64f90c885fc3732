// Central's copy of every clinic's charts (a projection of the stored logs, fenced by chart leases) and the
// routes that read it.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClinicsModule } from '../clinics/clinics.module.js';
import { FeedModule } from '../feed/feed.module.js';
import { LeaseFencingModule } from '../leases/lease-fencing.module.js';
import { LogStoreModule } from '../sync/log-store.module.js';
import { ChartApplyOutcomeEntity } from './chart-apply-outcome.entity.js';
import { ChartCopiesRepository } from './chart-copies.repository.js';
import { ChartCopyEntity } from './chart-copy.entity.js';
import { ChartCopyService } from './chart-copy.service.js';
import { chartCopySettingsToken, defaultChartCopySettings } from './chart-copy-settings.js';
import { ChartSnapshotEntity } from './chart-snapshot.entity.js';
import { ChartsController } from './charts.controller.js';
import { ChartsService } from './charts.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ChartCopyEntity, ChartSnapshotEntity, ChartApplyOutcomeEntity]), ClinicsModule, LogStoreModule, LeaseFencingModule, FeedModule],
  controllers: [ChartsController],
  providers: [{ provide: chartCopySettingsToken, useValue: defaultChartCopySettings }, ChartCopiesRepository, ChartCopyService, ChartsService],
  exports: [ChartCopyService],
})
export class ChartsModule {}
