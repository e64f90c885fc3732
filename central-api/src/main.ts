// `npm start`: the central API on PORT, over DATABASE_URL's PostgreSQL or an embedded one kept in .data/.
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createCentralApp } from './central-app.js';
import { AdminTokenService } from './auth/admin-token.service.js';
import { ConfigError, readCentralConfig } from './config/central-config.js';
import { EmbeddedPostgresError } from './database/embedded-postgres-error.js';
import { openDatabase } from './database/open-database.js';
import { apiPrefix } from './http/configure-http.js';
import { openApiPath } from './http/openapi.js';
import { stopOnSignals } from './shutdown.js';

/** This file runs from dist/central-api/src/main.js. */
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

async function main(): Promise<void> {
  const config = readCentralConfig(process.env, repositoryRoot);
  const database = await openDatabase(config.database);
  const app = await createCentralApp({
    database: { url: database.url, logging: true },
    auth: { adminToken: config.adminToken },
    logLevels: ['log', 'warn', 'error'],
  }).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  await app.listen(config.port);
  stopOnSignals(async () => {
    await app.close();
    await database.close();
  }, (line) => console.log(`[central-api] ${line}`));

  const { port } = app.getHttpServer().address() as AddressInfo;
  const base = `http://localhost:${port}`;
  console.log(`Central API listening on ${base}/${apiPrefix}`);
  console.log(`  OpenAPI: ${base}/${openApiPath} (JSON: ${base}/${openApiPath}-json); health: ${base}/health; metrics: ${base}/metrics`);
  console.log(`  database: ${database.description}`);
  const generatedToken = app.get(AdminTokenService).takeGeneratedToken();
  if (generatedToken !== undefined) {
    console.log(`Admin token (generated now and shown only this once; only its hash is stored): ${generatedToken}`);
  } else if (config.adminToken === undefined) {
    console.log('Admin token: the one generated on the first start (set ADMIN_TOKEN to use your own)');
  }
}

main().catch((error: unknown) => {
  console.error(startFailure(error));
  process.exit(1);
});

/** Errors we raise ourselves already say what to do: their message is the whole story, without a stack. */
function startFailure(error: unknown): unknown {
  if (error instanceof ConfigError) return `Configuration error: ${error.message}`;
  if (error instanceof EmbeddedPostgresError) return `Embedded PostgreSQL: ${error.message}`;
  return error;
}
