// `npm run bench -- browser [--json] [--rounds 3] [--writes 200] [--posts 30] [--sustained-writes 600]
//   [--in-flight 16] [--failover-trials 10] [--unthrottled-only]`:
// a clinic of three devices in headless Chromium, each its own browser context with its own IndexedDB (strict
// durability), over real PeerJS and WebRTC, signaled by central's PeerServer, as in the multi-device specs
// (test/support/browser-devices.ts). Central (NestJS on embedded PostgreSQL) serves the device page. Device
// timing and link limits are the defaults a clinic runs with. Figures per round, then medians and ranges:
//   - commit latency: a write proposed on a follower (two of a clinic's three stations are) until it is applied
//     there, one after another, timed on the page; the same on the leader;
//   - baseline, in the same round: the same registration POSTed to central from a page whose network is a
//     3G link emulated by Chrome (DevTools Protocol: 300 ms round trip, 1.6 Mbit/s down, 750 kbit/s up), what
//     a central-server record would make every save wait for;
//   - sustained commits per second: all three devices writing at once, `in-flight` writes outstanding each;
//   - failover: the leader's context closed -> the next write (proposed on a survivor at once) applied there,
//     over `failover-trials` fresh clinics.
// Then all of it again with Chrome's CPU throttled 4x (a cheap tablet); a probe of fixed work shows the slowdown
// Chrome really applied: on the pages, not in the Workers (cpu-throttle.ts). Central's test PostgreSQL runs without fsync: that favours
// the baseline, so the ratio is if anything understated.
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import type { CommandEnvelope } from '../../leader-worker/src/chart/index.js';
import { percentile } from '../../leader-worker/src/statistics/percentile.js';
import { spread, type Spread } from '../../leader-worker/src/statistics/spread.js';
import { launchChromium } from '../../leader-worker/test/browser/chromium-session.js';
import { patientId, registration } from '../../leader-worker/test/worker/clinic-worker-kit.js';
import { registrationBody } from '../test/feed/feed-test-support.js';
import { agreedLeader, bundleDevicePage, DeviceUnderTest, eventually, openClinic, serveDevicePage } from '../test/support/browser-devices.js';
import { startTestApp, type TestApp } from '../test/support/test-app.js';
import { createTestDatabase, stopTestPostgres } from '../test/support/test-postgres.js';
import { throttleCpu } from './cpu-throttle.js';

export interface BrowserBenchSetup {
  readonly rounds: number;
  /** Writes one after another per round, on a follower (and a quarter as many on the leader). */
  readonly writes: number;
  /** Baseline POSTs through the emulated 3G link per round. */
  readonly posts: number;
  /** Writes per device in the sustained phase of each round. */
  readonly sustainedWrites: number;
  readonly inFlight: number;
  readonly failoverTrials: number;
  readonly throttled: boolean;
}

export const defaultBrowserBenchSetup: BrowserBenchSetup = {
  rounds: 3,
  writes: 200,
  posts: 30,
  sustainedWrites: 600,
  inFlight: 16,
  failoverTrials: 10,
  throttled: true,
};

/** The 3G of the issue: a 300 ms round trip; bandwidth as Chrome's own 3G preset. */
const emulated3g = { offline: false, latency: 300, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 };
const cheapTabletSlowdown = 4;
/** Writes before measuring: JIT, IndexedDB's first transactions, the links' first chunks. */
const warmupWrites = 20;
const failoverWaitMs = 30_000;

interface Condition {
  readonly name: 'unthrottled' | 'throttled4x';
  readonly cpuSlowdown: number;
}

export interface RoundFigures {
  readonly commitP50Ms: number;
  readonly commitP99Ms: number;
  readonly leaderCommitP50Ms: number;
  readonly leaderCommitP99Ms: number;
  readonly baselineP50Ms: number;
  readonly baselineP99Ms: number;
  readonly commitsPerSecond: number;
}

