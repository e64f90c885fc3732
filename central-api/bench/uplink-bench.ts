// `npm run bench -- uplink [--json] [--rounds 3] [--results 40] [--encounters 10] [--outage-encounters 60] [--outage-s 70]
//   [--precache-patients 10000] [--precache-rounds 3] [--api-cpu-profile <folder>]`:
// the clinic and central joined, as a clinic would feel it. One central API as `npm start` runs it (child
// process, embedded PostgreSQL, fsync on); one clinic device, the leader, in this process (the Worker's service
// with its uplink, feed import and lease keeper, over fake-indexeddb: IndexedDB in Chromium is issue 10's
// browser bench), reaching central through an emulated 3G link (cellular-link.ts: 300 ms round trip, paced
// bandwidth, bytes counted at TCP level). Figures per round, then medians with min and max over the rounds:
//   - lab result: posted at central -> applied on the device, p50/p99, beside the lab's POST alone;
//   - bytes on the link per typical encounter (registration, visit, vitals, note, diagnosis, prescription,
//     dispensing), each encounter uploaded on its own (no batching across encounters: the worst case), with the
//     lease taken and released, beside the same encounter posted as one uncompressed JSON request per resource
//     to a plain REST server through the same kind of link;
//   - resync: the link cut for `outage-s` (long enough for the uplink's retry backoff to reach its ceiling, as
//     after hours offline) while the clinic writes `outage-encounters` encounters; restored; seconds until
//     central acknowledges the last;
//   - writes committed back to back, and how soon central holds the last (the uplink never slows commits);
//   - pre-cache (precache-bench.ts): a new clinic's sync horizon of `precache-patients` patients with a year of
//     history each, over an emulated 1 Mbit/s link, after the rounds.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { percentile } from '../../leader-worker/src/statistics/percentile.js';
import { spread } from '../../leader-worker/src/statistics/spread.js';
import { generateCredential } from '../src/auth/credentials.js';
import { ApiProcess } from './api-process.js';
import { BenchDevice as Device, send, until, type Central } from './bench-device.js';
import { CellularLink, countingOnly, emulated3g } from './cellular-link.js';
import { PlainRestServer } from './plain-rest-server.js';
import { emulated1Mbit, measurePrecache, type PrecacheFigures } from './precache-bench.js';

export interface UplinkBenchSetup {
  readonly rounds: number;
  /** Lab results posted one after another per round, each for its own order on the device. */
  readonly labResults: number;
  /** Encounters written one at a time, each uploaded before the next, for the bytes per encounter. */
  readonly encounters: number;
  /** Encounters written while the link is cut (a busy clinic's hours offline, compressed). */
  readonly outageEncounters: number;
  readonly outageSeconds: number;
  /** Registrations committed back to back per round. */
  readonly writes: number;
  /** Patients of the source clinic a new clinic's horizon brings, each with a year of history (0: skip). */
  readonly precachePatients: number;
  /** Fresh devices that each take the whole horizon. */
  readonly precacheRounds: number;
}

export const defaultUplinkBenchSetup: UplinkBenchSetup = {
  rounds: 3, labResults: 40, encounters: 10, outageEncounters: 60, outageSeconds: 70, writes: 1000, precachePatients: 10_000, precacheRounds: 3,
};

/** One encounter as the stations write it: the commands, in order. */
function encounter(number: number): Record<string, unknown>[] {
  const patientId = randomUUID();
  const visitId = randomUUID();
  const prescriptionId = randomUUID();
  return [
    {
      type: 'registerPatient', patientId, name: { given: 'Amina', family: `Okello ${number}` }, sex: 'female', birth: { estimated: false, dateOfBirth: '1990-04-12' },
      identifiers: [{ system: 'national-id', value: `CM${String(90_000_000 + number)}` }], phone: '+256 772 123456', address: { village: 'Kibuye', details: 'near the borehole' },
      nextOfKin: { name: 'Joseph Okello', relationship: 'husband', phone: '0772 654321' },
    },
    { type: 'openVisit', visitId, patientId, reason: 'cough for two weeks' },
    { type: 'recordVitals', vitalsId: randomUUID(), patientId, visitId, measurements: { systolicMmHg: 120, diastolicMmHg: 80, pulseBpm: 72, temperatureCelsius: 37.2 } },
    { type: 'addNote', noteId: randomUUID(), patientId, visitId, kind: 'clinical', text: 'Productive cough for two weeks, no night sweats, no weight loss. Chest: scattered crackles.' },
    { type: 'addDiagnosis', diagnosisId: randomUUID(), patientId, visitId, code: 'J20.9', text: 'Acute bronchitis', certainty: 'provisional' },
    {
      type: 'prescribe', prescriptionId, patientId, visitId, drug: 'Amoxicillin 500 mg', dose: { amount: 500, unit: 'mg' }, route: 'oral',
      frequency: 'three-times-daily', durationDays: 5, instructions: 'after food',
    },
    { type: 'dispense', dispenseId: randomUUID(), prescriptionId, quantity: { amount: 15, unit: 'capsules' } },
    { type: 'moveVisit', visitId, fromStation: 'registration', toStation: 'done' },
  ];
}

