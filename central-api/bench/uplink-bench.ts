// `npm run bench -- uplink [--json] [--rounds 3] [--results 40] [--writes 1000]`: the clinic and central joined,
// as a clinician would feel it. One central API as `npm start` runs it (child process, embedded PostgreSQL,
// fsync on); one clinic device, the leader, in this process: the Worker's service with its uplink, feed import and
// lease keeper, over fake-indexeddb (IndexedDB in Chromium is issue 10's browser bench; here the link is measured).
//
// Figures per round, medians and spreads over the rounds:
//   - lab result: posted at central (the lab's POST) -> applied on the device (seed level 6, "within seconds"),
//     p50/p99, beside the baseline of the POST's own round trip in the same run;
//   - uplink: the clinic commits `writes` registrations back to back; how long until central acknowledges the
//     last, entries per second through the uplink, beside the device's own commit rate (the uplink never
//     slows commits: the ratio says how far it trails).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { CommandEnvelope } from '../../leader-worker/src/chart/index.js';
import { realScheduler } from '../../leader-worker/src/node/scheduler.js';
import { SeededRandom } from '../../leader-worker/src/raft/seeded-random.js';
import { percentile } from '../../leader-worker/src/statistics/percentile.js';
import type { ClinicWorkerService } from '../../leader-worker/src/worker/clinic-worker-service.js';
import { generateCredential } from '../src/auth/credentials.js';
import { ApiProcess } from './api-process.js';

export interface UplinkBenchSetup {
  readonly rounds: number;
  /** Lab results posted one after another per round, each for its own order on the device. */
  readonly labResults: number;
  /** Registrations committed back to back per round. */
  readonly writes: number;
}

export const defaultUplinkBenchSetup: UplinkBenchSetup = { rounds: 3, labResults: 40, writes: 1000 };

const limits = {
  /** A figure that takes longer than this is a failure to report, not a slow figure. */
  waitMsMax: 60_000,
  pollMs: 2,
};

interface Central {
  readonly baseUrl: string;
  readonly adminToken: string;
}

async function send(central: Central, method: string, path: string, token: string, json?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${central.baseUrl}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) }, body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

