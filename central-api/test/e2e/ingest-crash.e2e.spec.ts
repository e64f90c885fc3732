// A real `kill -9` of the API process in the middle of an upload: after a restart the clinic's log is
// acknowledged up to before the batch or after it, never part of it, and central's chart copy (a projection
// that catches up after uploads, so possibly behind) equals a recomputation from the stored log up to its
// applied index; the next read catches it up. The process runs `npm start`'s main.js on the test PostgreSQL.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ChartStateMachine, decodeCommand } from '../../../leader-worker/src/chart/index.js';
import { ChartWorkload } from '../../bench/chart-workload.js';
import { generateCredential } from '../../src/auth/credentials.js';
import { applyEntries, commandEntries, type UploadEntry } from '../support/log-upload.js';
import { call } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';

const mainScript = fileURLToPath(new URL('../../src/main.js', import.meta.url));
const limits = {
  startTimeoutMs: 60_000,
  /** Tries at killing while the upload's transaction has written and not committed; each try is a restart. */
  midTransactionAttemptsMax: 5,
  batchEntries: 1000,
};

interface Central {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  readonly exited: Promise<void>;
}

function startCentral(databaseUrl: string, adminToken: string): Promise<Central> {
  const environment: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DATABASE_URL: databaseUrl, ADMIN_TOKEN: adminToken };
  const child = spawn(process.execPath, [mainScript], { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`central did not start:\n${output}`)), limits.startTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/localhost:\d+)\/api/.exec(output);
      if (listening !== null) {
        clearTimeout(timer);
        resolve({ child, baseUrl: listening[1]!, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`central exited:\n${output}`)));
  });
}

async function killHard(central: Central): Promise<void> {
  central.child.kill('SIGKILL');
  await central.exited;
}

