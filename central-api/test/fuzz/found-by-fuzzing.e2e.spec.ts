// What the fuzz specs found, kept as plain cases: each was a 5xx, an unknown field accepted, or a refusal
// that did not say what was wrong. Each refusal is a JSON error and leaves what is stored as it was.
import { request as httpRequest } from 'node:http';
import { maxHeaderSize } from 'node:http';
import { DataSource } from 'typeorm';
import { httpLimits } from '../../src/http/http-limits.js';
import { labResultBody, registrationBody } from '../feed/feed-test-support.js';
import { call, type CallResult, clinicWithDevice, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';
import { storedDigestReader, type StoredDigest } from './stored-digest.js';

function nestedText(depth: number, inArrays: boolean): string {
  return inArrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function expectRefusal(response: CallResult, statusCode: number, message: RegExp): void {
  expect(response.status).withContext(JSON.stringify(response.body)).toBe(statusCode);
  expect(response.body).toEqual(jasmine.objectContaining({ statusCode, error: jasmine.any(String), message: jasmine.stringMatching(message) }));
}

describe('bad input the fuzzer found', () => {
  let database: TestDatabase;
  let api: TestApp;
  let clinic: { clinicId: string; deviceId: string; credential: string };
  let storedDigest: () => Promise<StoredDigest>;
  let before: StoredDigest;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApp(database.url, []);
    clinic = await clinicWithDevice(api);
    storedDigest = await storedDigestReader(api.app.get(DataSource));
  }, testPostgresStartTimeoutMs);

  beforeEach(async () => {
    before = await storedDigest();
  });

  afterEach(async () => {
    expect(await storedDigest()).withContext('what is stored').toEqual(before);
  });

  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  const post = (path: string, rawBody: string, headers: Record<string, string> = {}) => call(api.baseUrl, 'POST', path, { token: api.adminToken, rawBody, headers });

  it('refuses a body nested thousands of levels deep with 400 naming the limit (class-transformer overflowed its stack: a 500)', async () => {
    const depthMessage = new RegExp(`more than ${httpLimits.jsonNestingDepthMax} levels deep`);
    expectRefusal(await post('/api/clinics', nestedText(5_000, false)), 400, depthMessage);
    expectRefusal(await post('/api/clinics', nestedText(100_000, true)), 400, depthMessage);
    const labResult = JSON.stringify(labResultBody({ result: 'DEEP' })).replace('"DEEP"', nestedText(20_000, true));
    expectRefusal(await post(`/api/clinics/${clinic.clinicId}/feed/lab-results`, labResult), 400, depthMessage);
    const registration = JSON.stringify(registrationBody({ name: 'DEEP' })).replace('"DEEP"', nestedText(3_000, false));
    expectRefusal(await post(`/api/clinics/${clinic.clinicId}/feed/registrations`, registration), 400, depthMessage);
  });

  it('leaves nesting at the limit to the route\'s own validation', async () => {
    const atLimit = await post('/api/clinics', JSON.stringify({ name: 'K', chartPolicy: 'lease', extra: JSON.parse(nestedText(httpLimits.jsonNestingDepthMax - 1, false)) }));
    expectRefusal(atLimit, 400, /property extra should not exist/);
    const pastLimit = await post('/api/clinics', JSON.stringify({ name: 'K', chartPolicy: 'lease', extra: JSON.parse(nestedText(httpLimits.jsonNestingDepthMax, false)) }));
    expectRefusal(pastLimit, 400, /levels deep/);
  });

  it('refuses fields named after Object.prototype\'s members, which validation dropped without a word', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']) {
      expectRefusal(await post('/api/clinics', `{"name": "Kisoro", "chartPolicy": "lease", "${key}": "x"}`), 400, new RegExp(`property ${key} should not exist`));
    }
    const nested = JSON.stringify(labResultBody({ result: { kind: 'text', text: 'negative', toString: 'x' } }));
    expectRefusal(await post(`/api/clinics/${clinic.clinicId}/feed/lab-results`, nested), 400, /property toString should not exist/);
    const entry = `{"fromIndex": 1, "entries": [{"index": 1, "term": 1, "kind": "noop", "constructor": 1}]}`;
    expectRefusal(await call(api.baseUrl, 'POST', `/api/clinics/${clinic.clinicId}/log`, { token: clinic.credential, rawBody: entry }), 400, /property constructor should not exist/);
    expectRefusal(await call(api.baseUrl, 'GET', '/api/leases?toString=1', { token: api.adminToken }), 400, /property toString should not exist/);
  });

  it('refuses a body sent as another content type with 415 saying it must be JSON, not that its fields are missing', async () => {
    const body = JSON.stringify({ name: 'Kisoro', chartPolicy: 'lease' });
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/vnd.api+json']) {
      expectRefusal(await post('/api/clinics', body, { 'content-type': contentType }), 415, /must be JSON sent as "Content-Type: application\/json"/);
    }
  });

  it('says a malformed or undecompressible body is not valid JSON, not just the parser\'s words', async () => {
    expectRefusal(await post('/api/clinics', '{"name": "Kisoro",'), 400, /^The request body is not valid JSON: /);
    expectRefusal(await post('/api/clinics', 'not gzip', { 'content-encoding': 'gzip' }), 400, /^The request body could not be decompressed/);
  });

  it('answers a request line over Node\'s header limit with a JSON 431 (Node answered a bare status line)', async () => {
    const { port } = new URL(api.baseUrl);
    const answer = await new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, path: `/api/leases?clinicId=${'x'.repeat(maxHeaderSize)}` }, (incoming) => {
        let text = '';
        incoming.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: JSON.parse(text) }));
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
    expect(answer).toEqual({ status: 431, body: { statusCode: 431, error: 'Request Header Fields Too Large', message: jasmine.stringMatching(`limit of ${maxHeaderSize} bytes`) } });
  });

  it('lets a device reach its own clinic with the id in upper case, as the admin can (it was refused 403 as another clinic\'s)', async () => {
    const response = await call(api.baseUrl, 'GET', `/api/clinics/${clinic.clinicId.toUpperCase()}/log/ack`, { token: clinic.credential });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ acknowledgedIndex: 0 });
  });
});
