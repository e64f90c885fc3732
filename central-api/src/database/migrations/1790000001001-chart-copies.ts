// Central's copy of each clinic's charts: how far the chart state machine has applied the stored log and the
// state hash there, occasional snapshots so a new API process does not replay from index 1, and the apply
// outcomes ops look at (rejected commands, conflicts). Migrations are history: never edited.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ChartCopies1790000001001 implements MigrationInterface {
  name = 'ChartCopies1790000001001';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Written in the ingest transaction, so applied_index always equals the clinic's acknowledged index.
    await queryRunner.query(`
      CREATE TABLE chart_copies (
        clinic_id uuid PRIMARY KEY REFERENCES clinics (id) ON DELETE RESTRICT,
        applied_index bigint NOT NULL CHECK (applied_index >= 0),
        state_hash text NOT NULL CHECK (state_hash ~ '^[0-9a-f]{32}$'),
        patients integer NOT NULL CHECK (patients >= 0),
        open_conflicts integer NOT NULL CHECK (open_conflicts >= 0),
        rejected_commands bigint NOT NULL DEFAULT 0 CHECK (rejected_commands >= 0),
        conflicting_commands bigint NOT NULL DEFAULT 0 CHECK (conflicting_commands >= 0),
        snapshot_index bigint NOT NULL DEFAULT 0 CHECK (snapshot_index >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The chart state machine's own snapshot bytes (large: tens of MB for a big clinic; TOAST compresses them).
    await queryRunner.query(`
      CREATE TABLE chart_snapshots (
        clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE RESTRICT,
        log_index bigint NOT NULL CHECK (log_index >= 1),
        state_hash text NOT NULL CHECK (state_hash ~ '^[0-9a-f]{32}$'),
        data bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (clinic_id, log_index)
      )`);
    await queryRunner.query(`
      CREATE TABLE chart_apply_outcomes (
        clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE RESTRICT,
        log_index bigint NOT NULL CHECK (log_index >= 1),
        outcome text NOT NULL CHECK (outcome IN ('rejected', 'conflict')),
        client_id text,
        sequence bigint,
        error_code text,
        error_field text,
        message text CHECK (char_length(message) <= 500),
        conflict_id text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (clinic_id, log_index),
        CHECK ((outcome = 'rejected') = (error_code IS NOT NULL)),
        CHECK ((outcome = 'conflict') = (conflict_id IS NOT NULL))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE chart_apply_outcomes');
    await queryRunner.query('DROP TABLE chart_snapshots');
    await queryRunner.query('DROP TABLE chart_copies');
  }
}
