// Enrollment and the 401/403 rules over HTTP, against a real PostgreSQL.
import { call, clinicWithDevice, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';

const missingClinicId = '00000000-0000-4000-8000-000000000000';

describe('clinics and devices over HTTP', () => {
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

  it('lets an admin create a clinic, enroll a device, and the device read its own clinic', async () => {
    const created = await call(api.baseUrl, 'POST', '/api/clinics', { token: api.adminToken, json: { name: 'Kisoro', chartPolicy: 'merge' } });
    expect(created.status).toBe(201);
    const { id: clinicId } = created.body as { id: string };
    expect(Object.keys(created.body as object)).toEqual(['id']);

    const enrolled = await call(api.baseUrl, 'POST', `/api/clinics/${clinicId}/devices`, { token: api.adminToken, json: { name: 'Pharmacy desktop' } });
    expect(enrolled.status).toBe(201);
    const { deviceId, credential } = enrolled.body as { deviceId: string; credential: string };
    expect(credential).toMatch(/^cmdev_/);

    const readByDevice = await call(api.baseUrl, 'GET', `/api/clinics/${clinicId}`, { token: credential });
    expect(readByDevice.status).toBe(200);
    expect(readByDevice.body).toEqual({
      id: clinicId,
      name: 'Kisoro',
      chartPolicy: 'merge',
      createdAt: jasmine.stringMatching(/^\d{4}-\d\d-\d\dT/),
      devices: [{ deviceId, name: 'Pharmacy desktop', enrolledAt: jasmine.stringMatching(/^\d{4}-/), lastSeenAt: jasmine.stringMatching(/^\d{4}-/) }],
    });
    expect(JSON.stringify(readByDevice.body)).not.toContain(credential);
  });

  it('records when a device was last heard from, not when an admin looked', async () => {
    const { clinicId } = await clinicWithDevice(api);
    const beforeDeviceCall = await call(api.baseUrl, 'GET', `/api/clinics/${clinicId}`, { token: api.adminToken });
    expect((beforeDeviceCall.body as { devices: { lastSeenAt: unknown }[] }).devices[0]?.lastSeenAt).toBeNull();
  });

  it('answers 401 without credentials or with a wrong one, with a Bearer challenge', async () => {
    const { clinicId } = await clinicWithDevice(api);
    for (const token of [undefined, 'cmdev_not-a-real-credential', 'x'.repeat(600)]) {
      const response = await call(api.baseUrl, 'GET', `/api/clinics/${clinicId}`, token === undefined ? {} : { token });
      expect(response.status).withContext(String(token).slice(0, 20)).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(response.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: jasmine.any(String) });
    }
    const basic = await call(api.baseUrl, 'GET', `/api/clinics/${clinicId}`, { headers: { authorization: `Basic ${api.adminToken}` } });
    expect(basic.status).toBe(401);
  });

  it('answers 403 to a device reading another clinic, and to a device calling admin routes', async () => {
    const own = await clinicWithDevice(api, 'Own clinic');
    const other = await clinicWithDevice(api, 'Other clinic');
    const asDevice = { token: own.credential };
    expect((await call(api.baseUrl, 'GET', `/api/clinics/${other.clinicId}`, asDevice)).status).toBe(403);
    expect((await call(api.baseUrl, 'POST', '/api/clinics', { ...asDevice, json: { name: 'Mine', chartPolicy: 'lease' } })).status).toBe(403);
    expect((await call(api.baseUrl, 'POST', `/api/clinics/${own.clinicId}/devices`, { ...asDevice, json: { name: 'Extra' } })).status).toBe(403);
    const otherClinic = await call(api.baseUrl, 'GET', `/api/clinics/${other.clinicId}`, { token: api.adminToken });
    expect((otherClinic.body as { devices: unknown[] }).devices.length).withContext('nothing enrolled by the refused call').toBe(1);
  });

  it('tells a credential\'s owner who it is: a device its id and clinic, an admin that it is the admin', async () => {
    const { clinicId, deviceId, credential } = await clinicWithDevice(api);
    await expectAsync(call(api.baseUrl, 'GET', '/api/me', { token: credential })).toBeResolvedTo(
      jasmine.objectContaining({ status: 200, body: { kind: 'device', deviceId, clinicId } }),
    );
    await expectAsync(call(api.baseUrl, 'GET', '/api/me', { token: api.adminToken })).toBeResolvedTo(jasmine.objectContaining({ status: 200, body: { kind: 'admin' } }));
    expect((await call(api.baseUrl, 'GET', '/api/me')).status).toBe(401);
  });

  it('answers 404 for a clinic that does not exist, to reads and enrollments', async () => {
    const read = await call(api.baseUrl, 'GET', `/api/clinics/${missingClinicId}`, { token: api.adminToken });
    expect(read.status).toBe(404);
    const enroll = await call(api.baseUrl, 'POST', `/api/clinics/${missingClinicId}/devices`, { token: api.adminToken, json: { name: 'Tablet' } });
    expect(enroll.body).toEqual({ statusCode: 404, error: 'Not Found', message: `Clinic ${missingClinicId} does not exist` });
  });

  it('serves an OpenAPI document describing the routes and their bearer authentication', async () => {
    const response = await call(api.baseUrl, 'GET', '/api/docs-json');
    expect(response.status).toBe(200);
    const document = response.body as { paths: Record<string, object>; components: { securitySchemes: object } };
    expect(Object.keys(document.paths)).toEqual(jasmine.arrayContaining(['/api/clinics', '/api/clinics/{clinicId}', '/api/clinics/{clinicId}/devices', '/health']));
    expect(document.components.securitySchemes).toEqual(jasmine.objectContaining({ bearer: jasmine.objectContaining({ scheme: 'bearer' }) }));
  });
});
