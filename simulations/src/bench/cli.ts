// `npm run bench -- <name> [--json] [...]`: runs one benchmark, prints its figures; with --json the last
// line of stdout is one JSON object. Benchmarks measure; they never pass or fail on a time.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { percentile } from '../../../leader-worker/src/statistics/percentile.js';
import { defaultChartBenchSetup, runChartBench, type BenchRuntime, type ChartBenchResult, type ChartBenchSetup } from './chart/chart-bench.js';
import { ChromiumChartBench, compareChartBenchRuns } from './chart-browser.js';
import { runRaftBench, type RaftBenchSetup } from './raft-bench.js';

const benchmarks: Record<string, (args: string[]) => Record<string, unknown> | Promise<Record<string, unknown>>> = {
  raft: raftBenchmark,
  chart: chartBenchmark,
  'chart-browser': chartBrowserBenchmark,
  ingest: ingestBenchmark,
  peak: peakBenchmark,
  uplink: uplinkBenchmark,
  browser: browserBenchmark,
};

const nodeRuntime: BenchRuntime = { name: `node ${process.versions.node}`, now: () => performance.now() };

function chartBenchmark(args: string[]): Record<string, unknown> {
  parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  return { ...runChartBench(defaultChartBenchSetup, (line) => console.log(line), nodeRuntime) };
}

/**
 * The chart bench in a fresh dedicated Worker of headless Chromium and then in Node in this process, round after
 * round (interleaved, so drift in machine load hits both), reporting medians over the rounds (--rounds, default
 * 3). The linear-scan baseline (most of `chart`'s minute) is left out unless --baseline.
 */
async function chartBrowserBenchmark(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, baseline: { type: 'boolean', default: false }, rounds: { type: 'string', default: '3' } },
  });
  const setup: ChartBenchSetup = { ...defaultChartBenchSetup, measureBaseline: values.baseline };
  const rounds = positiveInteger(values.rounds, 'rounds');
  const chromium = await ChromiumChartBench.open();
  const chromiumRounds: ChartBenchResult[] = [];
  const nodeRounds: ChartBenchResult[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      // Snapshot and restore take seconds and are not compared: measured in the first round only.
      const roundSetup: ChartBenchSetup = { ...setup, measureSnapshot: round === 1 };
      chromiumRounds.push(await chromium.run(roundSetup, (line) => console.log(`round ${round} [chromium] ${line}`)));
      nodeRounds.push(runChartBench(roundSetup, (line) => console.log(`round ${round} [node] ${line}`), nodeRuntime));
    }
  } finally {
    await chromium.close();
  }
  return compareChartBenchRuns(chromiumRounds, nodeRounds);
}

/**
 * Log ingest through the central API (central-api/bench/ingest-bench.ts). Loaded when asked for: it brings
 * NestJS and PostgreSQL with it, which the other benches do not need. This project references central-api's,
 * so the import is compiled and typed like any other.
 */
async function ingestBenchmark(args: string[]): Promise<Record<string, unknown>> {
  const { runIngestBenchmark } = await import('../../../central-api/bench/ingest-bench.js');
  return runIngestBenchmark(args);
}

/** 2,000 clinics at the 11 a.m. peak against one central API process (central-api/bench/peak-bench.ts). */
async function peakBenchmark(args: string[]): Promise<Record<string, unknown>> {
  const { runPeakBenchmark } = await import('../../../central-api/bench/peak-bench.js');
  return runPeakBenchmark(args);
}

/** A clinic device and the central API joined: lab results reaching the chart, the uplink trailing commits (central-api/bench/uplink-bench.ts). */
async function uplinkBenchmark(args: string[]): Promise<Record<string, unknown>> {
  const { runUplinkBenchmark } = await import('../../../central-api/bench/uplink-bench.js');
  return runUplinkBenchmark(args);
}

/** Three devices in Chromium over PeerJS, against a POST over 3G; failover; the same 4x throttled (central-api/bench/browser-bench.ts). */
async function browserBenchmark(args: string[]): Promise<Record<string, unknown>> {
  const { runBrowserBenchmark } = await import('../../../central-api/bench/browser-bench.js');
  return runBrowserBenchmark(args);
}

function raftBenchmark(args: string[]): Record<string, unknown> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      nodes: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '5' },
      'duration-ms': { type: 'string', default: '1000' },
      'batch-size': { type: 'string', default: '64' },
      'command-bytes': { type: 'string', default: '256' },
    },
  });
  const setup: RaftBenchSetup = {
    nodes: positiveInteger(values.nodes, 'nodes'),
    batchSize: positiveInteger(values['batch-size'], 'batch-size'),
    commandBytes: positiveInteger(values['command-bytes'], 'command-bytes'),
    batchesInFlightMax: 16,
    durationMs: positiveInteger(values['duration-ms'], 'duration-ms'),
  };
  const rounds = positiveInteger(values.rounds, 'rounds');
  // Baseline in the same run: one voter, so the same log, batching and apply path with no replication.
  // The ratio says what replication to the clinic's other devices costs the core.
  const baselineSetup: RaftBenchSetup = { ...setup, nodes: 1 };
  runRaftBench({ ...setup, durationMs: 200 }, 0); // warm the JIT so round 1 is not an outlier
  const cluster: number[] = [];
  const baseline: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    // Interleaved so drift in machine load hits both alike.
    const baselineRun = runRaftBench(baselineSetup, round);
    const clusterRun = runRaftBench(setup, round);
    baseline.push(baselineRun.entriesPerSecond);
    cluster.push(clusterRun.entriesPerSecond);
    console.log(`round ${round}: ${setup.nodes} nodes ${Math.round(clusterRun.entriesPerSecond)} entries/s (${clusterRun.messages} messages); 1 node ${Math.round(baselineRun.entriesPerSecond)} entries/s`);
  }
  const entriesPerSecond = Math.round(percentile(cluster, 0.5)!);
  const baselineEntriesPerSecond = Math.round(percentile(baseline, 0.5)!);
  return {
    benchmark: 'raft',
    setup: { ...setup, rounds, network: 'in-memory, synchronous, no faults', storage: 'none (core only)' },
    entriesPerSecond,
    entriesPerSecondMin: Math.round(Math.min(...cluster)),
    entriesPerSecondMax: Math.round(Math.max(...cluster)),
    baselineSingleNodeEntriesPerSecond: baselineEntriesPerSecond,
    ratioToSingleNode: Number((entriesPerSecond / baselineEntriesPerSecond).toFixed(3)),
    goalEntriesPerSecond: 20_000,
  };
}

function positiveInteger(text: string | undefined, name: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got '${text}'`);
  return value;
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const benchmark = name === undefined ? undefined : benchmarks[name];
  if (benchmark === undefined) {
    console.error(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [--json] [options]`);
    process.exitCode = 2;
    return;
  }
  const result = await benchmark(args);
  const json = args.includes('--json');
  if (json) console.log(JSON.stringify(result));
  else console.log(JSON.stringify(result, null, 2));
}

await main();
// A finished bench is done: a library's service left running (esbuild's, a driver's pipe) must not keep the
// process alive after the figures are printed.
process.exit();
