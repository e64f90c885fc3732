// Each clinic's sync horizon (seed 5b): set by an admin, downloaded into the clinic's feed so that every device
// holds the patients it brings before they arrive.
import { Module } from '@nestjs/common';
import { ChartCopyModule } from '../chart-copy/chart-copy.module.js';
import { ClinicsModule } from '../clinics/clinics.module.js';
import { FeedModule } from '../feed/feed.module.js';
import { HorizonController } from './horizon.controller.js';
import { HorizonFiller } from './horizon-filler.js';
import { HorizonRepository } from './horizon.repository.js';
import { HorizonService } from './horizon.service.js';

@Module({
  imports: [ChartCopyModule, ClinicsModule, FeedModule],
  controllers: [HorizonController],
  providers: [HorizonRepository, HorizonFiller, HorizonService],
})
export class HorizonModule {}
