// The embedded server as `npm start` uses it: data kept between runs, a clean stop, and a clear refusal to
// start a second server on the same folder.
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { EmbeddedPostgresError, EmbeddedPostgresServer } from '../../src/database/embedded-postgres-server.js';
import { testPostgresStartTimeoutMs } from '../support/test-postgres.js';

async function query(server: EmbeddedPostgresServer, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: server.url('postgres') });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL kept in a folder', () => {
  let parent: string;
  let directory: string;
  const started: EmbeddedPostgresServer[] = [];

  async function start(): Promise<EmbeddedPostgresServer> {
    const server = await EmbeddedPostgresServer.start({ directory, durable: false });
    started.push(server);
    return server;
  }

  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'clinic-mesh-embedded-spec-'));
    await chmod(parent, 0o755); // as root, PostgreSQL runs as the 'postgres' user, which must enter it
    directory = path.join(parent, 'postgres');
  });

  afterAll(async () => {
    await Promise.all(started.map((server) => server.stop()));
    await rm(parent, { recursive: true, force: true });
  });

  it('keeps its data across a stop and a start, on a new free port each time', async () => {
    const first = await start();
    await query(first, 'CREATE TABLE kept (value text); INSERT INTO kept VALUES (\'still here\')');
    await first.stop();
    expect(existsSync(path.join(directory, 'postmaster.pid'))).withContext('the lock file after stop').toBeFalse();

    const second = await start();
    await expectAsync(query(second, 'SELECT value FROM kept')).toBeResolvedTo([{ value: 'still here' }]);
    expect((await stat(`${directory}-password`)).mode & 0o777).withContext('the password file is private').toBe(0o600);

    await expectAsync(EmbeddedPostgresServer.start({ directory, durable: false })).toBeRejectedWithError(EmbeddedPostgresError, /already running/);
    await second.stop();
    await expectAsync(second.stop()).withContext('a second stop').toBeResolved();
  }, 3 * testPostgresStartTimeoutMs);

  it('as root, explains that the postgres user cannot reach a folder under a private one (otherwise, uses it)', async () => {
    const privateFolder = await mkdtemp(path.join(parent, 'private-')); // mode 700
    const starting = EmbeddedPostgresServer.start({ directory: path.join(privateFolder, 'postgres'), durable: false });
    // Started by root, PostgreSQL runs as the postgres user, who cannot enter a folder private to root.
    if (process.getuid?.() === 0) {
      await expectAsync(starting).toBeRejectedWithError(EmbeddedPostgresError, /cannot enter .*private-.*mode 700.*EMBEDDED_POSTGRES_DIR/);
      return;
    }
    const server = await starting;
    await expectAsync(query(server, 'SELECT 1 AS one')).toBeResolvedTo([{ one: 1 }]);
    await server.stop();
  }, 3 * testPostgresStartTimeoutMs);
});
