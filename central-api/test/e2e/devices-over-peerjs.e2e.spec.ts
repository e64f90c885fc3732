// A clinic of real devices: several Chromium browser contexts, each a device with its own IndexedDB, enrolled
// with codes at the real central API (on PostgreSQL), each running its node in a Worker and reaching the others
// over real WebRTC data channels signaled by central's own PeerServer, every link checked with the devices'
// certificates. The page each context loads is leader-worker/test/multi-device/device-page.ts, served by the
// API's own HTTP server beside /api (as `npm start` will serve the app), so its calls to central are same-origin.
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../leader-worker/test/browser/chromium-session.js';
import { patientId, registration } from '../../../leader-worker/test/worker/clinic-worker-kit.js';
import { agreedLeader, bundleDevicePage, DeviceUnderTest, eventually, openClinic, serveDevicePage } from '../support/browser-devices.js';
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
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const fastStart = { timing: fastTiming, transportLimits: fastLinks };
/** Devices start, elect, enroll and replicate: far more than the 5 s Jasmine default, on a busy CI machine. */
const clinicSpecTimeoutMs = 120_000;
/** The bound on a registration reaching every device; asserted with room, the figure itself is printed. */
const replicationWaitMs = 5_000;

describe('devices of a clinic over PeerJS, in separate Chromium contexts, with central', () => {
  let database: TestDatabase;
  let api: TestApp;
  let browser: Browser;
  let devicePage: Awaited<ReturnType<typeof bundleDevicePage>>;
  let devices: DeviceUnderTest[];

  /** Central with the device page served beside /api, as `npm start` will serve the app. */
  const startApi = (): Promise<TestApp> => startTestApp(database.url, ['error'], serveDevicePage(devicePage));

  beforeAll(async () => {
    database = await createTestDatabase();
    devicePage = await bundleDevicePage();
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
    const opened = await openClinic(browser, api, name, deviceCount, start ? fastStart : null);
    devices.push(...opened.devices);
    return opened;
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
    expect(await reloaded.start({ ...fastStart, founders: [] })).toBe('started');
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

  it('a device revoked at central is cut off by its clinic through the feed, and receives no later record', async () => {
    const { clinicId, devices: [a, b, c] } = await clinic('Rukungiri', 3);
    const all = [a!, b!, c!];
    await agreedLeader(all);
    expect((await a!.propose(registration(a!.deviceId, 1, 31, 'Grace', 'Ainembabazi'))).type).toBe('applied');
    await everywhere(all, 'Ainembabazi', 31);

    // The tablet is stolen: the admin revokes it; the clinic's leader imports the revocation from the feed.
    const stolen = c!;
    const revoked = await call(api.baseUrl, 'POST', `/api/clinics/${clinicId}/devices/${stolen.deviceId}/revocation`, {
      token: api.adminToken, json: { reason: 'reported stolen', revokedBy: 'Ops desk' },
    });
    expect(revoked.status).toBe(201);
    const keepers = [a!, b!];
    await eventually('the clinic to cut the stolen tablet off', async () => {
      const reports = await Promise.all(keepers.map((device) => device.report()));
      return reports.every((report) => !report.links.linkedPeers.includes(stolen.deviceId) && (report.links.counters.linksRefused['revoked'] ?? 0) > 0);
    }, 20_000);

    // A later registration reaches the clinic's two devices, and never the stolen one.
    await agreedLeader(keepers);
    expect((await a!.propose(registration(a!.deviceId, 2, 32, 'Hope', 'Atuhaire'))).type).toBe('applied');
    await everywhere(keepers, 'Atuhaire', 32);
    await sleep(1000);
    expect(await stolen.search('Atuhaire')).toEqual([]);
    for (const device of keepers) expect((await device.report()).links.linkedPeers).not.toContain(stolen.deviceId);
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
