// A clinic of real devices: several Chromium browser contexts, each a device with its own IndexedDB, enrolled
// with codes at the real central API (on PostgreSQL), each running its node in a Worker and reaching the others
// over real WebRTC data channels signaled by central's own PeerServer, every link checked with the devices'
// certificates. The page each context loads is leader-worker/test/multi-device/device-page.ts, served by the
// API's own HTTP server beside /api (as `npm start` will serve the app), so its calls to central are same-origin.
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CommandEnvelope } from '../../../leader-worker/src/chart/index.js';
import { bundleForBrowser, launchChromium, repositoryRoot } from '../../../leader-worker/test/browser/chromium-session.js';
import { devicePagePath, devicePageWorkerPath, type DevicePage, type DeviceReport, type DeviceStartOptions } from '../../../leader-worker/test/multi-device/device-page-protocol.js';
import { patientId, registration } from '../../../leader-worker/test/worker/clinic-worker-kit.js';
import { call, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, testPostgresStartTimeoutMs, type TestDatabase } from '../support/test-postgres.js';

/** Ten times the default pace: elections in a few hundred ms. */
const fastTiming = { tickIntervalMs: 10, electionTimeoutTicks: 10, heartbeatIntervalTicks: 1 };
/** Quick heartbeats and redials, so a closed context shows within a second or two. */
const fastLinks = {
  heartbeatIntervalMs: 200,
  silentIntervalsMax: 5,
  redialBackoff: { firstDelayMs: 100, delayMsMax: 1000, multiplier: 2 },
  dialTimeoutMs: 2000,
  signalingOpenTimeoutMs: 2000,
};
/** Devices start, elect, enroll and replicate: far more than the 5 s Jasmine default, on a busy CI machine. */
const clinicSpecTimeoutMs = 120_000;
/** The bound on a registration reaching every device; asserted with room, the figure itself is printed. */
const replicationWaitMs = 5_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const startedMs = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() - startedMs > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

const pageHtml = (script: string): string => `<!doctype html><html><head><meta charset="utf-8"><title>device</title><link rel="icon" href="data:,">
<script src="${script}"></script></head><body></body></html>`;

