// Runs the specs listed in browser-specs.ts in real headless Chromium: esbuild bundles the compiled specs
// into one script, a tiny HTTP server on 127.0.0.1 serves it after jasmine-core's browser runtime (and the
// bundled clinic Worker, at served-scripts.ts's path, for specs that start workers), a PeerServer on another
// port of 127.0.0.1 signals the specs that connect pages over WebRTC (they may stop and start it), playwright-core drives
// Debian's Chromium, and the page reports every result back. Exits non-zero on any failure, on a page that
// stops answering, and when no spec ran.
//
//   node dist/leader-worker/test/browser/run-in-chromium.js [--filter=text] [--seed=number]
//   CHROME_BIN=/usr/lib/chromium/chromium picks another binary (default /usr/bin/chromium).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { BundleStacks } from './bundle-stacks.js';
import { bundleDirectory, bundleForBrowser, launchChromium, repositoryRoot, serve } from './chromium-session.js';
import { reportFunctionName, signalingControlFunctionName, startFunctionName, type FailureReport, type PageEvent, type RunConfig, type SignalingControl } from './page-protocol.js';
import { clinicWorkerScriptPath } from './served-scripts.js';
import { TestSignalingServer, testSignalingKey, testSignalingPath } from './test-signaling-server.js';

const limits = {
  /** One spec or hook; Jasmine fails it in the page when its async work does not settle in time. */
  specTimeoutMs: 10_000,
  /** No report from the page for this long: a spec blocks the page (a synchronous loop defeats Jasmine's timeout). */
  pageSilenceMsMax: 30_000,
  /** The whole run in the browser, from loading the page to the last report. */
  runTimeoutMs: 120_000,
};

const compiledDirectory = path.dirname(fileURLToPath(import.meta.url));
const bundlePath = '/specs.js';

async function jasmineBrowserRuntime(): Promise<string> {
  // jasmine-core exports only its Node entry (lib/jasmine-core.js); the browser runtime sits beside it.
  const nodeEntry = createRequire(import.meta.url).resolve('jasmine-core');
  return readFile(path.join(path.dirname(nodeEntry), 'jasmine-core', 'jasmine.js'), 'utf8');
}

const pageHtml = `<!doctype html>
<html><head><meta charset="utf-8"><title>Clinic Mesh specs in Chromium</title>
<link rel="icon" href="data:,">
<script src="/jasmine.js"></script>
<script src="${bundlePath}"></script>
</head><body></body></html>`;

interface Failure {
  readonly title: string;
  readonly reports: readonly FailureReport[];
}

/** Collects the page's reports, prints progress, and settles when the run is over or the page goes silent. */
class Tally {
  readonly failures: Failure[] = [];
  readonly counts = { passed: 0, failed: 0, pending: 0, excluded: 0 };
  seed = '';
  totalSpecsDefined = 0;
  overallStatus = 'not reported';
  incompleteReason = '';
  private running: string | null = null;
  private silenceTimer: ReturnType<typeof setTimeout> | null = null;
  private finish: (problem: string | null) => void = () => undefined;
  /** Null when the page reported its end; otherwise what went wrong. */
  readonly finished = new Promise<string | null>((resolve) => (this.finish = resolve));

  constructor() {
    this.armSilenceTimer();
  }

  record(event: PageEvent): void {
    this.armSilenceTimer();
    switch (event.type) {
      case 'started':
        this.seed = event.seed;
        this.totalSpecsDefined = event.totalSpecsDefined;
        break;
      case 'specStarted':
        this.running = event.fullName;
        break;
      case 'specDone':
        this.running = null;
        this.countSpec(event.status);
        if (event.status === 'failed') this.failures.push({ title: event.fullName, reports: event.failures });
        break;
      case 'suiteFailed':
        this.failures.push({ title: `${event.fullName} (beforeAll or afterAll)`, reports: event.failures });
        break;
      case 'done':
        this.overallStatus = event.overallStatus;
        this.incompleteReason = event.incompleteReason;
        if (event.failures.length > 0) this.failures.push({ title: 'outside any spec', reports: event.failures });
        this.stop(null);
        break;
    }
  }

  stop(problem: string | null): void {
    if (this.silenceTimer !== null) clearTimeout(this.silenceTimer);
    this.finish(problem);
  }

  private countSpec(status: string): void {
    const marks: Record<string, string> = { passed: '.', failed: 'F', pending: '*', excluded: '' };
    process.stdout.write(marks[status] ?? '?');
    if (status === 'passed' || status === 'failed' || status === 'pending' || status === 'excluded') this.counts[status]++;
  }

  private armSilenceTimer(): void {
    if (this.silenceTimer !== null) clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      const where = this.running === null ? 'between specs' : `in "${this.running}"`;
      this.stop(`the page sent nothing for ${limits.pageSilenceMsMax} ms (pageSilenceMsMax), stuck ${where}`);
    }, limits.pageSilenceMsMax);
  }
}

