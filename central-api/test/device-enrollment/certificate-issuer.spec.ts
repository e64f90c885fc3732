// Certificates as central signs them, checked the way devices check them (WebCrypto, device-certificate.ts).
import { generateKeyPairSync } from 'node:crypto';
import {
  checkDeviceCertificate,
  decodeDeviceCertificate,
  deviceCertificateFormat,
  deviceCertificateLimits,
  encodeCertificateBody,
  encodeDeviceCertificate,
} from '../../../leader-worker/src/device-identity/device-certificate.js';
import { enrollmentLimits } from '../../../leader-worker/src/device-identity/enrollment-protocol.js';
import { generateDeviceKeyPair, webCryptoSignatureCheck } from '../../../leader-worker/src/device-identity/webcrypto-identity.js';
import { issueDeviceCertificate } from '../../src/device-enrollment/certificate-issuer.js';
import { generateClinicSigningKey, signingKeyFromStored } from '../../src/device-enrollment/clinic-signing-key.js';

const clinicId = '4a7c2c38-7d4b-4c36-9a39-3f0b1d0f3a11';
const deviceId = '9d3f7c2e-1b1a-4f7e-8a55-0c2f8e1f6b22';
const nowMs = Date.UTC(2026, 11, 6, 12);

describe('device certificates signed by central', () => {
  it('are checked by a device holding the clinic\'s public key: this device of this clinic, for two years from now', async () => {
    const signingKey = signingKeyFromStored(generateClinicSigningKey());
    const device = await generateDeviceKeyPair();
    const certificate = issueDeviceCertificate({ clinicId, deviceId, publicKey: device.publicKey, serial: 1, nowMs }, signingKey.privateKey);
    const expected = { clinicId, deviceId, trustAnchor: signingKey.publicKey, nowMs, isRevoked: () => false };
    const checked = await checkDeviceCertificate(certificate, expected, webCryptoSignatureCheck());
    if (!checked.ok) throw new Error(checked.reason);
    expect(checked.certificate.body).toEqual({
      format: deviceCertificateFormat,
      clinicId,
      deviceId,
      publicKey: device.publicKey,
      notBeforeMs: nowMs,
      notAfterMs: nowMs + enrollmentLimits.certificateValidityMs,
      serial: 1,
    });
    expect(checked.certificate.signature.byteLength).withContext('IEEE P1363, not DER').toBe(64);
    const afterPeriodMs = nowMs + enrollmentLimits.certificateValidityMs + deviceCertificateLimits.clockSkewMsMax;
    const later = await checkDeviceCertificate(certificate, { ...expected, nowMs: afterPeriodMs }, webCryptoSignatureCheck());
    expect(later.ok ? 'accepted' : later.refusal).toBe('expired');
  });

  it('are refused under another clinic\'s key, with their body altered, or signed by a key that is no clinic\'s', async () => {
    const signingKey = signingKeyFromStored(generateClinicSigningKey());
    const otherKey = signingKeyFromStored(generateClinicSigningKey());
    const device = await generateDeviceKeyPair();
    const certificate = issueDeviceCertificate({ clinicId, deviceId, publicKey: device.publicKey, serial: 1, nowMs }, signingKey.privateKey);
    const expected = { clinicId, deviceId, trustAnchor: otherKey.publicKey, nowMs, isRevoked: () => false };
    const underOther = await checkDeviceCertificate(certificate, expected, webCryptoSignatureCheck());
    expect(underOther.ok ? 'accepted' : underOther.refusal).toBe('badSignature');

    const decoded = decodeDeviceCertificate(certificate);
    if (!decoded.ok) throw new Error(decoded.reason);
    const altered = encodeDeviceCertificate(encodeCertificateBody({ ...decoded.value.body, deviceId: 'another device' }), decoded.value.signature);
    const alteredChecked = await checkDeviceCertificate(altered, { ...expected, deviceId: 'another device', trustAnchor: signingKey.publicKey }, webCryptoSignatureCheck());
    expect(alteredChecked.ok ? 'accepted' : alteredChecked.refusal).toBe('badSignature');

    const unknownSigner = issueDeviceCertificate({ clinicId, deviceId, publicKey: device.publicKey, serial: 1, nowMs }, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
    const unknownChecked = await checkDeviceCertificate(unknownSigner, { ...expected, trustAnchor: signingKey.publicKey }, webCryptoSignatureCheck());
    expect(unknownChecked.ok ? 'accepted' : unknownChecked.refusal).toBe('badSignature');
  });
});
