// The routes that read central's copy of a clinic's charts (search, one chart), for central staff and for
// clinics pre-caching. The copy itself is the chart-copy module's.
import { Module } from '@nestjs/common';
import { ChartCopyModule } from '../chart-copy/chart-copy.module.js';
import { ClinicsModule } from '../clinics/clinics.module.js';
import { ChartsController } from './charts.controller.js';
import { ChartsService } from './charts.service.js';

@Module({
  imports: [ChartCopyModule, ClinicsModule],
  controllers: [ChartsController],
  providers: [ChartsService],
})
export class ChartsModule {}
