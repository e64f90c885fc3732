// Chart leases over HTTP against a real PostgreSQL: grant, the same clinic again, conflict, renew, release,
// expiry (moved with SQL), listing, and who may call what.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { createCentralApp } from '../../src/central-app.js';
import { generateCredential } from '../../src/auth/credentials.js';
import { call, clinicWithDevice, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';
import { expireLeasesOf } from './lease-test-support.js';

interface Grant {
  leaseId: string;
  epoch: number;
  expiresAt: string;
}

const missingId = '00000000-0000-4000-8000-000000000000';

describe('chart leases over HTTP', () => {
  let database: TestDatabase;
  let api: TestApp;
  let dataSource: DataSource;
  let kisoro: { clinicId: string; credential: string };
  let rubanda: { clinicId: string; credential: string };

  const acquire = (clinic: { clinicId: string; credential: string }, patientId: string, token = clinic.credential) =>
    call(api.baseUrl, 'POST', `/api/clinics/${clinic.clinicId}/leases`, { token, json: { patientId } });
  const leaseCount = async (): Promise<number> => ((await dataSource.query('SELECT count(*)::int AS n FROM chart_leases'))[0] as { n: number }).n;
  const databaseNowMs = async (): Promise<number> => ((await dataSource.query('SELECT clock_timestamp() AS now'))[0] as { now: Date }).now.getTime();

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApp(database.url);
    dataSource = api.app.get(DataSource);
    kisoro = await clinicWithDevice(api, 'Kisoro');
    rubanda = await clinicWithDevice(api, 'Rubanda');
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  it('grants a lease (201) with epoch 1 and an expiry from the database clock, and refuses another clinic with 409 heldBy', async () => {
    const patientId = randomUUID();
    const before = await databaseNowMs();
    const granted = await acquire(kisoro, patientId);
    expect(granted.status).toBe(201);
    const grant = granted.body as Grant;
    expect(Object.keys(grant).sort()).toEqual(['epoch', 'expiresAt', 'leaseId']);
    expect(grant.epoch).toBe(1);
    const expiresMs = Date.parse(grant.expiresAt);
    expect(expiresMs).toBeGreaterThanOrEqual(before + 15 * 60 * 1000);
    expect(expiresMs).toBeLessThan((await databaseNowMs()) + 15 * 60 * 1000 + 1000);

    const refused = await acquire(rubanda, patientId);
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ statusCode: 409, error: 'Conflict', message: jasmine.stringMatching(/leased to clinic/), heldBy: kisoro.clinicId, expiresAt: grant.expiresAt, epoch: grant.epoch });
  });

  it('answers the holder acquiring again with its same lease, extended (200): idempotent, no new epoch', async () => {
    const patientId = randomUUID();
    const first = (await acquire(kisoro, patientId)).body as Grant;
    const again = await acquire(kisoro, patientId);
    expect(again.status).toBe(200);
    const second = again.body as Grant;
    expect(second.leaseId).toBe(first.leaseId);
    expect(second.epoch).toBe(first.epoch);
    expect(Date.parse(second.expiresAt)).toBeGreaterThanOrEqual(Date.parse(first.expiresAt));
  });

  it('lets an admin acquire for a clinic, and answers 404 for a clinic that does not exist', async () => {
    const patientId = randomUUID();
    expect((await acquire(kisoro, patientId, api.adminToken)).status).toBe(201);
    const missing = await call(api.baseUrl, 'POST', `/api/clinics/${missingId}/leases`, { token: api.adminToken, json: { patientId: randomUUID() } });
    expect(missing.status).toBe(404);
  });

  it('grants the next epoch to another clinic once the lease expired, and refuses the old holder\'s renewal with 409 heldBy', async () => {
    const patientId = randomUUID();
    const first = (await acquire(kisoro, patientId)).body as Grant;
    await expireLeasesOf(dataSource, patientId);
    const taken = await acquire(rubanda, patientId);
    expect(taken.status).toBe(201);
    const second = taken.body as Grant;
    expect(second.epoch).toBe(first.epoch + 1);

    const renewal = await call(api.baseUrl, 'POST', `/api/leases/${first.leaseId}/renew`, { token: kisoro.credential });
    expect(renewal.status).toBe(409);
    expect(renewal.body).toEqual(jasmine.objectContaining({ heldBy: rubanda.clinicId, expiresAt: second.expiresAt }));
  });

  it('renews the holder\'s lease (same id and epoch, later expiry), even after it expired when nobody took the chart since', async () => {
    const patientId = randomUUID();
    const grant = (await acquire(kisoro, patientId)).body as Grant;
    await expireLeasesOf(dataSource, patientId);
    const renewed = await call(api.baseUrl, 'POST', `/api/leases/${grant.leaseId}/renew`, { token: kisoro.credential });
    expect(renewed.status).toBe(200);
    const body = renewed.body as Grant;
    expect(body.leaseId).toBe(grant.leaseId);
    expect(body.epoch).toBe(grant.epoch);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(await databaseNowMs());
    expect((await acquire(rubanda, patientId)).status).withContext('revived: held again').toBe(409);
  });

  it('gives the same clinic a new epoch when it acquires after its lease expired', async () => {
    const patientId = randomUUID();
    const first = (await acquire(kisoro, patientId)).body as Grant;
    await expireLeasesOf(dataSource, patientId);
    const again = await acquire(kisoro, patientId);
    expect(again.status).toBe(201);
    expect((again.body as Grant).epoch).toBe(first.epoch + 1);
    const staleRenewal = await call(api.baseUrl, 'POST', `/api/leases/${first.leaseId}/renew`, { token: kisoro.credential });
    expect(staleRenewal.status).withContext('superseded by its own clinic\'s new grant').toBe(409);
  });

  it('releases a lease (204, again 204), after which another clinic gets the next epoch and the released one cannot be renewed', async () => {
    const patientId = randomUUID();
    const grant = (await acquire(kisoro, patientId)).body as Grant;
    for (let attempt = 0; attempt < 2; attempt++) {
      const released = await call(api.baseUrl, 'DELETE', `/api/leases/${grant.leaseId}`, { token: kisoro.credential });
      expect(released.status).toBe(204);
    }
    const renewal = await call(api.baseUrl, 'POST', `/api/leases/${grant.leaseId}/renew`, { token: kisoro.credential });
    expect(renewal.status).toBe(409);
    expect((renewal.body as { message: string }).message).toMatch(/released/);
    const taken = await acquire(rubanda, patientId);
    expect(taken.status).toBe(201);
    expect((taken.body as Grant).epoch).toBe(grant.epoch + 1);
  });

  it('answers 403 to a device renewing or releasing another clinic\'s lease, and changes nothing', async () => {
    const patientId = randomUUID();
    const grant = (await acquire(kisoro, patientId)).body as Grant;
    expect((await call(api.baseUrl, 'POST', `/api/leases/${grant.leaseId}/renew`, { token: rubanda.credential })).status).toBe(403);
    expect((await call(api.baseUrl, 'DELETE', `/api/leases/${grant.leaseId}`, { token: rubanda.credential })).status).toBe(403);
    expect((await acquire(rubanda, patientId)).status).withContext('still held by Kisoro').toBe(409);
    expect((await call(api.baseUrl, 'DELETE', `/api/leases/${grant.leaseId}`, { token: api.adminToken })).status).withContext('ops may release').toBe(204);
  });

  it('answers 403 to a device acquiring for another clinic, 401 without credentials, 404 for an unknown lease', async () => {
    const before = await leaseCount();
    expect((await acquire(rubanda, randomUUID(), kisoro.credential)).status).toBe(403);
    const anonymous = await call(api.baseUrl, 'POST', `/api/clinics/${kisoro.clinicId}/leases`, { json: { patientId: randomUUID() } });
    expect(anonymous.status).toBe(401);
    expect((await call(api.baseUrl, 'POST', `/api/leases/${missingId}/renew`)).status).toBe(401);
    expect((await call(api.baseUrl, 'DELETE', `/api/leases/${missingId}`)).status).toBe(401);
    expect((await call(api.baseUrl, 'POST', `/api/leases/${missingId}/renew`, { token: kisoro.credential })).status).toBe(404);
    expect((await call(api.baseUrl, 'DELETE', `/api/leases/${missingId}`, { token: api.adminToken })).status).toBe(404);
    expect(await leaseCount()).toBe(before);
  });

  const badBodies: [string, unknown][] = [
    ['an unknown field', { patientId: randomUUID(), epoch: 7 }],
    ['a wrong type', { patientId: 42 }],
    ['a patient id that is not a UUID', { patientId: 'patient-1' }],
    ['no patient id', {}],
    ['an array', [{ patientId: randomUUID() }]],
  ];
  for (const [what, json] of badBodies) {
    it(`refuses an acquisition with ${what}: 400, nothing stored`, async () => {
      const before = await leaseCount();
      const response = await call(api.baseUrl, 'POST', `/api/clinics/${kisoro.clinicId}/leases`, { token: kisoro.credential, json });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: jasmine.any(String) });
      expect(await leaseCount()).toBe(before);
    });
  }

  it('refuses lease ids that are not UUIDs with 400', async () => {
    expect((await call(api.baseUrl, 'POST', '/api/leases/not-a-uuid/renew', { token: kisoro.credential })).status).toBe(400);
    expect((await call(api.baseUrl, 'DELETE', '/api/leases/not-a-uuid', { token: kisoro.credential })).status).toBe(400);
  });

  it('lists leases for ops, newest first, filtered by clinic, patient and activity; admin only', async () => {
    const clinic = await clinicWithDevice(api, 'Listing');
    const [held, released, expired] = [randomUUID(), randomUUID(), randomUUID()];
    const heldGrant = (await acquire(clinic, held)).body as Grant;
    const releasedGrant = (await acquire(clinic, released)).body as Grant;
    await call(api.baseUrl, 'DELETE', `/api/leases/${releasedGrant.leaseId}`, { token: clinic.credential });
    const expiredGrant = (await acquire(clinic, expired)).body as Grant;
    await expireLeasesOf(dataSource, expired);

    const list = async (query: string) => {
      const response = await call(api.baseUrl, 'GET', `/api/leases?${query}`, { token: api.adminToken });
      expect(response.status).withContext(query).toBe(200);
      return (response.body as { leases: { leaseId: string; active: boolean }[] }).leases;
    };
    const all = await list(`clinicId=${clinic.clinicId}`);
    expect(all.map((lease) => lease.leaseId)).toEqual([releasedGrant.leaseId, heldGrant.leaseId, expiredGrant.leaseId]);
    expect(all[1]).toEqual({
      leaseId: heldGrant.leaseId,
      patientId: held,
      clinicId: clinic.clinicId,
      epoch: 1,
      grantedAt: jasmine.stringMatching(/^\d{4}-/),
      expiresAt: heldGrant.expiresAt,
      releasedAt: null,
      active: true,
    } as never);
    expect((await list(`clinicId=${clinic.clinicId}&active=true`)).map((lease) => lease.leaseId)).toEqual([heldGrant.leaseId]);
    expect((await list(`clinicId=${clinic.clinicId}&active=false`)).length).toBe(2);
    expect((await list(`patientId=${released}`)).map((lease) => lease.leaseId)).toEqual([releasedGrant.leaseId]);
    expect((await list(`clinicId=${clinic.clinicId}&limit=1`)).length).toBe(1);

    expect((await call(api.baseUrl, 'GET', '/api/leases', { token: clinic.credential })).status).withContext('a device').toBe(403);
    for (const query of ['active=yes', 'clinicId=nope', 'limit=0', 'limit=1001', 'owner=me']) {
      expect((await call(api.baseUrl, 'GET', `/api/leases?${query}`, { token: api.adminToken })).status).withContext(query).toBe(400);
    }
  });
});

