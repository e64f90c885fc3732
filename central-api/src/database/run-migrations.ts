// Brings the schema up to date when a process starts. Several API processes may start at once on one
// database; a PostgreSQL advisory lock lets one of them migrate while the others wait, then find nothing to do.
import type { DataSource, Migration } from 'typeorm';

/** Any fixed number: the advisory lock every central API process takes around its migrations. */
const migrationLockKey = 0x636c_6d65; // 'clme'

export async function runMigrationsExclusively(dataSource: DataSource): Promise<Migration[]> {
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    try {
      // One transaction for all pending migrations: a failure leaves the schema as it was.
      return await dataSource.runMigrations({ transaction: 'all' });
    } finally {
      await lockRunner.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]);
    }
  } finally {
    await lockRunner.release();
  }
}