describe('an API process killed with SIGKILL in the middle of an upload', () => {
  let database: TestDatabase;
  let observer: pg.Client;
  let running: Central | undefined;
  const adminToken = generateCredential('admin');

  beforeAll(async () => {
    database = await createTestDatabase();
    observer = new pg.Client({ connectionString: database.url });
    await observer.connect();
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    if (running !== undefined && running.child.exitCode === null) await killHard(running);
    await observer.end();
    await database.drop();
  });

  /**
   * Polls until an upload's transaction has written (it holds a transaction id) and not committed: a backend
   * of the API with a transaction id whose last statement was one of the upload's writes (not a projection's).
   */
  async function waitForWritingTransaction(deadlineMs: number): Promise<boolean> {
    while (Date.now() < deadlineMs) {
      const { rows } = await observer.query(
        `SELECT count(*)::int AS writing FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL
           AND query ~ '(INSERT INTO log_entries|UPDATE clinic_sync_states)'`,
      );
      if (rows[0].writing > 0) return true;
    }
    return false;
  }

  async function stored(clinicId: string): Promise<{ acknowledgedIndex: number; entries: number; appliedIndex: number; stateHash: string | null; recomputedHash: string }> {
    const { rows: [state] } = await observer.query(
      `SELECT coalesce((SELECT acknowledged_index FROM clinic_sync_states WHERE clinic_id = $1), 0)::int AS "acknowledgedIndex",
              (SELECT count(*) FROM log_entries WHERE clinic_id = $1)::int AS entries,
              coalesce((SELECT applied_index FROM chart_copies WHERE clinic_id = $1), 0)::int AS "appliedIndex",
              (SELECT state_hash FROM chart_copies WHERE clinic_id = $1) AS "stateHash"`,
      [clinicId],
    );
    const machine = new ChartStateMachine(clinicId);
    const { rows } = await observer.query(
      "SELECT log_index::int, data FROM log_entries WHERE clinic_id = $1 AND kind = 'command' AND log_index <= $2 ORDER BY log_index",
      [clinicId, state.appliedIndex],
    );
    for (const row of rows as { log_index: number; data: Buffer }[]) machine.apply(row.log_index, decodeCommand(row.data));
    return { ...state, recomputedHash: machine.stateHash() };
  }

  it('leaves the log acknowledged before or after the batch, never partly, with the chart copy equal to a recomputation', async () => {
    running = await startCentral(database.url, adminToken);
    const created = await call(running.baseUrl, 'POST', '/api/clinics', { token: adminToken, json: { name: 'Kisoro', chartPolicy: 'lease' } });
    const clinicId = (created.body as { id: string }).id;
    const enrolled = await call(running.baseUrl, 'POST', `/api/clinics/${clinicId}/devices`, { token: adminToken, json: { name: 'Leader tablet' } });
    const credential = (enrolled.body as { credential: string }).credential;
    const workload = new ChartWorkload({ seed: 7, patients: 300, clientId: 'tablet-1' });
    // Enough for every attempt and the upload after them.
    const log: UploadEntry[] = commandEntries(1, Array.from({ length: 500 + (limits.midTransactionAttemptsMax + 1) * limits.batchEntries }, () => workload.nextCommandBytes()));
    const upload = (central: Central, fromIndex: number) =>
      call(central.baseUrl, 'POST', `/api/clinics/${clinicId}/log`, { token: credential, json: { fromIndex, entries: log.slice(fromIndex - 1, fromIndex - 1 + limits.batchEntries) } });
    expect((await call(running.baseUrl, 'POST', `/api/clinics/${clinicId}/log`, { token: credential, json: { fromIndex: 1, entries: log.slice(0, 500) } })).status).toBe(200);

    let acknowledged = 500;
    let killedMidTransaction = 0;
    for (let attempt = 1; attempt <= limits.midTransactionAttemptsMax && killedMidTransaction === 0; attempt++) {
      // The batch repeats the last acknowledged entry, so it takes the upload's transaction (compare, store,
      // move the index). One that only continues the log is a single statement, atomic by PostgreSQL's own
      // guarantee and over too soon to kill inside reliably; the upload after the loop takes that path.
      const inFlight = upload(running, acknowledged).catch((error: unknown) => error);
      const caught = await waitForWritingTransaction(Date.now() + 10_000);
      await killHard(running);
      await inFlight;
      running = await startCentral(database.url, adminToken);
      const after = await stored(clinicId);
      expect([acknowledged, acknowledged - 1 + limits.batchEntries]).withContext(`attempt ${attempt}`).toContain(after.acknowledgedIndex);
      expect(after.entries).withContext('no entry past the acknowledged index').toBe(after.acknowledgedIndex);
      expect(after.appliedIndex).withContext('the copy never runs ahead of the log').toBeLessThanOrEqual(after.acknowledgedIndex);
      if (after.appliedIndex > 0) expect(after.stateHash).withContext('behind, never wrong').toBe(after.recomputedHash);
      if (caught && after.acknowledgedIndex === acknowledged) killedMidTransaction++;
      acknowledged = after.acknowledgedIndex;
    }
    expect(killedMidTransaction).withContext('at least one kill landed inside the transaction').toBe(1);

    // The leader uploads again from the acknowledged index: the new process's copy (cold, rebuilt) carries on.
    const response = await upload(running, acknowledged + 1);
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(200);
    acknowledged += limits.batchEntries;
    const device = new ChartStateMachine(clinicId);
    applyEntries(device, log.slice(0, acknowledged));
    const read = await call(running.baseUrl, 'GET', `/api/clinics/${clinicId}/patients?query=a`, { token: adminToken });
    expect(read.body).withContext('a read catches the copy up first').toEqual(jasmine.objectContaining({ appliedIndex: acknowledged }));
    expect(await stored(clinicId)).toEqual({
      acknowledgedIndex: acknowledged, entries: acknowledged, appliedIndex: acknowledged, stateHash: device.stateHash(), recomputedHash: device.stateHash(),
    });
    await killHard(running);
  }, 4 * limits.startTimeoutMs);
});
