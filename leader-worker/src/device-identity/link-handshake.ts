// The mutual challenge at the start of every connection between two devices. Each side sends a hello (its
// certificate, a fresh nonce, the id of its life), checks the other's certificate against the clinic's trust
// anchor, then signs the transcript of this connection: both peer ids, both nonces, both lives, who dialed,
// and the connection's binding (the DTLS fingerprints of its two ends). A proof is therefore good for this
// connection only: it cannot be replayed on another, reflected back, or relayed by a signaling server that
// put itself in the middle (it would see other fingerprints). Nothing but handshake frames crosses until a
// side has checked the other's proof; a refusal says why and the connection closes.
//
// Pure: the nonce, the signature and its check are injected (WebCrypto on a device).
import { decode, encode } from '@msgpack/msgpack';
import { boundedBytes, Invalid, parseWith, record, type ParseResult } from '../wire/field-readers.js';
import { checkDeviceCertificate, type CertificateExpectations, type CertificateRefusal, type SignatureCheck } from './device-certificate.js';

export const linkHandshakeFormat = 'clinic-mesh-link/1';

export const linkHandshakeLimits = {
  nonceBytes: 32,
  /** A life id: random text a transport picks when it starts. */
  lifeLengthMax: 64,
  /** A refusal's reason as sent to the peer. */
  reasonLengthMax: 200,
  /** Bytes of certificate in a hello (as deviceCertificateLimits.certificateBytesMax). */
  certificateBytesMax: 2048,
  signatureBytesMax: 256,
};

export type LinkRole = 'dialer' | 'answerer';

/** Who this connection joins, as the local side sees it. */
export interface LinkContext {
  readonly role: LinkRole;
  readonly localPeerId: string;
  readonly remotePeerId: string;
  /** The device the remote peer id names: its certificate must be this device's. */
  readonly remoteDeviceId: string;
  readonly localLife: string;
  /** The connection's own identity, the same at both ends: the DTLS fingerprints, dialer's first. */
  readonly binding: string;
}

/** This device's side of every handshake. */
export interface LocalIdentity {
  /** This device's certificate, as central issued it. */
  readonly certificate: Uint8Array;
  /** Signs with the device's private key (ECDSA P-256 / SHA-256, P1363). */
  readonly sign: (data: Uint8Array) => Promise<Uint8Array>;
  readonly randomNonce: () => Uint8Array;
  readonly checkSignature: SignatureCheck;
  /** The clinic, trust anchor, clock and revocations each check needs, less the remote device it is for. */
  readonly expectations: () => Omit<CertificateExpectations, 'deviceId'>;
}

export type HandshakeRefusal = CertificateRefusal | 'protocol' | 'badProof' | 'refusedByPeer';

export type HandshakeOutcome =
  | { readonly type: 'pending' }
  | { readonly type: 'accepted'; readonly remoteLife: string }
  | { readonly type: 'refused'; readonly refusal: HandshakeRefusal; readonly reason: string };

export interface HandshakeStep {
  /** Handshake bodies to send, in order. */
  readonly send: readonly Uint8Array[];
  readonly outcome: HandshakeOutcome;
}

type HandshakeMessage =
  | { readonly type: 'hello'; readonly certificate: Uint8Array; readonly nonce: Uint8Array; readonly life: string }
  | { readonly type: 'proof'; readonly signature: Uint8Array }
  | { readonly type: 'refused'; readonly reason: string };

function boundedText(value: unknown, where: string, lengthMax: number): string {
  if (typeof value !== 'string' || value.length > lengthMax) throw new Invalid(`${where} must be text of at most ${lengthMax} characters`);
  return value;
}

function readHandshakeMessage(body: Uint8Array): HandshakeMessage {
  let value: unknown;
  try {
    value = decode(body);
  } catch {
    throw new Invalid('a handshake message that is not MessagePack');
  }
  const fields = record(value, 'a handshake message');
  if (fields['format'] !== linkHandshakeFormat) throw new Invalid(`a handshake message that is not ${linkHandshakeFormat}`);
  switch (fields['type']) {
    case 'hello': {
      const life = boundedText(fields['life'], 'life', linkHandshakeLimits.lifeLengthMax);
      if (life.length === 0) throw new Invalid('life must not be empty');
      return {
        type: 'hello',
        certificate: boundedBytes(fields['certificate'], 'certificate', linkHandshakeLimits.certificateBytesMax),
        nonce: boundedBytes(fields['nonce'], 'nonce', linkHandshakeLimits.nonceBytes, linkHandshakeLimits.nonceBytes),
        life,
      };
    }
    case 'proof':
      return { type: 'proof', signature: boundedBytes(fields['signature'], 'signature', linkHandshakeLimits.signatureBytesMax) };
    case 'refused':
      return { type: 'refused', reason: boundedText(fields['reason'], 'reason', linkHandshakeLimits.reasonLengthMax) };
    default:
      throw new Invalid('a handshake message of no known type');
  }
}

