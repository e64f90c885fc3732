// An enrolled device as stored: one row of `devices`. The credential itself is never stored, only its hash.
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'devices' })
export class DeviceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  @Column({ type: 'text' })
  name!: string;

  /** SHA-256 of the device's credential (32 bytes). */
  @Column({ name: 'credential_hash', type: 'bytea' })
  credentialHash!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  /** The device's ECDSA P-256 public key (SPKI) its certificate names; null for a device enrolled with a credential only. */
  @Column({ name: 'public_key', type: 'bytea', nullable: true })
  publicKey!: Buffer | null;

  /** The serial of the device's latest certificate (a revocation names it); null exactly when `publicKey` is. */
  @Column({ name: 'certificate_serial', type: 'integer', nullable: true })
  certificateSerial!: number | null;

  /** When an admin revoked the device (its credential no longer works; its clinic refuses its links); null: not revoked. */
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** Why, as the admin said; null exactly when `revokedAt` is. */
  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason!: string | null;
}
