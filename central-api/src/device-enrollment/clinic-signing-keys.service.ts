// A clinic's signing key, made on first need: the clinic's first enrollment code.
import { Injectable } from '@nestjs/common';
import { generateClinicSigningKey, signingKeyFromStored, type ClinicSigningKey } from './clinic-signing-key.js';
import { ClinicSigningKeysRepository } from './clinic-signing-keys.repository.js';

@Injectable()
export class ClinicSigningKeys {
  constructor(private readonly keys: ClinicSigningKeysRepository) {}

  /**
   * Read from the database every time rather than cached: enrollments are rare, and a key in memory could
   * outlive a rotation made by another process (later). The clinic must exist (a foreign key says so).
   */
  async keyFor(clinicId: string): Promise<ClinicSigningKey> {
    const stored = (await this.keys.find(clinicId)) ?? (await this.keys.findOrInsert(clinicId, generateClinicSigningKey()));
    return signingKeyFromStored(stored);
  }
}