async function runInPage(page: Page, origin: string, config: RunConfig, tally: Tally, signaling: TestSignalingServer): Promise<string | null> {
  await page.exposeFunction(reportFunctionName, (event: PageEvent) => tally.record(event));
  await page.exposeFunction(signalingControlFunctionName, (action: SignalingControl) => (action === 'stop' ? signaling.stop() : signaling.start()));
  await page.goto(`${origin}/`, { waitUntil: 'load' });
  const started = await page.evaluate(
    ({ name, runConfig }) => {
      const start = (globalThis as unknown as Record<string, ((config: RunConfig) => void) | undefined>)[name];
      if (start === undefined) return false;
      start(runConfig);
      return true;
    },
    { name: startFunctionName, runConfig: config },
  );
  if (!started) {
    tally.stop('the bundle did not load (see the page errors above)');
    return tally.finished;
  }
  const runTimer = setTimeout(() => tally.stop(`the run took longer than ${limits.runTimeoutMs} ms (runTimeoutMs)`), limits.runTimeoutMs);
  try {
    return await tally.finished;
  } finally {
    clearTimeout(runTimer);
  }
}

/** Indents every line by four spaces; stack frames come indented unevenly, so those are trimmed first. */
function indent(text: string, trimLines = false): string {
  return text
    .split('\n')
    .map((line) => `    ${trimLines ? line.trim() : line}`)
    .join('\n');
}

function printFailures(failures: readonly Failure[], mapStack: (stack: string) => string): void {
  if (failures.length === 0) return;
  console.log('\nFailures:');
  failures.forEach((failure, index) => {
    console.log(`${index + 1}) ${failure.title}`);
    for (const report of failure.reports) {
      console.log(`  Message:\n${indent(report.message)}`);
      const stack = mapStack(report.stack).trim();
      if (stack !== '') console.log(`  Stack:\n${indent(stack, true)}`);
    }
  });
}

/** The compiled Worker entry that specs start with `new Worker(clinicWorkerScriptPath)`. */
const clinicWorkerEntry = path.join(repositoryRoot, 'dist', 'leader-worker', 'src', 'worker', 'clinic-worker.js');

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { filter: { type: 'string' }, seed: { type: 'string' } } });
  const startedAtMs = performance.now();
  const [specs, clinicWorker] = await Promise.all([
    bundleForBrowser(path.join(compiledDirectory, 'in-page.js'), 'specs.js'),
    bundleForBrowser(clinicWorkerEntry, 'clinic-worker.js'),
  ]);
  const { server, origin } = await serve(new Map([
    ['/', pageHtml],
    ['/jasmine.js', await jasmineBrowserRuntime()],
    [bundlePath, specs.code],
    [clinicWorkerScriptPath, clinicWorker.code],
  ]));
  const stackMaps = [
    new BundleStacks(`${origin}${bundlePath}`, specs.sourceMap, bundleDirectory, repositoryRoot),
    new BundleStacks(`${origin}${clinicWorkerScriptPath}`, clinicWorker.sourceMap, bundleDirectory, repositoryRoot),
  ];
  const mapStack = (stack: string): string => stackMaps.reduce((mapped, stacks) => stacks.map(mapped), stack);
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    server.close();
    console.error((error as Error).message);
    return 1;
  }
  const signaling = new TestSignalingServer();
  await signaling.start();
  const pageErrors: string[] = [];
  const tally = new Tally();
  let problem: string | null;
  try {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    page.on('console', (message) => console.log(`[chromium console.${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => {
      pageErrors.push(error.message);
      console.log(`[chromium page error] ${mapStack(error.stack ?? error.message)}`);
    });
    const config: RunConfig = {
      seed: values.seed ?? null,
      filter: values.filter ?? null,
      specTimeoutMs: limits.specTimeoutMs,
      signaling: { host: '127.0.0.1', port: signaling.port, path: testSignalingPath, key: testSignalingKey },
    };
    problem = await runInPage(page, origin, config, tally, signaling);
  } finally {
    tally.stop(null);
    await browser.close();
    server.close();
    await signaling.stop();
  }
  printFailures(tally.failures, mapStack);
  const { passed, failed, pending, excluded } = tally.counts;
  const seconds = ((performance.now() - startedAtMs) / 1000).toFixed(1);
  console.log(`\n\nChromium ${browser.version()}: ${passed + failed} specs run, ${failed} failed, ${pending} pending, ${excluded} excluded, of ${tally.totalSpecsDefined} defined, in ${seconds} s`);
  if (tally.seed !== '') console.log(`Randomized with seed ${tally.seed} (node dist/leader-worker/test/browser/run-in-chromium.js --seed=${tally.seed})`);
  const problems = [
    ...(problem === null ? [] : [problem]),
    ...(tally.failures.length > 0 ? [`${tally.failures.length} failure(s)`] : []),
    ...(pageErrors.length > 0 ? [`${pageErrors.length} uncaught page error(s)`] : []),
    ...(passed + failed === 0 ? ['no spec ran'] : []),
    ...(problem === null && tally.overallStatus !== 'passed' ? [`Jasmine says ${tally.overallStatus}${tally.incompleteReason === '' ? '' : `: ${tally.incompleteReason}`}`] : []),
  ];
  if (problems.length === 0) return 0;
  console.log(`FAILED: ${problems.join('; ')}`);
  return 1;
}

process.exit(await main());
