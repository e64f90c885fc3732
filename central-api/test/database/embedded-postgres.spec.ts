// The embedded server as `npm start` uses it: data kept between runs, a clean stop, a clear refusal to start
// a second server on the same folder, and a start from any folder, as root or not.
import { existsSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, mkdtemp, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { EmbeddedPostgresError, type EmbeddedPostgresOptions, EmbeddedPostgresServer, embeddedPostgresSettings } from '../../src/database/embedded-postgres-server.js';
import { installedBinaries } from '../../src/database/postgres-binaries.js';
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
    await chmod(parent, 0o755); // as root, the postgres user can enter it, so the data stay here (not in root's stand-in)
    directory = path.join(parent, 'postgres');
  });

  afterAll(async () => {
    await Promise.all(started.map((server) => server.stop()));
    await rm(parent, { recursive: true, force: true });
  });

  it('checkpoints rarely, its writes spread (a checkpoint at a peak took p99 up 2.6 times), and takes our connections on a Unix socket', async () => {
    const server = await start();
    const settings = await query(server, "SELECT name, setting, unit FROM pg_settings WHERE name IN ('max_wal_size', 'checkpoint_timeout') ORDER BY name");
    expect(settings).toEqual([
      { name: 'checkpoint_timeout', setting: String(embeddedPostgresSettings.checkpointTimeoutSeconds), unit: 's' },
      { name: 'max_wal_size', setting: String(embeddedPostgresSettings.walSizeMaxMegabytes), unit: 'MB' },
    ]);
    expect(server.url('postgres')).toContain(`?host=${encodeURIComponent(directory)}`);
    await expectAsync(query(server, 'SELECT client_addr FROM pg_stat_activity WHERE pid = pg_backend_pid()')).withContext('no address: a Unix socket').toBeResolvedTo([{ client_addr: null }]);
    await server.stop();
  }, testPostgresStartTimeoutMs);

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
});

// A clone in root's home (mode 700): as root, PostgreSQL runs as the postgres user, who can enter neither to
// run the programs npm installed there nor to reach a data folder there. Root then runs copies of the
// programs and keeps such data in a staging folder (here a temporary one), linked from where they were asked
// for. Any other user runs everything in place.
describe('embedded PostgreSQL installed or kept under a folder private to its user (mode 700)', () => {
  const asRoot = process.getuid?.() === 0;
  let parent: string;
  let privateFolder: string;
  let stagingFolder: string;
  const started: EmbeddedPostgresServer[] = [];

  async function start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
    const server = await EmbeddedPostgresServer.start({ rootStagingFolder: stagingFolder, ...options });
    started.push(server);
    return server;
  }

  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'clinic-mesh-private-spec-'));
    await chmod(parent, 0o755);
    privateFolder = await mkdtemp(path.join(parent, 'private-'));
    expect((await stat(privateFolder)).mode & 0o777).withContext('mkdtemp makes it private').toBe(0o700);
    stagingFolder = path.join(parent, 'staging');
  });

  afterAll(async () => {
    await Promise.all(started.map((server) => server.stop()));
    await rm(parent, { recursive: true, force: true });
  });

  it('runs programs installed under the private folder (as root, from its copy of them)', async () => {
    const installed = path.join(privateFolder, 'native');
    await cp(installedBinaries().folder, installed, { recursive: true, verbatimSymlinks: true });
    const server = await start({ durable: false, binaries: { folder: installed, version: 'spec' } });

    await expectAsync(query(server, 'SELECT 1 AS one')).toBeResolvedTo([{ one: 1 }]);
    const copy = path.join(stagingFolder, 'postgres-spec', 'bin', 'postgres');
    expect(existsSync(copy)).withContext(`root runs a copy; others the programs in place: ${copy}`).toBe(asRoot);
    await server.stop();
  }, 3 * testPostgresStartTimeoutMs);

  it('keeps data asked for under the private folder across restarts (as root, in a stand-in linked from there)', async () => {
    const directory = path.join(privateFolder, 'data', 'postgres');
    const first = await start({ directory, durable: false });
    await query(first, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('still here')");
    await first.stop();

    const second = await start({ directory, durable: false });
    await expectAsync(query(second, 'SELECT value FROM kept')).toBeResolvedTo([{ value: 'still here' }]);
    expect((await lstat(directory)).isSymbolicLink()).withContext('a link to the stand-in, for root only').toBe(asRoot);
    expect(second.dataFolder.startsWith(`${stagingFolder}${path.sep}`)).withContext(second.dataFolder).toBe(asRoot);
    expect(await realpath(directory)).toBe(second.dataFolder);
    expect((await stat(`${directory}-password`)).mode & 0o777).withContext('the password stays where it was asked for').toBe(0o600);
    await second.stop();
  }, 3 * testPostgresStartTimeoutMs);

  it('says in a sentence what to do when a program cannot be spawned, instead of an unhandled error event', async () => {
    // A postgres that answers --version, and no initdb: spawning initdb fails as root's EACCES did.
    const fake = path.join(parent, 'fake-binaries');
    await mkdir(path.join(fake, 'bin'), { recursive: true, mode: 0o755 });
    await writeFile(path.join(fake, 'bin', 'postgres'), '#!/bin/sh\necho "postgres (PostgreSQL) 18"\n', { mode: 0o755 });
    const starting = start({ durable: false, binaries: { folder: fake, version: 'fake' } });
    await expectAsync(starting).toBeRejectedWithError(EmbeddedPostgresError, /initdb could not be run \(ENOENT\): run npm ci again, or set DATABASE_URL/);
  }, testPostgresStartTimeoutMs);

  it('refuses programs it cannot run, with what to do', async () => {
    const unrunnable = path.join(privateFolder, 'unrunnable');
    await mkdir(path.join(unrunnable, 'bin'), { recursive: true });
    await writeFile(path.join(unrunnable, 'bin', 'postgres'), 'not a program\n', { mode: 0o644 });
    const starting = start({ durable: false, binaries: { folder: unrunnable, version: 'unrunnable' } });
    await expectAsync(starting).toBeRejectedWithError(EmbeddedPostgresError, asRoot ? /The postgres user cannot run .*remove .* and start again/ : /cannot be run .*run npm ci again/);
  }, testPostgresStartTimeoutMs);

  it('as root, will not run programs from a staging folder others may write to (others never use one)', async () => {
    const installed = path.join(privateFolder, 'native-for-writable');
    await cp(installedBinaries().folder, installed, { recursive: true, verbatimSymlinks: true });
    const writable = path.join(parent, 'writable-staging');
    await mkdir(writable);
    await chmod(writable, 0o777);
    const starting = start({ durable: false, binaries: { folder: installed, version: 'writable' }, rootStagingFolder: writable });
    if (asRoot) {
      await expectAsync(starting).toBeRejectedWithError(EmbeddedPostgresError, /must belong to root and be writable by root only/);
    } else {
      await expectAsync(query(await starting, 'SELECT 1 AS one')).toBeResolvedTo([{ one: 1 }]);
    }
    expect(await readdir(writable)).withContext('nothing copied into it').toEqual([]);
  }, 3 * testPostgresStartTimeoutMs);
});
