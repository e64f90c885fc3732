// `npm run bench -- ingest [--json]`: committed log entries stored per second through the central API's HTTP
// into PostgreSQL, by one API process (`npm start`'s main.js, as a child process) on an embedded PostgreSQL
// with fsync on. Several clinics' leaders upload at once, each its batches one after another, of realistic
// chart commands (registrations, vitals, notes; about 300 bytes of MessagePack) for lease-policy clinics.
//
// Central's chart copy is a projection that catches up after uploads, so each round has two figures: stored
// (every upload acknowledged: the figure), and caught up (then a read of every clinic, which brings
// its copy up to the whole log first: stored AND applied, what one upload used to do inside its transaction).
// The API process's CPU is counted over both. Baselines in the same run, on the same server:
//   - applied before the next batch: other clinics, the same kind of log, each upload followed by a read
//     before the next one, so every batch is applied to the copy before the leader goes on: the throughput
//     the API had when the copy was fed inside the upload's transaction (the figure this design replaced);
//   - the same rows inserted by a direct multi-row INSERT, one transaction per batch, without the API;
//   - the chart state machine alone on the same commands, in this process.
// Rounds interleave them so drift in machine load hits all alike; figures are medians over the rounds.
//
// It lives in central-api/bench, compiled by the central project (it drives the API's own code: the embedded
// server, the schema), and the bench CLI in simulations loads it from dist at run time: the clinic project
// cannot import central code (central references it, not the other way round).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ChartStateMachine, decodeCommand } from '../../leader-worker/src/chart/index.js';
import { percentile } from '../../leader-worker/src/statistics/percentile.js';
import { generateCredential } from '../src/auth/credentials.js';
import { EmbeddedPostgresServer } from '../src/database/embedded-postgres-server.js';
import { ensureDatabase } from '../src/database/server-databases.js';
import { ChartWorkload } from './chart-workload.js';

export interface IngestBenchSetup {
  /** Clinics uploading at once, each through its own leader (one device credential, one connection). */
  readonly clinics: number;
  readonly batchSize: number;
  /** Batches each clinic uploads per round, one after another. */
  readonly batchesPerRound: number;
  readonly rounds: number;
  /** Patients each clinic registers before the vitals and notes about them. */
  readonly patientsPerClinic: number;
  /** When set, the API process writes a V8 CPU profile there (node --cpu-prof) as it exits. */
  readonly apiCpuProfileDirectory?: string;
}

const limits = {
  /** initdb with fsync, PostgreSQL, Nest: a few seconds on a slow machine. */
  apiStartTimeoutMs: 60_000,
};
const mainScript = fileURLToPath(new URL('../src/main.js', import.meta.url));
const benchDatabase = 'clinic_mesh_bench';

/** Every clinic's log, as upload bodies (JSON text, encoded before timing) and as the rows they store. */
interface Batch {
  readonly body: string;
  readonly indexes: number[];
  readonly data: Buffer[];
}

class ClinicLog {
  private readonly workload: ChartWorkload;
  private nextIndex = 1;

  constructor(seed: number, patients: number) {
    this.workload = new ChartWorkload({ seed, patients, clientId: `leader-${seed}` });
  }

  nextBatch(size: number): Batch {
    const indexes: number[] = [];
    const data: Buffer[] = [];
    const entries = [];
    for (let offset = 0; offset < size; offset++) {
      const index = this.nextIndex++;
      const bytes = Buffer.from(this.workload.nextCommandBytes());
      indexes.push(index);
      data.push(bytes);
      entries.push({ index, term: 1, kind: 'command', data: bytes.toString('base64') });
    }
    return { body: JSON.stringify({ fromIndex: indexes[0], leaderCommitIndex: indexes[indexes.length - 1], entries }), indexes, data };
  }
}

interface ApiProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
}

function startApi(databaseUrl: string, adminToken: string, cpuProfileDirectory: string | undefined): Promise<ApiProcess> {
  const profiling = cpuProfileDirectory === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDirectory}`];
  const child = spawn(process.execPath, [...profiling, mainScript], {
    env: { ...process.env, PORT: '0', DATABASE_URL: databaseUrl, ADMIN_TOKEN: adminToken },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API did not start:\n${output}`)), limits.apiStartTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/localhost:\d+)\/api/.exec(output);
      if (listening !== null) {
        clearTimeout(timer);
        resolve({ child, baseUrl: listening[1]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`the API exited with ${code}:\n${output}`)));
  });
}

