// The central API: every feature module, on one database. Later modules (log ingest, leases, feed, ops,
// signaling) are added to the imports here.
import { type DynamicModule, Module } from '@nestjs/common';
import { type AuthOptions } from './auth/auth-options.js';
import { AuthModule } from './auth/auth.module.js';
import { ChartsModule } from './charts/charts.module.js';
import { ClinicsModule } from './clinics/clinics.module.js';
import { DatabaseModule } from './database/database.module.js';
import type { DatabaseSettings } from './database/typeorm-options.js';
import { DeviceEnrollmentModule } from './device-enrollment/device-enrollment.module.js';
import { DeviceRevocationModule } from './device-revocation/device-revocation.module.js';
import { FeedModule } from './feed/feed.module.js';
import { HealthModule } from './health/health.module.js';
import { HorizonModule } from './horizon/horizon.module.js';
import type { LeaseSettings } from './leases/lease-settings.js';
import { LeasesModule } from './leases/leases.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OpsModule } from './ops/ops.module.js';
import { SignalingModule } from './signaling/signaling.module.js';
import { SyncModule } from './sync/sync.module.js';

export interface AppSettings {
  readonly database: DatabaseSettings;
  readonly auth: AuthOptions;
  /** Unset: the defaults (leases/lease-settings.ts); tests shorten the lease duration. */
  readonly leases?: Partial<LeaseSettings>;
}

@Module({})
export class AppModule {
  static forRoot(settings: AppSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [DatabaseModule.forRoot(settings.database), AuthModule.forRoot(settings.auth), ClinicsModule, HealthModule, MetricsModule,
        LeasesModule.forRoot(settings.leases), FeedModule, SignalingModule, SyncModule, ChartsModule, OpsModule, HorizonModule, DeviceEnrollmentModule,
        DeviceRevocationModule],
    };
  }
}
