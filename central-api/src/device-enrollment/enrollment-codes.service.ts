// Issuing enrollment codes: an admin names a device to come, and gets the one-time code it enrolls with.
import { Injectable, NotFoundException } from '@nestjs/common';
import { enrollmentLimits, formatEnrollmentCode } from '../../../leader-worker/src/device-identity/enrollment-protocol.js';
import { ClinicsRepository } from '../clinics/clinics.repository.js';
import { ClinicSigningKeys } from './clinic-signing-keys.service.js';
import type { CreateEnrollmentCodeRequest } from './dto/create-enrollment-code.request.js';
import type { EnrollmentCodeIssuedResponse } from './dto/enrollment.responses.js';
import { generateEnrollmentCode, hashEnrollmentCode } from './enrollment-code.js';
import { EnrollmentCodesRepository } from './enrollment-codes.repository.js';

@Injectable()
export class EnrollmentCodesService {
  constructor(
    private readonly clinics: ClinicsRepository,
    private readonly codes: EnrollmentCodesRepository,
    private readonly signingKeys: ClinicSigningKeys,
  ) {}

  /** The code leaves the server in this answer only, shown grouped (XXXX-XXXX-XXXX); the database keeps its hash. */
  async issue(clinicId: string, request: CreateEnrollmentCodeRequest): Promise<EnrollmentCodeIssuedResponse> {
    const clinic = await this.clinics.findById(clinicId);
    if (clinic === undefined) throw new NotFoundException(`Clinic ${clinicId} does not exist`);
    // The clinic's first code is its signing key's first need: made now, by an accepted request, rather than
    // by an enrollment that may yet be refused.
    await this.signingKeys.keyFor(clinic.id);
    const code = generateEnrollmentCode();
    const name = request.name.trim();
    const expiresAt = await this.codes.insert({ codeHash: hashEnrollmentCode(code), clinicId: clinic.id, deviceName: name, validityMs: enrollmentLimits.codeValidityMs });
    return { code: formatEnrollmentCode(code), clinicId: clinic.id, name, expiresAt: expiresAt.toISOString() };
  }
}