export function parseHandshakeMessage(body: Uint8Array): ParseResult<HandshakeMessage> {
  return parseWith(() => readHandshakeMessage(body), body);
}

function encodeMessage(message: HandshakeMessage): Uint8Array {
  return encode({ format: linkHandshakeFormat, ...message });
}

/** What the signer of `role` signs: everything that makes this connection this one. */
function transcript(context: LinkContext, signer: LinkRole, localNonce: Uint8Array, remoteNonce: Uint8Array, remoteLife: string): Uint8Array {
  const local = { peerId: context.localPeerId, nonce: localNonce, life: context.localLife };
  const remote = { peerId: context.remotePeerId, nonce: remoteNonce, life: remoteLife };
  const [dialer, answerer] = context.role === 'dialer' ? [local, remote] : [remote, local];
  return encode([linkHandshakeFormat, signer, dialer.peerId, answerer.peerId, dialer.nonce, answerer.nonce, dialer.life, answerer.life, context.binding]);
}

function otherRole(role: LinkRole): LinkRole {
  return role === 'dialer' ? 'answerer' : 'dialer';
}

/**
 * One connection's handshake. The caller sends `opening()` when the channel opens, then feeds every handshake
 * frame from the peer to `receive`, one at a time (each awaited before the next), and sends what it returns.
 */
export class LinkHandshake {
  private readonly nonce: Uint8Array;
  private remote: { readonly nonce: Uint8Array; readonly life: string; readonly publicKey: Uint8Array } | null = null;
  private outcome: HandshakeOutcome = { type: 'pending' };
  /** A proof that came before the hello (seen on busy machines): checked once the hello is in. */
  private earlyProof: Uint8Array | null = null;

  constructor(
    private readonly context: LinkContext,
    private readonly identity: LocalIdentity,
  ) {
    this.nonce = identity.randomNonce();
  }

  opening(): Uint8Array {
    return encodeMessage({ type: 'hello', certificate: this.identity.certificate, nonce: this.nonce, life: this.context.localLife });
  }

  get result(): HandshakeOutcome {
    return this.outcome;
  }

  async receive(body: Uint8Array): Promise<HandshakeStep> {
    if (this.outcome.type !== 'pending') return { send: [], outcome: this.outcome };
    const parsed = parseHandshakeMessage(body);
    if (!parsed.ok) return this.refuse('protocol', parsed.reason);
    const message = parsed.value;
    switch (message.type) {
      case 'refused':
        return this.finish({ type: 'refused', refusal: 'refusedByPeer', reason: message.reason });
      case 'hello':
        return this.receiveHello(message);
      case 'proof':
        return this.receiveProof(message.signature);
    }
  }

  private async receiveHello(hello: Extract<HandshakeMessage, { type: 'hello' }>): Promise<HandshakeStep> {
    if (this.remote !== null) return this.refuse('protocol', 'a second hello');
    const expectations = { ...this.identity.expectations(), deviceId: this.context.remoteDeviceId };
    const check = await checkDeviceCertificate(hello.certificate, expectations, this.identity.checkSignature);
    if (!check.ok) return this.refuse(check.refusal, check.reason);
    this.remote = { nonce: hello.nonce, life: hello.life, publicKey: check.certificate.body.publicKey };
    const signature = await this.identity.sign(transcript(this.context, this.context.role, this.nonce, hello.nonce, hello.life));
    const proof = encodeMessage({ type: 'proof', signature });
    if (this.earlyProof === null) return { send: [proof], outcome: this.outcome };
    const early = await this.receiveProof(this.earlyProof);
    return { send: [proof, ...early.send], outcome: early.outcome };
  }

  private async receiveProof(signature: Uint8Array): Promise<HandshakeStep> {
    if (this.remote === null) {
      if (this.earlyProof !== null) return this.refuse('protocol', 'a second proof before the hello');
      this.earlyProof = signature;
      return { send: [], outcome: this.outcome };
    }
    const signed = transcript(this.context, otherRole(this.context.role), this.nonce, this.remote.nonce, this.remote.life);
    if (!(await this.identity.checkSignature(this.remote.publicKey, signature, signed))) {
      return this.refuse('badProof', 'the proof is not signed by the certificate\'s key for this connection');
    }
    return this.finish({ type: 'accepted', remoteLife: this.remote.life });
  }

  private refuse(refusal: HandshakeRefusal, reason: string): HandshakeStep {
    const step = this.finish({ type: 'refused', refusal, reason });
    return { ...step, send: [encodeMessage({ type: 'refused', reason: reason.slice(0, linkHandshakeLimits.reasonLengthMax) })] };
  }

  private finish(outcome: HandshakeOutcome): HandshakeStep {
    this.outcome = outcome;
    return { send: [], outcome };
  }
}
