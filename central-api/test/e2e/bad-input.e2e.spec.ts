// Bad input over HTTP: always a 4xx JSON error `{ statusCode, error, message }`, and nothing stored.
import { DataSource } from 'typeorm';
import { httpLimits } from '../../src/http/http-limits.js';
import { call, clinicWithDevice, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';

function expectErrorBody(body: unknown, statusCode: number, message?: RegExp): void {
  expect(body).toEqual({ statusCode, error: jasmine.any(String), message: message === undefined ? jasmine.any(String) : jasmine.stringMatching(message) });
}

describe('bad input over HTTP', () => {
  let database: TestDatabase;
  let api: TestApp;
  let clinicId: string;

  async function storedRows(): Promise<{ clinics: number; devices: number }> {
    const [row] = await api.app.get(DataSource).query('SELECT (SELECT count(*) FROM clinics)::int AS clinics, (SELECT count(*) FROM devices)::int AS devices');
    return row;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApp(database.url);
    ({ clinicId } = await clinicWithDevice(api));
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  const badClinics: [what: string, body: string, message: RegExp][] = [
    ['an unknown field', JSON.stringify({ name: 'K', chartPolicy: 'lease', owner: 'me' }), /property owner should not exist/],
    ['a wrong type', JSON.stringify({ name: 42, chartPolicy: 'lease' }), /name must be a string/],
    ['an unknown chart policy', JSON.stringify({ name: 'K', chartPolicy: 'share' }), /chartPolicy must be one of/],
    ['a missing field', JSON.stringify({ name: 'K' }), /chartPolicy/],
    ['a blank name', JSON.stringify({ name: '   ', chartPolicy: 'lease' }), /name must not be blank/],
    ['a control character in the name', JSON.stringify({ name: 'Kis\u0000oro', chartPolicy: 'lease' }), /control characters/],
    ['a name over the limit', JSON.stringify({ name: 'K'.repeat(201), chartPolicy: 'lease' }), /200 characters/],
    ['malformed JSON', '{"name": "K",', /JSON/],
    ['an array', '[{"name": "K", "chartPolicy": "lease"}]', /should not exist|must be/],
    ['a bare string', '"Kisoro"', /JSON/],
  ];

  for (const [what, body, message] of badClinics) {
    it(`refuses a clinic with ${what}: 400, nothing stored`, async () => {
      const before = await storedRows();
      const response = await call(api.baseUrl, 'POST', '/api/clinics', { token: api.adminToken, rawBody: body });
      expect(response.status).toBe(400);
      expectErrorBody(response.body, 400, message);
      expect(await storedRows()).toEqual(before);
    });
  }

  it('refuses a body over the size limit with 413 before parsing it, nothing stored', async () => {
    const before = await storedRows();
    const name = 'K'.repeat(httpLimits.jsonBodyBytesMax);
    const response = await call(api.baseUrl, 'POST', `/api/clinics/${clinicId}/devices`, { token: api.adminToken, json: { name } });
    expect(response.status).toBe(413);
    expectErrorBody(response.body, 413, new RegExp(`limit of ${httpLimits.jsonBodyBytesMax} bytes`));
    expect(await storedRows()).toEqual(before);
  });

  it('refuses a device with an unknown field or no name: 400, nothing stored', async () => {
    const before = await storedRows();
    for (const json of [{ name: 'Tablet', credential: 'mine' }, {}]) {
      const response = await call(api.baseUrl, 'POST', `/api/clinics/${clinicId}/devices`, { token: api.adminToken, json });
      expect(response.status).withContext(JSON.stringify(json)).toBe(400);
    }
    expect(await storedRows()).toEqual(before);
  });

  it('refuses a clinic id that is not a UUID with 400, not a database error', async () => {
    const response = await call(api.baseUrl, 'GET', '/api/clinics/not-a-uuid', { token: api.adminToken });
    expect(response.status).toBe(400);
    expectErrorBody(response.body, 400, /uuid/);
  });

  it('answers 404 JSON for unknown routes, inside /api and outside it', async () => {
    for (const [method, path] of [['GET', '/api/nothing-here'], ['GET', '/nothing-here'], ['POST', '/health'], ['DELETE', '/api/clinics']]) {
      const response = await call(api.baseUrl, method!, path!);
      expect(response.status).withContext(`${method} ${path}`).toBe(404);
      expectErrorBody(response.body, 404, /Cannot/);
    }
  });
});