interface RoundFigures {
  readonly labResultP50Ms: number;
  readonly labResultP99Ms: number;
  readonly postP50Ms: number;
  readonly bytesPerEncounter: number;
  readonly baselineBytesPerEncounter: number;
  readonly resyncSeconds: number;
  readonly writesPerSecond: number;
  readonly uploadedPerSecond: number;
  readonly lastAcknowledgedAfterMs: number;
}

async function measureLabResults(central: Central, device: Device, clinicId: string, count: number): Promise<{ shownMs: number[]; postMs: number[] }> {
  const patientId = randomUUID();
  const visitId = randomUUID();
  const [registration] = encounter(0);
  await device.write({ ...registration, patientId });
  await device.write({ type: 'openVisit', visitId, patientId, reason: 'fever' });
  const shownMs: number[] = [];
  const postMs: number[] = [];
  for (let number = 1; number <= count; number++) {
    const labOrderId = randomUUID();
    await device.write({ type: 'orderLab', labOrderId, patientId, visitId, test: 'Haemoglobin', specimen: 'blood' });
    const postedMs = performance.now();
    const posted = await send(central.baseUrl, 'POST', `/api/clinics/${clinicId}/feed/lab-results`, central.adminToken, {
      labResultId: randomUUID(), labOrderId, result: { kind: 'numeric', value: 11.2, unit: 'g/dL' }, interpretation: 'normal', laboratory: 'Kabale Regional Laboratory',
    });
    postMs.push(performance.now() - postedMs);
    if (posted.status !== 201) throw new Error(`central refused a lab result: ${posted.status} ${JSON.stringify(posted.body)}`);
    const sequence = (posted.body as { sequence: number }).sequence;
    await until(`lab result ${sequence} on the device`, () => device.feedItemAppliedMs(sequence) !== undefined);
    shownMs.push(device.feedItemAppliedMs(sequence)! - postedMs);
  }
  return { shownMs, postMs };
}

/** Link bytes per encounter, each written and uploaded (and its lease taken and released) before the next. */
async function measureEncounterBytes(device: Device, link: CellularLink, count: number, log: (line: string) => void): Promise<number> {
  await until('a quiet link before the encounters', () => device.uploaded());
  const before = link.bytesUp + link.bytesDown;
  link.requests.clear();
  for (let number = 1; number <= count; number++) {
    const commands = encounter(number);
    const patientId = String(commands[0]!['patientId']);
    const lease = () => device.service.openChart(patientId)?.lease ?? null;
    for (const command of commands.slice(0, -1)) await device.write(command);
    // The visit lasts until its chart is leased, as a real one (half an hour) does; then it closes.
    await until(`encounter ${number}'s lease`, () => lease() !== null);
    await device.write(commands.at(-1)!);
    await until(`encounter ${number} at central, its lease released`, () => lease()?.released === true && device.uploaded());
  }
  const perEncounter = [...link.requests].map(([request, times]) => `${request} ${(times / count).toFixed(1)}`).join(', ');
  log(`  requests per encounter: ${perEncounter}`);
  return Math.round((link.bytesUp + link.bytesDown - before) / count);
}

