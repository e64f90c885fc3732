// A clinic signing key made in the test, standing in for central's (which signs with node:crypto the same
// ECDSA P-256 signature): it enrolls devices with real WebCrypto key pairs and real certificates, so specs
// exercise the real checks. Runs in Node and in Chromium.
import {
  deviceCertificateFormat,
  encodeCertificateBody,
  encodeDeviceCertificate,
  type CertificateExpectations,
  type DeviceCertificateBody,
} from '../../src/device-identity/device-certificate.js';
import { LinkHandshake, type LinkContext, type LocalIdentity } from '../../src/device-identity/link-handshake.js';
import { generateDeviceKeyPair, randomNonce, signerFor, webCryptoSignatureCheck, type DeviceKeyPair } from '../../src/device-identity/webcrypto-identity.js';

export const dayMs = 86_400_000;
/** The tests' "now": certificates are valid a year around it. */
export const testNowMs = Date.UTC(2026, 11, 6, 12);

export interface EnrolledDevice {
  readonly clinicId: string;
  readonly deviceId: string;
  readonly keys: DeviceKeyPair;
  readonly certificate: Uint8Array;
}

export class TestClinicAuthority {
  /** Devices revoked, with the first serial revoked. */
  readonly revoked = new Map<string, number>();
  private serial = 0;

  private constructor(
    readonly clinicId: string,
    private readonly signingKey: CryptoKey,
    readonly trustAnchor: Uint8Array,
  ) {}

  static async create(clinicId: string): Promise<TestClinicAuthority> {
    const keys = await generateDeviceKeyPair();
    return new TestClinicAuthority(clinicId, keys.privateKey, keys.publicKey);
  }

  /** Signs any body, right or wrong: a spec builds the certificates it needs, valid or not. */
  async sign(body: DeviceCertificateBody): Promise<Uint8Array> {
    const bodyBytes = encodeCertificateBody(body);
    return encodeDeviceCertificate(bodyBytes, await signerFor(this.signingKey)(bodyBytes));
  }

  async enroll(deviceId: string, overrides: Partial<DeviceCertificateBody> = {}): Promise<EnrolledDevice> {
    const keys = await generateDeviceKeyPair();
    return { clinicId: overrides.clinicId ?? this.clinicId, deviceId, keys, certificate: await this.certify(deviceId, keys.publicKey, overrides) };
  }

  /** A certificate of `publicKey` for `deviceId`, valid a year around testNowMs unless overridden. */
  certify(deviceId: string, publicKey: Uint8Array, overrides: Partial<DeviceCertificateBody> = {}): Promise<Uint8Array> {
    return this.sign({
      format: deviceCertificateFormat,
      clinicId: this.clinicId,
      deviceId,
      publicKey,
      notBeforeMs: testNowMs - 365 * dayMs,
      notAfterMs: testNowMs + 365 * dayMs,
      serial: ++this.serial,
      ...overrides,
    });
  }

  expectations(nowMs = testNowMs): Omit<CertificateExpectations, 'deviceId'> {
    return {
      clinicId: this.clinicId,
      trustAnchor: this.trustAnchor,
      nowMs,
      isRevoked: (deviceId, serial) => {
        const from = this.revoked.get(deviceId);
        return from !== undefined && serial >= from;
      },
    };
  }

  /** The identity a device of this clinic presents, judging peers by this authority's anchor. */
  identityOf(device: EnrolledDevice, nowMs = testNowMs): LocalIdentity {
    return {
      certificate: device.certificate,
      sign: signerFor(device.keys.privateKey),
      randomNonce: () => randomNonce(),
      checkSignature: webCryptoSignatureCheck(),
      expectations: () => this.expectations(nowMs),
    };
  }

  handshakeOf(device: EnrolledDevice, nowMs = testNowMs): (context: LinkContext) => LinkHandshake {
    const identity = this.identityOf(device, nowMs);
    return (context) => new LinkHandshake(context, identity);
  }
}
