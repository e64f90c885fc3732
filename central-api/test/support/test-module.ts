// A Nest testing module on a fresh, migrated test database: for repository tests against PostgreSQL.
import type { DynamicModule, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DatabaseModule } from '../../src/database/database.module.js';
import { createTestDatabase, type TestDatabase } from './test-postgres.js';

export interface DatabaseTestModule {
  readonly module: TestingModule;
  readonly database: TestDatabase;
  close(): Promise<void>;
}

export async function databaseTestModule(...imports: (Type | DynamicModule)[]): Promise<DatabaseTestModule> {
  const database = await createTestDatabase();
  const module = await Test.createTestingModule({
    imports: [DatabaseModule.forRoot({ url: database.url, logging: false }), ...imports],
  }).compile();
  module.useLogger(['error']);
  await module.init();
  return {
    module,
    database,
    close: async () => {
      await module.close();
      await database.drop();
    },
  };
}