/** The same encounters as one uncompressed JSON POST per resource to a plain REST server, through the same kind of link. */
async function measureBaselineBytes(count: number): Promise<number> {
  const rest = await PlainRestServer.start();
  const link = await CellularLink.open(rest.port, countingOnly);
  const token = generateCredential('device');
  try {
    for (let number = 1; number <= count; number++) {
      for (const command of encounter(number)) {
        const answer = await send(link.url, 'POST', `/fhir/${String(command['type'])}`, token, { ...command, recordedAt: Date.now(), author: { deviceId: 'tablet-1', userName: 'Records clerk', role: 'registration' } });
        if (answer.status !== 201) throw new Error(`the REST baseline answered ${answer.status}`);
      }
    }
    return Math.round((link.bytesUp + link.bytesDown) / count);
  } finally {
    await link.close();
    await rest.close();
  }
}

/** Seconds from the link's return to central holding every encounter written while it was gone. */
async function measureResync(device: Device, link: CellularLink, setup: UplinkBenchSetup, log: (line: string) => void): Promise<number> {
  await until('a quiet link before the outage', () => device.uploaded());
  link.cut();
  const cutMs = performance.now();
  for (let number = 1; number <= setup.outageEncounters; number++) for (const command of encounter(number)) await device.write(command);
  const leftMs = setup.outageSeconds * 1000 - (performance.now() - cutMs);
  log(`  outage: ${setup.outageEncounters} encounters written offline; the link stays cut ${Math.max(0, Math.round(leftMs / 1000))} s more`);
  if (leftMs > 0) await new Promise((resolve) => setTimeout(resolve, leftMs));
  const notUploaded = device.service.centralLinkStatus()?.upload.notUploaded ?? 0;
  link.restore();
  const restoredMs = performance.now();
  await until('central to hold what was written offline', () => device.uploaded());
  const seconds = (performance.now() - restoredMs) / 1000;
  log(`  resync: ${notUploaded} entries reached central ${seconds.toFixed(1)} s after the link came back`);
  return Math.round(seconds * 10) / 10;
}

