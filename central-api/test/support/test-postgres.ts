// One PostgreSQL server for the whole test run, and a fresh database on it for each suite that asks.
// The server is DATABASE_URL's when set (its user must be allowed to create databases; only databases named
// central_test_* are created and dropped there), else an embedded one in a fresh temporary folder, started
// on first use and deleted at the end of the run (helpers/test-postgres-lifecycle.ts).
import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres-server.js';
import { databaseUrl, dropDatabase, ensureDatabase } from '../../src/database/server-databases.js';

interface TestServer {
  /** A connection string to a database that always exists, for creating and dropping the others. */
  readonly maintenanceUrl: string;
  stop(): Promise<void>;
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** initdb and the first start take about a second; a slow CI machine gets more. */
export const testPostgresStartTimeoutMs = 60_000;

let server: Promise<TestServer> | undefined;
let databasesCreated = 0;

function testServer(): Promise<TestServer> {
  server ??= startTestServer();
  return server;
}

async function startTestServer(): Promise<TestServer> {
  const url = process.env['DATABASE_URL'];
  if (url !== undefined && url !== '') return { maintenanceUrl: url, stop: async () => undefined };
  const embedded = await EmbeddedPostgresServer.start({ durable: false });
  return { maintenanceUrl: embedded.url('postgres'), stop: () => embedded.stop() };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const { maintenanceUrl } = await testServer();
  databasesCreated += 1;
  const name = `central_test_${process.pid}_${databasesCreated}`;
  await ensureDatabase(maintenanceUrl, name);
  return { name, url: databaseUrl(maintenanceUrl, name), drop: () => dropDatabase(maintenanceUrl, name) };
}

export async function stopTestPostgres(): Promise<void> {
  if (server === undefined) return;
  const started = await server;
  server = undefined;
  await started.stop();
}
