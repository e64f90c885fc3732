// Central's copy of every clinic's charts: a projection of the stored logs that catches up after each upload,
// fenced by chart leases, exporting each clinic's writes to the others holding the same patients.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FeedModule } from '../feed/feed.module.js';
import { LeaseFencingModule } from '../leases/lease-fencing.module.js';
import { LogStoreModule } from '../log-store/log-store.module.js';
import { ChartApplyOutcomeEntity } from './chart-apply-outcome.entity.js';
import { ChartCopiesRepository } from './chart-copies.repository.js';
import { ChartCopyEntity } from './chart-copy.entity.js';
import { ChartCopyService } from './chart-copy.service.js';
import { chartCopySettingsToken, defaultChartCopySettings } from './chart-copy-settings.js';
import { ChartSnapshotEntity } from './chart-snapshot.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([ChartCopyEntity, ChartSnapshotEntity, ChartApplyOutcomeEntity]), LogStoreModule, LeaseFencingModule, FeedModule],
  providers: [{ provide: chartCopySettingsToken, useValue: defaultChartCopySettings }, ChartCopiesRepository, ChartCopyService],
  exports: [ChartCopyService],
})
export class ChartCopyModule {}
