// Devices of a clinic as browser contexts of one headless Chromium, for the multi-device specs
// (test/e2e/devices-over-peerjs.e2e.spec.ts) and the browser bench (bench/browser-bench.ts). Each context is a
// device with its own IndexedDB; it loads leader-worker/test/multi-device/device-page.ts from central's own
// HTTP server beside /api (as `npm start` will serve the app, so its calls to central are same-origin) and is
// driven through the functions that page puts on `globalThis.clinicDevice`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import type { CommandEnvelope } from '../../../leader-worker/src/chart/index.js';
import { bundleForBrowser, repositoryRoot } from '../../../leader-worker/test/browser/chromium-session.js';
import {
  devicePagePath,
  devicePageWorkerPath,
  type CpuProbe,
  type DevicePage,
  type DeviceReport,
  type DeviceStartOptions,
  type SustainedWrites,
} from '../../../leader-worker/test/multi-device/device-page-protocol.js';
import { call, type TestApp } from './test-app.js';

interface PageFile {
  readonly body: string;
  readonly type: string;
}

const pageHtml = (script: string): string => `<!doctype html><html><head><meta charset="utf-8"><title>device</title><link rel="icon" href="data:,">
<script src="${script}"></script></head><body></body></html>`;

/** The device page and the node's Worker, bundled from the compiled code; served by `serveDevicePage`. */
export async function bundleDevicePage(): Promise<ReadonlyMap<string, PageFile>> {
  const compiled = path.join(repositoryRoot, 'dist', 'leader-worker');
  const [page, worker] = await Promise.all([
    bundleForBrowser(path.join(compiled, 'test', 'multi-device', 'device-page.js'), 'device-page.js'),
    bundleForBrowser(path.join(compiled, 'src', 'worker', 'clinic-worker.js'), 'clinic-worker.js'),
  ]);
  return new Map([
    [devicePagePath, { body: pageHtml(`${devicePagePath}device.js`), type: 'text/html' }],
    [`${devicePagePath}device.js`, { body: page.code, type: 'text/javascript' }],
    [devicePageWorkerPath, { body: worker.code, type: 'text/javascript' }],
  ]);
}

/** For `startTestApp`'s mountBesideApi: the device page's files, beside /api. */
export function serveDevicePage(files: ReadonlyMap<string, PageFile>): (app: NestExpressApplication) => void {
  return (app) =>
    app.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
      const file = files.get(new URL(request.url ?? '/', 'http://device.invalid').pathname);
      if (file === undefined) return next();
      response.writeHead(200, { 'content-type': `${file.type}; charset=utf-8`, 'cache-control': 'no-store' }).end(file.body);
    });
}

type OnPage = (typeof globalThis) & { clinicDevice: DevicePage };