async function until(what: string, condition: () => boolean): Promise<void> {
  const startedMs = performance.now();
  while (!condition()) {
    if (performance.now() - startedMs > limits.waitMsMax) throw new Error(`gave up after ${limits.waitMsMax} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, limits.pollMs));
  }
}

class Device {
  private sequence = 0;
  /** When each feed item (by sequence) was applied here. */
  private readonly feedAppliedMs = new Map<number, number>();

  private constructor(readonly service: ClinicWorkerService, readonly deviceId: string) {}

  static async start(central: Central, round: number): Promise<{ device: Device; clinicId: string; credential: string }> {
    const clinic = await send(central, 'POST', '/api/clinics', central.adminToken, { name: `Uplink bench ${round}`, chartPolicy: 'lease' });
    const clinicId = (clinic.body as { id: string }).id;
    const enrolled = await send(central, 'POST', `/api/clinics/${clinicId}/devices`, central.adminToken, { name: 'Leader tablet' });
    const { deviceId, credential } = enrolled.body as { deviceId: string; credential: string };
    // Loaded after the IndexedDB stand-in is installed: localforage picks its driver when it is first loaded.
    await import('../../leader-worker/test/node-helpers/indexeddb-polyfill.js');
    const { ClinicWorkerService } = await import('../../leader-worker/src/worker/clinic-worker-service.js');
    const service = new ClinicWorkerService({ scheduler: realScheduler, createRandom: () => new SeededRandom(round), lockDevice: () => Promise.resolve({ type: 'held', release: () => undefined }) });
    const device = new Device(service, deviceId);
    service.subscribe((event) => {
      if (event.type === 'applied' && event.event.identity?.clientId === 'central-feed') device.feedAppliedMs.set(event.event.identity.sequence, performance.now());
    });
    const started = await service.start({
      clinicId, deviceId, voters: [deviceId], transport: { kind: 'broadcast-channel', channelName: `uplink-bench-${randomUUID()}` },
      databaseName: `uplink-bench/${randomUUID()}`, central: { apiUrl: `${central.baseUrl}/api`, credential },
      // The node at its default, real-world pace.
    });
    if (started.type !== 'started') throw new Error(`the device did not start: ${JSON.stringify(started)}`);
    await until('the device to lead', () => service.status()?.role === 'leader');
    return { device, clinicId, credential };
  }

  async write(command: Record<string, unknown>): Promise<void> {
    this.sequence++;
    const envelope = { clientId: `${this.deviceId}-desk`, sequence: this.sequence, recordedAt: Date.now(), author: { deviceId: this.deviceId, userName: 'Records clerk', role: 'registration' }, command };
    const outcome = await this.service.propose(envelope as unknown as CommandEnvelope);
    if (outcome.type !== 'applied' || outcome.result.type !== 'applied') throw new Error(`a write was not applied: ${JSON.stringify(outcome)}`);
  }

  feedItemAppliedMs(sequence: number): number | undefined {
    return this.feedAppliedMs.get(sequence);
  }
}

function registration(patientId: string, number: number): Record<string, unknown> {
  return {
    type: 'registerPatient', patientId, name: { given: 'Amina', family: `Okello ${number}` }, sex: 'female',
    birth: { estimated: false, dateOfBirth: '1990-04-12' }, identifiers: [], phone: null, address: null, nextOfKin: null,
  };
}

interface RoundFigures {
  readonly labResultP50Ms: number;
  readonly labResultP99Ms: number;
  readonly postP50Ms: number;
  readonly writesPerSecond: number;
  readonly uploadedPerSecond: number;
  readonly lastAcknowledgedAfterMs: number;
}

async function runRound(central: Central, setup: UplinkBenchSetup, round: number, log: (line: string) => void): Promise<RoundFigures> {
  const { device, clinicId: clinic } = await Device.start(central, round);
  const { service } = device;
  try {
    // The lab results: one order each on the device, then the lab posts the result at central.
    const patientId = randomUUID();
    const visitId = randomUUID();
    await device.write(registration(patientId, 0));
    await device.write({ type: 'openVisit', visitId, patientId, reason: 'fever' });
    const shownMs: number[] = [];
    const postMs: number[] = [];
    for (let number = 1; number <= setup.labResults; number++) {
      const labOrderId = randomUUID();
      await device.write({ type: 'orderLab', labOrderId, patientId, visitId, test: 'Haemoglobin', specimen: 'blood' });
      const postedMs = performance.now();
      const posted = await send(central, 'POST', `/api/clinics/${clinic}/feed/lab-results`, central.adminToken, {
        labResultId: randomUUID(), labOrderId, result: { kind: 'numeric', value: 11.2, unit: 'g/dL' }, interpretation: 'normal', laboratory: 'Kabale Regional Laboratory',
      });
      postMs.push(performance.now() - postedMs);
      if (posted.status !== 201) throw new Error(`central refused a lab result: ${posted.status} ${JSON.stringify(posted.body)}`);
      const sequence = (posted.body as { sequence: number }).sequence;
      await until(`lab result ${sequence} on the device`, () => device.feedItemAppliedMs(sequence) !== undefined);
      shownMs.push(device.feedItemAppliedMs(sequence)! - postedMs);
    }

    // The uplink: writes back to back, then until central holds the last.
    const writesStartedMs = performance.now();
    for (let number = 1; number <= setup.writes; number++) await device.write(registration(randomUUID(), number));
    const writesEndedMs = performance.now();
    // notUploaded counts from the leader's commit index, which has reached lastIndex: 0 means central holds it.
    await until('central to acknowledge every write', () => service.centralLinkStatus()?.upload.notUploaded === 0);
    const acknowledgedMs = performance.now();
    const figures: RoundFigures = {
      labResultP50Ms: round2(percentile(shownMs, 0.5)!),
      labResultP99Ms: round2(percentile(shownMs, 0.99)!),
      postP50Ms: round2(percentile(postMs, 0.5)!),
      writesPerSecond: Math.round(setup.writes / ((writesEndedMs - writesStartedMs) / 1000)),
      uploadedPerSecond: Math.round(setup.writes / ((acknowledgedMs - writesStartedMs) / 1000)),
      lastAcknowledgedAfterMs: Math.round(acknowledgedMs - writesEndedMs),
    };
    log(`round ${round}: lab result on the device p50 ${figures.labResultP50Ms} ms, p99 ${figures.labResultP99Ms} ms (the lab's POST alone p50 ${figures.postP50Ms} ms); `
      + `${setup.writes} writes at ${figures.writesPerSecond}/s, uploaded at ${figures.uploadedPerSecond}/s, the last acknowledged ${figures.lastAcknowledgedAfterMs} ms after it committed`);
    return figures;
  } finally {
    await service.stop();
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function spread(values: readonly number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((left, right) => left - right);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
}

export async function runUplinkBenchmark(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      rounds: { type: 'string', default: String(defaultUplinkBenchSetup.rounds) },
      results: { type: 'string', default: String(defaultUplinkBenchSetup.labResults) },
      writes: { type: 'string', default: String(defaultUplinkBenchSetup.writes) },
    },
  });
  const setup: UplinkBenchSetup = { rounds: positive(values.rounds, 'rounds'), labResults: positive(values.results, 'results'), writes: positive(values.writes, 'writes') };
  const log = (line: string) => console.log(line);
  const adminToken = generateCredential('admin');
  const api = await ApiProcess.start(adminToken);
  const central: Central = { baseUrl: `http://127.0.0.1:${api.port}`, adminToken };
  const rounds: RoundFigures[] = [];
  try {
    for (let round = 1; round <= setup.rounds; round++) rounds.push(await runRound(central, setup, round, log));
  } finally {
    await api.stop();
  }
  const figure = (pick: (figures: RoundFigures) => number) => spread(rounds.map(pick));
  const labResult = figure((r) => r.labResultP50Ms);
  const post = figure((r) => r.postP50Ms);
  return {
    benchmark: 'uplink',
    setup,
    labResultP50Ms: labResult,
    labResultP99Ms: figure((r) => r.labResultP99Ms),
    labPostP50Ms: post,
    labResultToPostRatio: round2(labResult.median / post.median),
    writesPerSecond: figure((r) => r.writesPerSecond),
    uploadedPerSecond: figure((r) => r.uploadedPerSecond),
    lastAcknowledgedAfterMs: figure((r) => r.lastAcknowledgedAfterMs),
    note: 'the device runs in Node over fake-indexeddb; medians with min and max over the rounds',
  };
}

function positive(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, not ${text}`);
  return value;
}
