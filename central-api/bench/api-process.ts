// The central API as `npm start` runs it (dist/central-api/src/main.js), in a child process of its own so the
// load generator never shares its event loop, on its own embedded PostgreSQL (fsync on) in a fresh temporary
// data folder that is deleted when it stops. With BENCH_API_LOG=<file> set, everything the API logs is appended
// to that file too (why a figure stalled: a warning, a retried transaction).
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runningServerPid } from '../src/database/postgres-lock-file.js';

const mainScript = fileURLToPath(new URL('../src/main.js', import.meta.url));

export const apiProcessLimits = {
  /** initdb with fsync, PostgreSQL, migrations, Nest: a few seconds on a slow machine. */
  startTimeoutMs: 60_000,
  /** main.js itself gives up after 30 s of stopping; a little more before we kill it. */
  stopTimeoutMs: 35_000,
  /** How often an orphaned PostgreSQL is checked for having exited. */
  exitPollMs: 100,
  /** The API's output kept to explain a failed start or a crash. */
  outputCharactersKept: 20_000,
  /** Error lines the API logged (a 500's cause), kept for the report. */
  errorLinesKept: 5,
};

export class ApiProcess {
  private output = '';
  private errorLinesSeen = 0;
  private readonly errorLines: string[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly folder: string,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Starts main.js with PORT 0 (a free port) and the given admin token; resolves once it listens. */
  static async start(adminToken: string, nodeArguments: readonly string[] = []): Promise<ApiProcess> {
    const folder = await mkdtemp(path.join(tmpdir(), 'clinic-mesh-peak-'));
    await chmod(folder, 0o755); // as root, the postgres user can enter it, so the data stay here (not in root's stand-in)
    const environment: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      ADMIN_TOKEN: adminToken,
      EMBEDDED_POSTGRES_DIR: path.join(folder, 'postgres'),
      NO_COLOR: '1', // plain log lines in the report
    };
    delete environment['DATABASE_URL'];
    const child = spawn(process.execPath, [...nodeArguments, mainScript], { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit); // a crashed bench must not leave the API (and its PostgreSQL) running
    child.once('exit', () => process.removeListener('exit', killOnExit));
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the API did not start in ${apiProcessLimits.startTimeoutMs} ms:\n${output}`)), apiProcessLimits.startTimeoutMs);
      const onData = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-apiProcessLimits.outputCharactersKept);
        const listening = /listening on http:\/\/localhost:(\d+)\/api/.exec(output);
        // The database line follows, and names the embedded server's port (databaseUrl).
        if (listening !== null && /database: .*\n/.test(output)) {
          clearTimeout(timer);
          resolve(Number(listening[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the API exited with ${code} before listening:\n${output}`));
      });
    }).catch(async (error: unknown) => {
      child.kill('SIGKILL');
      await rm(folder, { recursive: true, force: true });
      throw error;
    });
    const api = new ApiProcess(child, folder, port);
    api.output = output;
    // Keep reading: a child whose pipe fills up blocks on its next log line.
    const logFile = process.env['BENCH_API_LOG'];
    const copy = logFile === undefined || logFile === '' ? null : createWriteStream(logFile, { flags: 'a' });
    const keep = (chunk: Buffer) => {
      copy?.write(chunk);
      const text = chunk.toString();
      api.output = (api.output + text).slice(-apiProcessLimits.outputCharactersKept);
      api.noteErrorLines(text);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', () => copy?.end());
    return api;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** A connection string to the API's embedded PostgreSQL (as its superuser), from its start-up line and password file. */
  async databaseUrl(): Promise<string | undefined> {
    const port = /embedded PostgreSQL on port (\d+)/.exec(this.output)?.[1];
    if (port === undefined) return undefined;
    const password = (await readFile(path.join(this.folder, 'postgres-password'), 'utf8')).trim();
    return `postgres://postgres:${password}@127.0.0.1:${port}/clinic_mesh`;
  }

  /** The postmaster of the API's embedded PostgreSQL, from its lock file. */
  databasePid(): number | undefined {
    return runningServerPid(path.join(this.folder, 'postgres'));
  }

  /** True while the process runs: a crash mid-run must show in the figures. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  recentOutput(): string {
    return this.output;
  }

  /** Lines Nest's logger wrote at level ERROR since the start, and the first few of them. */
  loggedErrors(): { readonly lines: number; readonly first: readonly string[] } {
    return { lines: this.errorLinesSeen, first: this.errorLines };
  }

  private noteErrorLines(text: string): void {
    for (const line of text.split('\n')) {
      if (!/\bERROR\b/.test(line)) continue;
      this.errorLinesSeen++;
      if (this.errorLines.length < apiProcessLimits.errorLinesKept) this.errorLines.push(line.trim());
    }
  }

  /** SIGTERM (the API closes its server, then its PostgreSQL), SIGKILL if that hangs; then the folder goes. */
  async stop(): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), apiProcessLimits.stopTimeoutMs);
      });
      const outcome = await Promise.race([this.exited, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    await this.stopOrphanedDatabase();
    await rm(this.folder, { recursive: true, force: true });
  }

  /** An API killed with SIGKILL leaves its PostgreSQL running: stop it (fast shutdown) before its folder goes. */
  private async stopOrphanedDatabase(): Promise<void> {
    const databasePid = this.databasePid();
    if (databasePid === undefined) return;
    process.kill(databasePid, 'SIGINT');
    const deadline = performance.now() + apiProcessLimits.stopTimeoutMs;
    while (this.databasePid() !== undefined && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, apiProcessLimits.exitPollMs));
    }
  }
}
