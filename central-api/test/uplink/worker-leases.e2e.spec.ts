// Chart leases at check-in (seed level 3) between two clinics' devices (fake IndexedDB in Node, real timers) and the
// real central API: a check-in at Kisoro leases the chart; Rubanda, checking the same patient in, records that
// Kisoro holds it (read-only there); Kisoro's visit closing releases it, and Rubanda's next try takes it.
import { randomUUID } from 'node:crypto';
import type { CommandEnvelope } from '../../../leader-worker/src/chart/index.js';
import { realScheduler } from '../../../leader-worker/src/node/scheduler.js';
import { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import { ClinicWorkerService } from '../../../leader-worker/src/worker/clinic-worker-service.js';
import { eventually, fastTiming, patientId, registration, uniqueClinicId } from '../../../leader-worker/test/worker/clinic-worker-kit.js';
import { call, clinicWithDevice, testAppPerSuite, type TestApp } from '../support/test-app.js';

interface Device {
  readonly service: ClinicWorkerService;
  readonly clinicId: string;
  readonly deviceId: string;
  sequence: number;
  write(command: Record<string, unknown>): Promise<string>;
}

async function clinicDevice(api: TestApp, name: string, seed: number, chartPolicy: 'lease' | 'merge' = 'lease'): Promise<Device> {
  const { clinicId, deviceId, credential } = await clinicWithDevice(api, name);
  const service = new ClinicWorkerService({
    scheduler: realScheduler,
    createRandom: () => new SeededRandom(seed),
    lockDevice: () => Promise.resolve({ type: 'held', release: () => undefined }),
  });
  const started = await service.start({
    clinicId, deviceId, voters: [deviceId], transport: { kind: 'broadcast-channel', channelName: uniqueClinicId(name) }, timing: fastTiming,
    databaseName: uniqueClinicId(`leases-${name}`), central: { apiUrl: `${api.baseUrl}/api`, credential, chartPolicy },
  });
  expect(started.type).toBe('started');
  await eventually(`${name}'s device to lead`, () => service.status()?.role === 'leader');
  const device: Device = {
    service, clinicId, deviceId, sequence: 0,
    write: async (command) => {
      device.sequence++;
      const envelope = { clientId: `${deviceId}-desk`, sequence: device.sequence, recordedAt: Date.now(), author: { deviceId, userName: 'Nurse Akello', role: 'nurse' }, command };
      const outcome = await service.propose(envelope as unknown as CommandEnvelope);
      return outcome.type === 'applied' ? outcome.result.type : outcome.type;
    },
  };
  return device;
}

async function activeLeases(api: TestApp, patient: string): Promise<{ clinicId: string; epoch: number }[]> {
  const listed = await call(api.baseUrl, 'GET', `/api/leases?patientId=${patient}&active=true`, { token: api.adminToken });
  expect(listed.status).toBe(200);
  return (listed.body as { leases: { clinicId: string; epoch: number }[] }).leases;
}

describe('chart leases taken at check-in through the real central API', () => {
  const central = testAppPerSuite();

  it('leases the chart while the visit is open, shows it held to the other clinic, and releases it at check-out', async () => {
    const api = central();
    const kisoro = await clinicDevice(api, 'Kisoro', 41);
    const rubanda = await clinicDevice(api, 'Rubanda', 43);
    const patient = patientId(7);
    try {
      for (const device of [kisoro, rubanda]) {
        device.sequence++;
        expect((await device.service.propose(registration(device.deviceId, device.sequence, 7, 'Amina', 'Okello'))).type).toBe('applied');
      }
      const kisoroVisit = randomUUID();
      expect(await kisoro.write({ type: 'openVisit', visitId: kisoroVisit, patientId: patient, reason: 'fever' })).toBe('applied');
      await eventually('Kisoro\'s lease recorded in its log', () => kisoro.service.openChart(patient)?.lease?.holderClinicId === kisoro.clinicId, 10_000);
      expect(await activeLeases(api, patient)).toEqual([jasmine.objectContaining({ clinicId: kisoro.clinicId })]);
      expect(kisoro.service.centralLinkStatus()?.leases).toEqual({ leasesHeld: 1, centralReachable: true, refusal: null });

      // The same patient checks in at Rubanda: the chart is Kisoro's, and Rubanda's devices say so until when.
      const rubandaVisit = randomUUID();
      expect(await rubanda.write({ type: 'openVisit', visitId: rubandaVisit, patientId: patient, reason: 'follow-up' })).toBe('applied');
      await eventually('Rubanda to record that Kisoro holds the chart', () => rubanda.service.openChart(patient)?.lease?.holderClinicId === kisoro.clinicId, 10_000);
      const held = rubanda.service.openChart(patient)!.lease!;
      expect(held.expiresAt).toBeGreaterThan(Date.now());
      expect(held.released).toBeFalse();

      // Kisoro's visit ends: the lease is released at central and in Kisoro's log.
      expect(await kisoro.write({ type: 'moveVisit', visitId: kisoroVisit, fromStation: 'registration', toStation: 'done' })).toBe('applied');
      await eventually('Kisoro\'s release recorded', () => kisoro.service.openChart(patient)?.lease?.released === true, 10_000);
      const afterRelease = await activeLeases(api, patient);
      expect(afterRelease.every((lease) => lease.clinicId !== kisoro.clinicId)).toBeTrue();
    } finally {
      await kisoro.service.stop();
      await rubanda.service.stop();
    }
  }, 60_000);

  it('takes no lease in merge mode', async () => {
    const api = central();
    const merging = await clinicDevice(api, 'Bunagana', 47, 'merge');
    const patient = patientId(8);
    try {
      merging.sequence++;
      expect((await merging.service.propose(registration(merging.deviceId, merging.sequence, 8, 'Peter', 'Mwangi'))).type).toBe('applied');
      expect(await merging.write({ type: 'openVisit', visitId: randomUUID(), patientId: patient, reason: 'cough' })).toBe('applied');
      // Nothing to wait for: give a keeper, were there one, time to act, then check none did.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await activeLeases(api, patient)).toEqual([]);
      expect(merging.service.centralLinkStatus()?.leases).toBeNull();
    } finally {
      await merging.service.stop();
    }
  }, 30_000);
});
