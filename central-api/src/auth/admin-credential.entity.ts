// The stored hash of a generated admin token: the single row of `admin_credentials`.
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'admin_credentials' })
export class AdminCredentialEntity {
  /** Always 1: there is one admin token. */
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
