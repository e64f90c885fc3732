// `npm run bench -- peak [--clinics 2000] [--duration-s 60] [--interval-s 10] [--warmup-s 10] [--json]
// [--api-cpu-profile <folder>]`, or with `--capacity [--clinics-from 500] [--clinics-step 250] [--runs 3]` the
// number of clinics served within the goal (peak-capacity.ts): the
// seed's 11 a.m. peak against one central API process. Every clinic's leader, staggered evenly over the
// interval, uploads the entries its devices committed since the last upload (10 to 60) and, half an interval
// later, reads its downstream feed after its cursor; a tenth of the clinics also cycle a chart lease, and one
// admin posts lab results so feeds are not always empty. Figures: latency per request kind and overall
// (from when each request was due), errors by cause, the API's memory at the start and end of the measured
// window, and what the generator itself lagged, to show it was not the bottleneck.
//
// The API is `npm start`'s main.js in a child process on its own embedded PostgreSQL (api-process.ts). Like
// the ingest bench it lives in central-api/bench and the bench CLI loads it from dist.
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { assert } from '../../leader-worker/src/invariants/assert.js';
import { SeededRandom } from '../../leader-worker/src/raft/seeded-random.js';
import { generateCredential } from '../src/auth/credentials.js';
import { type ApiMetricsReading, meanHandlerMs, readApiMetrics } from './api-metrics.js';
import { ApiProcess } from './api-process.js';
import { DatabaseObserver } from './database-observer.js';
import { HttpLoadClient } from './http-load-client.js';
import { LatencyRecorder, type RequestOutcome } from './latency-recorder.js';
import { LoadSchedule } from './load-schedule.js';
import { type ChartPolicy, PeakClinic, type PlannedRequest } from './peak-clinic.js';
import { type CapacitySearch, runCapacitySearch } from './peak-capacity.js';
import { PeakProgress, type TimelineRow } from './peak-progress.js';
import { defaultCapacitySearch, defaultPeakBenchSetup, peakGoals, peakLimits, type PeakBenchSetup, peakWorkload } from './peak-settings.js';
import { cpuSeconds, processTreeUsage, residentMegabytes } from './process-usage.js';

const millisecondsPerSecond = 1000;
/** The first requests are due this long after the schedule is laid out, so none starts late by construction. */
const scheduleLeadMs = 200;

/** The API's and its database's usage at one moment. */
interface UsageSample {
  readonly atMs: number;
  readonly apiResidentMb: number | undefined;
  readonly apiCpuSeconds: number | undefined;
  readonly databaseProportionalMb: number | undefined;
  readonly databaseCpuSeconds: number | undefined;
  readonly generatorCpuMicroseconds: number;
  readonly acknowledgedEntries: number;
}

