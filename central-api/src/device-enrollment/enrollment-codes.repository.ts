// Stores enrollment codes (table enrollment_codes), by their hash only. Validity is measured by PostgreSQL's
// clock, like the code's use (enrollments.repository.ts), so every API process agrees on when a code expires.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface NewEnrollmentCode {
  readonly codeHash: Buffer;
  readonly clinicId: string;
  readonly deviceName: string;
  readonly validityMs: number;
}

@Injectable()
export class EnrollmentCodesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Returns when the code expires. Two codes with one hash would be a primary key violation (a 500): with
   * 60 random bits, a clinic's few codes meet one another with odds below one in 10^15.
   */
  async insert(code: NewEnrollmentCode): Promise<Date> {
    const rows: { expires_at: Date }[] = await this.dataSource.query(
      `INSERT INTO enrollment_codes (code_hash, clinic_id, device_name, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at`,
      [code.codeHash, code.clinicId, code.deviceName, code.validityMs / 1000],
    );
    const expiresAt = rows[0]?.expires_at;
    if (expiresAt === undefined) throw new Error('the enrollment code was inserted but returned no row');
    return expiresAt;
  }

  /** The clinic a code is of, used or not, or undefined for no such code. */
  async clinicOf(codeHash: Buffer): Promise<string | undefined> {
    const rows: { clinic_id: string }[] = await this.dataSource.query('SELECT clinic_id FROM enrollment_codes WHERE code_hash = $1', [codeHash]);
    return rows[0]?.clinic_id;
  }
}
