// Generated bad input for the routes of log ingest, charts and ops: mutations of valid bodies and random
// queries. Never a 5xx, always a JSON error for a refusal, and what is stored stays consistent (every
// acknowledged entry stored once, the chart copy at the acknowledged index with a hash a device would compute).
import { DataSource } from 'typeorm';
import { ChartStateMachine } from '../../../leader-worker/src/chart/chart-state-machine.js';
import { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import { ChartWorkload } from '../../bench/chart-workload.js';
import { decodeCommand } from '../../src/charts/command-decoding.js';
import { commandEntries, storedLog, uploadLog, type UploadEntry } from '../support/log-upload.js';
import { call, clinicWithDevice, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';

const generated = { uploads: 400, reads: 200, seed: 20_261_124 };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function randomValue(random: SeededRandom, depth = 0): Json {
  switch (random.nextInt(depth > 2 ? 7 : 9)) {
    case 0: return null;
    case 1: return random.chance(0.5);
    case 2: return [0, -1, 1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER][random.nextInt(8)]!;
    case 3: return random.nextInt(1000);
    case 4: return ['', 'noop', 'command', 'membership', 'AAAA', '%%', '\u0000', 'é'.repeat(50), 'addVoter', '1'][random.nextInt(10)]!;
    case 5: return Buffer.from(Array.from({ length: random.nextInt(40) }, () => random.nextInt(256))).toString('base64');
    case 6: return String.fromCharCode(...Array.from({ length: random.nextInt(20) }, () => random.nextInt(0x3000)));
    case 7: return Array.from({ length: random.nextInt(4) }, () => randomValue(random, depth + 1));
    default: return Object.fromEntries(Array.from({ length: random.nextInt(4) }, () => [['index', 'term', 'kind', 'data', 'change', 'type', 'nodeId', 'x'][random.nextInt(8)]!, randomValue(random, depth + 1)]));
  }
}

/** A valid body with one to three mutations: a field replaced, removed or added, at the top or in an entry. */
function mutatedBody(random: SeededRandom, valid: { fromIndex: number; entries: UploadEntry[] }): Json {
  const body = JSON.parse(JSON.stringify(valid)) as { [key: string]: Json };
  for (let mutation = 0; mutation <= random.nextInt(3); mutation++) {
    const entries = body['entries'];
    const entry = Array.isArray(entries) && entries.length > 0 ? entries[random.nextInt(entries.length)] : null;
    const target = random.chance(0.3) || typeof entry !== 'object' || entry === null || Array.isArray(entry) ? body : entry;
    const keys = ['fromIndex', 'entries', 'leaderCommitIndex', 'index', 'term', 'kind', 'data', 'change', 'extra'];
    const key = keys[random.nextInt(keys.length)]!;
    if (random.chance(0.25)) delete target[key];
    else target[key] = randomValue(random);
  }
  return random.chance(0.05) ? randomValue(random) : body;
}

describe('generated bad input for ingest, charts and ops', () => {
  let database: TestDatabase;
  let api: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApp(database.url, []);
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  it(`answers ${generated.uploads} mutated uploads and ${generated.reads} random reads without a 5xx, and what is stored stays consistent`, async () => {
    const random = new SeededRandom(generated.seed);
    const { clinicId, credential } = await clinicWithDevice(api);
    const workload = new ChartWorkload({ seed: 3, patients: 10, clientId: 'tablet-1' });
    const log = commandEntries(1, Array.from({ length: 40 }, () => workload.nextCommandBytes()));
    await uploadLog(api, clinicId, credential, { fromIndex: 1, entries: log.slice(0, 20) });

    const statuses = new Map<number, number>();
    const check = (what: string, response: { status: number; body: unknown }) => {
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      expect(response.status).withContext(what).toBeLessThan(500);
      if (response.status >= 400) expect(response.body).withContext(what).toEqual(jasmine.objectContaining({ statusCode: response.status, message: jasmine.any(String) }));
    };
    for (let attempt = 0; attempt < generated.uploads; attempt++) {
      const fromIndex = 1 + random.nextInt(30);
      const body = mutatedBody(random, { fromIndex, entries: log.slice(fromIndex - 1, fromIndex - 1 + 1 + random.nextInt(10)) });
      check(JSON.stringify(body).slice(0, 300), await uploadLog(api, clinicId, credential, body));
    }
    const pathPieces = [clinicId, 'not-a-uuid', '00000000-0000-0000-0000-000000000000', '%00', 'ack', 'log', 'patients'];
    for (let attempt = 0; attempt < generated.reads; attempt++) {
      const piece = () => encodeURIComponent(pathPieces[random.nextInt(pathPieces.length)]!);
      const query = `query=${encodeURIComponent(String(randomValue(random)))}&limit=${encodeURIComponent(String(randomValue(random)))}`;
      const paths = [`/api/clinics/${piece()}/log/ack`, `/api/clinics/${piece()}/patients?${query}`, `/api/clinics/${piece()}/patients/${piece()}`, `/api/ops/clinics?${query}`];
      const path = paths[random.nextInt(paths.length)]!;
      check(path, await call(api.baseUrl, 'GET', path, { token: random.chance(0.5) ? credential : api.adminToken }));
    }

    const stored = await storedLog(api.app.get(DataSource), clinicId);
    expect(stored.entries).toBe(stored.acknowledgedIndex);
    expect(stored.appliedIndex).toBe(stored.acknowledgedIndex);
    const rows: { log_index: number; data: Buffer | null }[] = await api.app.get(DataSource).query(
      'SELECT log_index::int, data FROM log_entries WHERE clinic_id = $1 ORDER BY log_index', [clinicId],
    );
    const machine = new ChartStateMachine(clinicId);
    for (const row of rows) if (row.data !== null) machine.apply(row.log_index, decodeCommand(row.data));
    expect(stored.stateHash).toBe(machine.stateHash());
    expect(statuses.get(400) ?? 0).withContext(JSON.stringify([...statuses])).toBeGreaterThan(generated.uploads / 4);
  }, 120_000);
});
