// One item of a clinic's downstream feed as stored: a row of `feed_items`.
import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type { FeedKind } from './feed-limits.js';

/** bigint arrives from pg as a string; sequences stay far below 2^53. */
const bigintToNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity({ name: 'feed_items' })
export class FeedItemEntity {
  @PrimaryColumn({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  /** 1, 2, 3, ... per clinic, without gaps, in commit order. */
  @PrimaryColumn({ type: 'bigint', transformer: bigintToNumber })
  sequence!: number;

  @Column({ type: 'text' })
  kind!: FeedKind;

  /** The producer's id for what it sent (the lab result's, the patient's): its retries find this item. */
  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  /** A chart command envelope the clinic leader proposes as it is (see feed-envelopes.ts). */
  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
