// The chart bench in real Chromium (issue 3 §6, the browser half): esbuild bundles chart-bench-worker.ts, a page
// on 127.0.0.1 runs it in a fresh dedicated Worker per round (a device's node runs in one) of Debian's headless
// Chromium, and the worker's log lines and result come back through a function the runner exposes. Launching,
// serving and bundling are the spec runner's (leader-worker/test/browser/chromium-session.ts).
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { bundleForBrowser, launchChromium, serve } from '../../../leader-worker/test/browser/chromium-session.js';
import { percentile } from '../../../leader-worker/src/statistics/percentile.js';
import type { ChartBenchReport, ChartBenchRequest } from './chart/chart-bench-worker.js';
import type { ChartBenchResult, ChartBenchSetup, ChartBenchSize } from './chart/chart-bench.js';

const limits = {
  /** One round in Chromium; 50,000 patients build, and are measured, in well under a minute. */
  roundTimeoutMs: 300_000,
};

const compiledDirectory = path.dirname(fileURLToPath(import.meta.url));
const workerScriptPath = '/chart-bench-worker.js';
const reportFunctionName = 'reportChartBench';
const startFunctionName = 'startChartBench';

/** Each start runs one round in a new Worker, so rounds share no heap and no JIT state. */
const pageHtml = `<!doctype html>
<html><head><meta charset="utf-8"><title>Clinic Mesh chart bench in Chromium</title>
<link rel="icon" href="data:,">
<script>
  globalThis.${startFunctionName} = (request) => {
    const worker = new Worker('${workerScriptPath}');
    worker.onmessage = (event) => {
      if (event.data.type !== 'log') worker.terminate();
      ${reportFunctionName}(event.data);
    };
    worker.onerror = (event) => ${reportFunctionName}({ type: 'error', message: 'the bench worker failed: ' + event.message });
    worker.postMessage(request);
  };
</script>
</head><body></body></html>`;

/** One headless Chromium with the bench page loaded, for several rounds. */
export class ChromiumChartBench {
  /** Settles the round in progress; replaced at each round. */
  private round: { resolve(result: ChartBenchResult): void; reject(error: Error): void; log(line: string): void } | null = null;

