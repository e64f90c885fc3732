// Reads and writes the stored admin token hash.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AdminCredentialEntity } from './admin-credential.entity.js';

const adminCredentialId = 1;

@Injectable()
export class AdminCredentialsRepository {
  constructor(@InjectRepository(AdminCredentialEntity) private readonly rows: Repository<AdminCredentialEntity>) {}

  async findTokenHash(): Promise<Buffer | undefined> {
    const row = await this.rows.findOneBy({ id: adminCredentialId });
    return row?.tokenHash;
  }

  /** False when a hash is already stored (another process started at the same moment): it is kept. */
  async insertTokenHashIfAbsent(tokenHash: Buffer): Promise<boolean> {
    const result = await this.rows
      .createQueryBuilder()
      .insert()
      .values({ id: adminCredentialId, tokenHash })
      .orIgnore()
      .returning('id')
      .execute();
    return result.raw.length > 0;
  }
}
