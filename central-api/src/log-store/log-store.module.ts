// The stored clinic logs, shared by ingest (which writes them) and the chart copy (which replays them).
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LogEntriesRepository } from './log-entries.repository.js';
import { LogEntryEntity } from './log-entry.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([LogEntryEntity])],
  providers: [LogEntriesRepository],
  exports: [LogEntriesRepository],
})
export class LogStoreModule {}
