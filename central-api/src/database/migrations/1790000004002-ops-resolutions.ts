// Ops resolve divergences and lease fencing conflicts with a note saying what they decided. Migrations are
// history: never edited.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OpsResolutions1790000004002 implements MigrationInterface {
  name = 'OpsResolutions1790000004002';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Set with resolved_at, never without it.
    await queryRunner.query('ALTER TABLE log_divergences ADD COLUMN resolution text, ADD CONSTRAINT log_divergences_resolution_check CHECK ((resolution IS NULL) = (resolved_at IS NULL))');
    await queryRunner.query('ALTER TABLE lease_fencing_conflicts ADD COLUMN resolution text, ADD CONSTRAINT lease_fencing_conflicts_resolution_check CHECK ((resolution IS NULL) = (resolved_at IS NULL))');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE lease_fencing_conflicts DROP CONSTRAINT lease_fencing_conflicts_resolution_check, DROP COLUMN resolution');
    await queryRunner.query('ALTER TABLE log_divergences DROP CONSTRAINT log_divergences_resolution_check, DROP COLUMN resolution');
  }
}
