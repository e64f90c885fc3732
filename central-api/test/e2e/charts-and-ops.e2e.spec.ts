// Central's copy of a clinic's charts fed by a real clinic (ClinicNodes replicating with Raft, in memory),
// read over HTTP, and the ops listing of the network.
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ids, registerPatient, uuid, validCommands } from '../../../leader-worker/test/chart/chart-harness.js';
import { ClinicHarness } from '../../../leader-worker/test/node/clinic-harness.js';
import type { ApplyResult } from '../../../leader-worker/src/chart/index.js';
import { chartStateMachines } from '../../../leader-worker/src/node/chart-replica.js';
import { bootstrapState } from '../../../leader-worker/src/raft/raft.js';
import { MemoryRaftStorage } from '../../../leader-worker/src/storage/memory-raft-storage.js';
import type { OpsClinicResponse } from '../../src/ops/dto/ops-clinic.response.js';
import { batches, caughtUpLog, commandEntry, storedLog, toUploadEntry, uploadLog, type UploadEntry } from '../support/log-upload.js';
import { call, clinicWithDevice, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';

const deviceIds = ['tablet-1', 'tablet-2', 'desktop-1'];
const author = { deviceId: 'tablet-1', userName: 'Nurse Achieng', role: 'nurse' };

/** A clinic of three ClinicNodes for `clinicId` that commits every valid chart command, a rejection, a conflict
 * and a retry, with a leader change in between (so the log holds membership, noop and command entries). */
async function runClinic(clinicId: string): Promise<{ harness: ClinicHarness<ApplyResult>; entries: UploadEntry[]; commitIndex: number }> {
  const harness = new ClinicHarness(deviceIds, chartStateMachines(clinicId));
  await harness.start();
  const leader = await harness.electLeader();
  let sequence = 0;
  const propose = (command: Record<string, unknown>, node = harness.node(leader)) => {
    sequence++;
    return node.propose({ clientId: 'tablet-1', sequence, recordedAt: 1_790_000_000_000 + sequence, author, command });
  };
  const commands = validCommands().map((command) => (command['type'] === 'grantLease' ? { ...command, holderClinicId: clinicId } : command));
  for (const command of commands) void propose(command);
  await harness.scheduler.advance(2_000);
  await harness.crashAndRestart(leader);
  const newLeader = await harness.electLeader();
  void propose({ type: 'addNote', noteId: uuid(4, 2), patientId: uuid(1, 99), visitId: null, kind: 'clinical', text: 'rejected: unknown patient' }, harness.node(newLeader));
  void propose({ type: 'updatePatient', patientId: ids.patient, field: 'sex', value: 'other', baseVersion: 'someone-else:1' }, harness.node(newLeader));
  void propose(registerPatient(ids.otherPatient, { name: { given: 'Joseph', family: 'Mwangi' }, identifiers: [] }), harness.node(newLeader));
  await harness.scheduler.advance(2_000);
  // A retry of an applied proposal commits again and is a duplicate everywhere.
  void harness.node(newLeader).propose({ clientId: 'tablet-1', sequence: 1, recordedAt: 1_790_000_000_001, author, command: commands[0]! });
  await harness.scheduler.advance(2_000);

  const stored = await new MemoryRaftStorage(harness.disk(newLeader)).load(bootstrapState({ voters: deviceIds, learners: [] }));
  const commitIndex = stored.hardState.commitIndex;
  const entries = stored.entries.filter((entry) => entry.index <= commitIndex).map(toUploadEntry);
  return { harness, entries, commitIndex };
}

describe('charts and ops over HTTP', () => {
  let database: TestDatabase;
  let api: TestApp;
  let dataSource: DataSource;
  let clinic: { clinicId: string; deviceId: string; credential: string };
  let clinicRun: Awaited<ReturnType<typeof runClinic>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApp(database.url);
    dataSource = api.app.get(DataSource);
    clinic = await clinicWithDevice(api, 'Kisoro');
    clinicRun = await runClinic(clinic.clinicId);
    for (const body of batches(clinicRun.entries, 7)) {
      const response = await uploadLog(api, clinic.clinicId, clinic.credential, { ...body, leaderCommitIndex: clinicRun.commitIndex + 5 });
      if (response.status !== 200) throw new Error(`upload failed: ${JSON.stringify(response.body)}`);
    }
    await caughtUpLog(api, clinic.clinicId);
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    for (const id of deviceIds) await clinicRun?.harness.node(id).stop();
    await api.close();
    await database.drop();
  });

  it('holds a copy whose state hash equals the one every device of the clinic computes', async () => {
    const kinds = new Set(clinicRun.entries.map((entry) => entry.kind));
    expect([...kinds].sort()).withContext('the log has every kind of entry').toEqual(['command', 'membership', 'noop']);
    const deviceHashes = deviceIds.map((id) => clinicRun.harness.node(id).status().stateHash);
    expect(new Set(deviceHashes).size).withContext('the devices agree').toBe(1);
    const stored = await storedLog(dataSource, clinic.clinicId);
    expect(stored).toEqual(jasmine.objectContaining({ acknowledgedIndex: clinicRun.commitIndex, appliedIndex: clinicRun.commitIndex, stateHash: deviceHashes[0]! }));
    const outcomes = await dataSource.query('SELECT outcome, error_code, client_id, conflict_id IS NOT NULL AS has_conflict FROM chart_apply_outcomes WHERE clinic_id = $1 ORDER BY log_index', [clinic.clinicId]);
    expect(outcomes).toEqual([
      { outcome: 'rejected', error_code: 'unknown-patient', client_id: 'tablet-1', has_conflict: false },
      { outcome: 'conflict', error_code: null, client_id: 'tablet-1', has_conflict: true },
    ]);
  });

  it('searches the clinic\'s patients for an admin and for the clinic\'s own device, best match first', async () => {
    for (const token of [api.adminToken, clinic.credential]) {
      const response = await call(api.baseUrl, 'GET', `/api/clinics/${clinic.clinicId}/patients?query=amina%20ok`, { token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        appliedIndex: clinicRun.commitIndex,
        patients: [{
          patientId: ids.patient, name: { given: 'Amina', family: 'Okello' }, sex: 'female', birth: { estimated: false, dateOfBirth: '1990-04-12' },
          village: 'Kibuye', phone: '+256 700 000001', matchedBy: 'name',
        }],
      });
    }
    const byPhone = await call(api.baseUrl, 'GET', `/api/clinics/${clinic.clinicId}/patients?query=700000001&limit=1`, { token: clinic.credential });
    expect((byPhone.body as { patients: { patientId: string; matchedBy: string }[] }).patients).toEqual([jasmine.objectContaining({ patientId: ids.patient, matchedBy: 'phone' })]);
    const none = await call(api.baseUrl, 'GET', `/api/clinics/${clinic.clinicId}/patients?query=zzzz`, { token: clinic.credential });
    expect((none.body as { patients: unknown[] }).patients).toEqual([]);
  });

  it('opens a patient\'s whole chart, mapped record by record', async () => {
    const response = await call(api.baseUrl, 'GET', `/api/clinics/${clinic.clinicId}/patients/${ids.patient}`, { token: clinic.credential });
    expect(response.status).toBe(200);
    const chart = response.body as Record<string, unknown> & { patient: Record<string, unknown>; notes: Record<string, unknown>[] };
    expect(Object.keys(chart).sort()).toEqual(['allergies', 'appliedIndex', 'appointments', 'conflicts', 'diagnoses', 'labOrders', 'lease', 'notes', 'patient', 'prescriptions', 'visits', 'vitals']);
    expect(chart.patient).toEqual(jasmine.objectContaining({ patientId: ids.patient, phone: '+256 700 000001', sex: 'female', author }));
    expect(chart.patient['eventId']).toMatch(new RegExp(`^${clinic.clinicId}/\\d+$`));
    expect(chart.notes).toEqual([jasmine.objectContaining({ noteId: ids.note, text: 'Productive cough.\nNo night sweats.', enteredInError: jasmine.objectContaining({ reason: 'wrong patient' }) })]);
    expect(chart['vitals']).toEqual([jasmine.objectContaining({ vitalsId: ids.vitals, measurements: { systolicMmHg: 120, diastolicMmHg: 80, pulseBpm: 72, temperatureCelsius: 37.2 } })]);
    expect(chart['visits']).toEqual([jasmine.objectContaining({ visitId: ids.visit, station: 'triage', moves: [jasmine.objectContaining({ from: 'registration', to: 'triage' })] })]);
    expect(chart['allergies']).toEqual([jasmine.objectContaining({ allergyId: ids.allergy, severity: 'severe' })]);
    expect(chart['prescriptions']).toEqual([jasmine.objectContaining({ prescriptionId: ids.prescription, dispenses: [jasmine.objectContaining({ dispenseId: ids.dispense })] })]);
    expect(chart['labOrders']).toEqual([jasmine.objectContaining({ labOrderId: ids.labOrder, results: [jasmine.objectContaining({ result: { kind: 'text', text: 'negative' } })] })]);
    expect(chart['appointments']).toEqual([jasmine.objectContaining({ appointmentId: ids.appointment, cancelled: jasmine.objectContaining({ reason: 'travelling' }) })]);
    expect(chart['diagnoses']).toEqual([jasmine.objectContaining({ diagnosisId: ids.diagnosis, code: 'J20.9' })]);
    expect(chart['conflicts']).toEqual([jasmine.objectContaining({ status: 'open', currentValue: 'female', proposedValue: 'other', proposer: jasmine.objectContaining({ clientId: 'tablet-1' }) })]);
    expect(chart['lease']).toEqual({ holderClinicId: clinic.clinicId, epoch: 1, expiresAt: jasmine.any(Number), released: true });
  });

  it('refuses chart reads to other clinics\' devices (403), unknown patients and clinics (404), and bad queries (400)', async () => {
    const other = await clinicWithDevice(api, 'Bunagana');
    const base = `/api/clinics/${clinic.clinicId}/patients`;
    expect((await call(api.baseUrl, 'GET', `${base}?query=amina`, { token: other.credential })).status).toBe(403);
    expect((await call(api.baseUrl, 'GET', `${base}/${ids.patient}`, { token: other.credential })).status).toBe(403);
    expect((await call(api.baseUrl, 'GET', `${base}/${randomUUID()}`, { token: api.adminToken })).status).toBe(404);
    expect((await call(api.baseUrl, 'GET', `/api/clinics/${randomUUID()}/patients?query=a`, { token: api.adminToken })).status).toBe(404);
    for (const query of ['', '?query=a&limit=0', '?query=a&limit=26', '?query=a&limit=two', `?query=${'a'.repeat(101)}`, '?query=a&sort=name']) {
      const response = await call(api.baseUrl, 'GET', `${base}${query}`, { token: api.adminToken });
      expect(response.status).withContext(query).toBe(400);
    }
    expect((await call(api.baseUrl, 'GET', `${base}/not-a-uuid`, { token: api.adminToken })).status).toBe(400);
    const empty = await call(api.baseUrl, 'GET', `/api/clinics/${other.clinicId}/patients?query=amina`, { token: other.credential });
    expect(empty.body).withContext('a clinic that never uploaded has an empty copy').toEqual({ appliedIndex: 0, patients: [] });
  });

  it('lists every clinic for ops: leader, uploads, lag, chart copy, divergences, rejections, conflicts, leases, devices', async () => {
    const quiet = await clinicWithDevice(api, 'Aaa quiet clinic');
    // A divergent upload, and a lease the clinic holds now (written as the leases module stores it).
    await uploadLog(api, clinic.clinicId, clinic.credential, { fromIndex: 1, entries: [commandEntry(1, 1, Buffer.from('not what was committed'))] });
    await dataSource.query(
      "INSERT INTO chart_leases (patient_id, clinic_id, epoch, granted_at, expires_at) VALUES ($1, $2, 1, now(), now() + interval '10 minutes')",
      [randomUUID(), clinic.clinicId],
    );
    const response = await call(api.baseUrl, 'GET', '/api/ops/clinics', { token: api.adminToken });
    expect(response.status).toBe(200);
    const listed = (response.body as { clinics: OpsClinicResponse[] }).clinics;
    expect(listed.map((entry) => entry.name)).toEqual([...listed.map((entry) => entry.name)].sort());
    const kisoro = listed.find((entry) => entry.id === clinic.clinicId)!;
    const deviceHash = clinicRun.harness.node(deviceIds[0]!).status().stateHash;
    expect(kisoro).toEqual({
      id: clinic.clinicId,
      name: 'Kisoro',
      chartPolicy: 'lease',
      leaderDevice: { deviceId: clinic.deviceId, name: 'Nurse tablet' },
      lastUploadAt: jasmine.stringMatching(/^\d{4}-\d\d-\d\dT/),
      acknowledgedIndex: clinicRun.commitIndex,
      leaderCommitIndex: clinicRun.commitIndex + 5,
      lagEntries: 5,
      leaderClock: null,
      chartAppliedIndex: clinicRun.commitIndex,
      chartStateHash: deviceHash,
      patients: 2,
      openConflicts: 1,
      openDivergences: 1,
      fencingConflicts: 0,
      rejectedCommands: 1,
      conflictingCommands: 1,
      activeLeases: 1,
      devices: [{ deviceId: clinic.deviceId, name: 'Nurse tablet', lastSeenAt: jasmine.stringMatching(/^\d{4}-/) }],
    });
    expect(listed.find((entry) => entry.id === quiet.clinicId)).toEqual({
      id: quiet.clinicId, name: 'Aaa quiet clinic', chartPolicy: 'lease', leaderDevice: null, lastUploadAt: null, acknowledgedIndex: 0,
      leaderCommitIndex: null, lagEntries: null, leaderClock: null,
      chartAppliedIndex: 0, chartStateHash: null, patients: 0, openConflicts: 0, openDivergences: 0, fencingConflicts: 0,
      rejectedCommands: 0, conflictingCommands: 0, activeLeases: 0, devices: [{ deviceId: quiet.deviceId, name: 'Nurse tablet', lastSeenAt: null }],
    });
    expect((await call(api.baseUrl, 'GET', '/api/ops/clinics', { token: clinic.credential })).status).toBe(403);
    expect((await call(api.baseUrl, 'GET', '/api/ops/clinics')).status).toBe(401);
  });

  it('describes the ingest, chart and ops routes in the OpenAPI document', async () => {
    const response = await call(api.baseUrl, 'GET', '/api/docs-json');
    const document = response.body as { paths: Record<string, object>; components: { schemas: Record<string, object> } };
    expect(Object.keys(document.paths)).toEqual(jasmine.arrayContaining([
      '/api/clinics/{clinicId}/log', '/api/clinics/{clinicId}/log/ack', '/api/clinics/{clinicId}/patients', '/api/clinics/{clinicId}/patients/{patientId}', '/api/ops/clinics',
    ]));
    expect(Object.keys(document.components.schemas)).toEqual(jasmine.arrayContaining(['UploadLogRequest', 'LogEntryBody', 'PatientChartResponse', 'OpsClinicsResponse']));
  });
});
