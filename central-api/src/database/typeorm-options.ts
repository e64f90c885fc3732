// How TypeORM reaches PostgreSQL: the options of the one DataSource of an API process.
import type { DataSourceOptions } from 'typeorm';
import { databaseLimits } from './database-limits.js';
import { migrations } from './migrations/index.js';

export interface DatabaseSettings {
  readonly url: string;
  /** Log the migrations run and failed queries (on for `npm start`, off in tests). */
  readonly logging: boolean;
}

/** Entities are added by each feature module (autoLoadEntities); the schema comes only from migrations. */
export function typeOrmOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    synchronize: false,
    migrations,
    migrationsRun: false, // run under an advisory lock instead: see run-migrations.ts
    logging: settings.logging ? ['error', 'warn', 'migration'] : false,
    extra: {
      max: databaseLimits.poolConnectionsMax,
      connectionTimeoutMillis: databaseLimits.connectionWaitMs,
    },
  };
}
