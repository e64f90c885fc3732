// The settings of one central API process, read once from the environment at start.
import path from 'node:path';

/** Where PostgreSQL is: a server named by a connection string, or one this process runs itself. */
export type DatabaseLocation =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'embedded'; readonly directory: string };

export interface CentralConfig {
  readonly port: number;
  readonly database: DatabaseLocation;
  /** The admin token from the environment; when absent one is generated on first start and stored hashed. */
  readonly adminToken: string | undefined;
}

export const configLimits = {
  /** A shorter admin token could be guessed; generated ones are far longer. */
  adminTokenCharactersMin: 24,
  portMax: 65_535,
};

export const defaultPort = 3000;

export class ConfigError extends Error {}

/** `repositoryRoot` anchors the default embedded data folder, so it does not depend on the working directory. */
export function readCentralConfig(environment: NodeJS.ProcessEnv, repositoryRoot: string): CentralConfig {
  return {
    port: readPort(environment['PORT']),
    database: readDatabaseLocation(environment, repositoryRoot),
    adminToken: readAdminToken(environment['ADMIN_TOKEN']),
  };
}

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return defaultPort;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > configLimits.portMax) {
    throw new ConfigError(`PORT must be an integer from 0 to ${configLimits.portMax}, not '${value}'`);
  }
  return port;
}

function readDatabaseLocation(environment: NodeJS.ProcessEnv, repositoryRoot: string): DatabaseLocation {
  const url = environment['DATABASE_URL'];
  if (url !== undefined && url !== '') return { kind: 'url', url };
  const directory = environment['EMBEDDED_POSTGRES_DIR'];
  if (directory !== undefined && directory !== '') return { kind: 'embedded', directory: path.resolve(directory) };
  return { kind: 'embedded', directory: path.join(repositoryRoot, '.data', 'postgres') };
}

function readAdminToken(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < configLimits.adminTokenCharactersMin) {
    throw new ConfigError(`ADMIN_TOKEN must have at least ${configLimits.adminTokenCharactersMin} characters`);
  }
  return value;
}
