// The peak benchmark's progress lines while the load runs: what was answered since the last line, how fast,
// the API's memory and event-loop lag, the sockets open, and what its PostgreSQL was doing (active backends
// and what they waited on, checkpoints, autovacuum, WAL written), so a slow stretch shows its cause as it
// happens. Each line is kept as a row of the report's timeline.
import { performance } from 'node:perf_hooks';
import { readApiMetrics } from './api-metrics.js';
import type { DatabaseObserver, DatabaseSample } from './database-observer.js';
import type { HttpLoadClient } from './http-load-client.js';
import { type LatencyRecorder, summarize } from './latency-recorder.js';
import { peakLimits } from './peak-settings.js';
import { residentMegabytes } from './process-usage.js';

export interface ProgressPhases {
  readonly startMs: number;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
}

export interface ProgressSources {
  readonly everything: LatencyRecorder;
  readonly apiPid: number;
  readonly load: HttpLoadClient;
  /** Its own socket to the API, for /metrics. */
  readonly metrics: HttpLoadClient;
  readonly database: DatabaseObserver | undefined;
}

/** One progress line, as data. */
export interface TimelineRow {
  readonly atSeconds: number;
  readonly phase: 'warm-up' | 'measured' | 'draining';
  readonly answers: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly errors: number;
  readonly apiResidentMb: number | null;
  readonly apiEventLoopLagP99Ms: number | null;
  /** The API's database pool at the line: connections checked out, and queries waiting for one. */
  readonly poolBusy: number | null;
  readonly poolWaiting: number | null;
  readonly database: DatabaseSummary | null;
}

/** What the database did between two lines. */
export interface DatabaseSummary {
  readonly activeBackendsMax: number;
  readonly idleInTransactionMax: number;
  /** Summed over the samples: backend-seconds spent on each wait. */
  readonly waits: Readonly<Record<string, number>>;
  /** Samples in which the checkpointer was at work rather than idle. */
  readonly checkpointingSamples: number;
  readonly checkpoints: number;
  readonly autovacuum: readonly string[];
  readonly walMbPerSecond: number;
  readonly fullPageImagesPerSecond: number;
}

const millisecondsPerSecond = 1000;
const bytesPerMegabyte = 1024 * 1024;
/** The waits shown in a line: the few that took most backend-seconds. */
const waitsShownMax = 3;

export class PeakProgress {
  private position = 0;
  private databasePosition = 0;
  private readonly timer: NodeJS.Timeout;
  /** The API's RSS at each line inside the measured window. */
  readonly residentSamplesMb: number[] = [];
  readonly timeline: TimelineRow[] = [];

  constructor(
    private readonly sources: ProgressSources,
    private readonly phases: ProgressPhases,
    private readonly log: (line: string) => void,
  ) {
    this.timer = setInterval(() => void this.line(), peakLimits.progressIntervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async line(): Promise<void> {
    const { startMs, windowStartMs, windowEndMs } = this.phases;
    const now = performance.now();
    const recent = summarize(this.sources.everything.since(this.position));
    this.position = this.sources.everything.count;
    const resident = residentMegabytes(this.sources.apiPid);
    const phase = now < windowStartMs ? 'warm-up' : now < windowEndMs ? 'measured' : 'draining';
    if (phase === 'measured' && resident !== undefined) this.residentSamplesMb.push(resident);
    const database = this.databaseSummary();
    // prom-client's lag monitor restarts at every reading: this is the p99 since the previous line.
    const metrics = await readApiMetrics(this.sources.metrics);
    const lagSeconds = metrics?.eventLoopLagP99Seconds;
    const row: TimelineRow = {
      atSeconds: Math.round((now - startMs) / millisecondsPerSecond),
      phase,
      answers: recent.requests,
      p50Ms: recent.p50Ms,
      p99Ms: recent.p99Ms,
      errors: recent.errors,
      apiResidentMb: resident === undefined ? null : Math.round(resident),
      apiEventLoopLagP99Ms: lagSeconds === undefined ? null : Math.round(lagSeconds * millisecondsPerSecond),
      poolBusy: metrics?.poolBusyConnections ?? null,
      poolWaiting: metrics?.poolWaitingRequests ?? null,
      database,
    };
    this.timeline.push(row);
    this.log(describe(row, this.sources.load.openSockets()));
  }

  private databaseSummary(): DatabaseSummary | null {
    const samples = this.sources.database?.samples;
    if (samples === undefined) return null;
    const recent = samples.slice(this.databasePosition);
    const previous = samples[this.databasePosition - 1];
    this.databasePosition = samples.length;
    const last = recent.at(-1);
    if (last === undefined) return null;
    return summarizeDatabase(recent, previous ?? recent[0]!, last);
  }
}

function summarizeDatabase(recent: readonly DatabaseSample[], before: DatabaseSample, last: DatabaseSample): DatabaseSummary {
  const waits: Record<string, number> = {};
  for (const sample of recent) for (const [wait, count] of Object.entries(sample.waits)) waits[wait] = (waits[wait] ?? 0) + count;
  const seconds = Math.max((last.atMs - before.atMs) / millisecondsPerSecond, 1);
  return {
    activeBackendsMax: Math.max(...recent.map((sample) => sample.activeBackends)),
    idleInTransactionMax: Math.max(...recent.map((sample) => sample.idleInTransactionBackends)),
    waits,
    checkpointingSamples: recent.filter((sample) => !sample.checkpointer.endsWith(':CheckpointerMain')).length,
    checkpoints: last.checkpointsTimed + last.checkpointsRequested - before.checkpointsTimed - before.checkpointsRequested,
    autovacuum: [...new Set(recent.flatMap((sample) => sample.autovacuum))],
    walMbPerSecond: Math.round(((last.walBytes - before.walBytes) / bytesPerMegabyte / seconds) * 10) / 10,
    fullPageImagesPerSecond: Math.round((last.walFullPageImages - before.walFullPageImages) / seconds),
  };
}

function describe(row: TimelineRow, socketsOpen: number): string {
  const base =
    `${row.atSeconds} s (${row.phase}): ${row.answers} answers in the last ${peakLimits.progressIntervalMs / millisecondsPerSecond} s, ` +
    `p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, errors ${row.errors}; API RSS ${row.apiResidentMb ?? '?'} MB, ` +
    `event-loop lag p99 ${row.apiEventLoopLagP99Ms ?? '?'} ms, pool ${row.poolBusy ?? '?'} busy ${row.poolWaiting ?? '?'} waiting; ${socketsOpen} sockets open`;
  const database = row.database;
  if (database === null) return base;
  const waits = Object.entries(database.waits).sort(([, left], [, right]) => right - left).slice(0, waitsShownMax).map(([wait, count]) => `${wait} ${count}`);
  return (
    `${base}; db: active max ${database.activeBackendsMax}, idle in transaction max ${database.idleInTransactionMax}, waits [${waits.join(', ')}], WAL ${database.walMbPerSecond} MB/s ` +
    `(${database.fullPageImagesPerSecond} full pages/s)` +
    (database.checkpointingSamples > 0 ? `, checkpointing ${database.checkpointingSamples} s` : '') +
    (database.checkpoints > 0 ? `, ${database.checkpoints} checkpoint(s) done` : '') +
    (database.autovacuum.length > 0 ? `, autovacuum ${database.autovacuum.join(' | ')}` : '')
  );
}
