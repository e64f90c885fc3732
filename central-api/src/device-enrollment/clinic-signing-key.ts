// A clinic's signing key: the ECDSA P-256 pair central signs the clinic's device certificates with. Its
// public half is the trust anchor every device of the clinic keeps.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface ClinicSigningKey {
  readonly privateKey: KeyObject;
  /** SPKI: the trust anchor as devices import it (WebCrypto importKey('spki', ...)). */
  readonly publicKey: Buffer;
}

/** How the key is stored (clinic_signing_keys): PKCS#8 and SPKI, DER. */
export interface StoredSigningKey {
  readonly privateKey: Buffer;
  readonly publicKey: Buffer;
}

export function generateClinicSigningKey(): StoredSigningKey {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey: pair.privateKey.export({ format: 'der', type: 'pkcs8' }),
    publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }),
  };
}

export function signingKeyFromStored(stored: StoredSigningKey): ClinicSigningKey {
  return { privateKey: createPrivateKey({ key: stored.privateKey, format: 'der', type: 'pkcs8' }), publicKey: stored.publicKey };
}
