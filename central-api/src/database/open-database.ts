// Finds the database the process will use: DATABASE_URL's, or the embedded server started here.
import type { DatabaseLocation } from '../config/central-config.js';
import { EmbeddedPostgresServer } from './embedded-postgres-server.js';
import { ensureDatabase } from './server-databases.js';

/** The application's database on the embedded server. */
export const embeddedDatabaseName = 'clinic_mesh';

export interface OpenDatabase {
  readonly url: string;
  /** For the start-up message. */
  readonly description: string;
  /** Stops the embedded server; nothing for a server named by DATABASE_URL. */
  close(): Promise<void>;
}

export async function openDatabase(location: DatabaseLocation): Promise<OpenDatabase> {
  if (location.kind === 'url') {
    return { url: location.url, description: 'PostgreSQL at DATABASE_URL', close: async () => undefined };
  }
  const server = await EmbeddedPostgresServer.start({ directory: location.directory, durable: true });
  try {
    await ensureDatabase(server.url('postgres'), embeddedDatabaseName);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url: server.url(embeddedDatabaseName),
    description: `embedded PostgreSQL on port ${server.port}, data in ${location.directory}${linkNote(location.directory, server.dataFolder)}`,
    close: () => server.stop(),
  };
}

/** As root, data the postgres user could not reach where they were asked for live elsewhere, linked from there. */
function linkNote(asked: string, dataFolder: string): string {
  return dataFolder === asked ? '' : ` (a link to ${dataFolder}, which the postgres user can reach)`;
}
