import { encode } from '@msgpack/msgpack';
import { deviceCertificateFormat, deviceCertificateLimits, type DeviceCertificateBody } from '../../src/device-identity/device-certificate.js';
import { LinkHandshake, linkHandshakeFormat, type HandshakeOutcome, type LinkContext, type LocalIdentity } from '../../src/device-identity/link-handshake.js';
import { dayMs, testNowMs, TestClinicAuthority, type EnrolledDevice } from './test-clinic-authority.js';

const binding = 'sha-256 AA:BB|sha-256 CC:DD';

function contexts(dialer: string, answerer: string, connectionBinding = binding): { readonly dialer: LinkContext; readonly answerer: LinkContext } {
  return {
    dialer: { role: 'dialer', localPeerId: `p-${dialer}`, remotePeerId: `p-${answerer}`, remoteDeviceId: answerer, localLife: `life-${dialer}`, binding: connectionBinding },
    answerer: { role: 'answerer', localPeerId: `p-${answerer}`, remotePeerId: `p-${dialer}`, remoteDeviceId: dialer, localLife: `life-${answerer}`, binding: connectionBinding },
  };
}

interface Exchange {
  readonly dialer: HandshakeOutcome;
  readonly answerer: HandshakeOutcome;
  /** Every handshake body sent, by whom, in order. */
  readonly sent: readonly { readonly by: 'dialer' | 'answerer'; readonly body: Uint8Array }[];
}

/** Runs two handshakes against each other as an ordered channel would: each side's messages in order. */
async function exchange(dialer: LinkHandshake, answerer: LinkHandshake): Promise<Exchange> {
  const sent: { by: 'dialer' | 'answerer'; body: Uint8Array }[] = [];
  const queues = { dialer: [answerer.opening()], answerer: [dialer.opening()] };
  sent.push({ by: 'dialer', body: queues.answerer[0]! }, { by: 'answerer', body: queues.dialer[0]! });
  for (let round = 0; round < 10 && (queues.dialer.length > 0 || queues.answerer.length > 0); round++) {
    for (const side of ['dialer', 'answerer'] as const) {
      const handshake = side === 'dialer' ? dialer : answerer;
      const other = side === 'dialer' ? 'answerer' : 'dialer';
      for (const body of queues[side].splice(0)) {
        const step = await handshake.receive(body);
        for (const reply of step.send) {
          queues[other].push(reply);
          sent.push({ by: side, body: reply });
        }
      }
    }
  }
  return { dialer: dialer.result, answerer: answerer.result, sent };
}

