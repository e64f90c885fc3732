// An entry a lease-policy clinic wrote under a stale chart lease epoch: a row of `lease_fencing_conflicts`.
// The entry stays in the clinic's log and in central's copy of that clinic; it is never exported to others.
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintColumn } from '../database/database-numbers.js';

@Entity({ name: 'lease_fencing_conflicts' })
export class LeaseFencingConflictEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  @Column({ name: 'log_index', type: 'bigint', transformer: bigintColumn })
  logIndex!: number;

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId!: string;

  /** The lease epoch the clinic's own copy held for the chart when the entry was applied (0: none). */
  @Column({ name: 'written_epoch', type: 'bigint', transformer: bigintColumn })
  writtenEpoch!: number;

  /** The chart's newest grant when the write was found stale: its epoch and holder. */
  @Column({ name: 'current_epoch', type: 'bigint', transformer: bigintColumn })
  currentEpoch!: number;

  @Column({ name: 'current_holder_clinic_id', type: 'uuid' })
  currentHolderClinicId!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  /** Null while open. */
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}
