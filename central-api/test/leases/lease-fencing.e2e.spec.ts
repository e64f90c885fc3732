// Lease fencing at ingest, over HTTP against a real PostgreSQL (issue 4, invariant 5): a clinic's write made
// under a chart lease epoch central has since granted to another clinic is stored, acknowledged and applied
// to that clinic's copy like any entry, but recorded for ops and marked never to be exported; writes under
// the current epoch, under the clinic's own older epoch after its re-grant, and of merge-policy clinics are not.
import { encode } from '@msgpack/msgpack';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ChartStateMachine } from '../../../leader-worker/src/chart/index.js';
import type { FencingConflictResponse } from '../../src/ops/dto/fencing-conflicts.response.js';
import type { OpsClinicResponse } from '../../src/ops/dto/ops-clinic.response.js';
import { applyEntries, caughtUpLog, commandEntries, uploadLog, type UploadEntry } from '../support/log-upload.js';
import { call, clinicWithDevice, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';

interface Clinic {
  readonly clinicId: string;
  readonly credential: string;
}

/** One clinic's log as its leader builds it: command envelopes of one proposer, and the entries uploaded so far. */
class ClinicLog {
  readonly entries: UploadEntry[] = [];
  private sequence = 0;

  constructor(readonly clinic: Clinic) {}

  /** Appends commands to the log and uploads them; answers the acknowledged index. */
  async commit(api: TestApp, ...commands: Record<string, unknown>[]): Promise<number> {
    const envelopes = commands.map((command) => {
      this.sequence++;
      const author = { deviceId: 'tablet-1', userName: 'Nurse Achieng', role: 'nurse' };
      return encode({ clientId: `tablet-${this.clinic.clinicId.slice(0, 8)}`, sequence: this.sequence, recordedAt: 1_790_000_000_000 + this.sequence, author, command });
    });
    const fresh = commandEntries(this.entries.length + 1, envelopes);
    this.entries.push(...fresh);
    const response = await uploadLog(api, this.clinic.clinicId, this.clinic.credential, { fromIndex: fresh[0]!.index, entries: fresh });
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(200);
    return (response.body as { acknowledgedIndex: number }).acknowledgedIndex;
  }

  /** The state hash a device of the clinic has after applying the same log. */
  deviceHash(): string {
    const machine = new ChartStateMachine(this.clinic.clinicId);
    applyEntries(machine, this.entries);
    return machine.stateHash();
  }
}

const register = (patientId: string) => ({
  type: 'registerPatient', patientId, name: { given: 'Amina', family: 'Okello' }, sex: 'female', birth: { estimated: true, birthYear: 1980 },
  identifiers: [], phone: null, address: null, nextOfKin: null,
});
const note = (patientId: string) => ({ type: 'addNote', noteId: randomUUID(), patientId, visitId: null, kind: 'nursing', text: 'Reviewed at triage.' });
const grantLease = (patientId: string, holder: Clinic, grant: Grant) => ({
  type: 'grantLease', patientId, holderClinicId: holder.clinicId, epoch: grant.epoch, expiresAt: Date.parse(grant.expiresAt),
});

interface Grant {
  readonly leaseId: string;
  readonly epoch: number;
  readonly expiresAt: string;
}

describe('lease fencing at ingest', () => {
  let database: TestDatabase;
  let api: TestApp;
  let dataSource: DataSource;

  const acquire = async (clinic: Clinic, patientId: string): Promise<Grant> => {
    const response = await call(api.baseUrl, 'POST', `/api/clinics/${clinic.clinicId}/leases`, { token: clinic.credential, json: { patientId } });
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(201);
    return response.body as Grant;
  };
  const release = async (clinic: Clinic, grant: Grant): Promise<void> => {
    expect((await call(api.baseUrl, 'DELETE', `/api/leases/${grant.leaseId}`, { token: clinic.credential })).status).toBe(204);
  };
  const fencingConflicts = async (clinic: Clinic): Promise<FencingConflictResponse[]> => {
    const response = await call(api.baseUrl, 'GET', `/api/ops/fencing-conflicts?clinicId=${clinic.clinicId}`, { token: api.adminToken });
    expect(response.status).toBe(200);
    return (response.body as { conflicts: FencingConflictResponse[] }).conflicts;
  };
  const fencedIndexes = async (clinic: Clinic): Promise<number[]> =>
    ((await dataSource.query('SELECT log_index::int FROM log_entries WHERE clinic_id = $1 AND fenced ORDER BY log_index', [clinic.clinicId])) as { log_index: number }[])
      .map((row) => row.log_index);
  const leaseRows = () => dataSource.query('SELECT id, patient_id, clinic_id, epoch, granted_at, expires_at, released_at FROM chart_leases ORDER BY id');

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApp(database.url);
    dataSource = api.app.get(DataSource);
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  it('records a write made under epoch 1 after epoch 2 went to another clinic, acknowledges and applies it, and changes nothing else', async () => {
    const [a, b] = [new ClinicLog(await clinicWithDevice(api, 'Kisoro')), new ClinicLog(await clinicWithDevice(api, 'Rubanda'))];
    const [patientId, unleased] = [randomUUID(), randomUUID()];
    const first = await acquire(a.clinic, patientId);
    expect(first.epoch).toBe(1);
    await a.commit(api, register(patientId), register(unleased), grantLease(patientId, a.clinic, first), note(patientId));
    await caughtUpLog(api, a.clinic.clinicId);
    expect(await fencingConflicts(a.clinic)).withContext('written under the current epoch').toEqual([]);

    await release(a.clinic, first);
    const second = await acquire(b.clinic, patientId);
    expect(second.epoch).toBe(2);
    const leasesBefore = await leaseRows();
    // Kisoro's tablet, offline, wrote to the chart under its old lease; the unleased patient is nobody's.
    expect(await a.commit(api, note(patientId), note(unleased))).toBe(6);
    const stored = await caughtUpLog(api, a.clinic.clinicId);

    expect(stored).withContext('stored, applied, equal to the devices').toEqual({
      entries: 6, lastIndex: 6, acknowledgedIndex: 6, appliedIndex: 6, stateHash: a.deviceHash(), outcomes: 0, divergences: 0,
    });
    const [conflict] = await fencingConflicts(a.clinic);
    expect(await fencingConflicts(a.clinic)).toEqual([{
      id: jasmine.stringMatching(/^\d+$/), clinicId: a.clinic.clinicId, logIndex: 5, patientId, writtenEpoch: 1, currentEpoch: 2,
      currentHolderClinicId: b.clinic.clinicId, recordedAt: jasmine.stringMatching(/^\d{4}-\d\d-\d\dT/), resolvedAt: null, resolution: null,
    }]);
    expect(await fencedIndexes(a.clinic)).withContext('never exported to other clinics').toEqual([5]);
    expect(await leaseRows()).withContext('the leases are untouched').toEqual(leasesBefore);

    const replay = await uploadLog(api, a.clinic.clinicId, a.clinic.credential, { fromIndex: 5, entries: a.entries.slice(4) });
    expect(replay.body).withContext('a replayed batch is acknowledged again').toEqual({ acknowledgedIndex: 6 });
    await caughtUpLog(api, a.clinic.clinicId);
    expect((await fencingConflicts(a.clinic)).length).withContext('and recorded once').toBe(1);

    const ops = await call(api.baseUrl, 'GET', '/api/ops/clinics', { token: api.adminToken });
    const listed = (ops.body as { clinics: OpsClinicResponse[] }).clinics;
    expect(listed.find((clinic) => clinic.id === a.clinic.clinicId)).toEqual(jasmine.objectContaining({ fencingConflicts: 1, openConflicts: 0, chartAppliedIndex: 6 }));
    expect(listed.find((clinic) => clinic.id === b.clinic.clinicId)).toEqual(jasmine.objectContaining({ fencingConflicts: 0 }));

    // Ops review it with both clinics and resolve it; the first resolution stays.
    const resolvePath = `/api/ops/fencing-conflicts/${conflict!.id}/resolve`;
    const resolution = 'Kisoro\'s note added to the chart at Rubanda by hand.';
    expect((await call(api.baseUrl, 'POST', resolvePath, { token: a.clinic.credential, json: { resolution } })).status).withContext('devices may not').toBe(403);
    const resolved = await call(api.baseUrl, 'POST', resolvePath, { token: api.adminToken, json: { resolution } });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toEqual(jasmine.objectContaining({ id: conflict!.id, resolution, resolvedAt: jasmine.stringMatching(/^\d{4}-/) }));
    expect((await call(api.baseUrl, 'POST', resolvePath, { token: api.adminToken, json: { resolution: 'again' } })).status).toBe(409);
    expect((await fencingConflicts(a.clinic))[0]!.resolution).toBe(resolution);
    const after = (await call(api.baseUrl, 'GET', '/api/ops/clinics', { token: api.adminToken })).body as { clinics: OpsClinicResponse[] };
    expect(after.clinics.find((clinic) => clinic.id === a.clinic.clinicId)).toEqual(jasmine.objectContaining({ fencingConflicts: 0 }));
    expect((await call(api.baseUrl, 'POST', '/api/ops/fencing-conflicts/999999/resolve', { token: api.adminToken, json: { resolution } })).status).toBe(404);
    expect((await call(api.baseUrl, 'POST', '/api/ops/fencing-conflicts/one/resolve', { token: api.adminToken, json: { resolution } })).status).toBe(400);
    expect((await call(api.baseUrl, 'POST', resolvePath, { token: api.adminToken, json: { resolution: '  ' } })).status).toBe(400);
  });

  it('fences a write made while the clinic\'s own log says another clinic holds the chart', async () => {
    const [a, b] = [new ClinicLog(await clinicWithDevice(api, 'Kabale')), await clinicWithDevice(api, 'Kanungu')];
    const patientId = randomUUID();
    const held = await acquire(b, patientId);
    // Central's grant to the other clinic reached this clinic's log (the chart shows read-only there).
    await a.commit(api, register(patientId), grantLease(patientId, b, held), note(patientId));
    await caughtUpLog(api, a.clinic.clinicId);
    expect((await fencingConflicts(a.clinic)).map(({ logIndex, writtenEpoch, currentEpoch }) => ({ logIndex, writtenEpoch, currentEpoch }))).withContext('newest first').toEqual([
      { logIndex: 3, writtenEpoch: 0, currentEpoch: 1 },
      { logIndex: 1, writtenEpoch: 0, currentEpoch: 1 },
    ]);
    expect(await fencedIndexes(a.clinic)).toEqual([1, 3]);
  });

  it('lets through the holder\'s writes under the current epoch, and a clinic\'s writes under its own epoch after its re-grant', async () => {
    const [holder, regranted] = [new ClinicLog(await clinicWithDevice(api, 'Bwindi')), new ClinicLog(await clinicWithDevice(api, 'Ruhija'))];
    const [patientId, regrantedPatient] = [randomUUID(), randomUUID()];
    const grant = await acquire(holder.clinic, patientId);
    await holder.commit(api, register(patientId), grantLease(patientId, holder.clinic, grant), note(patientId));

    const first = await acquire(regranted.clinic, regrantedPatient);
    await regranted.commit(api, register(regrantedPatient), grantLease(regrantedPatient, regranted.clinic, first));
    await release(regranted.clinic, first);
    const again = await acquire(regranted.clinic, regrantedPatient);
    expect(again.epoch).toBe(2);
    // Written under epoch 1 and ordered before the re-grant in the clinic's log, uploaded after it.
    await regranted.commit(api, note(regrantedPatient), grantLease(regrantedPatient, regranted.clinic, again), note(regrantedPatient));

    for (const log of [holder, regranted]) {
      expect((await caughtUpLog(api, log.clinic.clinicId)).stateHash).toBe(log.deviceHash());
      expect(await fencingConflicts(log.clinic)).toEqual([]);
      expect(await fencedIndexes(log.clinic)).toEqual([]);
    }
  });

  it('never fences a merge-policy clinic', async () => {
    const created = await call(api.baseUrl, 'POST', '/api/clinics', { token: api.adminToken, json: { name: 'Mbarara', chartPolicy: 'merge' } });
    const clinicId = (created.body as { id: string }).id;
    const enrolled = await call(api.baseUrl, 'POST', `/api/clinics/${clinicId}/devices`, { token: api.adminToken, json: { name: 'Leader tablet' } });
    const merging = new ClinicLog({ clinicId, credential: (enrolled.body as { credential: string }).credential });
    const leasing = await clinicWithDevice(api, 'Mityana');
    const patientId = randomUUID();
    await acquire(leasing, patientId);
    await merging.commit(api, register(patientId), note(patientId));
    expect((await caughtUpLog(api, clinicId)).stateHash).toBe(merging.deviceHash());
    expect(await fencingConflicts(merging.clinic)).toEqual([]);
    expect(await fencedIndexes(merging.clinic)).toEqual([]);
  });

  it('lists fencing conflicts for admins only, with a bounded page', async () => {
    const device = await clinicWithDevice(api, 'Ntungamo');
    expect((await call(api.baseUrl, 'GET', '/api/ops/fencing-conflicts', { token: device.credential })).status).toBe(403);
    expect((await call(api.baseUrl, 'GET', '/api/ops/fencing-conflicts')).status).toBe(401);
    expect((await call(api.baseUrl, 'GET', '/api/ops/fencing-conflicts?limit=1001', { token: api.adminToken })).status).toBe(400);
    expect((await call(api.baseUrl, 'GET', '/api/ops/fencing-conflicts?clinicId=nope', { token: api.adminToken })).status).toBe(400);
    const all = await call(api.baseUrl, 'GET', '/api/ops/fencing-conflicts?limit=1', { token: api.adminToken });
    expect(all.status).toBe(200);
    expect((all.body as { conflicts: unknown[] }).conflicts.length).toBeLessThanOrEqual(1);
  });
});
