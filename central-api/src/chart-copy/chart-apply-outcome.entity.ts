// A committed command central's copy rejected, or that opened a conflict: a row of `chart_apply_outcomes`.
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../database/database-numbers.js';

@Entity({ name: 'chart_apply_outcomes' })
export class ChartApplyOutcomeEntity {
  @PrimaryColumn({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  @PrimaryColumn({ name: 'log_index', type: 'bigint', transformer: bigintColumn })
  logIndex!: number;

  @Column({ type: 'text' })
  outcome!: 'rejected' | 'conflict';

  @Column({ name: 'client_id', type: 'text', nullable: true })
  clientId!: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintColumn })
  sequence!: number | null;

  /** The state machine's error code, for a rejection. */
  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_field', type: 'text', nullable: true })
  errorField!: string | null;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  /** The conflict opened, for a conflict. */
  @Column({ name: 'conflict_id', type: 'text', nullable: true })
  conflictId!: string | null;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
