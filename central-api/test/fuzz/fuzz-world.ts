// The world every fuzz spec works in: a central API on a fresh database with two clinics, each with a device,
// an uploaded log of registered patients, a chart lease and feed items. Generated requests aim at it (the
// home clinic's ids, the other clinic's, ids of nothing); `send` answers a request and checks what is stored.
import { encode } from '@msgpack/msgpack';
import { DataSource } from 'typeorm';
import { generateDeviceKeyPair } from '../../../leader-worker/src/device-identity/webcrypto-identity.js';
import { ChartWorkload } from '../../bench/chart-workload.js';
import { commandEntry, type UploadEntry } from '../support/log-upload.js';
import { call, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-postgres.js';
import { labResultBody, registrationBody } from '../feed/feed-test-support.js';
import type { OpenAPIObject } from '@nestjs/swagger';
import { documentedAnswers, type DocumentedAnswers } from './documented-answers.js';
import { exchange, type FuzzRequest, type FuzzResponse } from './http-exchange.js';
import { fuzzRequestTimeoutMs, fuzzSettings } from './fuzz-settings.js';
import { storedDigestReader, type StoredDigest } from './stored-digest.js';

export interface WorldClinic {
  readonly clinicId: string;
  readonly deviceId: string;
  readonly credential: string;
  /** Committed entries uploaded at setup (index 1..), all acknowledged. */
  readonly log: readonly UploadEntry[];
  readonly patientIds: readonly string[];
  /** A lease on the chart of patientIds[0], held by this clinic when the world was made. */
  readonly leaseId: string;
  /** The cursors of the clinic's two feed items: after the last one, a long-poll waits. */
  readonly feedCursors: readonly [first: string, last: string];
  /** A lab order of the clinic (a lab result's target) and a lab result sent for it. */
  readonly labResult: Readonly<Record<string, unknown>>;
  /** Enrollment codes made for the clinic at setup, unused then. */
  readonly enrollmentCodes: readonly string[];
  /** A second device of the clinic, for the fuzzer to revoke (revoking `deviceId` would end its requests). */
  readonly revocableDeviceId: string;
}

export interface FuzzWorld {
  readonly api: TestApp;
  readonly dataSource: DataSource;
  readonly home: WorldClinic;
  readonly other: WorldClinic;
  /** A device's P-256 public key (SPKI, base64url), for enrollments with a code. */
  readonly devicePublicKey: string;
  /** The statuses the OpenAPI document gives each operation. */
  readonly documented: DocumentedAnswers;
  /** Requests sent, by status, for the campaign report. */
  readonly statuses: Map<number, number>;
  send(request: FuzzRequest): Promise<FuzzResponse>;
  storedDigest(): Promise<StoredDigest>;
  /** With FUZZ_REPORT=1, prints how many requests the spec sent and their statuses. */
  report(spec: string): void;
  close(): Promise<void>;
}

/** Entries in each clinic's log at setup: the first few register the patients. */
const setupLogEntries = 12;
const setupPatients = 4;
/** Enrollment codes made for each clinic at setup: each enrolls one device, the first time a valid body uses it. */
const setupEnrollmentCodes = 3;

export async function createFuzzWorld(): Promise<FuzzWorld> {
  const database = await createTestDatabase();
  // No log levels: refused requests are expected, and a 5xx fails its property, which shows the request.
  const api = await startTestApp(database.url, []);
  try {
    const dataSource = api.app.get(DataSource);
    const home = await createWorldClinic(api, 'Kisoro', 1);
    const other = await createWorldClinic(api, 'Rubanda', 2);
    const devicePublicKey = Buffer.from((await generateDeviceKeyPair()).publicKey).toString('base64url');
    const statuses = new Map<number, number>();
    const digest = await storedDigestReader(dataSource);
    const document = (await call(api.baseUrl, 'GET', '/api/docs-json')).body as OpenAPIObject;
    return {
      api,
      documented: documentedAnswers(document),
      dataSource,
      home,
      other,
      devicePublicKey,
      statuses,
      storedDigest: async () => {
        await settleChartCopies(api, dataSource);
        return digest();
      },
      send: async (request) => {
        const response = await exchange(api.baseUrl, request, fuzzRequestTimeoutMs);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        return response;
      },
      report: (spec) => {
        if (!fuzzSettings().report) return;
        const sent = [...statuses.values()].reduce((sum, count) => sum + count, 0);
        const byStatus = [...statuses].sort(([left], [right]) => left - right).map(([status, count]) => `${status}: ${count}`);
        console.log(`${spec}: ${sent} requests (${byStatus.join(', ')})`);
      },
      close: async () => {
        await api.close();
        await database.drop();
      },
    };
  } catch (error) {
    await api.close();
    await database.drop();
    throw error;
  }
}

/**
 * Brings every chart copy that trails its log up to date, so that a projection an earlier accepted upload owes
 * (it runs shortly after the upload, in the background) writes nothing between the digests around a request.
 * A read catches a copy up, waiting for a projection already running.
 */
async function settleChartCopies(api: TestApp, dataSource: DataSource): Promise<void> {
  const trailing: { clinic_id: string }[] = await dataSource.query(
    `SELECT sync.clinic_id FROM clinic_sync_states sync LEFT JOIN chart_copies copy USING (clinic_id)
     WHERE copy.clinic_id IS NULL OR sync.acknowledged_index > copy.applied_index`,
  );
  for (const { clinic_id: clinicId } of trailing) await expectAnswer(api, 'GET', `/api/clinics/${clinicId}/patients?query=a`, api.adminToken, undefined, 200);
}

async function createWorldClinic(api: TestApp, name: string, seed: number): Promise<WorldClinic> {
  const admin = api.adminToken;
  const { id: clinicId } = (await expectAnswer(api, 'POST', '/api/clinics', admin, { name, chartPolicy: 'lease' }, 201)) as { id: string };
  const { deviceId, credential } = (await expectAnswer(api, 'POST', `/api/clinics/${clinicId}/devices`, admin, { name: 'Nurse tablet' }, 201)) as {
    deviceId: string;
    credential: string;
  };
  const workload = new ChartWorkload({ seed, patients: setupPatients, clientId: `tablet-${seed}` });
  const envelopes = Array.from({ length: setupLogEntries }, () => workload.nextEnvelope());
  const patientIds = envelopes.flatMap((envelope) => {
    const command = envelope['command'] as { type: string; patientId: string };
    return command.type === 'registerPatient' ? [command.patientId] : [];
  });
  const log = envelopes.map((envelope, offset) => commandEntry(1 + offset, 1, encode(envelope)));
  await expectAnswer(api, 'POST', `/api/clinics/${clinicId}/log`, credential, { fromIndex: 1, entries: log }, 200);
  const { leaseId } = (await expectAnswer(api, 'POST', `/api/clinics/${clinicId}/leases`, credential, { patientId: patientIds[0] }, 201)) as { leaseId: string };
  const labResult = labResultBody();
  const first = (await expectAnswer(api, 'POST', `/api/clinics/${clinicId}/feed/lab-results`, admin, labResult, 201)) as { cursor: string };
  const last = (await expectAnswer(api, 'POST', `/api/clinics/${clinicId}/feed/registrations`, admin, registrationBody(), 201)) as { cursor: string };
  const enrollmentCodes: string[] = [];
  for (let made = 0; made < setupEnrollmentCodes; made++) {
    const issued = (await expectAnswer(api, 'POST', `/api/clinics/${clinicId}/enrollment-codes`, admin, { name: `Tablet ${made + 1}` }, 201)) as { code: string };
    enrollmentCodes.push(issued.code);
  }
  const revocable = (await expectAnswer(api, 'POST', `/api/clinics/${clinicId}/devices`, admin, { name: 'Spare tablet' }, 201)) as { deviceId: string };
  return { clinicId, deviceId, credential, log, patientIds, leaseId, feedCursors: [first.cursor, last.cursor], labResult, enrollmentCodes, revocableDeviceId: revocable.deviceId };
}

async function expectAnswer(api: TestApp, method: string, path: string, token: string, json: unknown, status: number): Promise<unknown> {
  const response = await call(api.baseUrl, method, path, { token, json });
  if (response.status !== status) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}
