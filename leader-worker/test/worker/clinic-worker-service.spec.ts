// The Worker's service without the Worker: real timers, IndexedDB (fake-indexeddb in Node, the real one in
// Chromium) and BroadcastChannel, several devices in one thread. The same service inside real Workers is
// checked by clinic-workers.chromium-spec.ts.
import type { ClinicNodeStatus } from '../../src/node/clinic-node.js';
import { realScheduler } from '../../src/node/scheduler.js';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import type { ClinicEvent, ClinicWorkerConfig } from '../../src/worker/clinic-worker-api.js';
import { ClinicWorkerService, type ClinicWorkerDependencies } from '../../src/worker/clinic-worker-service.js';
import type { LockDevice } from '../../src/worker/device-lock.js';
import { agreedLeader, eventually, fastTiming, patientId, registration, uniqueClinicId } from './clinic-worker-kit.js';

/** Web Locks as the browser keeps them, for every service of one spec. */
class DeviceLocks {
  private readonly held = new Set<string>();

  readonly lock: LockDevice = (name) => {
    if (this.held.has(name)) return Promise.resolve({ type: 'inUse' });
    this.held.add(name);
    return Promise.resolve({ type: 'held', release: () => void this.held.delete(name) });
  };
}

describe('ClinicWorkerService (the node the Worker serves)', () => {
  let services: ClinicWorkerService[];
  let locks: DeviceLocks;
  let seed: number;

  beforeEach(() => {
    services = [];
    locks = new DeviceLocks();
    seed = 1;
  });

  afterEach(async () => {
    for (const service of services) await service.stop();
  });

  function service(): ClinicWorkerService {
    const dependencies: ClinicWorkerDependencies = { scheduler: realScheduler, createRandom: () => new SeededRandom(seed++), lockDevice: locks.lock };
    const created = new ClinicWorkerService(dependencies);
    services.push(created);
    return created;
  }

  function config(clinicId: string, deviceId: string, voters: string[]): ClinicWorkerConfig {
    return { clinicId, deviceId, voters, transport: { kind: 'broadcast-channel' }, timing: fastTiming };
  }

  it('replicates a registration made on one device to the others, where search and the chart find it', async () => {
    const clinicId = uniqueClinicId('service');
    const voters = ['tablet-1', 'tablet-2', 'desktop-1'];
    const devices = voters.map(() => service());
    for (const [index, device] of devices.entries()) expect((await device.start(config(clinicId, voters[index]!, voters))).type).toBe('started');
    await agreedLeader(async () => devices.map((device) => device.status()));

    const outcome = await devices[0]!.propose(registration('tablet-1', 1, 1, 'Amina', 'Okello'));
    expect(outcome).toEqual(jasmine.objectContaining({ type: 'applied', result: jasmine.objectContaining({ type: 'applied' }) }));
    await eventually('tablet-2 to apply the registration', () => devices[1]!.searchPatients('amina ok').length === 1);
    expect(devices[1]!.searchPatients('amina ok').map((hit) => hit.patientId)).toEqual([patientId(1)]);
    expect(devices[1]!.openChart(patientId(1))?.patient.name).toEqual({ given: 'Amina', family: 'Okello' });
    await eventually('every device to hold the same state', () => new Set(devices.map((device) => device.status()?.stateHash)).size === 1);
  });

  it('tells subscribers about status changes and every applied command', async () => {
    const device = service();
    const events: ClinicEvent[] = [];
    device.subscribe((event) => void events.push(event));
    const statuses = (): ClinicNodeStatus[] => events.flatMap((event) => (event.type === 'status' ? [event.status] : []));
    await device.start(config(uniqueClinicId('events'), 'tablet-1', ['tablet-1']));
    // The node reports its status once the Ready it is handling is done: after the election's is stored.
    await eventually('a status saying tablet-1 leads', () => statuses().some((status) => status.role === 'leader'));
    await device.propose(registration('tablet-1', 1, 1, 'Grace', 'Banda'));
    const applied = events.flatMap((event) => (event.type === 'applied' ? [event.event] : []));
    expect(applied.map((event) => [event.identity, event.result.type])).toEqual([[{ clientId: 'tablet-1-desk', sequence: 1 }, 'applied']]);
    await eventually('a status with the registration applied', () => statuses().at(-1)!.appliedIndex === device.status()!.appliedIndex);
    const sent = statuses();
    expect(sent.every((status, index) => index === 0 || JSON.stringify(status) !== JSON.stringify(sent[index - 1]))).withContext('only changes are sent').toBeTrue();
  });

  it('restarts on its database with what it had applied, and replays nothing twice', async () => {
    const clinicId = uniqueClinicId('restart');
    const first = service();
    await first.start(config(clinicId, 'tablet-1', ['tablet-1']));
    await eventually('tablet-1 to lead', () => first.status()?.role === 'leader');
    await first.propose(registration('tablet-1', 1, 1, 'Moses', 'Phiri'));
    const hash = first.status()!.stateHash;
    await first.stop();
    expect(first.status()).toBeNull();

    const second = service();
    expect((await second.start(config(clinicId, 'tablet-1', ['tablet-1']))).type).toBe('started');
    expect(second.searchPatients('moses').map((hit) => hit.patientId)).toEqual([patientId(1)]);
    expect(second.status()!.stateHash).toBe(hash);
  });

  it('starts a device with no founders as one joining a running clinic: a member of nothing until a leader adds it', async () => {
    const joining = service();
    const outcome = await joining.start(config(uniqueClinicId('joining'), 'tablet-9', []));
    expect(outcome.type).toBe('started');
    expect(joining.status()?.membership).toEqual({ voters: [], learners: [] });
    expect(joining.status()?.role).toBe('follower');
    await joining.stop();
  });

  it('answers a second start, a bad config and a device already running elsewhere with a typed outcome', async () => {
    const clinicId = uniqueClinicId('refusals');
    const device = service();
    expect(await device.start({ ...config(clinicId, 'tablet-1', ['tablet-1']), clinicId: 'clinic/1' })).toEqual(jasmine.objectContaining({ type: 'failed', reason: 'invalidConfig' }));
    const tooMany = Array.from({ length: 65 }, (_, index) => `tablet-${index + 1}`);
    expect(await device.start(config(clinicId, 'tablet-1', tooMany))).toEqual(jasmine.objectContaining({ type: 'failed', reason: 'invalidConfig' }));
    expect(await device.start(config(clinicId, 'tablet-1', ['tablet-1', 'tablet-1']))).toEqual(jasmine.objectContaining({ type: 'failed', reason: 'invalidConfig' }));
    expect((await device.start(config(clinicId, 'tablet-1', ['tablet-1']))).type).toBe('started');
    expect(await device.start(config(clinicId, 'tablet-1', ['tablet-1']))).toEqual(jasmine.objectContaining({ type: 'failed', reason: 'alreadyStarted' }));
    expect(await service().start(config(clinicId, 'tablet-1', ['tablet-1']))).toEqual(jasmine.objectContaining({ type: 'failed', reason: 'deviceInUse' }));
  });

  it('fails closed where nothing can lock the device database: no node, no storage opened, a reason to show', async () => {
    const clinicId = uniqueClinicId('no-locks');
    const unguarded = new ClinicWorkerService({
      scheduler: realScheduler,
      createRandom: () => new SeededRandom(seed++),
      lockDevice: () => Promise.resolve({ type: 'unavailable', why: 'no Web Locks here' }),
    });
    services.push(unguarded);
    const outcome = await unguarded.start(config(clinicId, 'tablet-1', ['tablet-1']));
    expect(outcome).toEqual({ type: 'failed', reason: 'deviceLockUnavailable', message: jasmine.stringMatching(/not started: no Web Locks here/) });
    expect(unguarded.status()).toBeNull();
    expect(await unguarded.propose(registration('tablet-1', 1, 1, 'Ruth', 'Moyo'))).toEqual(jasmine.objectContaining({ type: 'failed', reason: 'stopped' }));
    // Nothing was left open: a guarded service starts the same device on the same database at once.
    expect((await service().start(config(clinicId, 'tablet-1', ['tablet-1']))).type).toBe('started');
  });

  it('before start: a proposal fails as stopped, status is null, and a query rejects with why', async () => {
    const device = service();
    expect(await device.propose(registration('tablet-1', 1, 1, 'Ruth', 'Moyo'))).toEqual(jasmine.objectContaining({ type: 'failed', reason: 'stopped' }));
    expect(device.status()).toBeNull();
    expect(() => device.searchPatients('ruth')).toThrowError(/not started/);
  });

  it('rejects query arguments the API does not take', async () => {
    const device = service();
    await device.start(config(uniqueClinicId('arguments'), 'tablet-1', ['tablet-1']));
    expect(() => device.searchPatients(7 as never)).toThrowError(TypeError, /query is a string/);
    expect(() => device.stationQueue('reception' as never, { startMs: 0, endMs: 1000 })).toThrowError(TypeError, /station/);
    expect(() => device.stationQueue('triage', { startMs: 0, endMs: 49 * 3_600_000 })).toThrowError(TypeError, /48 hours/);
    expect(device.stationQueue('triage', { startMs: 0, endMs: 1000 })).toEqual([]);
  });
});
