// An uploaded entry that differed from the one central holds at its index: a row of `log_divergences`.
// The upload was refused; the row is for ops, who decide what went wrong (a device's corrupted log, a bug).
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintColumn } from '../database/database-numbers.js';
import type { EntryKind } from '../log-store/log-entry.js';

@Entity({ name: 'log_divergences' })
export class LogDivergenceEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  @Column({ name: 'log_index', type: 'bigint', transformer: bigintColumn })
  logIndex!: number;

  @Column({ name: 'stored_term', type: 'bigint', transformer: bigintColumn })
  storedTerm!: number;

  @Column({ name: 'stored_kind', type: 'text' })
  storedKind!: EntryKind;

  /** SHA-256 of the stored payload (see payloadDigest). */
  @Column({ name: 'stored_digest', type: 'bytea' })
  storedDigest!: Buffer;

  @Column({ name: 'received_term', type: 'bigint', transformer: bigintColumn })
  receivedTerm!: number;

  @Column({ name: 'received_kind', type: 'text' })
  receivedKind!: EntryKind;

  @Column({ name: 'received_digest', type: 'bytea' })
  receivedDigest!: Buffer;

  /** The device that uploaded the differing entry. */
  @Column({ name: 'device_id', type: 'uuid', nullable: true })
  deviceId!: string | null;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  /** How many uploads brought this same differing entry (a leader retries). */
  @Column({ type: 'integer' })
  occurrences!: number;

  /** Null while open. */
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}