  private constructor(
    private readonly server: Server,
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  static async open(): Promise<ChromiumChartBench> {
    const bundle = await bundleForBrowser(path.join(compiledDirectory, 'chart', 'chart-bench-worker.js'), 'chart-bench-worker.js');
    // Cross-origin isolated: Chromium's clock then steps by 5 µs, not 100 µs.
    const { server, origin } = await serve(new Map([['/', pageHtml], [workerScriptPath, bundle.code]]), { crossOriginIsolated: true });
    let browser: Browser;
    try {
      browser = await launchChromium();
    } catch (error) {
      server.close();
      throw error;
    }
    const page = await browser.newPage();
    const bench = new ChromiumChartBench(server, browser, page);
    page.on('pageerror', (error) => bench.round?.reject(error));
    await page.exposeFunction(reportFunctionName, (report: ChartBenchReport) => bench.onReport(report));
    await page.goto(`${origin}/`, { waitUntil: 'load' });
    return bench;
  }

  get runtimeName(): string {
    return `chromium ${this.browser.version()} (dedicated worker)`;
  }

  /** Runs one round in a new Worker; rejects if it fails or overruns roundTimeoutMs. */
  async run(setup: ChartBenchSetup, log: (line: string) => void): Promise<ChartBenchResult> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finished = new Promise<ChartBenchResult>((resolve, reject) => {
      this.round = { resolve, reject, log };
      timer = setTimeout(() => reject(new Error(`a Chromium bench round took longer than ${limits.roundTimeoutMs} ms (roundTimeoutMs)`)), limits.roundTimeoutMs);
    });
    try {
      const request: ChartBenchRequest = { setup, runtimeName: this.runtimeName };
      await this.page.evaluate(({ name, request }) => {
        (globalThis as unknown as Record<string, (request: ChartBenchRequest) => void>)[name]!(request);
      }, { name: startFunctionName, request });
      return await finished;
    } finally {
      clearTimeout(timer);
      this.round = null;
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
    this.server.close();
  }

  private onReport(report: ChartBenchReport): void {
    const round = this.round;
    if (round === null) return;
    if (report.type === 'log') round.log(report.line);
    else if (report.type === 'result') round.resolve(report.result);
    else round.reject(new Error(report.message));
  }
}

/** The figures compared per engine. The cloned chart open adds what a copy to the page over comlink costs. */
interface EngineFigures {
  readonly chartOpenP50Ms: number;
  readonly chartOpenP95Ms: number;
  readonly chartOpenClonedP50Ms: number;
  readonly chartOpenClonedP95Ms: number;
  readonly searchP50Ms: number;
  readonly searchP95Ms: number;
}

type FigureName = keyof EngineFigures;

function engineFigures(size: ChartBenchSize): EngineFigures {
  return {
    chartOpenP50Ms: size.chartOpen.p50Ms,
    chartOpenP95Ms: size.chartOpen.p95Ms,
    chartOpenClonedP50Ms: size.chartOpenCloned.p50Ms,
    chartOpenClonedP95Ms: size.chartOpenCloned.p95Ms,
    searchP50Ms: size.search.p50Ms,
    searchP95Ms: size.search.p95Ms,
  };
}

/** Each figure's median over the rounds. */
function medians(rounds: readonly EngineFigures[]): EngineFigures {
  const names = Object.keys(rounds[0]!) as FigureName[];
  return Object.fromEntries(names.map((name) => [name, percentile(rounds.map((figures) => figures[name]), 0.5)!])) as unknown as EngineFigures;
}

/** Chromium / Node for each figure: above 1, Chromium is slower. Null where either reads 0 (under its clock's grain). */
function ratios(chromium: EngineFigures, node: EngineFigures): Record<FigureName, number | null> {
  const names = Object.keys(chromium) as FigureName[];
  const ratio = (name: FigureName): number | null => (chromium[name] > 0 && node[name] > 0 ? Number((chromium[name] / node[name]).toFixed(2)) : null);
  return Object.fromEntries(names.map((name) => [name, ratio(name)])) as Record<FigureName, number | null>;
}

/**
 * The report of a `chart-browser` run: the headline figures (50,000 patients, Chromium) and Node's
 * beside them, as medians over the rounds; per size the medians of each engine and their ratio; and every
 * round's figures, to see the spread.
 */
export function compareChartBenchRuns(chromiumRounds: readonly ChartBenchResult[], nodeRounds: readonly ChartBenchResult[]): Record<string, unknown> {
  const first = chromiumRounds[0]!;
  const bySize = first.sizes.map((size, index) => {
    const chromium = medians(chromiumRounds.map((result) => engineFigures(result.sizes[index]!)));
    const node = medians(nodeRounds.map((result) => engineFigures(result.sizes[index]!)));
    return {
      patients: size.patients,
      recordsPerOpenedChart: size.recordsPerOpenedChart,
      chromium,
      node,
      ratioChromiumToNode: ratios(chromium, node),
    };
  });
  const largest = bySize[bySize.length - 1]!;
  const roundFigures = (results: readonly ChartBenchResult[]): Record<number, EngineFigures>[] =>
    results.map((result) => Object.fromEntries(result.sizes.map((size) => [size.patients, engineFigures(size)])));
  const builds = (results: readonly ChartBenchResult[]): { patients: number; buildMs: number; snapshotMs: number | null; restoreMs: number | null }[][] =>
    results.map((result) => result.sizes.map(({ patients, buildMs, snapshotMs, restoreMs }) => ({ patients, buildMs, snapshotMs, restoreMs })));
  return {
    benchmark: 'chart-browser',
    // Every round builds the same clinic from the same seed; snapshot and restore are timed in the first only.
    setup: { ...first.setup, measureSnapshot: 'first round only' },
    rounds: chromiumRounds.length,
    chromiumRuntime: first.runtime,
    nodeRuntime: nodeRounds[0]!.runtime,
    /** Latencies under a clock step read as 0 or one step: browsers coarsen their clock on purpose. */
    chromiumClockGrainMs: first.clockGrainMs,
    nodeClockGrainMs: nodeRounds[0]!.clockGrainMs,
    chartOpenP95Ms: largest.chromium.chartOpenP95Ms,
    searchP95Ms: largest.chromium.searchP95Ms,
    nodeChartOpenP95Ms: largest.node.chartOpenP95Ms,
    nodeSearchP95Ms: largest.node.searchP95Ms,
    goalChartOpenP95Ms: first.goalChartOpenP95Ms,
    goalSearchP95Ms: first.goalSearchP95Ms,
    bySize,
    chromiumRounds: roundFigures(chromiumRounds),
    nodeRounds: roundFigures(nodeRounds),
    chromiumBuilds: builds(chromiumRounds),
    nodeBuilds: builds(nodeRounds),
  };
}
