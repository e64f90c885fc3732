// The account PostgreSQL runs under. PostgreSQL refuses to run as root, so a root process runs it as an
// unprivileged system user (created when missing); any other process runs it as itself.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './embedded-postgres-error.js';

export interface ServerAccount {
  /** The user and group the server runs as, when this process is root; undefined: this process's own. */
  readonly ids: { readonly uid: number; readonly gid: number } | undefined;
}

export const postgresUserName = 'postgres';

export const accountLimits = {
  /** A probe runs `--version` or a shell's `cd`: it never takes long unless something is badly wrong. */
  probeTimeoutMs: 10_000,
};

const run = promisify(execFile);

export function runsAsRoot(): boolean {
  return process.getuid?.() === 0;
}

export async function serverAccount(): Promise<ServerAccount> {
  if (!runsAsRoot()) return { ids: undefined };
  return { ids: (await systemUserIds()) ?? (await createSystemUser()) };
}

async function systemUserIds(): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', postgresUserName]), run('id', ['-g', postgresUserName])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined; // no such user
  }
}

async function createSystemUser(): Promise<{ uid: number; gid: number }> {
  const groupExists = await run('getent', ['group', postgresUserName]).then(() => true, () => false);
  const group = groupExists ? ['--gid', postgresUserName] : ['--user-group'];
  try {
    await run('useradd', ['--system', '--no-create-home', ...group, postgresUserName]);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `PostgreSQL refuses to run as root and no '${postgresUserName}' user exists to run it (useradd failed: ${(error as Error).message.trim()}): ` +
        `create that user, run as another user, or set DATABASE_URL to a server of your own.`,
    );
  }
  const ids = await systemUserIds();
  if (ids === undefined) throw new EmbeddedPostgresError(`useradd ran, yet no '${postgresUserName}' user exists: create it by hand.`);
  return ids;
}

/** Whether the account can run a program: not when it sits below a folder the account cannot enter. */
export function accountCanRun(account: ServerAccount, program: string): Promise<boolean> {
  return probe(account, program, ['--version']);
}

/**
 * Whether the account can enter a folder, which the server needs for every folder above its data. Asked of
 * the system with the account's own credentials (a shell's `cd`), so ACLs and security modules count too.
 */
export function accountCanEnter(account: ServerAccount, folder: string): Promise<boolean> {
  return probe(account, 'sh', ['-c', 'cd -- "$1"', 'sh', folder]);
}

function probe(account: ServerAccount, command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...account.ids, stdio: 'ignore', timeout: accountLimits.probeTimeoutMs });
    child.on('error', () => resolve(false)); // EACCES, ENOENT: cannot run it at all
    child.on('exit', (code) => resolve(code === 0));
  });
}