describe('chart leases with a short lease duration setting', () => {
  it('grants leases lasting the configured duration, which then expire by the database clock', async () => {
    const database = await createTestDatabase();
    const adminToken = generateCredential('admin');
    const app = await createCentralApp({ database: { url: database.url, logging: false }, auth: { adminToken }, leases: { durationSeconds: 1 }, logLevels: ['error'] });
    try {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      const api: TestApp = { app, adminToken, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
      const kisoro = await clinicWithDevice(api, 'Kisoro');
      const rubanda = await clinicWithDevice(api, 'Rubanda');
      const patientId = randomUUID();
      const grant = (await call(api.baseUrl, 'POST', `/api/clinics/${kisoro.clinicId}/leases`, { token: kisoro.credential, json: { patientId } })).body as Grant;
      const [{ now }] = (await app.get(DataSource).query('SELECT clock_timestamp() AS now')) as [{ now: Date }];
      expect(Date.parse(grant.expiresAt) - now.getTime()).toBeLessThanOrEqual(1000);
      // Wait for the database clock to pass the expiry (about a second), then another clinic takes the chart.
      await app.get(DataSource).query('SELECT pg_sleep(greatest(0, extract(epoch from ($1::timestamptz - clock_timestamp())) + 0.05))', [grant.expiresAt]);
      const taken = await call(api.baseUrl, 'POST', `/api/clinics/${rubanda.clinicId}/leases`, { token: rubanda.credential, json: { patientId } });
      expect(taken.status).toBe(201);
      expect((taken.body as Grant).epoch).toBe(2);
    } finally {
      await app.close();
      await database.drop();
    }
  }, testPostgresStartTimeoutMs);
});
