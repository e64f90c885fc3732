// One clinic device for the benchmarks that join the clinic and central: the Worker's service (node, uplink,
// feed import, lease keeper) in this process over fake-indexeddb, the leader of a one-device clinic enrolled at
// central, reaching central through an emulated link. Also the small HTTP and waiting helpers those benches share.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { CommandEnvelope } from '../../leader-worker/src/chart/index.js';
import { realScheduler } from '../../leader-worker/src/node/scheduler.js';
import { SeededRandom } from '../../leader-worker/src/raft/seeded-random.js';
import type { ClinicWorkerService } from '../../leader-worker/src/worker/clinic-worker-service.js';
import type { CellularLink } from './cellular-link.js';

export const benchWaitLimits = {
  /** A figure that takes longer than this is a failure to report, not a slow figure (a 10,000-patient download takes minutes). */
  waitMsMax: 600_000,
  pollMs: 2,
};

export interface Central {
  readonly baseUrl: string;
  readonly adminToken: string;
}

export async function send(baseUrl: string, method: string, path: string, token: string, json?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) }, body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

export async function until(what: string, condition: () => boolean): Promise<void> {
  const startedMs = performance.now();
  while (!condition()) {
    if (performance.now() - startedMs > benchWaitLimits.waitMsMax) throw new Error(`gave up after ${benchWaitLimits.waitMsMax} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, benchWaitLimits.pollMs));
  }
}

export class BenchDevice {
  private sequence = 0;
  /** When each feed item (by sequence) was applied here. */
  private readonly feedAppliedMs = new Map<number, number>();

  private constructor(readonly service: ClinicWorkerService, readonly deviceId: string) {}

  static async start(central: Central, link: CellularLink, round: number, clinicName = `Uplink bench ${round}`): Promise<{ device: BenchDevice; clinicId: string }> {
    const clinic = await send(central.baseUrl, 'POST', '/api/clinics', central.adminToken, { name: clinicName, chartPolicy: 'lease' });
    const clinicId = (clinic.body as { id: string }).id;
    const enrolled = await send(central.baseUrl, 'POST', `/api/clinics/${clinicId}/devices`, central.adminToken, { name: 'Leader tablet' });
    const { deviceId, credential } = enrolled.body as { deviceId: string; credential: string };
    // Loaded after the IndexedDB stand-in is installed: localforage picks its driver when it is first loaded.
    await import('../../leader-worker/test/node-helpers/indexeddb-polyfill.js');
    const { ClinicWorkerService } = await import('../../leader-worker/src/worker/clinic-worker-service.js');
    const service = new ClinicWorkerService({ scheduler: realScheduler, createRandom: () => new SeededRandom(round), lockDevice: () => Promise.resolve({ type: 'held', release: () => undefined }) });
    const device = new BenchDevice(service, deviceId);
    service.subscribe((event) => {
      if (event.type === 'applied' && event.event.identity?.clientId === 'central-feed') device.feedAppliedMs.set(event.event.identity.sequence, performance.now());
    });
    // The node at its default, real-world pace; central through the emulated link.
    const started = await service.start({
      clinicId, deviceId, voters: [deviceId], transport: { kind: 'broadcast-channel', channelName: `uplink-bench-${randomUUID()}` },
      databaseName: `uplink-bench/${randomUUID()}`, central: { apiUrl: `${link.url}/api`, credential },
    });
    if (started.type !== 'started') throw new Error(`the device did not start: ${JSON.stringify(started)}`);
    await until('the device to lead', () => service.status()?.role === 'leader');
    return { device, clinicId };
  }

  async write(command: Record<string, unknown>): Promise<void> {
    this.sequence++;
    const envelope = { clientId: `${this.deviceId}-desk`, sequence: this.sequence, recordedAt: Date.now(), author: { deviceId: this.deviceId, userName: 'Records clerk', role: 'registration' }, command };
    const outcome = await this.service.propose(envelope as unknown as CommandEnvelope);
    if (outcome.type !== 'applied' || outcome.result.type !== 'applied') throw new Error(`a write was not applied: ${JSON.stringify(outcome)}`);
  }

  /** Central holds everything committed (the uplink's count of what it does not). */
  uploaded(): boolean {
    return this.service.centralLinkStatus()?.upload.notUploaded === 0;
  }

  feedItemAppliedMs(sequence: number): number | undefined {
    return this.feedAppliedMs.get(sequence);
  }
}
