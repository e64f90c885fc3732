// Enrollment with a code: a device sends the code it was given and its public key, and gets everything it
// needs to work for years without central: its ids and API credential, its certificate, the clinic's trust
// anchor, and its PeerJS id and token. The private key never leaves the device. Expected refusals are typed
// outcomes, mapped to HTTP in one switch.
import { BadRequestException, ConflictException, GoneException, Injectable, NotFoundException } from '@nestjs/common';
import { enrollmentCodeAlphabet, enrollmentLimits, normalizeEnrollmentCode } from '../../../leader-worker/src/device-identity/enrollment-protocol.js';
import { generateCredential, hashCredential } from '../auth/credentials.js';
import { clinicLimits } from '../clinics/clinic-limits.js';
import { PeerTokens } from '../signaling/peer-tokens.service.js';
import { issueDeviceCertificate } from './certificate-issuer.js';
import { ClinicSigningKeys } from './clinic-signing-keys.service.js';
import { readDevicePublicKey } from './device-public-key.js';
import type { EnrollWithCodeRequest } from './dto/enroll-with-code.request.js';
import type { DeviceEnrolledResponse } from './dto/enrollment.responses.js';
import { hashEnrollmentCode } from './enrollment-code.js';
import { EnrollmentCodesRepository } from './enrollment-codes.repository.js';
import { toDeviceEnrolled } from './enrollment-mapping.js';
import { enrollmentSettings } from './enrollment-settings.js';
import { EnrollmentsRepository } from './enrollments.repository.js';

const codeValidityDays = enrollmentLimits.codeValidityMs / 86_400_000;

@Injectable()
export class EnrollmentsService {
  constructor(
    private readonly codes: EnrollmentCodesRepository,
    private readonly enrollments: EnrollmentsRepository,
    private readonly signingKeys: ClinicSigningKeys,
    private readonly peerTokens: PeerTokens,
  ) {}

  async enroll(request: EnrollWithCodeRequest): Promise<DeviceEnrolledResponse> {
    const code = normalizeEnrollmentCode(request.code);
    if (code === null) {
      throw new BadRequestException(
        `code is not an enrollment code: one has ${enrollmentLimits.codeCharacters} characters of ${enrollmentCodeAlphabet} (shown as XXXX-XXXX-XXXX); check what was typed`,
      );
    }
    const publicKey = readDevicePublicKey(request.publicKey);
    if (!publicKey.ok) throw new BadRequestException(publicKey.reason);
    const codeHash = hashEnrollmentCode(code);
    const clinicId = await this.codes.clinicOf(codeHash);
    if (clinicId === undefined) throw codeUnknown();
    // Made with the clinic's first code (enrollment-codes.service.ts), so found here; read before the code is
    // used, outside its transaction, so a certificate is only ever signed with a key that is kept.
    const signingKey = await this.signingKeys.keyFor(clinicId);
    const credential = generateCredential('device');
    const serial = enrollmentSettings.firstCertificateSerial;
    const outcome = await this.enrollments.enrollWithCode(
      { codeHash, credentialHash: hashCredential(credential), publicKey: publicKey.spki, certificateSerial: serial },
      clinicLimits.devicesPerClinicMax,
    );
    switch (outcome.kind) {
      case 'enrolled': {
        const { device } = outcome;
        const certificate = issueDeviceCertificate({ clinicId: device.clinicId, deviceId: device.id, publicKey: publicKey.spki, serial, nowMs: Date.now() }, signingKey.privateKey);
        const peer = await this.peerTokens.credentialsFor({ kind: 'device', clinicId: device.clinicId, deviceId: device.id });
        return toDeviceEnrolled({ device, credential, certificate, trustAnchor: signingKey.publicKey, peer });
      }
      case 'code-unknown':
        throw codeUnknown();
      case 'code-used':
        throw new GoneException('This enrollment code was used already (a code enrolls one device): ask your admin for a new code');
      case 'code-expired':
        throw new GoneException(`This enrollment code has expired (a code lasts ${codeValidityDays} days): ask your admin for a new code`);
      case 'clinic-full':
        throw new ConflictException(
          `Clinic ${outcome.clinicId} already has ${clinicLimits.devicesPerClinicMax} devices, the most allowed; the code was not used, and still works once the clinic has room`,
        );
    }
  }
}

function codeUnknown(): NotFoundException {
  return new NotFoundException('No such enrollment code: check what was typed, or ask your admin for a new code');
}
