// The downstream feed: what each clinic must import into its log (lab results, central registrations), in
// order. `feed_heads` holds each clinic's last sequence and is locked by every append, so a clinic's items
// commit in sequence order with no gaps: a reader that has seen item n never misses an item below n.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DownstreamFeed1790000002001 implements MigrationInterface {
  name = 'DownstreamFeed1790000002001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE feed_heads (
        clinic_id uuid PRIMARY KEY REFERENCES clinics (id) ON DELETE RESTRICT,
        last_sequence bigint NOT NULL DEFAULT 0 CHECK (last_sequence >= 0)
      )`);
    // subject_id is the id the producer chose (a lab result's, a registered patient's): a producer's retry
    // finds the item it already added instead of adding a second one.
    await queryRunner.query(`
      CREATE TABLE feed_items (
        clinic_id uuid NOT NULL REFERENCES feed_heads (clinic_id) ON DELETE RESTRICT,
        sequence bigint NOT NULL CHECK (sequence > 0),
        kind text NOT NULL CHECK (kind IN ('labResult', 'centralRegistration')),
        subject_id uuid NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (clinic_id, sequence),
        CONSTRAINT feed_items_subject_key UNIQUE (clinic_id, kind, subject_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE feed_items');
    await queryRunner.query('DROP TABLE feed_heads');
  }
}
