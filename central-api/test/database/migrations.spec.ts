// The hand-written migrations against a real PostgreSQL: they build the schema, run once however many
// processes start together, and undo cleanly.
import { DataSource } from 'typeorm';
import { migrations } from '../../src/database/migrations/index.js';
import { runMigrationsExclusively } from '../../src/database/run-migrations.js';
import { typeOrmOptions } from '../../src/database/typeorm-options.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';

const applicationTables = [
  'admin_credentials', 'chart_apply_outcomes', 'chart_copies', 'chart_lease_heads', 'chart_leases', 'chart_snapshots', 'clinic_signing_keys', 'clinic_sync_states',
  'clinics', 'devices', 'enrollment_codes', 'feed_heads', 'feed_items', 'horizon_fills', 'lease_fencing_conflicts', 'log_divergences', 'log_entries', 'patient_horizons',
  'patient_registrations', 'patient_writes', 'signaling_secrets', 'sync_horizons',
];

async function tables(dataSource: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await dataSource.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
  );
  return rows.map((row) => row.table_name);
}

describe('migrations (PostgreSQL)', () => {
  let database: TestDatabase;
  const openDataSources: DataSource[] = [];

  async function connect(): Promise<DataSource> {
    const dataSource = await new DataSource(typeOrmOptions({ url: database.url, logging: false })).initialize();
    openDataSources.push(dataSource);
    return dataSource;
  }

  beforeEach(async () => {
    database = await createTestDatabase();
  }, testPostgresStartTimeoutMs);

  afterEach(async () => {
    await Promise.all(openDataSources.splice(0).map((dataSource) => dataSource.destroy()));
    await database.drop();
  });

  it('are listed in timestamp order with unique names', () => {
    const names = migrations.map((migration) => migration.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort((a, b) => Number(/\d{13}$/.exec(a)?.[0]) - Number(/\d{13}$/.exec(b)?.[0]))).toEqual(names);
  });

  it('build the schema on an empty database and record each migration once', async () => {
    const dataSource = await connect();
    expect(await tables(dataSource)).toEqual([]);
    const applied = await runMigrationsExclusively(dataSource);
    expect(applied.map((migration) => migration.name)).toEqual(migrations.map((migration) => migration.name));
    expect(await tables(dataSource)).toEqual([...applicationTables, 'migrations'].sort());
    await expectAsync(runMigrationsExclusively(dataSource)).toBeResolvedTo([]);
  });

  it('run once when several processes start on one database at the same moment', async () => {
    const dataSources = await Promise.all([connect(), connect(), connect()]);
    const applied = await Promise.all(dataSources.map((dataSource) => runMigrationsExclusively(dataSource)));
    expect(applied.map((list) => list.length).sort()).toEqual([0, 0, migrations.length]);
    const recorded: unknown[] = await dataSources[0]!.query('SELECT name FROM migrations');
    expect(recorded.length).toBe(migrations.length);
  });

  it('undo to an empty schema', async () => {
    const dataSource = await connect();
    await runMigrationsExclusively(dataSource);
    for (let step = 0; step < migrations.length; step++) await dataSource.undoLastMigration();
    expect(await tables(dataSource)).toEqual(['migrations']);
  });

  it('leave no synchronize switched on: the schema comes only from migrations', () => {
    expect(typeOrmOptions({ url: 'postgres://unused', logging: false }).synchronize).toBeFalse();
  });
});
