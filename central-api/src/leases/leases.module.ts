// Chart lockout leases: grant, renew, release and list. The fencing check other modules use is in
// LeaseFencingModule, so importing it never registers these routes twice.
import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChartLeaseEntity } from './chart-lease.entity.js';
import { ChartLeaseGrantsRepository } from './chart-lease-grants.repository.js';
import { type LeaseSettings, leaseSettingsToken, resolveLeaseSettings } from './lease-settings.js';
import { LeasesController } from './leases.controller.js';
import { LeasesRepository } from './leases.repository.js';
import { LeasesService } from './leases.service.js';

@Module({})
export class LeasesModule {
  static forRoot(settings: Partial<LeaseSettings> = {}): DynamicModule {
    return {
      module: LeasesModule,
      imports: [TypeOrmModule.forFeature([ChartLeaseEntity])],
      controllers: [LeasesController],
      providers: [
        { provide: leaseSettingsToken, useValue: resolveLeaseSettings(settings) },
        ChartLeaseGrantsRepository,
        LeasesRepository,
        LeasesService,
      ],
    };
  }
}
