// Log ingest over HTTP against PostgreSQL: uploads, replays, gaps, divergences, limits, who may upload, and
// racing leaders. Each spec works on a clinic of its own.
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ChartStateMachine } from '../../../leader-worker/src/chart/index.js';
import { ChartWorkload } from '../../bench/chart-workload.js';
import { ingestLimits } from '../../src/sync/sync-limits.js';
import {
  acknowledgedIndex, applyEntries, batches, caughtUpLog, commandEntries, commandEntry, uploadLog, type UploadEntry,
} from '../support/log-upload.js';
import { call, clinicWithDevice, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';

function workloadEntries(count: number, seed: number, fromIndex = 1, term = 1): UploadEntry[] {
  const workload = new ChartWorkload({ seed, patients: Math.max(1, Math.floor(count / 5)), clientId: `tablet-${seed}` });
  return commandEntries(fromIndex, Array.from({ length: count }, () => workload.nextCommandBytes()), term);
}

function expectError(response: { status: number; body: unknown }, status: number, message: RegExp): void {
  expect(response.status).withContext(JSON.stringify(response.body)).toBe(status);
  expect(response.body).toEqual(jasmine.objectContaining({ statusCode: status, error: jasmine.any(String), message: jasmine.stringMatching(message) }));
}

describe('log ingest over HTTP', () => {
  let database: TestDatabase;
  let api: TestApp;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApp(database.url);
    dataSource = api.app.get(DataSource);
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  it('stores a batch, acknowledges its last index, and feeds the chart copy to the same state hash a device computes', async () => {
    const { clinicId, deviceId, credential } = await clinicWithDevice(api);
    expect(await acknowledgedIndex(api, clinicId, credential)).toBe(0);
    const entries: UploadEntry[] = [
      { index: 1, term: 1, kind: 'membership', change: { type: 'addVoter', nodeId: 'tablet-1' } },
      { index: 2, term: 2, kind: 'noop' },
      ...workloadEntries(200, 1, 3, 2),
    ];
    const response = await uploadLog(api, clinicId, credential, { fromIndex: 1, entries, leaderCommitIndex: 250 });
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(200);
    expect(response.body).toEqual({ acknowledgedIndex: 202 });
    expect(await acknowledgedIndex(api, clinicId, credential)).toBe(202);
    expect(await acknowledgedIndex(api, clinicId, api.adminToken)).withContext('ops may read it too').toBe(202);

    const device = new ChartStateMachine(clinicId);
    applyEntries(device, entries);
    expect(await caughtUpLog(api, clinicId)).toEqual({
      entries: 202, lastIndex: 202, acknowledgedIndex: 202, appliedIndex: 202, stateHash: device.stateHash(), outcomes: 0, divergences: 0,
    });
    const [state] = await dataSource.query('SELECT leader_device_id, leader_commit_index::int, last_upload_at FROM clinic_sync_states WHERE clinic_id = $1', [clinicId]);
    expect(state).toEqual({ leader_device_id: deviceId, leader_commit_index: 250, last_upload_at: jasmine.any(Date) });
  });

  it('stores every kind of entry byte for byte', async () => {
    const { clinicId, credential } = await clinicWithDevice(api);
    const data = Buffer.from([0, 1, 2, 255, 0xc1]);
    const entries: UploadEntry[] = [
      { index: 1, term: 1, kind: 'membership', change: { type: 'addLearner', nodeId: 'clinic-7/tablet-ü' } },
      { index: 2, term: 1, kind: 'noop' },
      commandEntry(3, 1, data),
      commandEntry(4, 1, new Uint8Array(0)),
    ];
    expect((await uploadLog(api, clinicId, credential, { fromIndex: 1, entries })).status).toBe(200);
    const rows = await dataSource.query('SELECT log_index::int, term::int, kind, data, change_type, change_node_id FROM log_entries WHERE clinic_id = $1 ORDER BY log_index', [clinicId]);
    expect(rows).toEqual([
      { log_index: 1, term: 1, kind: 'membership', data: null, change_type: 'addLearner', change_node_id: 'clinic-7/tablet-ü' },
      { log_index: 2, term: 1, kind: 'noop', data: null, change_type: null, change_node_id: null },
      { log_index: 3, term: 1, kind: 'command', data, change_type: null, change_node_id: null },
      { log_index: 4, term: 1, kind: 'command', data: Buffer.alloc(0), change_type: null, change_node_id: null },
    ]);
    await caughtUpLog(api, clinicId);
    const outcomes = await dataSource.query('SELECT log_index::int, outcome, error_code FROM chart_apply_outcomes WHERE clinic_id = $1 ORDER BY log_index', [clinicId]);
    expect(outcomes).withContext('bytes that are not a chart command are rejected by the copy, and recorded').toEqual([
      { log_index: 3, outcome: 'rejected', error_code: 'malformed' },
      { log_index: 4, outcome: 'rejected', error_code: 'malformed' },
    ]);
  });

  it('acknowledges a replayed batch again and changes nothing; an overlapping batch stores only its new entries', async () => {
    const { clinicId, credential } = await clinicWithDevice(api);
    const entries = workloadEntries(30, 2);
    expect((await uploadLog(api, clinicId, credential, { fromIndex: 1, entries: entries.slice(0, 20) })).body).toEqual({ acknowledgedIndex: 20 });
    const before = await caughtUpLog(api, clinicId);

    const replay = await uploadLog(api, clinicId, credential, { fromIndex: 1, entries: entries.slice(0, 20) });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ acknowledgedIndex: 20 });
    const older = await uploadLog(api, clinicId, credential, { fromIndex: 5, entries: entries.slice(4, 10) });
    expect(older.body).withContext('a batch entirely below the acknowledged index').toEqual({ acknowledgedIndex: 20 });
    expect(await caughtUpLog(api, clinicId)).toEqual(before);

    const overlapping = await uploadLog(api, clinicId, credential, { fromIndex: 15, entries: entries.slice(14, 30) });
    expect(overlapping.body).toEqual({ acknowledgedIndex: 30 });
    const device = new ChartStateMachine(clinicId);
    applyEntries(device, entries);
    expect(await caughtUpLog(api, clinicId)).toEqual(jasmine.objectContaining({ entries: 30, acknowledgedIndex: 30, appliedIndex: 30, stateHash: device.stateHash() }));
  });

  it('refuses a batch that leaves a gap with 409 and the index expected, storing nothing', async () => {
    const { clinicId, credential } = await clinicWithDevice(api);
    const entries = workloadEntries(20, 3);
    await uploadLog(api, clinicId, credential, { fromIndex: 1, entries: entries.slice(0, 10) });
    const before = await caughtUpLog(api, clinicId);
    const response = await uploadLog(api, clinicId, credential, { fromIndex: 12, entries: entries.slice(11, 20) });
    expectError(response, 409, /upload from 11/);
    expect((response.body as { expectedIndex: number }).expectedIndex).toBe(11);
    expect(await caughtUpLog(api, clinicId)).toEqual(before);

    const fresh = await clinicWithDevice(api);
    const first = await uploadLog(api, fresh.clinicId, fresh.credential, { fromIndex: 2, entries: entries.slice(1, 3) });
    expect(first.status).toBe(409);
    expect((first.body as { expectedIndex: number }).expectedIndex).toBe(1);
  });

  it('refuses a batch with an entry that differs from the stored one (409), stores none of it, and records the divergence once per distinct entry', async () => {
    const { clinicId, deviceId, credential } = await clinicWithDevice(api);
    const entries = workloadEntries(12, 4);
    await uploadLog(api, clinicId, credential, { fromIndex: 1, entries: entries.slice(0, 10) });
    const before = await caughtUpLog(api, clinicId);
    const changed = [...entries];
    changed[6] = commandEntry(7, 1, Buffer.from('a different command'));
    const body = { fromIndex: 5, entries: changed.slice(4, 12) }; // 5..12: 7 differs, 11 and 12 are new
    const response = await uploadLog(api, clinicId, credential, body);
    expectError(response, 409, /Entry 7 differs/);
    expect(response.body).toEqual(jasmine.objectContaining({ divergentIndex: 7, acknowledgedIndex: 10 }));
    expect(await caughtUpLog(api, clinicId)).toEqual({ ...before, divergences: 1 });

    await uploadLog(api, clinicId, credential, body);
    const otherTerm = [...entries];
    otherTerm[7] = { ...entries[7]!, term: 2 };
    otherTerm[8] = { ...entries[8]!, term: 2 };
    await uploadLog(api, clinicId, credential, { fromIndex: 8, entries: otherTerm.slice(7, 9) });
    const divergences = await dataSource.query(
      `SELECT log_index::int, stored_term::int, received_term::int, occurrences, device_id, resolved_at, stored_digest <> received_digest AS differs
       FROM log_divergences WHERE clinic_id = $1 ORDER BY log_index`,
      [clinicId],
    );
    expect(divergences).toEqual([
      { log_index: 7, stored_term: 1, received_term: 1, occurrences: 2, device_id: deviceId, resolved_at: null, differs: true },
      { log_index: 8, stored_term: 1, received_term: 2, occurrences: 1, device_id: deviceId, resolved_at: null, differs: false },
    ]);
    expect(await caughtUpLog(api, clinicId)).toEqual({ ...before, divergences: 2 });

    // Ops list the open ones, resolve one; when the same entry is uploaded again it is open again.
    const listed = await call(api.baseUrl, 'GET', `/api/ops/divergences?clinicId=${clinicId}&open=true`, { token: api.adminToken });
    const open = (listed.body as { divergences: { id: string; logIndex: number; occurrences: number; deviceId: string }[] }).divergences;
    expect(open.map((divergence) => divergence.logIndex).sort()).toEqual([7, 8]);
    const seven = open.find((divergence) => divergence.logIndex === 7)!;
    expect(seven).toEqual(jasmine.objectContaining({ occurrences: 2, deviceId, resolvedAt: null, resolution: null }));
    const resolved = await call(api.baseUrl, 'POST', `/api/ops/divergences/${seven.id}/resolve`, { token: api.adminToken, json: { resolution: 'Tablet 2 restored from central.' } });
    expect(resolved.status).toBe(200);
    const openNow = async () => ((await call(api.baseUrl, 'GET', `/api/ops/divergences?clinicId=${clinicId}&open=true`, { token: api.adminToken })).body as { divergences: { logIndex: number }[] }).divergences;
    expect((await openNow()).map((divergence) => divergence.logIndex)).toEqual([8]);
    await uploadLog(api, clinicId, credential, body);
    expect((await openNow()).map((divergence) => divergence.logIndex).sort()).withContext('it came back').toEqual([7, 8]);
  });

  it(`refuses an oversize batch with 413 and a message naming the limit, storing nothing`, async () => {
    const { clinicId, credential } = await clinicWithDevice(api);
    const before = await caughtUpLog(api, clinicId);
    const tooMany = Array.from({ length: ingestLimits.entriesPerBatchMax + 1 }, (_, offset): UploadEntry => ({ index: 1 + offset, term: 1, kind: 'noop' }));
    expectError(await uploadLog(api, clinicId, credential, { fromIndex: 1, entries: tooMany }), 413, /at most 1000 entries/);
    const entryBytes = Math.floor(ingestLimits.batchDataBytesMax / 3);
    const tooBig = [1, 2, 3, 4].map((index) => commandEntry(index, 1, Buffer.alloc(entryBytes, index)));
    expectError(await uploadLog(api, clinicId, credential, { fromIndex: 1, entries: tooBig }), 413, /at most 524288 bytes of commands/);
    expectError(await uploadLog(api, clinicId, credential, { fromIndex: 1, entries: [commandEntry(1, 1, Buffer.alloc(ingestLimits.entryDataBytesMax + 1))] }), 400, /at most 262144 bytes/);
    expect(await caughtUpLog(api, clinicId)).toEqual(before);
  });

  const malformed: [what: string, body: unknown, message: RegExp][] = [
    ['bad base64', { fromIndex: 1, entries: [{ index: 1, term: 1, kind: 'command', data: '%%%%' }] }, /entries\[0\]\.data must be base64/],
    ['an index given as a string', { fromIndex: 1, entries: [{ index: '1', term: 1, kind: 'noop' }] }, /index must be a positive integer/],
    ['fromIndex given as a string', { fromIndex: '1', entries: [{ index: 1, term: 1, kind: 'noop' }] }, /fromIndex must be an integer/],
    ['fromIndex 0', { fromIndex: 0, entries: [{ index: 0, term: 1, kind: 'noop' }] }, /fromIndex must not be less than 1/],
    ['an unknown top-level field', { fromIndex: 1, entries: [{ index: 1, term: 1, kind: 'noop' }], leader: 'me' }, /property leader should not exist/],
    ['an unknown entry field', { fromIndex: 1, entries: [{ index: 1, term: 1, kind: 'noop', payload: 'x' }] }, /payload should not exist/],
    ['entries that are not a list', { fromIndex: 1, entries: { index: 1 } }, /entries must be an array/],
    ['no entries', { fromIndex: 1, entries: [] }, /at least one entry/],
    ['no body fields at all', {}, /fromIndex/],
    ['a non-contiguous batch', { fromIndex: 1, entries: [{ index: 1, term: 1, kind: 'noop' }, { index: 3, term: 1, kind: 'noop' }] }, /contiguous/],
    ['a term going down', { fromIndex: 1, entries: [{ index: 1, term: 2, kind: 'noop' }, { index: 2, term: 1, kind: 'noop' }] }, /terms never decrease/],
    ['an uncommitted entry', { fromIndex: 1, leaderCommitIndex: 1, entries: [{ index: 1, term: 1, kind: 'noop' }, { index: 2, term: 1, kind: 'noop' }] }, /past leaderCommitIndex/],
    ['a negative leaderCommitIndex', { fromIndex: 1, leaderCommitIndex: -1, entries: [{ index: 1, term: 1, kind: 'noop' }] }, /leaderCommitIndex must not be less than 0/],
    ['a membership change of an unknown type', { fromIndex: 1, entries: [{ index: 1, term: 1, kind: 'membership', change: { type: 'promote', nodeId: 'a' } }] }, /change\.type/],
    ['a body that is a list', [{ fromIndex: 1 }], /.+/],
  ];

  for (const [what, body, message] of malformed) {
    it(`refuses ${what} with 400 and a message, storing nothing`, async () => {
      const { clinicId, credential } = await clinicWithDevice(api);
      await uploadLog(api, clinicId, credential, { fromIndex: 1, entries: [{ index: 1, term: 1, kind: 'noop' }] });
      const before = await caughtUpLog(api, clinicId);
      const response = await uploadLog(api, clinicId, credential, body);
      expectError(response, 400, message);
      expect(await caughtUpLog(api, clinicId)).toEqual(before);
    });
  }

  it('refuses malformed JSON and a body over the HTTP limit', async () => {
    const { clinicId, credential } = await clinicWithDevice(api);
    const path = `/api/clinics/${clinicId}/log`;
    expectError(await call(api.baseUrl, 'POST', path, { token: credential, rawBody: '{"fromIndex": 1, "entries": [' }), 400, /JSON/);
    const huge = JSON.stringify({ fromIndex: 1, entries: [{ index: 1, term: 1, kind: 'command', data: 'A'.repeat(2 * 1024 * 1024) }] });
    expectError(await call(api.baseUrl, 'POST', path, { token: credential, rawBody: huge }), 413, /limit of 1048576 bytes/);
    expect(await caughtUpLog(api, clinicId)).toEqual(jasmine.objectContaining({ entries: 0, acknowledgedIndex: 0 }));
  });

  it('lets only the clinic\'s own devices upload: 401 without a credential, 403 for another clinic\'s device or an admin', async () => {
    const own = await clinicWithDevice(api, 'Kisoro');
    const other = await clinicWithDevice(api, 'Bunagana');
    const body = { fromIndex: 1, entries: [{ index: 1, term: 1, kind: 'noop' }] };
    expectError(await call(api.baseUrl, 'POST', `/api/clinics/${own.clinicId}/log`, { json: body }), 401, /Bearer/);
    expectError(await uploadLog(api, own.clinicId, 'cmdev_not-a-real-credential', body), 401, /Bearer/);
    expectError(await uploadLog(api, own.clinicId, other.credential, body), 403, /own clinic/);
    expectError(await uploadLog(api, own.clinicId, api.adminToken, body), 403, /not for a admin/);
    expectError(await call(api.baseUrl, 'GET', `/api/clinics/${own.clinicId}/log/ack`, { token: other.credential }), 403, /own clinic/);
    expect(await caughtUpLog(api, own.clinicId)).toEqual(jasmine.objectContaining({ entries: 0, acknowledgedIndex: 0 }));
  });

  it('answers 404 for a clinic that does not exist and 400 for a clinic id that is not a UUID', async () => {
    expectError(await call(api.baseUrl, 'GET', `/api/clinics/${randomUUID()}/log/ack`, { token: api.adminToken }), 404, /does not exist/);
    expectError(await call(api.baseUrl, 'GET', '/api/clinics/kisoro/log/ack', { token: api.adminToken }), 400, /uuid/);
  });

  it('serializes racing uploads of one clinic (an old and a new leader): every entry stored once, the copy equal to a device\'s', async () => {
    const { clinicId, credential: oldLeader } = await clinicWithDevice(api);
    const enrolled = await call(api.baseUrl, 'POST', `/api/clinics/${clinicId}/devices`, { token: api.adminToken, json: { name: 'New leader' } });
    const newLeader = (enrolled.body as { credential: string }).credential;
    const entries = workloadEntries(1200, 5);
    // Both leaders upload the whole log in batches of 100 at once, in opposite orders, plus overlapping batches.
    const bodies = batches(entries, 100);
    const overlapping = batches(entries.slice(50), 100);
    const requests = [
      ...bodies.map((body) => uploadLog(api, clinicId, oldLeader, body)),
      ...[...bodies].reverse().map((body) => uploadLog(api, clinicId, newLeader, body)),
      ...overlapping.map((body) => uploadLog(api, clinicId, newLeader, body)),
    ];
    const responses = await Promise.all(requests);
    for (const response of responses) expect([200, 409]).withContext(JSON.stringify(response.body)).toContain(response.status);
    // Whatever the interleaving, finishing the upload in order converges.
    for (const body of bodies) expect((await uploadLog(api, clinicId, newLeader, body)).status).toBe(200);
    const device = new ChartStateMachine(clinicId);
    applyEntries(device, entries);
    expect(await caughtUpLog(api, clinicId)).toEqual({
      entries: 1200, lastIndex: 1200, acknowledgedIndex: 1200, appliedIndex: 1200, stateHash: device.stateHash(), outcomes: 0, divergences: 0,
    });
    const divergent = responses.filter((response) => (response.body as { divergentIndex?: number }).divergentIndex !== undefined);
    expect(divergent).withContext('identical entries never count as divergent').toEqual([]);
  });
});
