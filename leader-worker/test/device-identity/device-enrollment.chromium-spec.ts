// Enrolling a device in real Chromium: real WebCrypto keys, a real IndexedDB store, and a stand-in for central's
// POST /api/enrollments that certifies the key it is sent with a test clinic authority (the real route has its
// own specs against PostgreSQL, central-api/test/). Chromium only: listed in browser-specs.ts.
import { enrollThisDevice, fromBase64Url, toBase64Url, type EnrollmentOutcome } from '../../src/device-identity/device-enrollment.js';
import { DeviceIdentityStore, DeviceIdentityStoreError } from '../../src/device-identity/device-identity-store.js';
import type { DeviceEnrolled, EnrollDeviceBody } from '../../src/device-identity/enrollment-protocol.js';
import { signerFor, webCryptoSignatureCheck } from '../../src/device-identity/webcrypto-identity.js';
import { testNowMs, TestClinicAuthority } from './test-clinic-authority.js';

const apiUrl = 'http://central.invalid/api';
const code = '7K3MQ9XA2PDE';

let databasesMade = 0;

/** Answers POST /enrollments as central would, or as told to misbehave. */
function centralStandIn(authority: TestClinicAuthority, behaviour: { status?: number; certifyOtherKey?: boolean; anchor?: Uint8Array } = {}) {
  const requests: EnrollDeviceBody[] = [];
  const fetchStandIn = (async (url: string, init: RequestInit) => {
    expect(url).toBe(`${apiUrl}/enrollments`);
    const body = JSON.parse(String(init.body)) as EnrollDeviceBody;
    requests.push(body);
    if (behaviour.status !== undefined) return new Response('{}', { status: behaviour.status });
    const otherKey = behaviour.certifyOtherKey === true ? (await authority.enroll('someone')).keys.publicKey : fromBase64Url(body.publicKey);
    const answer: DeviceEnrolled = {
      clinicId: authority.clinicId,
      deviceId: 'registration-tablet',
      name: 'Registration tablet',
      credential: 'cmdev_test',
      certificate: toBase64Url(await authority.certify('registration-tablet', otherKey)),
      trustAnchor: toBase64Url(behaviour.anchor ?? authority.trustAnchor),
      peer: { peerId: `${authority.clinicId}_registration-tablet`, token: 'peer-token', path: '/peerjs', key: 'peerjs' },
    };
    return new Response(JSON.stringify(answer), { status: 201, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetch: fetchStandIn, requests };
}

describe('enrolling this device', () => {
  let authority: TestClinicAuthority;
  let store: DeviceIdentityStore;

  beforeAll(async () => {
    authority = await TestClinicAuthority.create('clinic-enroll');
  });

  beforeEach(() => {
    store = new DeviceIdentityStore(`clinic-mesh-test/identity/${++databasesMade}/${Math.random()}`);
  });

  const enroll = (typed: string, central: ReturnType<typeof centralStandIn>): Promise<EnrollmentOutcome> =>
    enrollThisDevice({ apiUrl, code: typed, store, fetch: central.fetch, nowMs: () => testNowMs });

  it('enrolls with a typed code, stores the identity durably, and the private key signs but cannot be read out', async () => {
    const central = centralStandIn(authority);
    const outcome = await enroll('7k3m-q9xa-2pde', central);
    expect(outcome.type).toBe('enrolled');
    expect(central.requests[0]?.code).toBe(code);
    const loaded = await store.load();
    expect(loaded?.deviceId).toBe('registration-tablet');
    expect(loaded?.peer.token).toBe('peer-token');
    expect(loaded!.privateKey.extractable).toBeFalse();
    await expectAsync(crypto.subtle.exportKey('pkcs8', loaded!.privateKey)).toBeRejected();
    const signed = Uint8Array.of(1, 2, 3);
    const signature = await signerFor(loaded!.privateKey)(signed);
    expect(await webCryptoSignatureCheck()(loaded!.publicKey, signature, signed)).toBeTrue();
  });

  it('takes the code from a scanned enrollment link, and reads O as 0 and I or L as 1', async () => {
    const central = centralStandIn(authority);
    expect((await enroll('https://clinic.example.org/enroll?code=7K3M-Q9XA-2PDE', central)).type).toBe('enrolled');
    expect((await enroll('7K3M Q9XA 2PDE', central)).type).toBe('enrolled');
    const folded = centralStandIn(authority);
    await enroll('O0IL-Q9XA-2PDE', folded);
    expect(folded.requests[0]?.code).toBe('0011Q9XA2PDE');
  });

  it('refuses what is not a code without calling central', async () => {
    const central = centralStandIn(authority);
    const outcome = await enroll('7K3M-Q9XA', central);
    expect(outcome).toEqual(jasmine.objectContaining({ type: 'refused', refusal: 'malformedCode' }));
    expect(central.requests).toEqual([]);
    expect(await store.load()).toBeNull();
  });

  it('says what to do when central refuses the code, and stores nothing', async () => {
    const cases: [number, string][] = [[404, 'unknownCode'], [410, 'codeSpent'], [409, 'clinicFull'], [503, 'unreachable']];
    for (const [status, refusal] of cases) {
      const outcome = await enroll(code, centralStandIn(authority, { status }));
      expect(outcome).withContext(`status ${status}`).toEqual(jasmine.objectContaining({ type: 'refused', refusal }));
    }
    expect(await store.load()).toBeNull();
  });

  it('stores nothing when central certifies another key, or under an anchor that did not sign it', async () => {
    expect(await enroll(code, centralStandIn(authority, { certifyOtherKey: true }))).toEqual(jasmine.objectContaining({ refusal: 'badAnswer' }));
    const stranger = await TestClinicAuthority.create('clinic-enroll');
    expect(await enroll(code, centralStandIn(authority, { anchor: stranger.trustAnchor }))).toEqual(jasmine.objectContaining({ refusal: 'badAnswer' }));
    expect(await store.load()).toBeNull();
  });

  it('says central is unreachable when the request fails, and stores nothing', async () => {
    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const outcome = await enrollThisDevice({ apiUrl, code, store, fetch: failing, nowMs: () => testNowMs });
    expect(outcome).toEqual(jasmine.objectContaining({ type: 'refused', refusal: 'unreachable' }));
    expect(await store.load()).toBeNull();
  });

  it('refuses to load or save an identity whose certificate is of another key', async () => {
    await enroll(code, centralStandIn(authority));
    const identity = (await store.load())!;
    const other = await authority.enroll('registration-tablet');
    await expectAsync(store.save({ ...identity, certificate: other.certificate })).toBeRejectedWithError(DeviceIdentityStoreError, /another key/);
    expect((await store.load())?.certificate).toEqual(identity.certificate);
  });
});
