// How far central holds a clinic's log and who uploaded last: a row of `clinic_sync_states`. The row is also
// the lock every upload of the clinic takes, so two leaders (an old and a new one) never interleave.
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../database/database-numbers.js';

@Entity({ name: 'clinic_sync_states' })
export class ClinicSyncStateEntity {
  @PrimaryColumn({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  // Invariant: every entry 1..acknowledgedIndex is stored, and no entry past it.
  @Column({ name: 'acknowledged_index', type: 'bigint', transformer: bigintColumn })
  acknowledgedIndex!: number;

  /** The device that made the last upload: the clinic's leader then. */
  @Column({ name: 'leader_device_id', type: 'uuid', nullable: true })
  leaderDeviceId!: string | null;

  /** The commit index the leader reported with its last upload (null when it did not say). */
  @Column({ name: 'leader_commit_index', type: 'bigint', nullable: true, transformer: bigintColumn })
  leaderCommitIndex!: number | null;

  @Column({ name: 'last_upload_at', type: 'timestamptz', nullable: true })
  lastUploadAt!: Date | null;

  /** The leader's clock minus central's at the last upload that reported it (null: none did). */
  @Column({ name: 'leader_clock_skew_ms', type: 'bigint', nullable: true, transformer: bigintColumn })
  leaderClockSkewMs!: number | null;

  @Column({ name: 'leader_clock_checked_at', type: 'timestamptz', nullable: true })
  leaderClockCheckedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