/** One browser context: one device. */
export class DeviceUnderTest {
  deviceId = '';
  private cdp: CDPSession | null = null;

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
    this.deviceId = await this.page.evaluate((given) => (globalThis as OnPage).clinicDevice.enroll(given.apiUrl, given.code), argument);
    return this.deviceId;
  }

  intrude(clinicId: string, targets: readonly string[], waitMs: number): ReturnType<DevicePage['intrude']> {
    return this.page.evaluate((given) => (globalThis as OnPage).clinicDevice.intrude(given.clinicId, given.targets, given.waitMs), { clinicId, targets, waitMs });
  }

  start(options: DeviceStartOptions): Promise<string> {
    return this.page.evaluate((startOptions) => (globalThis as OnPage).clinicDevice.start(startOptions), options);
  }

  report(): Promise<DeviceReport> {
    return this.page.evaluate(() => (globalThis as OnPage).clinicDevice.report());
  }

  propose(envelope: CommandEnvelope): Promise<{ type: string }> {
    return this.page.evaluate((command) => (globalThis as OnPage).clinicDevice.propose(command), envelope);
  }

  search(query: string): Promise<string[]> {
    return this.page.evaluate((text) => (globalThis as OnPage).clinicDevice.search(text), query);
  }

  timedProposals(envelopes: readonly CommandEnvelope[]): Promise<number[]> {
    return this.page.evaluate((given) => (globalThis as OnPage).clinicDevice.timedProposals(given), envelopes);
  }

  sustainedProposals(envelopes: readonly CommandEnvelope[], inFlight: number): Promise<SustainedWrites> {
    return this.page.evaluate((given) => (globalThis as OnPage).clinicDevice.sustainedProposals(given.envelopes, given.inFlight), { envelopes, inFlight });
  }

  timedPosts(url: string, token: string, bodies: readonly unknown[]): Promise<number[]> {
    return this.page.evaluate((given) => (globalThis as OnPage).clinicDevice.timedPosts(given.url, given.token, given.bodies), { url, token, bodies });
  }

  cpuProbe(): Promise<CpuProbe> {
    return this.page.evaluate(() => (globalThis as OnPage).clinicDevice.cpuProbe());
  }

  /** Chrome DevTools Protocol to this device's page (network and CPU emulation). */
  async devtools(): Promise<CDPSession> {
    this.cdp ??= await this.context.newCDPSession(this.page);
    return this.cdp;
  }

  /** Reloads the page: the node and its links die with it; IndexedDB stays. */
  async reload(): Promise<void> {
    await this.page.reload();
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

/** A clinic created at central with `deviceCount` devices, each enrolled with its own code; started unless `start` is false. */
export async function openClinic(
  browser: Browser,
  api: TestApp,
  name: string,
  deviceCount: number,
  startOptions: Omit<DeviceStartOptions, 'founders'> | null,
  beforeEnroll: (device: DeviceUnderTest) => Promise<void> = async () => undefined,
): Promise<{ clinicId: string; devices: DeviceUnderTest[] }> {
  const created = await call(api.baseUrl, 'POST', '/api/clinics', { token: api.adminToken, json: { name, chartPolicy: 'lease' } });
  if (created.status !== 201) throw new Error(`creating clinic ${name}: ${created.status} ${JSON.stringify(created.body)}`);
  const clinicId = (created.body as { id: string }).id;
  const devices: DeviceUnderTest[] = [];
  try {
    for (let index = 0; index < deviceCount; index++) {
      const code = await call(api.baseUrl, 'POST', `/api/clinics/${clinicId}/enrollment-codes`, { token: api.adminToken, json: { name: `${name} device ${index + 1}` } });
      if (code.status !== 201) throw new Error(`an enrollment code for ${name}: ${code.status} ${JSON.stringify(code.body)}`);
      const device = await DeviceUnderTest.open(browser, api, `${name} ${index + 1}`);
      devices.push(device);
      await beforeEnroll(device);
      await device.enroll(api, (code.body as { code: string }).code);
    }
    if (startOptions !== null) {
      const founders = devices.map((device) => device.deviceId);
      const outcomes = await Promise.all(devices.map((device) => device.start({ ...startOptions, founders })));
      if (!outcomes.every((outcome) => outcome === 'started')) throw new Error(`devices of ${name} did not start: ${outcomes.join('; ')}`);
    }
    return { clinicId, devices };
  } catch (error) {
    await Promise.all(devices.map((device) => device.close().catch(() => undefined)));
    throw error;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const startedMs = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() - startedMs > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** The device every one of `among` follows as leader, once they agree. */
export function agreedLeader(among: readonly DeviceUnderTest[], timeoutMs?: number): Promise<DeviceUnderTest> {
  return eventually(
    'every device to follow one leader',
    async () => {
      const reports = await Promise.all(among.map((device) => device.report()));
      const leaderId = reports[0]?.node?.leaderId ?? null;
      if (leaderId === null || !reports.every((report) => report.node?.leaderId === leaderId)) return null;
      return among.find((device) => device.deviceId === leaderId) ?? null;
    },
    timeoutMs,
  );
}