async function get(baseUrl: string, path: string, token: string): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

async function post(baseUrl: string, path: string, token: string, body: string): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

interface BenchClinic {
  readonly clinicId: string;
  readonly credential: string;
  readonly log: ClinicLog;
}

async function enrollClinic(api: ApiProcess, adminToken: string, name: string, seed: number, patients: number): Promise<BenchClinic> {
  const { id: clinicId } = (await post(api.baseUrl, '/api/clinics', adminToken, JSON.stringify({ name, chartPolicy: 'lease' }))) as { id: string };
  const { credential } = (await post(api.baseUrl, `/api/clinics/${clinicId}/devices`, adminToken, JSON.stringify({ name: 'Leader tablet' }))) as { credential: string };
  return { clinicId, credential, log: new ClinicLog(seed, patients) };
}

/** Every clinic uploads its batches in order, all clinics at once; entries per second over the whole round. */
async function uploadRound(api: ApiProcess, work: readonly { clinic: BenchClinic; batches: Batch[] }[]): Promise<number> {
  const started = performance.now();
  await Promise.all(work.map(async ({ clinic, batches }) => {
    for (const batch of batches) await post(api.baseUrl, `/api/clinics/${clinic.clinicId}/log`, clinic.credential, batch.body);
  }));
  return entriesIn(work) / ((performance.now() - started) / 1000);
}

/** Every clinic uploads its batches in order, each followed by a read that waits for the copy to apply it. */
async function uploadAppliedRound(api: ApiProcess, work: readonly { clinic: BenchClinic; batches: Batch[] }[]): Promise<number> {
  const started = performance.now();
  await Promise.all(work.map(async ({ clinic, batches }) => {
    for (const batch of batches) {
      await post(api.baseUrl, `/api/clinics/${clinic.clinicId}/log`, clinic.credential, batch.body);
      await catchUpRound(api, [clinic], [batch.indexes[batch.indexes.length - 1]!]);
    }
  }));
  return entriesIn(work) / ((performance.now() - started) / 1000);
}

/** A read of each clinic's charts, all at once: each brings its copy up to the clinic's whole stored log first. */
async function catchUpRound(api: ApiProcess, clinics: readonly BenchClinic[], expectedIndexes: readonly number[]): Promise<void> {
  await Promise.all(clinics.map(async (clinic, position) => {
    const { appliedIndex } = (await get(api.baseUrl, `/api/clinics/${clinic.clinicId}/patients?query=amina&limit=1`, clinic.credential)) as { appliedIndex: number };
    if (appliedIndex !== expectedIndexes[position]) throw new Error(`the copy of ${clinic.clinicId} answered at ${appliedIndex}, not ${expectedIndexes[position]}`);
  }));
}

