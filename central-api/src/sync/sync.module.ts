// Log ingest: clinic leaders upload committed log entries; central stores them (log-store) and tells its chart
// copy (chart-copy), which catches up afterwards.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChartCopyModule } from '../chart-copy/chart-copy.module.js';
import { ClinicSyncStateEntity } from './clinic-sync-state.entity.js';
import { DivergencesRepository } from './divergences.repository.js';
import { IngestService } from './ingest.service.js';
import { LogDivergenceEntity } from './log-divergence.entity.js';
import { LogStoreModule } from '../log-store/log-store.module.js';
import { LogController } from './log.controller.js';
import { SyncStatesRepository } from './sync-states.repository.js';

@Module({
  imports: [TypeOrmModule.forFeature([ClinicSyncStateEntity, LogDivergenceEntity]), LogStoreModule, ChartCopyModule],
  controllers: [LogController],
  providers: [SyncStatesRepository, DivergencesRepository, IngestService],
})
export class SyncModule {}
