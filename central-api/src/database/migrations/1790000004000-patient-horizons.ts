// Which clinics hold which patients, so a change one clinic makes to a patient's chart reaches every other
// clinic holding that patient through its downstream feed (kind 'chartChange'). Migrations are history: never edited.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PatientHorizons1790000004000 implements MigrationInterface {
  name = 'PatientHorizons1790000004000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A row per (clinic, patient) whose chart the clinic's log has written to (its own registration, an
    // import from the feed, any record): written by the chart copy's projection, never removed.
    await queryRunner.query(`
      CREATE TABLE patient_horizons (
        clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE RESTRICT,
        patient_id uuid NOT NULL,
        since timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (clinic_id, patient_id)
      )`);
    // The export asks "who else holds these patients?".
    await queryRunner.query('CREATE INDEX patient_horizons_patient_idx ON patient_horizons (patient_id)');
    await queryRunner.query('ALTER TABLE feed_items DROP CONSTRAINT feed_items_kind_check');
    await queryRunner.query(`ALTER TABLE feed_items ADD CONSTRAINT feed_items_kind_check CHECK (kind IN ('labResult', 'centralRegistration', 'chartChange'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM feed_items WHERE kind = 'chartChange'`);
    await queryRunner.query('ALTER TABLE feed_items DROP CONSTRAINT feed_items_kind_check');
    await queryRunner.query(`ALTER TABLE feed_items ADD CONSTRAINT feed_items_kind_check CHECK (kind IN ('labResult', 'centralRegistration'))`);
    await queryRunner.query('DROP TABLE patient_horizons');
  }
}