/** A condition's figures: each round's figure's median over the rounds, and the failover trials'. */
export interface ConditionFigures extends RoundFigures {
  /** Baseline p50 over commit p50: how many times sooner a clinician sees the save. */
  readonly speedupP50: number;
  readonly failoverP50Ms: number;
  readonly failoverP99Ms: number;
  readonly failoverTrials: number;
  /** Over the rounds: the median is the figure above, with its range. */
  readonly spreads: Record<string, Spread>;
  /** Fixed work, this condition's time over the unthrottled time: the slowdown Chrome really applied. */
  readonly measuredSlowdown: { readonly page: number; readonly worker: number };
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

/** Envelopes of registrations, each a new patient, numbered after every earlier one of the run. */
class Registrations {
  private patients = 0;
  private readonly sequences = new Map<string, number>();

  next(deviceId: string, count: number, label: string): CommandEnvelope[] {
    return Array.from({ length: count }, () => {
      const sequence = (this.sequences.get(deviceId) ?? 0) + 1;
      this.sequences.set(deviceId, sequence);
      const number = ++this.patients;
      return registration(deviceId, sequence, number, label, `Bench${number}`);
    });
  }

  get lastNumber(): number {
    return this.patients;
  }
}

class BrowserBench {
  private readonly registrations = new Registrations();
  private clinicsOpened = 0;
  private unthrottledProbe: { pageMs: number; workerMs: number } | null = null;

  constructor(
    private readonly browser: Browser,
    private readonly api: TestApp,
    private readonly setup: BrowserBenchSetup,
    private readonly log: (line: string) => void,
  ) {}

  async measure(condition: Condition): Promise<ConditionFigures> {
    const measuredSlowdown = await this.probeSlowdown(condition);
    this.log(`[${condition.name}] fixed work ${measuredSlowdown.page}x slower on the page, ${measuredSlowdown.worker}x in a Worker, than unthrottled`);
    const rounds: RoundFigures[] = [];
    for (let round = 1; round <= this.setup.rounds; round++) rounds.push(await this.round(condition, round));
    const failovers: number[] = [];
    for (let trial = 1; trial <= this.setup.failoverTrials; trial++) {
      const ms = await this.failover(condition);
      failovers.push(ms);
      this.log(`[${condition.name}] failover trial ${trial}: the next write applied ${ms} ms after the leader's context was closed`);
    }
    const over = (pick: (figures: RoundFigures) => number): Spread => spread(rounds.map(pick));
    const spreads: Record<string, Spread> = {
      commitP50Ms: over((figures) => figures.commitP50Ms),
      commitP99Ms: over((figures) => figures.commitP99Ms),
      leaderCommitP50Ms: over((figures) => figures.leaderCommitP50Ms),
      leaderCommitP99Ms: over((figures) => figures.leaderCommitP99Ms),
      baselineP50Ms: over((figures) => figures.baselineP50Ms),
      baselineP99Ms: over((figures) => figures.baselineP99Ms),
      commitsPerSecond: over((figures) => figures.commitsPerSecond),
      failoverMs: spread(failovers),
    };
    const commitP50Ms = spreads['commitP50Ms']!.median;
    const baselineP50Ms = spreads['baselineP50Ms']!.median;
    return {
      commitP50Ms,
      commitP99Ms: spreads['commitP99Ms']!.median,
      leaderCommitP50Ms: spreads['leaderCommitP50Ms']!.median,
      leaderCommitP99Ms: spreads['leaderCommitP99Ms']!.median,
      baselineP50Ms,
      baselineP99Ms: spreads['baselineP99Ms']!.median,
      speedupP50: round1(baselineP50Ms / commitP50Ms),
      failoverP50Ms: percentile(failovers, 0.5)!,
      failoverP99Ms: percentile(failovers, 0.99)!,
      failoverTrials: failovers.length,
      commitsPerSecond: spreads['commitsPerSecond']!.median,
      spreads,
      measuredSlowdown,
    };
  }