async function runRound(central: Central, centralPort: number, setup: UplinkBenchSetup, round: number, log: (line: string) => void): Promise<RoundFigures> {
  const link = await CellularLink.open(centralPort, emulated3g);
  const { device, clinicId } = await Device.start(central, link, round);
  try {
    const { shownMs, postMs } = await measureLabResults(central, device, clinicId, setup.labResults);
    const bytesPerEncounter = await measureEncounterBytes(device, link, setup.encounters, log);
    const baselineBytesPerEncounter = await measureBaselineBytes(setup.encounters);
    const resyncSeconds = await measureResync(device, link, setup, log);

    // Writes back to back on an unconstrained link: the uplink keeps up, and never slows the commits.
    link.reshape(countingOnly);
    await until('a quiet link before the writes', () => device.uploaded());
    const writesStartedMs = performance.now();
    for (let number = 1; number <= setup.writes; number++) await device.write(encounter(number)[0]!);
    const writesEndedMs = performance.now();
    await until('central to acknowledge every write', () => device.uploaded());
    const acknowledgedMs = performance.now();
    const figures: RoundFigures = {
      labResultP50Ms: round2(percentile(shownMs, 0.5)!),
      labResultP99Ms: round2(percentile(shownMs, 0.99)!),
      postP50Ms: round2(percentile(postMs, 0.5)!),
      bytesPerEncounter,
      baselineBytesPerEncounter,
      resyncSeconds,
      writesPerSecond: Math.round(setup.writes / ((writesEndedMs - writesStartedMs) / 1000)),
      uploadedPerSecond: Math.round(setup.writes / ((acknowledgedMs - writesStartedMs) / 1000)),
      lastAcknowledgedAfterMs: Math.round(acknowledgedMs - writesEndedMs),
    };
    log(`round ${round}: lab result on the device over 3G p50 ${figures.labResultP50Ms} ms, p99 ${figures.labResultP99Ms} ms (the lab's POST alone p50 ${figures.postP50Ms} ms); `
      + `${bytesPerEncounter} bytes on the link per encounter (one JSON request per resource: ${baselineBytesPerEncounter}); resync ${resyncSeconds} s; `
      + `${setup.writes} writes at ${figures.writesPerSecond}/s, uploaded at ${figures.uploadedPerSecond}/s, the last acknowledged ${figures.lastAcknowledgedAfterMs} ms after it committed`);
    return figures;
  } finally {
    await device.service.stop();
    await link.close();
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}


export async function runUplinkBenchmark(args: string[]): Promise<Record<string, unknown>> {
  const defaults = defaultUplinkBenchSetup;
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      rounds: { type: 'string', default: String(defaults.rounds) },
      results: { type: 'string', default: String(defaults.labResults) },
      encounters: { type: 'string', default: String(defaults.encounters) },
      'outage-encounters': { type: 'string', default: String(defaults.outageEncounters) },
      'outage-s': { type: 'string', default: String(defaults.outageSeconds) },
      writes: { type: 'string', default: String(defaults.writes) },
      'precache-patients': { type: 'string', default: String(defaults.precachePatients) },
      'precache-rounds': { type: 'string', default: String(defaults.precacheRounds) },
      'api-cpu-profile': { type: 'string' },
    },
  });
  const setup: UplinkBenchSetup = {
    rounds: positive(values.rounds, 'rounds'), labResults: positive(values.results, 'results'), encounters: positive(values.encounters, 'encounters'),
    outageEncounters: positive(values['outage-encounters'], 'outage-encounters'), outageSeconds: positive(values['outage-s'], 'outage-s'), writes: positive(values.writes, 'writes'),
    precachePatients: nonNegative(values['precache-patients'], 'precache-patients'), precacheRounds: positive(values['precache-rounds'], 'precache-rounds'),
  };
  const log = (line: string) => console.log(line);
  const adminToken = generateCredential('admin');
  const apiCpuProfileFolder = values['api-cpu-profile'];
  const api = await ApiProcess.start(adminToken, apiCpuProfileFolder === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${apiCpuProfileFolder}`]);
  const central: Central = { baseUrl: `http://127.0.0.1:${api.port}`, adminToken };
  const rounds: RoundFigures[] = [];
  let precache: PrecacheFigures[] = [];
  try {
    for (let round = 1; round <= setup.rounds; round++) rounds.push(await runRound(central, api.port, setup, round, log));
    if (setup.precachePatients > 0) precache = await measurePrecache(central, api.port, setup.precachePatients, setup.precacheRounds, log);
  } finally {
    await api.stop();
  }
  const figure = (pick: (figures: RoundFigures) => number) => spread(rounds.map(pick));
  const labResult = figure((r) => r.labResultP50Ms);
  const post = figure((r) => r.postP50Ms);
  const bytes = figure((r) => r.bytesPerEncounter);
  const baseline = figure((r) => r.baselineBytesPerEncounter);
  const labP99 = figure((r) => r.labResultP99Ms);
  const resync = figure((r) => r.resyncSeconds);
  return {
    benchmark: 'uplink',
    setup,
    link: emulated3g,
    bytesPerEncounter: bytes.median,
    baselineBytesPerEncounter: baseline.median,
    bytesRatio: round2(baseline.median / bytes.median),
    resyncSeconds: resync.median,
    precacheSeconds: precache.length === 0 ? null : spread(precache.map((figures) => figures.seconds)).median,
    precacheLink: emulated1Mbit,
    labResultToDeviceSecondsP99: round2(labP99.median / 1000),
    spreads: {
      bytesPerEncounter: bytes, baselineBytesPerEncounter: baseline, resyncSeconds: resync, labResultP50Ms: labResult, labResultP99Ms: labP99, labPostP50Ms: post,
      ...(precache.length === 0 ? {} : {
        precacheSeconds: spread(precache.map((figures) => figures.seconds)), precacheBytesPerPatient: spread(precache.map((figures) => figures.bytesPerPatient)),
        precacheItemsPerSecond: spread(precache.map((figures) => figures.itemsPerSecond)),
      }),
      writesPerSecond: figure((r) => r.writesPerSecond), uploadedPerSecond: figure((r) => r.uploadedPerSecond), lastAcknowledgedAfterMs: figure((r) => r.lastAcknowledgedAfterMs),
    },
    labResultToPostRatio: round2(labResult.median / post.median),
    goals: { bytesPerEncounterMax: 1536, bytesRatioMin: 5, resyncSecondsMax: 60, precacheSecondsMax: 60, labResultToDeviceSecondsP99Max: 5 },
    note: 'the device runs in Node over fake-indexeddb; precacheSeconds: a year of history per patient over 1 Mbit/s, PUT of the horizon to every patient decided on the device; medians over the rounds, spreads with min and max',
  };
}

function nonNegative(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, not ${text}`);
  return value;
}

function positive(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, not ${text}`);
  return value;
}
