// The device's keys through WebCrypto: ECDSA P-256 with SHA-256, the one signature every Chrome and Node has
// natively. The private key is made non-extractable: script on the page can use it to sign but never read it,
// so a copied IndexedDB or a malicious extension cannot carry the device's identity to another machine.
import type { SignatureCheck } from './device-certificate.js';

const algorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signing = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Public keys imported at once; a clinic has at most a few dozen devices, so the bound is never reached in use. */
const importedKeysMax = 256;

export interface DeviceKeyPair {
  readonly privateKey: CryptoKey;
  /** SPKI, as it goes into the certificate request. */
  readonly publicKey: Uint8Array;
}

export async function generateDeviceKeyPair(): Promise<DeviceKeyPair> {
  const pair = await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
  // The public half of a pair stays exportable whatever `extractable` says.
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey };
}

export function signerFor(privateKey: CryptoKey): (data: Uint8Array) => Promise<Uint8Array> {
  return async (data) => new Uint8Array(await crypto.subtle.sign(signing, privateKey, data as Uint8Array<ArrayBuffer>));
}

export function randomNonce(byteLength = 32): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(byteLength));
}

/** A SignatureCheck that imports each public key once and refuses, rather than throws, on a key that is not P-256. */
export function webCryptoSignatureCheck(): SignatureCheck {
  const imported = new Map<string, Promise<CryptoKey | null>>();
  const keyFor = (spki: Uint8Array): Promise<CryptoKey | null> => {
    const name = Array.from(spki, (byte) => byte.toString(16).padStart(2, '0')).join('');
    let key = imported.get(name);
    if (key === undefined) {
      if (imported.size >= importedKeysMax) imported.clear();
      key = crypto.subtle.importKey('spki', spki as Uint8Array<ArrayBuffer>, algorithm, false, ['verify']).catch(() => null);
      imported.set(name, key);
    }
    return key;
  };
  return async (publicKey, signature, signed) => {
    const key = await keyFor(publicKey);
    if (key === null) return false;
    try {
      return await crypto.subtle.verify(signing, key, signature as Uint8Array<ArrayBuffer>, signed as Uint8Array<ArrayBuffer>);
    } catch {
      return false;
    }
  };
}
