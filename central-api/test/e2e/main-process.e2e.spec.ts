// `npm start`'s process itself: started as a child on an embedded PostgreSQL in a temporary folder, it
// prints where it listens and the admin token once, answers, and stops cleanly on SIGTERM and SIGINT.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { call } from '../support/test-app.js';

const mainScript = fileURLToPath(new URL('../../src/main.js', import.meta.url));
const limits = {
  /** initdb with fsync, PostgreSQL, Nest: a few seconds on a slow machine. */
  startTimeoutMs: 60_000,
  stopTimeoutMs: 30_000,
};

interface RunningCentral {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function startCentral(directory: string): Promise<RunningCentral> {
  const environment: NodeJS.ProcessEnv = { ...process.env, PORT: '0', EMBEDDED_POSTGRES_DIR: directory };
  delete environment['DATABASE_URL'];
  delete environment['ADMIN_TOKEN'];
  const child = spawn(process.execPath, [mainScript], { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`central did not start:\n${output}`)), limits.startTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/localhost:\d+)\/api/.exec(output);
      if (listening !== null && /Admin token/.test(output)) {
        clearTimeout(timer);
        resolve({ child, baseUrl: listening[1]!, output: () => output, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`central exited with ${code}:\n${output}`)));
  });
}

async function stopWith(central: RunningCentral, signal: NodeJS.Signals): Promise<number | null> {
  central.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no exit after ${signal}`)), limits.stopTimeoutMs);
  });
  try {
    return await Promise.race([central.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the central API process (npm start)', () => {
  let parent: string;
  let running: RunningCentral | undefined;

  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'clinic-mesh-main-spec-'));
    await chmod(parent, 0o755); // as root, the postgres user can enter it, so the data stay here (not in root's stand-in)
  });

  afterAll(async () => {
    if (running !== undefined && running.child.exitCode === null) await stopWith(running, 'SIGKILL');
    await rm(parent, { recursive: true, force: true });
  });

  it('starts on its embedded database, prints the admin token once, and stops cleanly on SIGTERM and SIGINT', async () => {
    const directory = path.join(parent, 'postgres');
    running = await startCentral(directory);
    const adminToken = /Admin token \(generated now[^:]*: (cmadm_\S+)/.exec(running.output())?.[1];
    expect(adminToken).withContext(running.output()).toBeDefined();
    expect(running.output()).toContain(`data in ${directory}`);
    const postgresPid = Number.parseInt(readFileSync(path.join(directory, 'postmaster.pid'), 'utf8'), 10);

    expect((await call(running.baseUrl, 'GET', '/health')).status).toBe(200);
    const created = await call(running.baseUrl, 'POST', '/api/clinics', { token: adminToken!, json: { name: 'Kisoro', chartPolicy: 'lease' } });
    expect(created.status).toBe(201);

    await expectAsync(stopWith(running, 'SIGTERM')).toBeResolvedTo(0);
    expect(existsSync(path.join(directory, 'postmaster.pid'))).withContext('PostgreSQL lock file').toBeFalse();
    expect(isAlive(postgresPid)).withContext('PostgreSQL process').toBeFalse();

    running = await startCentral(directory);
    expect(running.output()).not.toContain('cmadm_');
    const { id } = created.body as { id: string };
    const kept = await call(running.baseUrl, 'GET', `/api/clinics/${id}`, { token: adminToken! });
    expect(kept.status).withContext('the first token and the clinic survive a restart').toBe(200);
    await expectAsync(stopWith(running, 'SIGINT')).toBeResolvedTo(0);
    expect(existsSync(path.join(directory, 'postmaster.pid'))).toBeFalse();
  }, 2 * limits.startTimeoutMs + 2 * limits.stopTimeoutMs);
});
