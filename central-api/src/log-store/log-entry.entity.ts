// One committed entry of a clinic's Raft log as stored: a row of `log_entries`. Written in bulk with SQL
// (log-entries.repository.ts); the entity documents the table for TypeORM.
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../database/database-numbers.js';
import type { EntryKind, MembershipChangeType } from './log-entry.js';

@Entity({ name: 'log_entries' })
export class LogEntryEntity {
  @PrimaryColumn({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  @PrimaryColumn({ name: 'log_index', type: 'bigint', transformer: bigintColumn })
  logIndex!: number;

  @Column({ type: 'bigint', transformer: bigintColumn })
  term!: number;

  @Column({ type: 'text' })
  kind!: EntryKind;

  /** Command bytes (MessagePack), for kind 'command' only. */
  @Column({ type: 'bytea', nullable: true })
  data!: Buffer | null;

  @Column({ name: 'change_type', type: 'text', nullable: true })
  changeType!: MembershipChangeType | null;

  @Column({ name: 'change_node_id', type: 'text', nullable: true })
  changeNodeId!: string | null;

  /** The clinic leader's clock when it appended the entry; null for entries uploaded without one. */
  @Column({ name: 'leader_time_ms', type: 'bigint', nullable: true, transformer: bigintColumn })
  leaderTimeMs!: number | null;
}
