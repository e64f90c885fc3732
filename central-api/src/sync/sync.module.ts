// Log ingest: clinic leaders upload committed log entries; central stores them and tells its chart copy.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChartsModule } from '../charts/charts.module.js';
import { ClinicSyncStateEntity } from './clinic-sync-state.entity.js';
import { DivergencesRepository } from './divergences.repository.js';
import { IngestService } from './ingest.service.js';
import { LogDivergenceEntity } from './log-divergence.entity.js';
import { LogStoreModule } from './log-store.module.js';
import { LogController } from './log.controller.js';
import { SyncStatesRepository } from './sync-states.repository.js';

@Module({
  imports: [TypeOrmModule.forFeature([ClinicSyncStateEntity, LogDivergenceEntity]), LogStoreModule, ChartsModule],
  controllers: [LogController],
  providers: [SyncStatesRepository, DivergencesRepository, IngestService],
})
export class SyncModule {}