  private async probeSlowdown(condition: Condition): Promise<{ page: number; worker: number }> {
    const device = await DeviceUnderTest.open(this.browser, this.api, `${condition.name} probe`);
    try {
      await this.prepare(device, condition);
      await device.cpuProbe(); // the JIT's first pass
      const probe = await device.cpuProbe();
      if (condition.cpuSlowdown === 1) this.unthrottledProbe = probe;
      const base = this.unthrottledProbe ?? probe;
      return { page: round1(probe.pageMs / base.pageMs), worker: round1(probe.workerMs / base.workerMs) };
    } finally {
      await device.close();
    }
  }

  private async prepare(device: DeviceUnderTest, condition: Condition): Promise<void> {
    if (condition.cpuSlowdown !== 1) await throttleCpu(await device.devtools(), condition.cpuSlowdown);
  }

  private openClinic(condition: Condition): ReturnType<typeof openClinic> {
    return openClinic(this.browser, this.api, `Bench ${++this.clinicsOpened}`, 3, {}, (device) => this.prepare(device, condition));
  }

  private async round(condition: Condition, round: number): Promise<RoundFigures> {
    const { clinicId, devices } = await this.openClinic(condition);
    const baselinePage = await DeviceUnderTest.open(this.browser, this.api, `${condition.name} baseline`);
    try {
      const leader = await agreedLeader(devices);
      const follower = devices.find((device) => device !== leader)!;
      await follower.timedProposals(this.registrations.next(follower.deviceId, warmupWrites, 'Warmup'));
      await leader.timedProposals(this.registrations.next(leader.deviceId, warmupWrites, 'Warmup'));
      const onFollower = await follower.timedProposals(this.registrations.next(follower.deviceId, this.setup.writes, 'Follower'));
      const onLeader = await leader.timedProposals(this.registrations.next(leader.deviceId, Math.max(1, Math.round(this.setup.writes / 4)), 'Leader'));

      await this.prepare(baselinePage, condition);
      const devtools = await baselinePage.devtools();
      await devtools.send('Network.enable');
      await devtools.send('Network.emulateNetworkConditions', emulated3g);
      const url = `${this.api.baseUrl}/api/clinics/${clinicId}/feed/registrations`;
      await baselinePage.timedPosts(url, this.api.adminToken, [registrationBody()]); // the connection's first request
      const posts = await baselinePage.timedPosts(url, this.api.adminToken, Array.from({ length: this.setup.posts }, () => registrationBody()));

      const startedMs = performance.now();
      const sustained = await Promise.all(
        devices.map((device) => device.sustainedProposals(this.registrations.next(device.deviceId, this.setup.sustainedWrites, 'Sustained'), this.setup.inFlight)),
      );
      const elapsedMs = performance.now() - startedMs;
      const applied = sustained.reduce((sum, figures) => sum + figures.applied, 0);
      const notApplied = sustained.reduce((sum, figures) => sum + figures.notApplied, 0);
      const figures: RoundFigures = {
        commitP50Ms: round1(percentile(onFollower, 0.5)!),
        commitP99Ms: round1(percentile(onFollower, 0.99)!),
        leaderCommitP50Ms: round1(percentile(onLeader, 0.5)!),
        leaderCommitP99Ms: round1(percentile(onLeader, 0.99)!),
        baselineP50Ms: round1(percentile(posts, 0.5)!),
        baselineP99Ms: round1(percentile(posts, 0.99)!),
        commitsPerSecond: Math.round(applied / (elapsedMs / 1000)),
      };
      this.log(`[${condition.name}] round ${round}: commit on a follower p50 ${figures.commitP50Ms} ms, p99 ${figures.commitP99Ms} ms (${onFollower.length} writes); `
        + `on the leader p50 ${figures.leaderCommitP50Ms} ms, p99 ${figures.leaderCommitP99Ms} ms; a POST to central over 3G p50 ${figures.baselineP50Ms} ms, `
        + `p99 ${figures.baselineP99Ms} ms; ${figures.commitsPerSecond} commits/s with three devices writing (${applied} applied, ${notApplied} not)`);
      return figures;
    } finally {
      await baselinePage.close();
      await Promise.all(devices.map((device) => device.close()));
    }
  }

