// Puts PostgreSQL's programs and data where the account it runs under can reach them. Only root needs it:
// root runs the server as the postgres user, who cannot enter a folder private to root (a clone in /root,
// mode 700), neither to run the programs npm installed there nor to reach a data folder there.
//
// Root's copies live in a staging folder of its own (/var/lib/clinic-mesh by default): the programs are
// copied there once per version, with modes set here rather than inherited from npm's files, and a data
// folder the postgres user cannot reach is created there instead and linked from where it was asked for,
// so it lives in one place and nothing is copied back and forth.
import { existsSync } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, mkdtemp, readdir, readlink, rename, rm, rmdir, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres-error.js';
import { accountCanEnter, accountCanRun, type ServerAccount } from './postgres-account.js';
import { type PostgresBinaries, programPath } from './postgres-binaries.js';

/** Survives reboots, unlike /tmp, and is where a system keeps a service's state. */
export const defaultRootStagingFolder = '/var/lib/clinic-mesh';

const readableByAll = 0o755;
const writableByOthers = 0o022;

/** The programs as npm installed them when the account can run them, else root's copy of them. */
export async function reachableBinaries(account: ServerAccount, binaries: PostgresBinaries, stagingFolder: string): Promise<PostgresBinaries> {
  if (await accountCanRun(account, programPath(binaries, 'postgres'))) return binaries;
  if (account.ids === undefined) {
    throw new EmbeddedPostgresError(
      `${programPath(binaries, 'postgres')} cannot be run (a folder mounted noexec, or files without their execute bit): run npm ci again, or set DATABASE_URL to a server of your own.`,
    );
  }
  const copy = { folder: path.join(await ensureStagingFolder(stagingFolder), `postgres-${binaries.version}`), version: binaries.version };
  if (!existsSync(copy.folder)) await copyOnce(binaries.folder, copy.folder);
  if (!(await accountCanRun(account, programPath(copy, 'postgres')))) {
    throw new EmbeddedPostgresError(`The postgres user cannot run ${programPath(copy, 'postgres')}: remove ${copy.folder} and start again, to copy it anew.`);
  }
  return copy;
}

export interface PlacedDataFolder {
  /** The folder the server is given: the one asked for, or root's stand-in for it. */
  readonly folder: string;
  /** Root's stand-in's own folder, when one was made (deleted with a temporary server's data). */
  readonly standIn: string | undefined;
}

/**
 * The data folder asked for when the account can reach it, else a stand-in in the staging folder, linked
 * from the folder asked for. A link made before is followed: its target is where the data are.
 */
export async function reachableDataFolder(account: ServerAccount, asked: string, stagingFolder: string): Promise<PlacedDataFolder> {
  const folder = await followLink(asked);
  await mkdir(path.dirname(folder), { recursive: true });
  if (account.ids === undefined || (await accountCanEnter(account, path.dirname(folder)))) return { folder, standIn: undefined };
  if (folder !== asked) {
    throw new EmbeddedPostgresError(`${asked} links to ${folder}, which the postgres user cannot reach: remove the link, or set EMBEDDED_POSTGRES_DIR elsewhere.`);
  }
  await refuseDataInTheWay(asked);
  const standIn = await mkdtemp(path.join(await ensureStagingFolder(stagingFolder), 'data-'));
  await chmod(standIn, readableByAll); // the postgres user passes through; the data folder in it is its own, mode 700
  const standInData = path.join(standIn, path.basename(asked));
  await symlink(standInData, asked, 'dir');
  return { folder: standInData, standIn };
}

/** A temporary data folder (tests, benchmarks): in the system's temporary folder, or in the staging folder. */
export async function temporaryDataFolder(account: ServerAccount, stagingFolder: string): Promise<PlacedDataFolder> {
  const inTemporary = await mkdtemp(path.join(tmpdir(), 'clinic-mesh-postgres-'));
  if (account.ids === undefined || (await accountCanEnter(account, tmpdir()))) return { folder: inTemporary, standIn: undefined };
  await rm(inTemporary, { recursive: true, force: true });
  const standIn = await mkdtemp(path.join(await ensureStagingFolder(stagingFolder), 'temporary-'));
  await chmod(standIn, readableByAll);
  return { folder: path.join(standIn, 'postgres'), standIn };
}

/**
 * A folder root executes programs from must be writable by root alone. Made readable by all, so the
 * postgres user can pass through it.
 */
async function ensureStagingFolder(folder: string): Promise<string> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new EmbeddedPostgresError(
      `As root, PostgreSQL runs as the postgres user, whose copy of it belongs in ${folder}, which cannot be created (${(error as NodeJS.ErrnoException).code}): run as another user, or set DATABASE_URL to a server of your own.`,
    );
  }
  const { uid, mode } = await stat(folder);
  if (uid !== 0 || (mode & writableByOthers) !== 0) {
    throw new EmbeddedPostgresError(`${folder} holds programs root runs, so it must belong to root and be writable by root only: fix its owner and mode, or remove it.`);
  }
  if ((mode & 0o777) !== readableByAll) await chmod(folder, readableByAll);
  return folder;
}

async function followLink(folder: string): Promise<string> {
  const entry = await lstat(folder).catch(() => undefined);
  if (entry === undefined || !entry.isSymbolicLink()) return folder;
  return path.resolve(path.dirname(folder), await readlink(folder));
}

/** An empty folder is replaced by the link; data already there are never moved behind anyone's back. */
async function refuseDataInTheWay(folder: string): Promise<void> {
  if (!existsSync(folder)) return;
  if ((await readdir(folder)).length === 0) {
    await rmdir(folder);
    return;
  }
  throw new EmbeddedPostgresError(
    `${folder} holds files, but the postgres user cannot reach it: move it under ${defaultRootStagingFolder} and link to it, or set EMBEDDED_POSTGRES_DIR to a folder it can reach.`,
  );
}

/** Copies into a fresh folder, then renames it into place: two processes starting at once both end with one whole copy. */
async function copyOnce(source: string, target: string): Promise<void> {
  const partial = await mkdtemp(`${target}.partial-`);
  try {
    await copyTree(source, partial);
    await chmod(partial, readableByAll);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'EEXIST' || code === 'ENOTEMPTY') && existsSync(target)) return; // another process was first
    throw error;
  }
}

/** Directories and files readable by all, programs executable by all; links kept as links (the libraries' versions). */
async function copyTree(source: string, target: string): Promise<void> {
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (entry.isSymbolicLink()) {
      await symlink(await readlink(from), to);
    } else if (entry.isDirectory()) {
      await mkdir(to, { mode: readableByAll });
      await chmod(to, readableByAll);
      await copyTree(from, to);
    } else if (entry.isFile()) {
      await copyFile(from, to);
      await chmod(to, ((await stat(from)).mode & 0o111) !== 0 ? readableByAll : 0o644);
    }
  }
}
