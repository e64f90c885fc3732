// A device certificate: central's statement that a public key belongs to one enrolled device of one clinic,
// for a period. Central signs it at enrollment with the clinic's signing key; every device of the clinic holds
// that key's public half (its trust anchor), so devices check each other with no call to central: a clinic
// offline for days still refuses a stranger. Decoding and checking are pure; the signature check is injected
// (WebCrypto on devices, node:crypto at central), because it is asynchronous and platform code.
//
// The signed bytes are the `body` exactly as carried, never a re-encoding: no canonical form to get wrong.
import { decode, encode } from '@msgpack/msgpack';
import { boundedBytes, count, Invalid, parseWith, record, type ParseResult } from '../wire/field-readers.js';

export const deviceCertificateFormat = 'clinic-mesh-device-certificate/1';

export const deviceCertificateLimits = {
  /** A whole certificate: a P-256 key, two UUIDs, a signature, with room to spare. */
  certificateBytesMax: 2048,
  /** Clinic and device ids: UUIDs at central, shorter names in tests. */
  idLengthMax: 64,
  /** A P-256 public key as SPKI is 91 bytes. */
  publicKeyBytesMax: 256,
  /** An ECDSA P-256 signature in IEEE P1363 form is 64 bytes. */
  signatureBytesMax: 256,
  /**
   * How far apart two devices' clocks may be for a certificate's period: tablets' clocks drift and the clinic
   * warns of it, and refusing a device minutes before its period starts would split a clinic over a clock.
   */
  clockSkewMsMax: 10 * 60_000,
};

export interface DeviceCertificateBody {
  readonly format: typeof deviceCertificateFormat;
  readonly clinicId: string;
  readonly deviceId: string;
  /** The device's ECDSA P-256 public key, SPKI. */
  readonly publicKey: Uint8Array;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  /** Which issue of this device's certificate: a revocation names it. */
  readonly serial: number;
}

export interface DeviceCertificate {
  readonly body: DeviceCertificateBody;
  /** The encoded body, the bytes the signature covers. */
  readonly bodyBytes: Uint8Array;
  readonly signature: Uint8Array;
}

export function encodeCertificateBody(body: DeviceCertificateBody): Uint8Array {
  return encode(body);
}

/** The certificate as it travels: the signed body bytes and central's signature over them. */
export function encodeDeviceCertificate(bodyBytes: Uint8Array, signature: Uint8Array): Uint8Array {
  return encode({ body: bodyBytes, signature });
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > deviceCertificateLimits.idLengthMax) {
    throw new Invalid(`${where} must be text of 1 to ${deviceCertificateLimits.idLengthMax} characters`);
  }
  return value;
}

function readBody(value: unknown): DeviceCertificateBody {
  const fields = record(value, 'the certificate body');
  if (fields['format'] !== deviceCertificateFormat) throw new Invalid(`the certificate is not ${deviceCertificateFormat}`);
  const notBeforeMs = count(fields['notBeforeMs'], 'notBeforeMs');
  const notAfterMs = count(fields['notAfterMs'], 'notAfterMs');
  if (notAfterMs <= notBeforeMs) throw new Invalid('the certificate ends before it begins');
  return {
    format: deviceCertificateFormat,
    clinicId: text(fields['clinicId'], 'clinicId'),
    deviceId: text(fields['deviceId'], 'deviceId'),
    publicKey: boundedBytes(fields['publicKey'], 'publicKey', deviceCertificateLimits.publicKeyBytesMax),
    notBeforeMs,
    notAfterMs,
    serial: count(fields['serial'], 'serial'),
  };
}

function decodeMessagePack(encoded: Uint8Array, what: string): unknown {
  try {
    return decode(encoded);
  } catch {
    throw new Invalid(`${what} is not MessagePack`);
  }
}

/** Reads a certificate's shape; says nothing yet of who signed it. */
export function decodeDeviceCertificate(encoded: Uint8Array): ParseResult<DeviceCertificate> {
  return parseWith(() => {
    if (encoded.byteLength > deviceCertificateLimits.certificateBytesMax) {
      throw new Invalid(`a certificate of ${encoded.byteLength} bytes is over the limit of ${deviceCertificateLimits.certificateBytesMax}`);
    }
    const outer = record(decodeMessagePack(encoded, 'the certificate'), 'the certificate');
    const bodyBytes = boundedBytes(outer['body'], 'the certificate body', deviceCertificateLimits.certificateBytesMax);
    const signature = boundedBytes(outer['signature'], 'the certificate signature', deviceCertificateLimits.signatureBytesMax);
    return { body: readBody(decodeMessagePack(bodyBytes, 'the certificate body')), bodyBytes, signature };
  }, encoded);
}

/** Checks an ECDSA P-256 / SHA-256 signature (P1363 form) under an SPKI public key. */
export type SignatureCheck = (publicKey: Uint8Array, signature: Uint8Array, signed: Uint8Array) => Promise<boolean>;

/** What a device needs to judge another device's certificate, none of it from central at the time. */
export interface CertificateExpectations {
  /** This device's clinic: a certificate of another clinic is refused even if central signed it. */
  readonly clinicId: string;
  /** The device the connection claims to reach (its PeerJS id). */
  readonly deviceId: string;
  /** Central's clinic signing key, SPKI: the trust anchor stored at enrollment. */
  readonly trustAnchor: Uint8Array;
  readonly nowMs: number;
  /** True when the clinic log holds a revocation of this device (from this serial down). */
  readonly isRevoked: (deviceId: string, serial: number) => boolean;
}

export type CertificateRefusal = 'malformed' | 'badSignature' | 'otherClinic' | 'otherDevice' | 'notYetValid' | 'expired' | 'revoked';

export type CertificateCheck =
  | { readonly ok: true; readonly certificate: DeviceCertificate }
  | { readonly ok: false; readonly refusal: CertificateRefusal; readonly reason: string };

/**
 * Whether `encoded` is a valid certificate of the expected device of this clinic, now. The cheap checks come
 * first, but the signature is checked before any claim is believed: an unsigned certificate is 'badSignature',
 * whatever it says.
 */
export async function checkDeviceCertificate(encoded: Uint8Array, expected: CertificateExpectations, checkSignature: SignatureCheck): Promise<CertificateCheck> {
  const parsed = decodeDeviceCertificate(encoded);
  if (!parsed.ok) return { ok: false, refusal: 'malformed', reason: parsed.reason };
  const certificate = parsed.value;
  const { body } = certificate;
  if (!(await checkSignature(expected.trustAnchor, certificate.signature, certificate.bodyBytes))) {
    return { ok: false, refusal: 'badSignature', reason: 'the certificate is not signed by this clinic\'s signing key' };
  }
  if (body.clinicId !== expected.clinicId) return { ok: false, refusal: 'otherClinic', reason: `the certificate is of clinic ${body.clinicId}` };
  if (body.deviceId !== expected.deviceId) return { ok: false, refusal: 'otherDevice', reason: `the certificate is of device ${body.deviceId}, not ${expected.deviceId}` };
  if (expected.nowMs + deviceCertificateLimits.clockSkewMsMax < body.notBeforeMs) return { ok: false, refusal: 'notYetValid', reason: 'the certificate is not valid yet' };
  if (expected.nowMs - deviceCertificateLimits.clockSkewMsMax >= body.notAfterMs) return { ok: false, refusal: 'expired', reason: 'the certificate has expired' };
  if (expected.isRevoked(body.deviceId, body.serial)) return { ok: false, refusal: 'revoked', reason: `device ${body.deviceId} is revoked` };
  return { ok: true, certificate };
}
