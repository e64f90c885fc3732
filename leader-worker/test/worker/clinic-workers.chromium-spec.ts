// Clinic nodes in real dedicated Workers of real Chromium, each on its own IndexedDB database (durability
// 'strict'), driven through ClinicClient as the Angular app will. Chromium only (Node has no Worker): listed in
// browser-specs.ts, and named *.chromium-spec.ts so Node's Jasmine does not pick it up.
import { BroadcastChannelTransport } from '../../src/transport/broadcast-channel-transport.js';
import { MessagePortBridge } from '../../src/transport/message-port-transport.js';
import type { ClinicEvent, StartOutcome } from '../../src/worker/clinic-worker-api.js';
import { ClinicClient, ClinicWorkerError, type ClinicClientLimits } from '../../src/worker/clinic-client.js';
import { webLockDevice } from '../../src/worker/device-lock.js';
import { clinicWorkerScriptPath } from '../browser/served-scripts.js';
import { agreedLeader, eventually, fastTiming, patientId, registration, uniqueClinicId } from './clinic-worker-kit.js';

/** Several workers start, elect and replicate in a few seconds; the default spec limit is 10 s. */
const clusterSpecTimeoutMs = 20_000;

async function workerError(promise: Promise<unknown>): Promise<ClinicWorkerError> {
  const outcome = await promise.then(() => 'resolved', (error: unknown) => error);
  expect(outcome).toBeInstanceOf(ClinicWorkerError);
  return outcome as ClinicWorkerError;
}

