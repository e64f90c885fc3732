// Each clinic's sync horizon (seed 5b): which other clinics' patients it pre-caches and how much history of
// each, what it has downloaded of it, and where each patient was registered (a pre-cache starts with the
// registration). Migrations are history: never edited (this one is not yet released).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SyncHorizons1790000006000 implements MigrationInterface {
  name = 'SyncHorizons1790000006000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // No row: the default horizon (no other clinic's patients, whole histories). `revision` grows with every
    // change an admin makes; `filled_revision` is the revision whose download central finished queueing.
    await queryRunner.query(`
      CREATE TABLE sync_horizons (
        clinic_id uuid PRIMARY KEY REFERENCES clinics (id) ON DELETE RESTRICT,
        from_clinic_ids uuid[] NOT NULL,
        registered_there boolean NOT NULL,
        seen_within_days integer NOT NULL CHECK (seen_within_days >= 0),
        appointments_within_days integer NOT NULL CHECK (appointments_within_days >= 0),
        encounters_years smallint NOT NULL CHECK (encounters_years BETWEEN 1 AND 6),
        labs_years smallint NOT NULL CHECK (labs_years BETWEEN 1 AND 6),
        prescriptions_years smallint NOT NULL CHECK (prescriptions_years BETWEEN 1 AND 6),
        revision integer NOT NULL CHECK (revision >= 1),
        filled_revision integer NOT NULL DEFAULT 0 CHECK (filled_revision <= revision),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The download of one revision: how many patients it brings, and for each one queued so far the feed
    // sequence of its last item (a leader that decided the feed through s holds every patient ending <= s).
    await queryRunner.query(`
      CREATE TABLE horizon_fills (
        clinic_id uuid PRIMARY KEY REFERENCES clinics (id) ON DELETE RESTRICT,
        revision integer NOT NULL,
        patients_total integer NOT NULL CHECK (patients_total >= 0),
        patient_end_sequences bigint[] NOT NULL DEFAULT '{}',
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    // Written by the chart copy's projection: the first registration of each patient central sees (a clinic's
    // own, or central's for a clinic), never an import of another clinic's.
    await queryRunner.query(`
      CREATE TABLE patient_registrations (
        patient_id uuid PRIMARY KEY,
        clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE RESTRICT,
        log_index bigint NOT NULL CHECK (log_index >= 1)
      )`);
    await queryRunner.query('CREATE INDEX patient_registrations_clinic_idx ON patient_registrations (clinic_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE patient_registrations');
    await queryRunner.query('DROP TABLE horizon_fills');
    await queryRunner.query('DROP TABLE sync_horizons');
  }
}
