// What central accepts as a device's public key: an ECDSA P-256 key, SPKI, base64url, and nothing else.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { generateDeviceKeyPair } from '../../../leader-worker/src/device-identity/webcrypto-identity.js';
import { readDevicePublicKey } from '../../src/device-enrollment/device-public-key.js';

function spkiOf(pair: { publicKey: { export(options: { format: 'der'; type: 'spki' }): Buffer } }): string {
  return pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64url');
}

describe('device public keys', () => {
  it('accept a P-256 key made by WebCrypto, unchanged', async () => {
    const { publicKey } = await generateDeviceKeyPair();
    const reading = readDevicePublicKey(Buffer.from(publicKey).toString('base64url'));
    if (!reading.ok) throw new Error(reading.reason);
    expect(reading.spki.equals(Buffer.from(publicKey))).toBeTrue();
  });

  it('refuse other kinds of key, saying what the key is', () => {
    const refusals: [string, string, RegExp][] = [
      ['an RSA key', spkiOf(generateKeyPairSync('rsa', { modulusLength: 1024 })), /an RSA key, not an ECDSA P-256 key/],
      ['a P-384 key', spkiOf(generateKeyPairSync('ec', { namedCurve: 'secp384r1' })), /curve secp384r1, not P-256/],
      ['an Ed25519 key', spkiOf(generateKeyPairSync('ed25519')), /an ED25519 key/],
    ];
    for (const [what, text, reason] of refusals) {
      const reading = readDevicePublicKey(text);
      expect(reading.ok).withContext(what).toBeFalse();
      if (!reading.ok) expect(reading.reason).withContext(what).toMatch(reason);
    }
  });

  it('refuse bytes that are no public key, and text that is not base64url', () => {
    const privateKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'der', type: 'pkcs8' });
    for (const [what, text] of [
      ['random bytes', randomBytes(91).toString('base64url')],
      ['a private key', privateKey.toString('base64url')],
      ['nothing', ''],
    ] as const) {
      const reading = readDevicePublicKey(text);
      expect(reading.ok ? 'accepted' : reading.reason).withContext(what).toMatch(/not a public key in SPKI form|not base64url/);
    }
    const key = Buffer.from(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' }));
    for (const text of [key.toString('base64'), `${key.toString('base64url')}=`, `${key.toString('base64url')}*`, ` ${key.toString('base64url')}`]) {
      const reading = readDevicePublicKey(text);
      expect(reading.ok ? 'accepted' : reading.reason).withContext(text.slice(-4)).toMatch(/not base64url/);
    }
  });
});
