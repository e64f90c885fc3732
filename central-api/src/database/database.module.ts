// The one TypeORM DataSource of the process, migrated before anything uses it.
import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseLimits } from './database-limits.js';
import { runMigrationsExclusively } from './run-migrations.js';
import { type DatabaseSettings, typeOrmOptions } from './typeorm-options.js';

@Module({})
export class DatabaseModule {
  static forRoot(settings: DatabaseSettings): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...typeOrmOptions(settings),
            autoLoadEntities: true,
            retryAttempts: databaseLimits.startupConnectAttemptsMax,
            retryDelay: databaseLimits.startupConnectRetryDelayMs,
          }),
          dataSourceFactory: async (options) => {
            if (options === undefined) throw new Error('TypeORM options are missing');
            const dataSource = await new DataSource(options).initialize();
            await runMigrationsExclusively(dataSource);
            return dataSource;
          },
        }),
      ],
    };
  }
}
