// Reads and creates the one secret PeerServer tokens are derived from (table `signaling_secrets`).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

const signalingSecretId = 1;

@Injectable()
export class SignalingSecretRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores `candidate` unless a secret exists (another process got there first), and returns the stored one. */
  async findOrInsert(candidate: Buffer): Promise<Buffer> {
    await this.dataSource.query('INSERT INTO signaling_secrets (id, secret) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [signalingSecretId, candidate]);
    const rows: { secret: Buffer }[] = await this.dataSource.query('SELECT secret FROM signaling_secrets WHERE id = $1', [signalingSecretId]);
    const secret = rows[0]?.secret;
    if (secret === undefined) throw new Error('the signaling secret was inserted but cannot be read');
    return secret;
  }
}
