// Reads and creates each clinic's signing key (table clinic_signing_keys). The private key is stored
// unencrypted, as PKCS#8, until encryption at rest arrives (a later issue): whoever reads this table or a
// backup of it can sign certificates that every device of the clinic accepts.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { StoredSigningKey } from './clinic-signing-key.js';

interface SigningKeyRow {
  readonly private_key: Buffer;
  readonly public_key: Buffer;
}

@Injectable()
export class ClinicSigningKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(clinicId: string): Promise<StoredSigningKey | undefined> {
    const rows: SigningKeyRow[] = await this.dataSource.query('SELECT private_key, public_key FROM clinic_signing_keys WHERE clinic_id = $1', [clinicId]);
    const row = rows[0];
    return row === undefined ? undefined : { privateKey: row.private_key, publicKey: row.public_key };
  }

  /**
   * Stores `candidate` unless the clinic has a key (another process got there first), and returns the stored
   * one: two processes making a clinic's first key at once agree on one, and no certificate is ever signed
   * with a key that was not kept.
   */
  async findOrInsert(clinicId: string, candidate: StoredSigningKey): Promise<StoredSigningKey> {
    await this.dataSource.query(
      'INSERT INTO clinic_signing_keys (clinic_id, private_key, public_key) VALUES ($1, $2, $3) ON CONFLICT (clinic_id) DO NOTHING',
      [clinicId, candidate.privateKey, candidate.publicKey],
    );
    const stored = await this.find(clinicId);
    if (stored === undefined) throw new Error(`the signing key of clinic ${clinicId} was inserted but cannot be read`);
    return stored;
  }
}
