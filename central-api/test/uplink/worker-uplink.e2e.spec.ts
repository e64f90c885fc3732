// A clinic device's Worker service (fake IndexedDB in Node, real timers) with a link to the real central API:
// whatever the clinicians save reaches central's copy of the clinic through the leader's uplink.
import { realScheduler } from '../../../leader-worker/src/node/scheduler.js';
import { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import { ClinicWorkerService } from '../../../leader-worker/src/worker/clinic-worker-service.js';
import { eventually, fastTiming, registration } from '../../../leader-worker/test/worker/clinic-worker-kit.js';
import { acknowledgedIndex } from '../support/log-upload.js';
import { call, clinicWithDevice, testAppPerSuite } from '../support/test-app.js';

describe('a clinic device uploading to the real central API', () => {
  const central = testAppPerSuite();

  it('uploads what the clinic commits, until central\'s copy holds every patient registered', async () => {
    const api = central();
    const { clinicId, deviceId, credential } = await clinicWithDevice(api);
    const device = new ClinicWorkerService({
      scheduler: realScheduler,
      createRandom: () => new SeededRandom(17),
      lockDevice: () => Promise.resolve({ type: 'held', release: () => undefined }),
    });
    try {
      const started = await device.start({
        clinicId, deviceId, voters: [deviceId], transport: { kind: 'broadcast-channel' }, timing: fastTiming,
        central: { apiUrl: `${api.baseUrl}/api`, credential },
      });
      expect(started.type).toBe('started');
      await eventually('the device to lead', () => device.status()?.role === 'leader');
      const names = ['Amina Okello', 'Peter Mwangi', 'Grace Nakato', 'Moses Phiri'];
      for (const [position, name] of names.entries()) {
        const [given, family] = name.split(' ') as [string, string];
        expect((await device.propose(registration(deviceId, position + 1, position + 1, given, family))).type).toBe('applied');
      }
      const committed = device.status()!.commitIndex;
      await eventually('central to hold the whole log', async () => (await acknowledgedIndex(api, clinicId, credential)) >= committed, 10_000);
      await eventually('the uplink to see it', () => device.centralLinkStatus()?.upload.notUploaded === 0, 10_000);
      expect(device.centralLinkStatus()?.upload).toEqual({ notUploaded: 0, refusal: null, stuck: null, clock: { skewMs: jasmine.any(Number), beyondLimit: false } });
      const found = await call(api.baseUrl, 'GET', `/api/clinics/${clinicId}/patients?query=nakato`, { token: credential });
      expect(found.status).toBe(200);
      expect(JSON.stringify(found.body)).toContain('Nakato');
    } finally {
      await device.stop();
    }
  }, 30_000);

  it('refuses a start whose central link is not usable, saying which part', async () => {
    const device = new ClinicWorkerService({ scheduler: realScheduler, createRandom: () => new SeededRandom(1), lockDevice: () => Promise.resolve({ type: 'held', release: () => undefined }) });
    const base = { clinicId: 'c1', deviceId: 'd1', voters: ['d1'], transport: { kind: 'broadcast-channel' } } as const;
    expect(await device.start({ ...base, central: { apiUrl: 'ftp://x', credential: 'k' } })).toEqual(jasmine.objectContaining({ reason: 'invalidConfig', message: jasmine.stringMatching(/apiUrl/) }));
    expect(await device.start({ ...base, central: { apiUrl: 'http://x/api', credential: '' } })).toEqual(jasmine.objectContaining({ reason: 'invalidConfig', message: jasmine.stringMatching(/credential/) }));
    expect(device.centralLinkStatus()).toBeNull();
  });
});
