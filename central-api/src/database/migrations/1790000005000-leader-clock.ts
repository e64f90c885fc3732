// The clinic leader's clock as central last saw it: how far it was from central's at an upload, and when.
// Migrations are history: never edited.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LeaderClock1790000005000 implements MigrationInterface {
  name = 'LeaderClock1790000005000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Null until a leader reports its clock (leaders before this version did not).
    await queryRunner.query('ALTER TABLE clinic_sync_states ADD COLUMN leader_clock_skew_ms bigint, ADD COLUMN leader_clock_checked_at timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE clinic_sync_states DROP COLUMN leader_clock_checked_at, DROP COLUMN leader_clock_skew_ms');
  }
}