describe('the handshake between two devices', () => {
  let authority: TestClinicAuthority;
  let tablet: EnrolledDevice;
  let desktop: EnrolledDevice;

  beforeAll(async () => {
    authority = await TestClinicAuthority.create('clinic-a');
    tablet = await authority.enroll('tablet');
    desktop = await authority.enroll('desktop');
  });

  interface Sides {
    readonly dialerIdentity?: LocalIdentity;
    readonly answererIdentity?: LocalIdentity;
    /** The device the dialer's peer id names, if not the one it is. */
    readonly claimedDialer?: string;
  }

  function between(dialer: EnrolledDevice, answerer: EnrolledDevice, options: Sides = {}): Promise<Exchange> {
    const context = contexts(options.claimedDialer ?? dialer.deviceId, answerer.deviceId);
    return exchange(
      new LinkHandshake(context.dialer, options.dialerIdentity ?? authority.identityOf(dialer)),
      new LinkHandshake(context.answerer, options.answererIdentity ?? authority.identityOf(answerer)),
    );
  }

  it('lets two enrolled devices of the clinic in, each learning the other\'s life', async () => {
    const result = await between(tablet, desktop);
    expect(result.dialer).toEqual({ type: 'accepted', remoteLife: 'life-desktop' });
    expect(result.answerer).toEqual({ type: 'accepted', remoteLife: 'life-tablet' });
    // hello, hello, proof, proof: nothing more.
    expect(result.sent.length).toBe(4);
  });

  it('refuses a device whose certificate another clinic\'s key signed, and tells it why', async () => {
    const elsewhere = await TestClinicAuthority.create('clinic-a');
    const stranger = await elsewhere.enroll('stranger');
    const result = await between(stranger, desktop, { dialerIdentity: elsewhere.identityOf(stranger) });
    expect(result.answerer).toEqual(jasmine.objectContaining({ type: 'refused', refusal: 'badSignature' }));
    // The stranger judges the desktop by its own (other) anchor too: both refuse, and each learns why.
    expect(result.dialer).toEqual(jasmine.objectContaining({ type: 'refused' }));
  });

  it('refuses a certificate central signed for another clinic', async () => {
    const other = await authority.enroll('tablet-elsewhere', { clinicId: 'clinic-b' });
    const result = await between(other, desktop);
    expect(result.answerer).toEqual(jasmine.objectContaining({ type: 'refused', refusal: 'otherClinic' }));
    expect(result.dialer).toEqual(jasmine.objectContaining({ type: 'refused', refusal: 'refusedByPeer' }));
  });

  it('refuses a device presenting the certificate of another device than the one it claims to be', async () => {
    const result = await between(tablet, desktop, { claimedDialer: 'pharmacy' });
    expect(result.answerer).toEqual(jasmine.objectContaining({ type: 'refused', refusal: 'otherDevice' }));
  });

  it('refuses a stolen certificate without its private key: the proof does not verify', async () => {
    const thief = await authority.enroll('thief');
    const stolen: LocalIdentity = { ...authority.identityOf(thief), certificate: tablet.certificate };
    const result = await between(tablet, desktop, { dialerIdentity: stolen });
    expect(result.answerer).toEqual(jasmine.objectContaining({ type: 'refused', refusal: 'badProof' }));
    // The desktop proved itself before it judged the thief's proof: the thief's side accepts, and the
    // refusal that follows closes the link there too (a handshake frame after acceptance is out of turn).
    expect(result.dialer.type).toBe('accepted');
  });

  it('refuses an expired certificate and one not valid yet, and tolerates clock skew up to clockSkewMsMax', async () => {
    const skew = deviceCertificateLimits.clockSkewMsMax;
    const expired = await authority.enroll('old-tablet', { notBeforeMs: testNowMs - 2 * dayMs, notAfterMs: testNowMs - skew - 1 });
    const future = await authority.enroll('new-tablet', { notBeforeMs: testNowMs + skew + 1, notAfterMs: testNowMs + dayMs });
    const justStarted = await authority.enroll('skewed-tablet', { notBeforeMs: testNowMs + skew - 1000, notAfterMs: testNowMs + dayMs });
    expect((await between(expired, desktop)).answerer).toEqual(jasmine.objectContaining({ type: 'refused', refusal: 'expired' }));
    expect((await between(future, desktop)).answerer).toEqual(jasmine.objectContaining({ type: 'refused', refusal: 'notYetValid' }));
    expect((await between(justStarted, desktop)).answerer.type).toBe('accepted');
  });

  it('refuses a revoked device, and a certificate issued after the revoked one is let in', async () => {
    const lost = await authority.enroll('lost-tablet');
    authority.revoked.set('lost-tablet', 1_000_000);
    expect((await between(lost, desktop)).answerer.type).toBe('accepted');
    authority.revoked.set('lost-tablet', 0);
    try {
      expect((await between(lost, desktop)).answerer).toEqual(jasmine.objectContaining({ type: 'refused', refusal: 'revoked' }));
    } finally {
      authority.revoked.delete('lost-tablet');
    }
  });

  it('will not take a proof made for another connection', async () => {
    const first = contexts('tablet', 'desktop', 'sha-256 11|sha-256 22');
    const second = contexts('tablet', 'desktop', 'sha-256 33|sha-256 44');
    const relayed = await exchange(new LinkHandshake(first.dialer, authority.identityOf(tablet)), new LinkHandshake(first.answerer, authority.identityOf(desktop)));
    const proof = relayed.sent.find((message, index) => index >= 2 && message.by === 'dialer');
    expect(proof).toBeDefined();
    // The desktop on another connection receives the tablet's genuine hello, then the proof from the first.
    const victim = new LinkHandshake(second.answerer, authority.identityOf(desktop));
    await victim.receive(relayed.sent[0]!.body);
    const step = await victim.receive(proof!.body);
    expect(step.outcome).toEqual(jasmine.objectContaining({ type: 'refused', refusal: 'badProof' }));
  });

  it('takes a genuine proof that came before its hello once the hello is in, and a forged one not at all', async () => {
    const context = contexts('tablet', 'desktop');
    const tabletSide = new LinkHandshake(context.dialer, authority.identityOf(tablet));
    const desktopSide = new LinkHandshake(context.answerer, authority.identityOf(desktop));
    const tabletHello = tabletSide.opening();
    const tabletProof = (await tabletSide.receive(desktopSide.opening())).send[0]!;
    expect((await desktopSide.receive(tabletProof)).outcome.type).toBe('pending');
    const step = await desktopSide.receive(tabletHello);
    expect(step.outcome).toEqual({ type: 'accepted', remoteLife: 'life-tablet' });
    // Its own proof still goes out, so the tablet can accept it too.
    expect((await tabletSide.receive(step.send[0]!)).outcome).toEqual({ type: 'accepted', remoteLife: 'life-desktop' });

    const victim = new LinkHandshake(context.answerer, authority.identityOf(desktop));
    await victim.receive(encode({ format: linkHandshakeFormat, type: 'proof', signature: new Uint8Array(64) }));
    expect((await victim.receive(new LinkHandshake(context.dialer, authority.identityOf(tablet)).opening())).outcome)
      .toEqual(jasmine.objectContaining({ type: 'refused', refusal: 'badProof' }));
  });

  it('will not take its own proof reflected back as the peer\'s', async () => {
    const context = contexts('tablet', 'desktop');
    const desktopSide = new LinkHandshake(context.answerer, authority.identityOf(desktop));
    const tabletSide = new LinkHandshake(context.dialer, authority.identityOf(tablet));
    const ownProof = (await desktopSide.receive(tabletSide.opening())).send[0]!;
    const step = await desktopSide.receive(ownProof);
    expect(step.outcome).toEqual(jasmine.objectContaining({ type: 'refused', refusal: 'badProof' }));
  });

  it('refuses messages out of turn or malformed, and changes nothing once decided', async () => {
    const context = contexts('tablet', 'desktop');
    const proofFirst = new LinkHandshake(context.answerer, authority.identityOf(desktop));
    const badProof = encode({ format: linkHandshakeFormat, type: 'proof', signature: new Uint8Array(64) });
    expect((await proofFirst.receive(badProof)).outcome).toEqual({ type: 'pending' });
    expect((await proofFirst.receive(badProof)).outcome).toEqual({ type: 'refused', refusal: 'protocol', reason: 'a second proof before the hello' });

    const twice = new LinkHandshake(context.answerer, authority.identityOf(desktop));
    const hello = new LinkHandshake(context.dialer, authority.identityOf(tablet)).opening();
    expect((await twice.receive(hello)).outcome.type).toBe('pending');
    expect((await twice.receive(hello)).outcome).toEqual({ type: 'refused', refusal: 'protocol', reason: 'a second hello' });
    const afterwards = await twice.receive(hello);
    expect(afterwards.send).toEqual([]);
    expect(afterwards.outcome).toEqual(jasmine.objectContaining({ refusal: 'protocol', reason: 'a second hello' }));

    const refusalOf = async (body: Uint8Array): Promise<string> => {
      const outcome = (await new LinkHandshake(context.answerer, authority.identityOf(desktop)).receive(body)).outcome;
      return outcome.type === 'refused' ? `${outcome.refusal}: ${outcome.reason}` : outcome.type;
    };
    expect(await refusalOf(Uint8Array.of(0xc1))).toBe('protocol: a handshake message that is not MessagePack');
    expect(await refusalOf(encode({ format: 'other/1', type: 'hello' }))).toBe(`protocol: a handshake message that is not ${linkHandshakeFormat}`);
    expect(await refusalOf(encode({ format: linkHandshakeFormat, type: 'shout' }))).toBe('protocol: a handshake message of no known type');
    expect(await refusalOf(encode({ format: linkHandshakeFormat, type: 'hello', certificate: tablet.certificate, nonce: new Uint8Array(31), life: 'x' })))
      .toBe('protocol: nonce must be 32 to 32 bytes');
    expect(await refusalOf(encode({ format: linkHandshakeFormat, type: 'hello', certificate: tablet.certificate, nonce: new Uint8Array(32), life: '' })))
      .toBe('protocol: life must not be empty');
    expect(await refusalOf(encode({ format: linkHandshakeFormat, type: 'hello', certificate: Uint8Array.of(1, 2), nonce: new Uint8Array(32), life: 'x' })))
      .toMatch(/^malformed: /);
  });

  it('refuses a certificate whose body is well signed but malformed', async () => {
    const body: DeviceCertificateBody = { format: deviceCertificateFormat, clinicId: 'clinic-a', deviceId: 'tablet', publicKey: tablet.keys.publicKey, notBeforeMs: 10, notAfterMs: 5, serial: 1 };
    const backwards = await authority.sign(body);
    const identity: LocalIdentity = { ...authority.identityOf(tablet), certificate: backwards };
    const result = await between(tablet, desktop, { dialerIdentity: identity });
    expect(result.answerer).toEqual({ type: 'refused', refusal: 'malformed', reason: 'the certificate ends before it begins' });
  });
});