/** One browser context: one device. */
class DeviceUnderTest {
  deviceId = '';

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  static async open(browser: Browser, api: TestApp, label: string): Promise<DeviceUnderTest> {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.log(`[${label} page error] ${error.stack ?? error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('WebSocket')) console.log(`[${label} console] ${message.text()}`);
    });
    await page.goto(`${api.baseUrl}${devicePagePath}`);
    return new DeviceUnderTest(context, page);
  }

  async enroll(api: TestApp, code: string): Promise<string> {
    const argument = { apiUrl: `${api.baseUrl}/api`, code };
    this.deviceId = await this.page.evaluate((given) => (globalThis as unknown as { clinicDevice: DevicePage }).clinicDevice.enroll(given.apiUrl, given.code), argument);
    return this.deviceId;
  }

  intrude(clinicId: string, targets: readonly string[], waitMs: number): ReturnType<DevicePage['intrude']> {
    return this.page.evaluate(
      (given) => (globalThis as unknown as { clinicDevice: DevicePage }).clinicDevice.intrude(given.clinicId, given.targets, given.waitMs),
      { clinicId, targets, waitMs },
    );
  }

  start(founders: readonly string[]): Promise<string> {
    const options: DeviceStartOptions = { founders, timing: fastTiming, transportLimits: fastLinks };
    return this.page.evaluate((startOptions) => (globalThis as unknown as { clinicDevice: DevicePage }).clinicDevice.start(startOptions), options);
  }

  report(): Promise<DeviceReport> {
    return this.page.evaluate(() => (globalThis as unknown as { clinicDevice: DevicePage }).clinicDevice.report());
  }

  propose(envelope: CommandEnvelope): Promise<{ type: string }> {
    return this.page.evaluate((command) => (globalThis as unknown as { clinicDevice: DevicePage }).clinicDevice.propose(command), envelope);
  }

  search(query: string): Promise<string[]> {
    return this.page.evaluate((text) => (globalThis as unknown as { clinicDevice: DevicePage }).clinicDevice.search(text), query);
  }

  /** Reloads the page: the node and its links die with it; IndexedDB stays. */
  async reload(): Promise<void> {
    await this.page.reload();
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

describe('devices of a clinic over PeerJS, in separate Chromium contexts, with central', () => {
  let database: TestDatabase;
  let api: TestApp;
  let browser: Browser;
  let pageFiles: Map<string, { readonly body: string; readonly type: string }>;
  let devices: DeviceUnderTest[];

  /** Central with the device page served beside /api, as `npm start` will serve the app. */
  const startApi = (): Promise<TestApp> => startTestApp(database.url, ['error'], (app) => app.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    const file = pageFiles.get(new URL(request.url ?? '/', 'http://device.invalid').pathname);
    if (file === undefined) return next();
    response.writeHead(200, { 'content-type': `${file.type}; charset=utf-8`, 'cache-control': 'no-store' }).end(file.body);
  }));

  beforeAll(async () => {
    database = await createTestDatabase();
    const compiled = path.join(repositoryRoot, 'dist', 'leader-worker');
    const [page, worker] = await Promise.all([
      bundleForBrowser(path.join(compiled, 'test', 'multi-device', 'device-page.js'), 'device-page.js'),
      bundleForBrowser(path.join(compiled, 'src', 'worker', 'clinic-worker.js'), 'clinic-worker.js'),
    ]);
    pageFiles = new Map([
      [devicePagePath, { body: pageHtml(`${devicePagePath}device.js`), type: 'text/html' }],
      [`${devicePagePath}device.js`, { body: page.code, type: 'text/javascript' }],
      [devicePageWorkerPath, { body: worker.code, type: 'text/javascript' }],
    ]);
    api = await startApi();
    browser = await launchChromium();
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await database?.drop();
  }, testPostgresStartTimeoutMs);

  beforeEach(() => {
    devices = [];
  });

  afterEach(async () => {
    for (const device of devices) await device.close().catch(() => undefined);
  });

  async function clinic(name: string, deviceCount: number, start = true): Promise<{ clinicId: string; devices: DeviceUnderTest[] }> {
    const created = await call(api.baseUrl, 'POST', '/api/clinics', { token: api.adminToken, json: { name, chartPolicy: 'lease' } });
    expect(created.status).toBe(201);
    const clinicId = (created.body as { id: string }).id;
    const opened: DeviceUnderTest[] = [];
    for (let index = 0; index < deviceCount; index++) {
      const code = await call(api.baseUrl, 'POST', `/api/clinics/${clinicId}/enrollment-codes`, { token: api.adminToken, json: { name: `${name} device ${index + 1}` } });
      expect(code.status).withContext('an enrollment code').toBe(201);
      const device = await DeviceUnderTest.open(browser, api, `${name} ${index + 1}`);
      devices.push(device);
      opened.push(device);
      await device.enroll(api, (code.body as { code: string }).code);
    }
    const founders = opened.map((device) => device.deviceId);
    if (!start) return { clinicId, devices: opened };
    const outcomes = await Promise.all(opened.map((device) => device.start(founders)));
    expect(outcomes).toEqual(opened.map(() => 'started'));
    return { clinicId, devices: opened };
  }

  async function agreedLeader(among: readonly DeviceUnderTest[]): Promise<DeviceUnderTest> {
    return eventually('every device to follow one leader', async () => {
      const reports = await Promise.all(among.map((device) => device.report()));
      const leaderId = reports[0]?.node?.leaderId ?? null;
      if (leaderId === null || !reports.every((report) => report.node?.leaderId === leaderId)) return null;
      return among.find((device) => device.deviceId === leaderId) ?? null;
    });
  }

  /** Waits until the patient is found by search on every device; returns how long that took. */
  async function everywhere(among: readonly DeviceUnderTest[], family: string, number: number, timeoutMs = replicationWaitMs): Promise<number> {
    const startedMs = Date.now();
    await eventually(`patient ${family} on every device`, async () => {
      const found = await Promise.all(among.map((device) => device.search(family)));
      return found.every((ids) => ids.includes(patientId(number)));
    }, timeoutMs);
    return Date.now() - startedMs;
  }

  it('three devices elect, replicate, survive the leader\'s context closing, a reload, and central going away', async () => {
    const { devices: [a, b, c] } = await clinic('Kisoro', 3);
    const all = [a!, b!, c!];
    const leader = await agreedLeader(all);
    const registrar = all.find((device) => device !== leader)!;
    expect((await registrar.propose(registration(registrar.deviceId, 1, 1, 'Amina', 'Nakato'))).type).toBe('applied');
    const replicatedMs = await everywhere(all, 'Nakato', 1);
    console.log(`\n  registration on every one of 3 devices in ${replicatedMs} ms (over PeerJS, measured from the proposer's acknowledgement)`);
    for (const device of all) {
      const { links } = await device.report();
      expect(links.linkedPeers.length).withContext(`links of ${device.deviceId}`).toBe(2);
      expect(links.counters.protocolErrors).toBe(0);
    }

    // The leader's tablet dies: a new leader, and the next write commits.
    await leader.close();
    const survivors = all.filter((device) => device !== leader);
    const newLeader = await agreedLeader(survivors);
    expect(newLeader).not.toBe(leader);
    expect((await survivors[0]!.propose(registration(survivors[0]!.deviceId, 2, 2, 'Baraka', 'Okello'))).type).toBe('applied');
    await everywhere(survivors, 'Okello', 2);

    // A device reloads: it comes back from its own IndexedDB and catches up from its peers.
    const reloaded = survivors[1]!;
    await reloaded.reload();
    expect(await reloaded.start([])).toBe('started');
    expect(await reloaded.search('Nakato')).toContain(patientId(1));
    // Two of three voters are left: the next write commits once the reloaded one is linked and follows again.
    await agreedLeader(survivors);
    expect((await survivors[0]!.propose(registration(survivors[0]!.deviceId, 3, 3, 'Chausiku', 'Mwangi'))).type).toBe('applied');
    await everywhere(survivors, 'Mwangi', 3, 15_000);

    // Central, its PeerServer with it, goes away: the devices' links stay and the clinic goes on.
    await api.close();
    try {
      expect((await survivors[1]!.propose(registration(survivors[1]!.deviceId, 4, 4, 'Dalila', 'Achieng'))).type).toBe('applied');
      await everywhere(survivors, 'Achieng', 4);
    } finally {
      api = await startApi();
    }
  }, clinicSpecTimeoutMs);

  it('five devices elect one leader and every registration reaches all five', async () => {
    const { devices: five } = await clinic('Kabale', 5);
    await agreedLeader(five);
    expect((await five[4]!.propose(registration(five[4]!.deviceId, 1, 11, 'Esther', 'Kemigisha'))).type).toBe('applied');
    const replicatedMs = await everywhere(five, 'Kemigisha', 11);
    console.log(`\n  registration on every one of 5 devices in ${replicatedMs} ms`);
  }, clinicSpecTimeoutMs);

  it('a device of another clinic is turned away before any record reaches it', async () => {
    const home = await clinic('Mbarara', 2);
    const elsewhere = await clinic('Ntungamo', 1, false);
    await agreedLeader(home.devices);
    const [insider] = home.devices;
    expect((await insider!.propose(registration(insider!.deviceId, 1, 21, 'Faith', 'Tumusiime'))).type).toBe('applied');
    await everywhere(home.devices, 'Tumusiime', 21);
    // It knows the clinic's devices (their ids are no secret) and dials them for 3 s with its own identity.
    const intrusion = await elsewhere.devices[0]!.intrude(home.clinicId, home.devices.map((device) => device.deviceId), 3000);
    expect(intrusion.linked).toEqual([]);
    expect(intrusion.messagesReceived).toBe(0);
    const turnedAway = await Promise.all(home.devices.map(async (device) => (await device.report()).links.counters.strangersTurnedAway));
    expect(turnedAway.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
    for (const device of home.devices) {
      const others = home.devices.filter((other) => other !== device).map((other) => other.deviceId).sort();
      expect((await device.report()).links.linkedPeers).toEqual(others);
    }
  }, clinicSpecTimeoutMs);
});
