// A stored snapshot of a clinic's chart state machine at a log index: a row of `chart_snapshots`.
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../database/database-numbers.js';

@Entity({ name: 'chart_snapshots' })
export class ChartSnapshotEntity {
  @PrimaryColumn({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  @PrimaryColumn({ name: 'log_index', type: 'bigint', transformer: bigintColumn })
  logIndex!: number;

  @Column({ name: 'state_hash', type: 'text' })
  stateHash!: string;

  /** ChartStateMachine.snapshot() bytes. */
  @Column({ type: 'bytea' })
  data!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
