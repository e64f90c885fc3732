// Health and metrics over HTTP.
import { call, clinicWithDevice, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';

describe('health and metrics over HTTP', () => {
  let database: TestDatabase;
  let api: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApp(database.url);
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  it('reports healthy, with the database up, without credentials', async () => {
    const response = await call(api.baseUrl, 'GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual(jasmine.objectContaining({ status: 'ok', info: { database: jasmine.objectContaining({ status: 'up' }) } }));
  });

  it('counts and times requests by route pattern and status, and exports process metrics', async () => {
    const { clinicId, credential } = await clinicWithDevice(api);
    await call(api.baseUrl, 'GET', `/api/clinics/${clinicId}`, { token: credential });
    await call(api.baseUrl, 'GET', `/api/clinics/${clinicId}`);
    await call(api.baseUrl, 'GET', '/no/such/route/12345');

    const response = await call(api.baseUrl, 'GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = response.body as string;
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/clinics\/:clinicId",status="200"\} 1\b/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/clinics\/:clinicId",status="401"\} 1\b/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/api\/clinics",status="201"\} 1\b/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1\b/);
    expect(text).not.toContain(clinicId);
    expect(text).not.toContain('12345');
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});

describe('health when the database is gone', () => {
  it('answers 503 with the database down', async () => {
    const database = await createTestDatabase();
    const api = await startTestApp(database.url, []); // the failed check is logged as an error: expected here
    try {
      await database.drop(); // ends every connection of the app, and the database cannot be reached again
      const response = await call(api.baseUrl, 'GET', '/health');
      expect(response.status).toBe(503);
      expect(response.body).toEqual(jasmine.objectContaining({ statusCode: 503, details: { database: jasmine.objectContaining({ status: 'down' }) } }));
    } finally {
      await api.close();
    }
  }, testPostgresStartTimeoutMs);
});
