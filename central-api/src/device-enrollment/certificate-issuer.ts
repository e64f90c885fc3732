// Signs a device's certificate (leader-worker/src/device-identity/device-certificate.ts): central's statement,
// under the clinic's signing key, that this public key is this enrolled device of this clinic for a period.
// ECDSA P-256 / SHA-256 in IEEE P1363 form (64 bytes), what WebCrypto on the devices verifies, over the
// encoded body bytes exactly.
import { sign, type KeyObject } from 'node:crypto';
import { deviceCertificateFormat, encodeCertificateBody, encodeDeviceCertificate } from '../../../leader-worker/src/device-identity/device-certificate.js';
import { enrollmentLimits } from '../../../leader-worker/src/device-identity/enrollment-protocol.js';
import { enrollmentSettings } from './enrollment-settings.js';

export interface CertificateRequest {
  readonly clinicId: string;
  readonly deviceId: string;
  /** The device's public key, SPKI. */
  readonly publicKey: Uint8Array;
  readonly serial: number;
  readonly nowMs: number;
}

export function issueDeviceCertificate(request: CertificateRequest, signingKey: KeyObject): Uint8Array {
  const notBeforeMs = request.nowMs - enrollmentSettings.certificateBackdateMs;
  const bodyBytes = encodeCertificateBody({
    format: deviceCertificateFormat,
    clinicId: request.clinicId,
    deviceId: request.deviceId,
    publicKey: request.publicKey,
    notBeforeMs,
    notAfterMs: request.nowMs + enrollmentLimits.certificateValidityMs,
    serial: request.serial,
  });
  return encodeDeviceCertificate(bodyBytes, sign('sha256', bodyBytes, { key: signingKey, dsaEncoding: 'ieee-p1363' }));
}
