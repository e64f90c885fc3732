// Central's copy of one clinic's charts: a row of `chart_copies`, written by the copy's projection (it catches
// up from the stored log after uploads; its row lock makes projections of a clinic take turns).
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintColumn } from '../database/database-numbers.js';

@Entity({ name: 'chart_copies' })
export class ChartCopyEntity {
  @PrimaryColumn({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  // Invariant: at most the clinic's acknowledged index (the copy may trail the stored log, never lead it).
  @Column({ name: 'applied_index', type: 'bigint', transformer: bigintColumn })
  appliedIndex!: number;

  /** The chart state machine's state hash there: equal to every device's that applied the same log. */
  @Column({ name: 'state_hash', type: 'text' })
  stateHash!: string;

  @Column({ type: 'integer' })
  patients!: number;

  @Column({ name: 'open_conflicts', type: 'integer' })
  openConflicts!: number;

  @Column({ name: 'rejected_commands', type: 'bigint', transformer: bigintColumn })
  rejectedCommands!: number;

  @Column({ name: 'conflicting_commands', type: 'bigint', transformer: bigintColumn })
  conflictingCommands!: number;

  /** The log index of the newest stored snapshot (0: none). */
  @Column({ name: 'snapshot_index', type: 'bigint', transformer: bigintColumn })
  snapshotIndex!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
