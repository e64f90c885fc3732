// The downstream feed: lab results, central registrations and other clinics' changes to the patients it holds,
// for each clinic to import, with a long-poll
// that wakes across API processes through PostgreSQL LISTEN/NOTIFY.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChartChangeExport } from './chart-change-export.js';
import { FeedController } from './feed.controller.js';
import { FeedItemEntity } from './feed-item.entity.js';
import { FeedNotifications } from './feed-notifications.js';
import { FeedRepository } from './feed.repository.js';
import { FeedService } from './feed.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([FeedItemEntity])],
  controllers: [FeedController],
  providers: [FeedRepository, FeedNotifications, FeedService, ChartChangeExport],
  exports: [ChartChangeExport, FeedService],
})
export class FeedModule {}
