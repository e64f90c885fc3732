// A central API app on an ephemeral port of 127.0.0.1, built like `npm start` builds it, and a small fetch
// wrapper to call it.
import type { AddressInfo } from 'node:net';
import type { LogLevel } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { generateCredential } from '../../src/auth/credentials.js';
import { createCentralApp } from '../../src/central-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from './test-postgres.js';

export interface TestApp {
  readonly app: NestExpressApplication;
  readonly baseUrl: string;
  readonly adminToken: string;
  close(): Promise<void>;
}

/** Errors are logged (an unexpected 500 shows its stack); a spec that causes errors on purpose passes []. */
/** `mountBesideApi` serves more beside the API (the multi-device specs' device page). */
export async function startTestApp(
  databaseUrl: string,
  logLevels: LogLevel[] = ['error'],
  mountBesideApi?: (app: NestExpressApplication) => void,
): Promise<TestApp> {
  const adminToken = generateCredential('admin');
  const mount = mountBesideApi === undefined ? {} : { mountBesideApi };
  const app = await createCentralApp({ database: { url: databaseUrl, logging: false }, auth: { adminToken }, logLevels, ...mount });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, adminToken, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export interface CallOptions {
  readonly token?: string;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as is, with Content-Type application/json unless `headers` says otherwise. */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the response is JSON, else the text. */
  readonly body: unknown;
}

export async function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  const body = options.json !== undefined ? JSON.stringify(options.json) : options.rawBody;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers: { ...headers, ...options.headers }, body });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;
  return { status: response.status, headers: response.headers, body: isJson ? JSON.parse(text) : text };
}

/** An admin creates a clinic and enrolls one device in it. */
export async function clinicWithDevice(app: TestApp, clinicName = 'Kisoro'): Promise<{ clinicId: string; deviceId: string; credential: string }> {
  const clinic = await call(app.baseUrl, 'POST', '/api/clinics', { token: app.adminToken, json: { name: clinicName, chartPolicy: 'lease' } });
  const { id: clinicId } = clinic.body as { id: string };
  const device = await call(app.baseUrl, 'POST', `/api/clinics/${clinicId}/devices`, { token: app.adminToken, json: { name: 'Nurse tablet' } });
  const { deviceId, credential } = device.body as { deviceId: string; credential: string };
  return { clinicId, deviceId, credential };
}

/**
 * A suite's own database and central API, started before its specs and stopped after them. Call it in the
 * suite's describe(); the returned function gives the running API inside specs.
 */
export function testAppPerSuite(): () => TestApp {
  let database: TestDatabase | undefined;
  let api: TestApp | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApp(database.url);
  }, testPostgresStartTimeoutMs);
  // Stopping the API (its pool, its LISTEN connection) and dropping the database take seconds on a loaded machine.
  afterAll(async () => {
    await api?.close();
    await database?.drop();
  }, testPostgresStartTimeoutMs);
  return () => {
    if (api === undefined) throw new Error('the suite\'s central API is not started');
    return api;
  };
}
