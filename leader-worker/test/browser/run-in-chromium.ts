// Runs the specs listed in browser-specs.ts in real headless Chromium: esbuild bundles the compiled specs
// into one script, a tiny HTTP server on 127.0.0.1 serves it after jasmine-core's browser runtime,
// playwright-core drives Debian's Chromium, and the page reports every result back. Exits non-zero on any
// failure, on a page that stops answering, and when no spec ran.
//
//   node dist/leader-worker/test/browser/run-in-chromium.js [--filter=text] [--seed=number]
//   CHROME_BIN=/usr/lib/chromium/chromium picks another binary (default /usr/bin/chromium).
import { access, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import { BundleStacks } from './bundle-stacks.js';
import { reportFunctionName, startFunctionName, type FailureReport, type PageEvent, type RunConfig } from './page-protocol.js';

const limits = {
  /** One spec or hook; Jasmine fails it in the page when its async work does not settle in time. */
  specTimeoutMs: 10_000,
  /** No report from the page for this long: a spec blocks the page (a synchronous loop defeats Jasmine's timeout). */
  pageSilenceMsMax: 30_000,
  /** The whole run in the browser, from loading the page to the last report. */
  runTimeoutMs: 120_000,
};

const chromiumArgs = [
  '--no-sandbox', // CI runs as root, where Chromium's sandbox refuses to start
  '--disable-gpu',
  '--disable-dev-shm-usage',
  // This machine's network is closed: without these Chromium keeps trying to reach Google's hosts.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // WebRTC between pages on 127.0.0.1 (the PeerJS specs to come); it also needs camera and microphone granted.
  '--allow-loopback-in-peer-connection',
];

const compiledDirectory = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.resolve(compiledDirectory, '../../../..');
/** Where the bundle would live if written: its source map's paths are relative to this directory. */
const bundleDirectory = path.join(repositoryRoot, 'dist', 'browser-bundle');
const bundlePath = '/specs.js';

interface Bundle {
  readonly code: string;
  readonly sourceMap: string;
}

async function bundleSpecs(): Promise<Bundle> {
  const result = await build({
    entryPoints: [path.join(compiledDirectory, 'in-page.js')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    sourcemap: 'external',
    outfile: path.join(bundleDirectory, 'specs.js'),
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.js'));
  const sourceMap = result.outputFiles.find((file) => file.path.endsWith('.js.map'));
  if (code === undefined || sourceMap === undefined) throw new Error('esbuild produced no bundle');
  return { code: code.text, sourceMap: sourceMap.text };
}

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

async function serve(files: ReadonlyMap<string, string>): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const body = files.get(request.url ?? '');
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    const type = request.url === '/' ? 'text/html' : 'text/javascript';
    response.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

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

async function runInPage(page: Page, origin: string, config: RunConfig, tally: Tally): Promise<string | null> {
  await page.exposeFunction(reportFunctionName, (event: PageEvent) => tally.record(event));
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

function printFailures(failures: readonly Failure[], stacks: BundleStacks): void {
  if (failures.length === 0) return;
  console.log('\nFailures:');
  failures.forEach((failure, index) => {
    console.log(`${index + 1}) ${failure.title}`);
    for (const report of failure.reports) {
      console.log(`  Message:\n${indent(report.message)}`);
      const stack = stacks.map(report.stack).trim();
      if (stack !== '') console.log(`  Stack:\n${indent(stack, true)}`);
    }
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { filter: { type: 'string' }, seed: { type: 'string' } } });
  const executablePath = process.env['CHROME_BIN'] ?? '/usr/bin/chromium';
  try {
    await access(executablePath);
  } catch {
    console.error(`No Chromium at ${executablePath}: install Debian's (apt-get install -y chromium) or set CHROME_BIN.`);
    return 1;
  }
  const startedAtMs = performance.now();
  const bundle = await bundleSpecs();
  const { server, origin } = await serve(new Map([['/', pageHtml], ['/jasmine.js', await jasmineBrowserRuntime()], [bundlePath, bundle.code]]));
  const stacks = new BundleStacks(`${origin}${bundlePath}`, bundle.sourceMap, bundleDirectory, repositoryRoot);
  const browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs });
  const pageErrors: string[] = [];
  const tally = new Tally();
  let problem: string | null;
  try {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    page.on('console', (message) => console.log(`[chromium console.${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => {
      pageErrors.push(error.message);
      console.log(`[chromium page error] ${stacks.map(error.stack ?? error.message)}`);
    });
    const config: RunConfig = { seed: values.seed ?? null, filter: values.filter ?? null, specTimeoutMs: limits.specTimeoutMs };
    problem = await runInPage(page, origin, config, tally);
  } finally {
    tally.stop(null);
    await browser.close();
    server.close();
  }
  printFailures(tally.failures, stacks);
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
