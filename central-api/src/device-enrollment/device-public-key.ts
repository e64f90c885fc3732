// Judges the public key a device sends to enroll: its certificate will name it, and every peer will check the
// device's signatures with it through WebCrypto, so it must be an ECDSA P-256 key, as SPKI. A typed result: a
// bad key is the device's mistake (400), not central's.
import { createPublicKey, type KeyObject } from 'node:crypto';

const base64url = /^[A-Za-z0-9_-]+$/;

export type DevicePublicKeyReading =
  /** `spki`: the key re-encoded by central, the form the certificate carries. */
  | { readonly ok: true; readonly spki: Buffer }
  | { readonly ok: false; readonly reason: string };

export function readDevicePublicKey(text: string): DevicePublicKeyReading {
  const bytes = Buffer.from(text, 'base64url');
  // Node skips characters it cannot decode: a key with any would be another key than the one sent.
  if (!base64url.test(text) || bytes.toString('base64url') !== text) return refused('publicKey is not base64url (A-Z, a-z, 0-9, - and _, no padding)');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: bytes, format: 'der', type: 'spki' });
  } catch {
    return refused('publicKey is not a public key in SPKI form (what WebCrypto exportKey("spki", ...) gives)');
  }
  if (key.asymmetricKeyType !== 'ec') return refused(`publicKey is an ${key.asymmetricKeyType?.toUpperCase() ?? 'unknown'} key, not an ECDSA P-256 key`);
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve !== 'prime256v1') return refused(`publicKey is an EC key on curve ${curve ?? 'unknown'}, not P-256 (prime256v1)`);
  return { ok: true, spki: key.export({ format: 'der', type: 'spki' }) };
}

function refused(reason: string): DevicePublicKeyReading {
  return { ok: false, reason: `${reason}: make the device's key with WebCrypto, { name: 'ECDSA', namedCurve: 'P-256' }` };
}
