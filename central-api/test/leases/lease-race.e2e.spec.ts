// Clinics racing for one chart, over HTTP, through two API processes on one PostgreSQL: in every round
// exactly one clinic wins, every epoch is larger than the last, no two leases are ever held at once, and no
// request fails with a 5xx.
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { call, clinicWithDevice, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';
import { expireLeasesOf, overlappingLeasePairs } from './lease-test-support.js';

const clinicsRacing = 20;
const attemptsPerClinic = 10;
const rounds = 4;
const raceTimeoutMs = 60_000;

describe('clinics racing for one chart (two API processes, real PostgreSQL)', () => {
  let database: TestDatabase;
  let apis: TestApp[];
  let clinics: { clinicId: string; credential: string }[];

  beforeAll(async () => {
    database = await createTestDatabase();
    apis = [await startTestApp(database.url), await startTestApp(database.url)];
    clinics = [];
    for (let index = 0; index < clinicsRacing; index++) clinics.push(await clinicWithDevice(apis[0]!, `Clinic ${index}`));
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    for (const api of apis) await api.close();
    await database.drop();
  });

  it(`gives the chart to exactly one of ${clinicsRacing} clinics x ${attemptsPerClinic} parallel attempts, round after round`, async () => {
    const patientId = randomUUID();
    const dataSource = apis[0]!.app.get(DataSource);
    let lastEpoch = 0;
    for (let round = 0; round < rounds; round++) {
      const attempts = clinics.flatMap((clinic, clinicIndex) =>
        Array.from({ length: attemptsPerClinic }, (_, attempt) =>
          call(apis[(clinicIndex + attempt) % apis.length]!.baseUrl, 'POST', `/api/clinics/${clinic.clinicId}/leases`, {
            token: clinic.credential,
            json: { patientId },
          }).then((response) => ({ clinicId: clinic.clinicId, ...response })),
        ),
      );
      const responses = await Promise.all(attempts);
      const context = `round ${round}`;
      expect(responses.filter((response) => response.status >= 500).length).withContext(context).toBe(0);
      const grants = responses.filter((response) => response.status === 201);
      expect(grants.length).withContext(`${context}: new grants`).toBe(1);
      const winner = grants[0]!;
      const { leaseId, epoch } = winner.body as { leaseId: string; epoch: number };
      expect(epoch).withContext(`${context}: epoch grows`).toBeGreaterThan(lastEpoch);
      lastEpoch = epoch;
      for (const response of responses.filter((candidate) => candidate !== winner)) {
        if (response.clinicId === winner.clinicId) {
          expect(response.status).withContext(`${context}: the winner again`).toBe(200);
          expect((response.body as { leaseId: string }).leaseId).toBe(leaseId);
        } else {
          expect(response.status).withContext(`${context}: a loser`).toBe(409);
          expect((response.body as { heldBy: string }).heldBy).toBe(winner.clinicId);
        }
      }
      // End the round as a real clinic would: release it, or let it expire.
      if (round % 2 === 0) {
        const winnerClinic = clinics.find((clinic) => clinic.clinicId === winner.clinicId)!;
        expect((await call(apis[1]!.baseUrl, 'DELETE', `/api/leases/${leaseId}`, { token: winnerClinic.credential })).status).toBe(204);
      } else {
        await expireLeasesOf(dataSource, patientId);
      }
    }
    expect(await overlappingLeasePairs(dataSource, patientId)).toBe(0);
    const epochs: { epoch: string }[] = await dataSource.query('SELECT epoch FROM chart_leases WHERE patient_id = $1 ORDER BY granted_at', [patientId]);
    expect(epochs.map((row) => Number(row.epoch))).toEqual(Array.from({ length: rounds }, (_, index) => index + 1));
  }, raceTimeoutMs);

  it('keeps racing grants, renewals and releases on many charts consistent: one holder per chart at any time', async () => {
    const patients = Array.from({ length: 5 }, () => randomUUID());
    const dataSource = apis[0]!.app.get(DataSource);
    const work = clinics.slice(0, 8).flatMap((clinic, clinicIndex) =>
      patients.map(async (patientId, patientIndex) => {
        const api = apis[(clinicIndex + patientIndex) % apis.length]!;
        const statuses: number[] = [];
        for (let step = 0; step < 3; step++) {
          const acquired = await call(api.baseUrl, 'POST', `/api/clinics/${clinic.clinicId}/leases`, { token: clinic.credential, json: { patientId } });
          statuses.push(acquired.status);
          if (acquired.status !== 201 && acquired.status !== 200) continue;
          const { leaseId } = acquired.body as { leaseId: string };
          statuses.push((await call(api.baseUrl, 'POST', `/api/leases/${leaseId}/renew`, { token: clinic.credential })).status);
          statuses.push((await call(api.baseUrl, 'DELETE', `/api/leases/${leaseId}`, { token: clinic.credential })).status);
        }
        return statuses;
      }),
    );
    const statuses = (await Promise.all(work)).flat();
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.every((status) => [200, 201, 204, 409].includes(status))).toBeTrue();
    for (const patientId of patients) {
      expect(await overlappingLeasePairs(dataSource, patientId)).withContext(patientId).toBe(0);
      const epochs: { epoch: string }[] = await dataSource.query('SELECT epoch FROM chart_leases WHERE patient_id = $1 ORDER BY granted_at', [patientId]);
      const numbers = epochs.map((row) => Number(row.epoch));
      expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, index) => index + 1));
    }
  }, raceTimeoutMs);
});
