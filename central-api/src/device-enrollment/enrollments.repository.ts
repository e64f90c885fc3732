// Enrollment with a code, in one transaction: the code is used (at most once, whichever API processes race for
// it) and the device added, or neither. The code is used first, by a single UPDATE whose condition is the
// rule (unused, unexpired): two racing uses queue on the code's row and the second finds it used. Adding the
// device may still be refused (a full clinic): the transaction is then rolled back, and the code is usable again.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
import type { DeviceEntity } from '../clinics/device.entity.js';
import { DevicesRepository } from '../clinics/devices.repository.js';

export interface CodeEnrollment {
  readonly codeHash: Buffer;
  readonly credentialHash: Buffer;
  /** SPKI. */
  readonly publicKey: Buffer;
  readonly certificateSerial: number;
}

/** Expected outcomes; only a broken database throws. */
export type CodeEnrollmentOutcome =
  | { readonly kind: 'enrolled'; readonly device: DeviceEntity }
  | { readonly kind: 'code-unknown' }
  | { readonly kind: 'code-used' }
  | { readonly kind: 'code-expired' }
  | { readonly kind: 'clinic-full'; readonly clinicId: string };

interface UsedCodeRow {
  readonly clinic_id: string;
  readonly device_name: string;
}

@Injectable()
export class EnrollmentsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly devices: DevicesRepository,
  ) {}

  async enrollWithCode(enrollment: CodeEnrollment, devicesMax: number): Promise<CodeEnrollmentOutcome> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const outcome = await this.useCodeAndEnroll(runner, enrollment, devicesMax);
      // Only an enrollment keeps what it changed: a refused one leaves the code as it was.
      if (outcome.kind === 'enrolled') await runner.commitTransaction();
      else await runner.rollbackTransaction();
      return outcome;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async useCodeAndEnroll(runner: QueryRunner, enrollment: CodeEnrollment, devicesMax: number): Promise<CodeEnrollmentOutcome> {
    const used = await runner.query(
      `UPDATE enrollment_codes SET used_at = now()
       WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now()
       RETURNING clinic_id, device_name`,
      [enrollment.codeHash],
      true,
    );
    const code = (used.records as UsedCodeRow[])[0];
    if (code === undefined) return this.whyUnusable(runner, enrollment.codeHash);
    const added = await this.devices.enrollIn(
      runner.manager,
      {
        clinicId: code.clinic_id,
        name: code.device_name,
        credentialHash: enrollment.credentialHash,
        certificate: { publicKey: enrollment.publicKey, serial: enrollment.certificateSerial },
      },
      devicesMax,
    );
    switch (added.kind) {
      case 'enrolled':
        await runner.query('UPDATE enrollment_codes SET device_id = $2 WHERE code_hash = $1', [enrollment.codeHash, added.device.id]);
        return added;
      case 'clinic-full':
        return { kind: 'clinic-full', clinicId: code.clinic_id };
      case 'clinic-not-found':
        // enrollment_codes.clinic_id references clinics, and clinics are never deleted (ON DELETE RESTRICT).
        throw new Error(`enrollment code of clinic ${code.clinic_id}, which does not exist`);
    }
  }

  /** Why the UPDATE used no code: there is none, or it was used (a racing use may just have), or it expired. */
  private async whyUnusable(runner: QueryRunner, codeHash: Buffer): Promise<CodeEnrollmentOutcome> {
    const rows: { used: boolean }[] = await runner.query('SELECT used_at IS NOT NULL AS used FROM enrollment_codes WHERE code_hash = $1', [codeHash]);
    const row = rows[0];
    if (row === undefined) return { kind: 'code-unknown' };
    return row.used ? { kind: 'code-used' } : { kind: 'code-expired' };
  }
}