/** `apiCpuProfileFolder`: the API process writes a V8 CPU profile there when it stops (where its time went). */
export async function runPeakBench(setup: PeakBenchSetup, log: (line: string) => void, apiCpuProfileFolder?: string): Promise<Record<string, unknown>> {
  const loadAverageBefore = loadavg();
  const adminToken = generateCredential('admin');
  const api = await ApiProcess.start(adminToken, apiCpuProfileFolder === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${apiCpuProfileFolder}`]);
  const client = new HttpLoadClient({ port: api.port, socketsMax: peakLimits.httpSocketsMax, timeoutMs: peakLimits.requestTimeoutMs });
  // Its own socket: a reading must not wait in the load's queue.
  const metricsClient = new HttpLoadClient({ port: api.port, socketsMax: 1, timeoutMs: peakLimits.requestTimeoutMs });
  const databaseUrl = await api.databaseUrl();
  const database = databaseUrl === undefined ? undefined : await DatabaseObserver.connect(databaseUrl, () => performance.now());
  database?.start(peakLimits.databaseSampleIntervalMs);
  try {
    log(`API process ${api.pid} listening on port ${api.port}, PostgreSQL ${api.databasePid() ?? '?'}; creating ${setup.clinics} clinics`);
    const setupStartedMs = performance.now();
    const clinics = await enrollClinics(client, adminToken, setup.clinics, log);
    const setupSeconds = (performance.now() - setupStartedMs) / millisecondsPerSecond;
    log(`setup done in ${setupSeconds.toFixed(1)} s; ${setup.warmupSeconds} s of warm-up, then ${setup.durationSeconds} s measured`);
    const run = await runLoad(setup, clinics, { load: client, metrics: metricsClient, database }, adminToken, api, log);
    if (!api.running) throw new Error(`the API process exited during the run:\n${api.recentOutput()}`);
    return { ...report(setup, clinics, run, setupSeconds, loadAverageBefore), apiLoggedErrors: api.loggedErrors() };
  } finally {
    client.close();
    metricsClient.close();
    await database?.stop();
    await api.stop();
  }
}

/** Not measured: every clinic created (lease and merge alternate), a leader enrolled, its patients uploaded. */
async function enrollClinics(client: HttpLoadClient, adminToken: string, count: number, log: (line: string) => void): Promise<PeakClinic[]> {
  const clinics: PeakClinic[] = new Array<PeakClinic>(count);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count) {
      const position = next++;
      const number = position + 1;
      const chartPolicy: ChartPolicy = number % 2 === 0 ? 'lease' : 'merge';
      const { id: clinicId } = (await sendOrThrow(client, 'POST', '/api/clinics', adminToken, { name: `Peak clinic ${number}`, chartPolicy })) as { id: string };
      const { credential } = (await sendOrThrow(client, 'POST', `/api/clinics/${clinicId}/devices`, adminToken, { name: 'Leader tablet' })) as { credential: string };
      const clinic = new PeakClinic(clinicId, credential, chartPolicy, number);
      clinic.commit(peakWorkload.patientsPerClinic);
      await sendPlannedOrThrow(client, clinic.credential, clinic.upload());
      await sendPlannedOrThrow(client, clinic.credential, clinic.pollFeed());
      clinic.commitOneInterval();
      clinics[position] = clinic;
      if (++done % 500 === 0) log(`setup: ${done} of ${count} clinics enrolled`);
    }
  };
  await Promise.all(Array.from({ length: peakLimits.setupConcurrency }, worker));
  return clinics;
}

async function sendOrThrow(client: HttpLoadClient, method: 'POST', path: string, token: string, body: unknown): Promise<unknown> {
  const answer = await client.send(method, path, token, JSON.stringify(body));
  if (answer.status < 200 || answer.status > 299) throw new Error(`setup: ${method} ${path} answered ${answer.status}: ${answer.text.slice(0, peakLimits.errorExampleCharactersMax)}`);
  return JSON.parse(answer.text);
}

async function sendPlannedOrThrow(client: HttpLoadClient, token: string, planned: PlannedRequest): Promise<void> {
  const answer = await client.send(planned.method, planned.path, token, planned.body);
  const problem = answer.status < 200 || answer.status > 299 ? `answered ${answer.status}: ${answer.text.slice(0, peakLimits.errorExampleCharactersMax)}` : planned.accept(answer.status, answer.text);
  if (problem !== undefined) throw new Error(`setup: ${planned.method} ${planned.path} ${problem}`);
}

interface LoadRun {
  readonly measured: LatencyRecorder;
  readonly warmupErrors: number;
  readonly errorExamples: string[];
  readonly start: UsageSample;
  readonly end: UsageSample;
  readonly residentSamplesMb: number[];
  readonly labResultsPosted: number;
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
  readonly inFlightMax: number;
  readonly socketsOpenAtEnd: number;
  readonly timeline: readonly TimelineRow[];
  /** The API's own metrics before the load and after it drained (so over warm-up, window and drain). */
  readonly metricsBefore: ApiMetricsReading | undefined;
  readonly metricsAfter: ApiMetricsReading | undefined;
}

interface LoadClients {
  readonly load: HttpLoadClient;
  readonly metrics: HttpLoadClient;
  readonly database: DatabaseObserver | undefined;
}

async function runLoad(
  setup: PeakBenchSetup, clinics: readonly PeakClinic[], clients: LoadClients, adminToken: string, api: ApiProcess, log: (line: string) => void,
): Promise<LoadRun> {
  const client = clients.load;
  // Read while the API is idle, before the load and after it drained: an overloaded API answers no reading.
  const metricsBefore = await readApiMetrics(clients.metrics);
  const intervalMs = setup.intervalSeconds * millisecondsPerSecond;
  const startMs = performance.now() + scheduleLeadMs;
  const windowStartMs = startMs + setup.warmupSeconds * millisecondsPerSecond;
  const windowEndMs = windowStartMs + setup.durationSeconds * millisecondsPerSecond;
  const everything = new LatencyRecorder();
  const measured = new LatencyRecorder();
  const errorExamples: string[] = [];
  let labResultsPosted = 0;
  const schedule = new LoadSchedule(client, (outcome: RequestOutcome) => {
    everything.record(outcome);
    if (outcome.dueMs >= windowStartMs) measured.record(outcome);
    if (outcome.kind === 'labResult' && outcome.failure === undefined) labResultsPosted++;
    if (outcome.failure !== undefined && errorExamples.length < peakLimits.errorExamplesKept) errorExamples.push(`${outcome.failure}: ${(outcome.detail ?? '').slice(0, peakLimits.errorExampleCharactersMax)}`);
  }, windowEndMs + peakLimits.requestTimeoutMs);

  const streams: Promise<void>[] = [];
  clinics.forEach((clinic, position) => {
    const offsetMs = (position * intervalMs) / clinics.length;
    const timing = (shareOfInterval: number) => ({ firstDueMs: startMs + offsetMs + shareOfInterval * intervalMs, intervalMs, endMs: windowEndMs });
    streams.push(schedule.runSerial(timing(0), clinic.credential, () => clinic.upload(), () => clinic.commitOneInterval()));
    streams.push(schedule.runSerial(timing(1 / 2), clinic.credential, () => clinic.pollFeed()));
    if (cyclesLeases(clinic, position)) streams.push(schedule.runSerial(timing(1 / 4), clinic.credential, () => clinic.nextLeaseStep()));
  });
  const random = new SeededRandom(setup.clinics);
  streams.push(schedule.runOpenLoop(
    { firstDueMs: startMs, intervalMs: millisecondsPerSecond / peakWorkload.labResultsPerSecond, endMs: windowEndMs },
    adminToken,
    () => labResult(clinics[random.nextInt(clinics.length)]!),
  ));

  const eventLoopDelay = monitorEventLoopDelay({ resolution: peakLimits.eventLoopResolutionMs });
  let start: UsageSample | undefined;
  let end: UsageSample | undefined;
  const sample = (): UsageSample => usageSample(api, clinics);
  const windowStartTimer = setTimeout(() => {
    start = sample();
    client.takeInFlightPeak();
    eventLoopDelay.enable();
  }, windowStartMs - performance.now());
  const windowEndTimer = setTimeout(() => {
    end = sample();
    eventLoopDelay.disable();
  }, windowEndMs - performance.now());
  const progress = new PeakProgress(
    { everything, apiPid: api.pid, load: client, metrics: clients.metrics, database: clients.database },
    { startMs, windowStartMs, windowEndMs },
    log,
  );

  try {
    await Promise.all(streams);
  } finally {
    clearTimeout(windowStartTimer);
    clearTimeout(windowEndTimer);
    progress.stop();
  }
  end ??= sample(); // the last answer came before the end timer's turn
  assert(start !== undefined, 'the window starts before its requests are due');
  const nanosecondsPerMillisecond = 1e6;
  return {
    measured,
    warmupErrors: everything.summary().errors - measured.summary().errors,
    errorExamples,
    start,
    end,
    residentSamplesMb: progress.residentSamplesMb,
    labResultsPosted,
    // The histogram holds the time between samples, the sampling interval included: the lag is what exceeds it.
    eventLoopDelayP99Ms: eventLoopDelay.percentile(99) / nanosecondsPerMillisecond - peakLimits.eventLoopResolutionMs,
    eventLoopDelayMaxMs: eventLoopDelay.max / nanosecondsPerMillisecond - peakLimits.eventLoopResolutionMs,
    inFlightMax: client.takeInFlightPeak(),
    socketsOpenAtEnd: client.openSockets(),
    timeline: progress.timeline,
    metricsBefore,
    metricsAfter: await readApiMetrics(clients.metrics),
  };
}

/** One lease clinic in `leaseCyclingClinicEvery` / 2 (positions start at 0; clinic numbers at 1). */
function cyclesLeases(clinic: PeakClinic, position: number): boolean {
  return clinic.chartPolicy === 'lease' && (position + 1) % peakWorkload.leaseCyclingClinicEvery === 0;
}

function labResult(clinic: PeakClinic): PlannedRequest<'labResult'> {
  const body = {
    labResultId: randomUUID(),
    labOrderId: randomUUID(),
    result: { kind: 'numeric', value: 11.2, unit: 'g/dL' },
    interpretation: 'normal',
    laboratory: 'Kabale Regional Referral Laboratory',
  };
  return {
    kind: 'labResult',
    method: 'POST',
    path: `/api/clinics/${clinic.clinicId}/feed/lab-results`,
    body: JSON.stringify(body),
    accept: (status) => (status === 201 ? undefined : `lab result answered ${status}, not 201 (appended)`),
  };
}

function usageSample(api: ApiProcess, clinics: readonly PeakClinic[]): UsageSample {
  const databasePid = api.databasePid();
  const database = databasePid === undefined ? undefined : processTreeUsage(databasePid);
  const generator = process.cpuUsage();
  return {
    atMs: performance.now(),
    apiResidentMb: residentMegabytes(api.pid),
    apiCpuSeconds: cpuSeconds(api.pid),
    databaseProportionalMb: database?.proportionalMegabytes,
    databaseCpuSeconds: database?.cpuSeconds,
    generatorCpuMicroseconds: generator.user + generator.system,
    acknowledgedEntries: clinics.reduce((sum, clinic) => sum + clinic.acknowledgedEntries, 0),
  };
}

function report(setup: PeakBenchSetup, clinics: readonly PeakClinic[], run: LoadRun, setupSeconds: number, loadAverageBefore: number[]): Record<string, unknown> {
  const { measured, start, end } = run;
  const overall = measured.summary();
  const windowSeconds = (end.atMs - start.atMs) / millisecondsPerSecond;
  const coresUsed = (before: number | undefined, after: number | undefined) =>
    before === undefined || after === undefined ? null : round((after - before) / windowSeconds, 2);
  const megabytes = (value: number | undefined) => (value === undefined ? null : round(value, 1));
  return {
    benchmark: 'peak',
    setup: {
      ...setup,
      leaseClinics: clinics.filter((clinic) => clinic.chartPolicy === 'lease').length,
      mergeClinics: clinics.filter((clinic) => clinic.chartPolicy === 'merge').length,
      leaseCyclingClinics: clinics.filter(cyclesLeases).length,
      ...peakWorkload,
      apiProcesses: 1,
      database: "the API's own embedded PostgreSQL, fsync on, fresh temporary folder",
      httpSocketsMax: peakLimits.httpSocketsMax,
      cpus: availableParallelism(),
      loadAverageBefore: loadAverageBefore.map((value) => round(value, 2)),
      loadAverageAfter: loadavg().map((value) => round(value, 2)),
    },
    setupSeconds: round(setupSeconds, 1),
    requests: overall.requests,
    errors: overall.errors,
    errorsByCause: measured.errorsByCause(),
    errorExamples: run.errorExamples,
    warmupErrors: run.warmupErrors,
    p50Ms: overall.p50Ms,
    p99Ms: overall.p99Ms,
    maxMs: overall.maxMs,
    sentToAnswerP50Ms: overall.sentToAnswerP50Ms,
    sentToAnswerP99Ms: overall.sentToAnswerP99Ms,
    byKind: Object.fromEntries(measured.kinds().map((kind) => [kind, measured.summary(kind)])),
    requestsPerSecond: round(overall.requests / setup.durationSeconds, 1),
    entriesPerSecond: round((end.acknowledgedEntries - start.acknowledgedEntries) / windowSeconds, 0),
    labResultsPosted: run.labResultsPosted,
    feedItemsReceived: clinics.reduce((sum, clinic) => sum + clinic.receivedFeedItems, 0),
    rssStartMb: megabytes(start.apiResidentMb),
    rssEndMb: megabytes(end.apiResidentMb),
    rssSamplesMb: run.residentSamplesMb.map((value) => round(value, 0)),
    databaseStartMb: megabytes(start.databaseProportionalMb),
    databaseEndMb: megabytes(end.databaseProportionalMb),
    apiCpuCores: coresUsed(start.apiCpuSeconds, end.apiCpuSeconds),
    // From the API's /metrics, read at every progress line: the worst line's p99 in the measured window.
    apiEventLoopDelayP99Ms: worst(measuredRows(run).map((row) => row.apiEventLoopLagP99Ms)),
    // Over the whole load (warm-up, window and drain).
    apiHandlerMeanMs: run.metricsBefore === undefined || run.metricsAfter === undefined ? null : meanHandlerMs(run.metricsBefore, run.metricsAfter),
    databaseCpuCores: coresUsed(start.databaseCpuSeconds, end.databaseCpuSeconds),
    generator: {
      cpuCores: round((end.generatorCpuMicroseconds - start.generatorCpuMicroseconds) / 1e6 / windowSeconds, 2),
      eventLoopDelayP99Ms: round(run.eventLoopDelayP99Ms, 1),
      eventLoopDelayMaxMs: round(run.eventLoopDelayMaxMs, 1),
      sendDelayP50Ms: measured.sendDelayMs(0.5),
      sendDelayP99Ms: measured.sendDelayMs(0.99),
      sendDelayMaxMs: measured.sendDelayMs(1),
      waitBehindPreviousP50Ms: measured.waitBehindPreviousMs(0.5),
      waitBehindPreviousP99Ms: measured.waitBehindPreviousMs(0.99),
      inFlightMax: run.inFlightMax,
      socketsOpenAtEnd: run.socketsOpenAtEnd,
    },
    database: databaseInWindow(measuredRows(run)),
    timeline: run.timeline,
    goals: peakGoals,
  };
}

function measuredRows(run: LoadRun): TimelineRow[] {
  return run.timeline.filter((row) => row.phase === 'measured');
}

function worst(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : Math.max(...known);
}

/** What the database did in the measured window, from the timeline's rows. */
function databaseInWindow(rows: readonly TimelineRow[]): Record<string, unknown> | null {
  const summaries = rows.flatMap((row) => (row.database === null ? [] : [row.database]));
  if (summaries.length === 0) return null;
  const waits: Record<string, number> = {};
  for (const summary of summaries) for (const [wait, count] of Object.entries(summary.waits)) waits[wait] = (waits[wait] ?? 0) + count;
  return {
    checkpoints: summaries.reduce((sum, summary) => sum + summary.checkpoints, 0),
    checkpointingSeconds: summaries.reduce((sum, summary) => sum + summary.checkpointingSamples, 0),
    activeBackendsMax: Math.max(...summaries.map((summary) => summary.activeBackendsMax)),
    waitBackendSeconds: Object.fromEntries(Object.entries(waits).sort(([, left], [, right]) => right - left)),
    walMbPerSecondMax: Math.max(...summaries.map((summary) => summary.walMbPerSecond)),
    autovacuum: [...new Set(summaries.flatMap((summary) => summary.autovacuum))],
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** The CLI's entry: options, then the run. */
export function runPeakBenchmark(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      clinics: { type: 'string', default: String(defaultPeakBenchSetup.clinics) },
      'duration-s': { type: 'string', default: String(defaultPeakBenchSetup.durationSeconds) },
      'interval-s': { type: 'string', default: String(defaultPeakBenchSetup.intervalSeconds) },
      'warmup-s': { type: 'string', default: String(defaultPeakBenchSetup.warmupSeconds) },
      'api-cpu-profile': { type: 'string' },
      capacity: { type: 'boolean', default: false },
      'clinics-from': { type: 'string', default: String(defaultCapacitySearch.clinicsFrom) },
      'clinics-step': { type: 'string', default: String(defaultCapacitySearch.clinicsStep) },
      'clinics-max': { type: 'string', default: String(defaultCapacitySearch.clinicsMax) },
      runs: { type: 'string', default: String(defaultCapacitySearch.runs) },
    },
  });
  const setup: PeakBenchSetup = {
    clinics: positiveInteger(values.clinics, 'clinics'),
    durationSeconds: positiveInteger(values['duration-s'], 'duration-s'),
    intervalSeconds: positiveInteger(values['interval-s'], 'interval-s'),
    warmupSeconds: positiveInteger(values['warmup-s'], 'warmup-s'),
  };
  const log = (line: string) => console.log(line);
  if (!values.capacity) return runPeakBench(setup, log, values['api-cpu-profile']);
  const search: CapacitySearch = {
    clinicsFrom: positiveInteger(values['clinics-from'], 'clinics-from'),
    clinicsStep: positiveInteger(values['clinics-step'], 'clinics-step'),
    clinicsMax: positiveInteger(values['clinics-max'], 'clinics-max'),
    runs: positiveInteger(values.runs, 'runs'),
  };
  return runCapacitySearch(search, setup, (stepSetup, stepLog) => runPeakBench(stepSetup, stepLog), log);
}

function positiveInteger(text: string | undefined, name: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got '${text}'`);
  return value;
}
