// The clinic leader's clock: the time it stamped on each entry it appended (the clinic's time), and how far it
// was from central's at the last upload. Migrations are history: never edited (this one is not yet released).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LeaderClock1790000005000 implements MigrationInterface {
  name = 'LeaderClock1790000005000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Null until a leader reports its clock (leaders before this version did not).
    await queryRunner.query('ALTER TABLE clinic_sync_states ADD COLUMN leader_clock_skew_ms bigint, ADD COLUMN leader_clock_checked_at timestamptz');
    // Null for entries uploaded before leaders stamped them.
    await queryRunner.query('ALTER TABLE log_entries ADD COLUMN leader_time_ms bigint CHECK (leader_time_ms >= 0)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE log_entries DROP COLUMN leader_time_ms');
    await queryRunner.query('ALTER TABLE clinic_sync_states DROP COLUMN leader_clock_checked_at, DROP COLUMN leader_clock_skew_ms');
  }
}