describe('clinic nodes in real Workers', () => {
  let clients: ClinicClient[];
  let bridges: MessagePortBridge[];

  beforeEach(() => {
    clients = [];
    bridges = [];
  });

  afterEach(async () => {
    for (const client of clients) {
      if (client.failed === null) await client.stop().catch(() => undefined);
      client.terminate();
    }
    bridges.forEach((bridge) => bridge.close());
  });

  function launch(limits: Partial<ClinicClientLimits> = {}): ClinicClient {
    const client = ClinicClient.launch(clinicWorkerScriptPath, limits);
    clients.push(client);
    return client;
  }

  it('three devices elect a leader; a patient registered through device 1 is found by search through device 2', async () => {
    const clinicId = uniqueClinicId('workers');
    const channelName = `clinic-mesh/${clinicId}`;
    const voters = ['tablet-1', 'tablet-2', 'desktop-1'];
    const devices = voters.map(() => launch());
    // Device 1 reaches the clinic through the page, as it will through PeerJS: its worker gets a MessagePort,
    // bridged to a transport on the page. Devices 2 and 3 join the clinic's BroadcastChannel from their workers.
    const link = new MessageChannel();
    bridges.push(new MessagePortBridge({ port: link.port1, transport: new BroadcastChannelTransport({ localId: 'tablet-1', channelName }) }));
    const outcomes: StartOutcome[] = await Promise.all(devices.map((device, index) => device.start({
      clinicId,
      deviceId: voters[index]!,
      voters,
      transport: index === 0 ? { kind: 'message-port', port: link.port2 } : { kind: 'broadcast-channel', channelName },
      timing: fastTiming,
    })));
    expect(outcomes.map((outcome) => outcome.type)).toEqual(['started', 'started', 'started']);
    const leader = await agreedLeader(() => Promise.all(devices.map((device) => device.status())));
    expect(voters).toContain(leader);

    const heardOnDevice2: ClinicEvent[] = [];
    await devices[1]!.subscribe((event) => void heardOnDevice2.push(event));
    const outcome = await devices[0]!.propose(registration('tablet-1', 1, 1, 'Amina', 'Okello'));
    expect(outcome).toEqual(jasmine.objectContaining({ type: 'applied', result: jasmine.objectContaining({ type: 'applied' }) }));

    await eventually('device 2 to find the patient', async () => (await devices[1]!.searchPatients('amina ok')).length === 1);
    expect((await devices[1]!.searchPatients('amina ok')).map((hit) => hit.patientId)).toEqual([patientId(1)]);
    expect((await devices[1]!.openChart(patientId(1)))?.patient.name).toEqual({ given: 'Amina', family: 'Okello' });
    const appliedOnDevice2 = heardOnDevice2.flatMap((event) => (event.type === 'applied' ? [event.event.identity] : []));
    expect(appliedOnDevice2).toEqual([{ clientId: 'tablet-1-desk', sequence: 1 }]);
    await eventually('every device to hold the same state', async () =>
      new Set((await Promise.all(devices.map((device) => device.status()))).map((status) => status?.stateHash)).size === 1);
  }, clusterSpecTimeoutMs);

  it('a device whose worker was killed restarts from its IndexedDB log, and one database runs one node at a time', async () => {
    const clinicId = uniqueClinicId('restart');
    const config = { clinicId, deviceId: 'tablet-1', voters: ['tablet-1'], transport: { kind: 'broadcast-channel' }, timing: fastTiming } as const;
    const first = launch();
    expect((await first.start(config)).type).toBe('started');
    expect(await launch().start(config)).toEqual(jasmine.objectContaining({ type: 'failed', reason: 'deviceInUse' }));
    await eventually('tablet-1 to lead', async () => (await first.status())?.role === 'leader');
    expect((await first.propose(registration('tablet-1', 1, 1, 'Moses', 'Phiri'))).type).toBe('applied');

    first.terminate(); // no stop(): the power goes, as far as the worker can tell
    const second = launch();
    // The browser releases the killed worker's lock on the database shortly after it is gone.
    let restarted: StartOutcome | null = null;
    await eventually('the restarted worker to open the database', async () => {
      restarted = await second.start(config);
      return restarted.type === 'started';
    });
    expect((await second.searchPatients('moses')).map((hit) => hit.patientId)).toEqual([patientId(1)]);
  }, clusterSpecTimeoutMs);

  it('the device lock on Chromium\'s own Web Locks: one holder of a database at a time', async () => {
    const lockDevice = webLockDevice(navigator.locks);
    const databaseName = `clinic-mesh/${uniqueClinicId('lock')}/tablet-1`;
    const first = await lockDevice(databaseName);
    expect(first.type).toBe('held');
    expect(await lockDevice(databaseName)).toEqual({ type: 'inUse' });
    if (first.type === 'held') first.release();
    await eventually('the released lock to be free', async () => {
      const again = await lockDevice(databaseName);
      if (again.type === 'held') again.release();
      return again.type === 'held';
    });
  });

  it('a worker terminated under its client: calls reject with ClinicWorkerError("timeout") within the limit, never hang', async () => {
    const worker = new Worker(clinicWorkerScriptPath);
    const client = new ClinicClient(worker, { callTimeoutMs: 1000, proposeTimeoutMs: 1000 });
    expect(await client.status()).toBeNull();
    worker.terminate();
    const startedMs = performance.now();
    const errors = await Promise.all([workerError(client.status()), workerError(client.propose(registration('tablet-1', 1, 1, 'Ruth', 'Moyo')))]);
    const elapsedMs = performance.now() - startedMs;
    expect(errors.map((error) => [error.failure, error.call])).toEqual([['timeout', 'status'], ['timeout', 'propose']]);
    expect(elapsedMs).toBeGreaterThanOrEqual(990);
    expect(elapsedMs).toBeLessThan(2500);
  });

  it('a worker whose script does not load fails every call at once with ClinicWorkerError("workerFailed")', async () => {
    const client = ClinicClient.launch('/no-such-worker.js', { callTimeoutMs: 5000 });
    clients.push(client);
    const startedMs = performance.now();
    const error = await workerError(client.status());
    expect(error.failure).toBe('workerFailed');
    expect(performance.now() - startedMs).withContext('long before callTimeoutMs').toBeLessThan(2000);
    expect(client.failed).toBe('workerFailed');
  });
});