  /** One fresh clinic: elect, write, close the leader's context, and time the next write on a survivor. */
  private async failover(condition: Condition): Promise<number> {
    const { devices } = await this.openClinic(condition);
    try {
      const leader = await agreedLeader(devices);
      const survivor = devices.find((device) => device !== leader)!;
      await survivor.timedProposals(this.registrations.next(survivor.deviceId, 5, 'Warmup'));
      const [write] = this.registrations.next(survivor.deviceId, 1, 'Failover');
      const family = `Bench${this.registrations.lastNumber}`;
      const closedMs = Date.now();
      await leader.close();
      // The write goes in at once; without a leader it waits in the survivor's outbox and applies after the election.
      const proposed = survivor.propose(write!);
      await eventually('the write after the failover to apply on the survivor', async () => (await survivor.search(family)).includes(patientId(this.registrations.lastNumber)), failoverWaitMs);
      const failoverMs = Date.now() - closedMs;
      await proposed;
      return failoverMs;
    } finally {
      await Promise.all(devices.map((device) => device.close().catch(() => undefined)));
    }
  }
}

function positive(value: string | undefined, name: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive integer, not ${value}`);
  return parsed;
}

export async function runBrowserBenchmark(args: string[]): Promise<Record<string, unknown>> {
  const defaults = defaultBrowserBenchSetup;
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      rounds: { type: 'string', default: String(defaults.rounds) },
      writes: { type: 'string', default: String(defaults.writes) },
      posts: { type: 'string', default: String(defaults.posts) },
      'sustained-writes': { type: 'string', default: String(defaults.sustainedWrites) },
      'in-flight': { type: 'string', default: String(defaults.inFlight) },
      'failover-trials': { type: 'string', default: String(defaults.failoverTrials) },
      'unthrottled-only': { type: 'boolean', default: false },
    },
  });
  const setup: BrowserBenchSetup = {
    rounds: positive(values.rounds, 'rounds'),
    writes: positive(values.writes, 'writes'),
    posts: positive(values.posts, 'posts'),
    sustainedWrites: positive(values['sustained-writes'], 'sustained-writes'),
    inFlight: positive(values['in-flight'], 'in-flight'),
    failoverTrials: positive(values['failover-trials'], 'failover-trials'),
    throttled: !values['unthrottled-only'],
  };
  const log = (line: string): void => console.log(line);
  const database = await createTestDatabase();
  const api = await startTestApp(database.url, ['error'], serveDevicePage(await bundleDevicePage()));
  const browser = await launchChromium();
  try {
    const bench = new BrowserBench(browser, api, setup, log);
    const unthrottled = await bench.measure({ name: 'unthrottled', cpuSlowdown: 1 });
    const throttled4x = setup.throttled ? await bench.measure({ name: 'throttled4x', cpuSlowdown: cheapTabletSlowdown }) : null;
    for (const [name, figures] of [['unthrottled', unthrottled], ['throttled4x', throttled4x]] as const) {
      if (figures === null) continue;
      log(`${name}: commit p50 ${figures.commitP50Ms} ms, p99 ${figures.commitP99Ms} ms (goal <= 10 and <= 40); POST over 3G p50 ${figures.baselineP50Ms} ms: `
        + `${figures.speedupP50}x sooner (goal >= 30x); failover p50 ${figures.failoverP50Ms} ms, p99 ${figures.failoverP99Ms} ms over ${figures.failoverTrials} trials `
        + `(goal p99 <= 3000); ${figures.commitsPerSecond} commits/s (goal >= 500)`);
    }
    return { benchmark: 'browser', setup, ...unthrottled, ...(throttled4x === null ? {} : { throttled4x }) };
  } finally {
    await browser.close();
    await api.close();
    await database.drop();
    await stopTestPostgres();
  }
}