/** The same rows by a direct multi-row INSERT (the statement the API uses), one transaction per batch. */
async function insertRound(pool: pg.Pool, work: readonly { clinicId: string; batches: Batch[] }[]): Promise<number> {
  const started = performance.now();
  await Promise.all(work.map(async ({ clinicId, batches }) => {
    const client = await pool.connect();
    try {
      for (const batch of batches) {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO log_entries (clinic_id, log_index, term, kind, data)
           SELECT $1, index, 1, 'command', data FROM unnest($2::bigint[], $3::bytea[]) AS batch (index, data)`,
          [clinicId, batch.indexes, batch.data],
        );
        await client.query('COMMIT');
      }
    } finally {
      client.release();
    }
  }));
  return entriesIn(work) / ((performance.now() - started) / 1000);
}

/** The chart state machine alone on the same commands (decode and apply, in this process): its ceiling. */
function applyRound(machines: Map<string, ChartStateMachine>, work: readonly { clinic: BenchClinic; batches: Batch[] }[]): number {
  const started = performance.now();
  for (const { clinic, batches } of work) {
    const machine = machines.get(clinic.clinicId)!;
    for (const batch of batches) {
      for (let offset = 0; offset < batch.data.length; offset++) machine.apply(batch.indexes[offset]!, decodeCommand(batch.data[offset]!));
    }
  }
  return entriesIn(work) / ((performance.now() - started) / 1000);
}

/**
 * CPU seconds (user + system) a process has used, from Linux's /proc (clock ticks of 1/100 s); undefined
 * elsewhere. Unlike wall time it does not depend on what else the machine is running.
 */
function processCpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime and stime: fields 14 and 15 of stat
  } catch {
    return undefined;
  }
}

function entriesIn(work: readonly { batches: Batch[] }[]): number {
  return work.reduce((sum, { batches }) => sum + batches.reduce((count, batch) => count + batch.indexes.length, 0), 0);
}

export async function runIngestBench(setup: IngestBenchSetup, log: (line: string) => void): Promise<Record<string, unknown>> {
  const server = await EmbeddedPostgresServer.start({ durable: true });
  let api: ApiProcess | undefined;
  const pool = new pg.Pool({ connectionString: server.url(benchDatabase), max: setup.clinics });
  // pool.end() resolves before its connections' sockets close, so one may still hear the server shut down.
  pool.on('error', () => undefined);
  try {
    await ensureDatabase(server.url('postgres'), benchDatabase);
    const adminToken = generateCredential('admin');
    api = await startApi(server.url(benchDatabase), adminToken, setup.apiCpuProfileDirectory);
    const clinics: BenchClinic[] = [];
    for (let number = 1; number <= setup.clinics; number++) clinics.push(await enrollClinic(api, adminToken, `Bench clinic ${number}`, number, setup.patientsPerClinic));
    const warmup = await enrollClinic(api, adminToken, 'Warm-up clinic', 1000, setup.patientsPerClinic);
    const appliedFirstClinics: BenchClinic[] = [];
    for (let number = 1; number <= setup.clinics; number++) {
      appliedFirstClinics.push(await enrollClinic(api, adminToken, `Bench clinic ${number}, applied batch by batch`, 2000 + number, setup.patientsPerClinic));
    }
    const machines = new Map(clinics.map((clinic) => [clinic.clinicId, new ChartStateMachine(clinic.clinicId)]));
    const baselineClinicIds = clinics.map(() => randomUUID());

    // Warm the API's JIT (and PostgreSQL's caches) on a clinic of its own, not measured.
    await uploadRound(api, [{ clinic: warmup, batches: Array.from({ length: setup.batchesPerRound }, () => warmup.log.nextBatch(setup.batchSize)) }]);
    await catchUpRound(api, [warmup], [setup.batchesPerRound * setup.batchSize]);
    await uploadAppliedRound(api, [{ clinic: warmup, batches: [warmup.log.nextBatch(setup.batchSize)] }]);

    const viaApi: number[] = [];
    const caughtUp: number[] = [];
    const appliedFirst: number[] = [];
    const direct: number[] = [];
    const applyOnly: number[] = [];
    const apiCpuMicrosecondsPerEntry: number[] = [];
    let bodyBytes = 0;
    let dataBytes = 0;
    for (let round = 1; round <= setup.rounds; round++) {
      const work = clinics.map((clinic) => ({ clinic, batches: Array.from({ length: setup.batchesPerRound }, () => clinic.log.nextBatch(setup.batchSize)) }));
      for (const { batches } of work) for (const batch of batches) {
        bodyBytes += batch.body.length;
        dataBytes += batch.data.reduce((sum, bytes) => sum + bytes.length, 0);
      }
      const cpuBefore = processCpuSeconds(api.child.pid);
      const started = performance.now();
      viaApi.push(await uploadRound(api, work));
      await catchUpRound(api, clinics, clinics.map(() => round * setup.batchesPerRound * setup.batchSize));
      caughtUp.push(entriesIn(work) / ((performance.now() - started) / 1000));
      const cpuAfter = processCpuSeconds(api.child.pid);
      if (cpuBefore !== undefined && cpuAfter !== undefined) apiCpuMicrosecondsPerEntry.push(((cpuAfter - cpuBefore) * 1e6) / entriesIn(work));
      const roundBatches = appliedFirstClinics.map((clinic) => ({
        clinic, batches: Array.from({ length: setup.batchesPerRound }, () => clinic.log.nextBatch(setup.batchSize)),
      }));
      appliedFirst.push(await uploadAppliedRound(api, roundBatches));
      direct.push(await insertRound(pool, work.map(({ batches }, position) => ({ clinicId: baselineClinicIds[position]!, batches }))));
      applyOnly.push(applyRound(machines, work));
      log(`round ${round}: API ${Math.round(viaApi[round - 1]!)} entries/s stored, ${Math.round(caughtUp[round - 1]!)} entries/s stored and applied to the chart copies (API process CPU ${Math.round(apiCpuMicrosecondsPerEntry[round - 1] ?? Number.NaN)} µs an entry for both); applied before the next batch ${Math.round(appliedFirst[round - 1]!)} entries/s; direct INSERT ${Math.round(direct[round - 1]!)} entries/s; state machine alone ${Math.round(applyOnly[round - 1]!)} entries/s`);
    }
    const entries = setup.rounds * setup.clinics * setup.batchesPerRound * setup.batchSize;
    const entriesPerSecond = Math.round(percentile(viaApi, 0.5)!);
    const baselineEntriesPerSecond = Math.round(percentile(direct, 0.5)!);
    return {
      benchmark: 'ingest',
      setup: { ...setup, apiProcesses: 1, database: 'embedded PostgreSQL, fsync on', entriesPerRound: entries / setup.rounds },
      bytesPerEntryMean: Math.round(dataBytes / entries),
      requestBytesPerBatchMean: Math.round(bodyBytes / (entries / setup.batchSize)),
      entriesPerSecond,
      entriesPerSecondMin: Math.round(Math.min(...viaApi)),
      entriesPerSecondMax: Math.round(Math.max(...viaApi)),
      baselineDirectInsertEntriesPerSecond: baselineEntriesPerSecond,
      ratioToDirectInsert: Number((entriesPerSecond / baselineEntriesPerSecond).toFixed(3)),
      caughtUpEntriesPerSecond: Math.round(percentile(caughtUp, 0.5)!),
      baselineAppliedBeforeNextBatchEntriesPerSecond: Math.round(percentile(appliedFirst, 0.5)!),
      ratioToAppliedBeforeNextBatch: Number((entriesPerSecond / percentile(appliedFirst, 0.5)!).toFixed(3)),
      caughtUpRatioToAppliedBeforeNextBatch: Number((percentile(caughtUp, 0.5)! / percentile(appliedFirst, 0.5)!).toFixed(3)),
      stateMachineAloneEntriesPerSecond: Math.round(percentile(applyOnly, 0.5)!),
      apiCpuMicrosecondsPerEntry: apiCpuMicrosecondsPerEntry.length === 0 ? null : Math.round(percentile(apiCpuMicrosecondsPerEntry, 0.5)!),
      goalEntriesPerSecond: 20_000,
    };
  } finally {
    if (api !== undefined) {
      api.child.removeAllListeners('exit');
      const exited = new Promise((resolve) => api!.child.once('exit', resolve));
      api.child.kill('SIGTERM');
      await exited;
    }
    await pool.end();
    await server.stop();
  }
}

/** The CLI's entry: options, then the run. */
export function runIngestBenchmark(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      clinics: { type: 'string', default: '4' },
      'batch-size': { type: 'string', default: '500' },
      batches: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '5' },
      patients: { type: 'string', default: '2000' },
      'api-cpu-profile-dir': { type: 'string' },
    },
  });
  const setup: IngestBenchSetup = {
    clinics: positiveInteger(values.clinics, 'clinics'),
    batchSize: positiveInteger(values['batch-size'], 'batch-size'),
    batchesPerRound: positiveInteger(values.batches, 'batches'),
    rounds: positiveInteger(values.rounds, 'rounds'),
    patientsPerClinic: positiveInteger(values.patients, 'patients'),
    ...(values['api-cpu-profile-dir'] === undefined ? {} : { apiCpuProfileDirectory: values['api-cpu-profile-dir'] }),
  };
  return runIngestBench(setup, (line) => console.log(line));
}

function positiveInteger(text: string | undefined, name: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got '${text}'`);
  return value;
}
