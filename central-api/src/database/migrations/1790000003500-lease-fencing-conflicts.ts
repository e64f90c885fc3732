// Lease fencing at ingest: entries a lease-policy clinic wrote under a stale chart lease epoch. They stay in the
// clinic's log (it is the clinic's truth) and in central's copy of that clinic, but are recorded here for ops
// and marked on the log so they are never exported to other clinics. Migrations are history: never edited.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LeaseFencingConflicts1790000003500 implements MigrationInterface {
  name = 'LeaseFencingConflicts1790000003500';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A constant default: PostgreSQL adds the column without rewriting the table.
    await queryRunner.query('ALTER TABLE log_entries ADD COLUMN fenced boolean NOT NULL DEFAULT false');
    // One row per fenced entry, written by the chart copy's projection in the transaction that records its
    // progress past the entry. current_*: the chart's newest grant when the write was found stale.
    await queryRunner.query(`
      CREATE TABLE lease_fencing_conflicts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE RESTRICT,
        log_index bigint NOT NULL CHECK (log_index >= 1),
        patient_id uuid NOT NULL,
        written_epoch bigint NOT NULL CHECK (written_epoch >= 0),
        current_epoch bigint NOT NULL CHECK (current_epoch > written_epoch),
        current_holder_clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE RESTRICT,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        CONSTRAINT lease_fencing_conflicts_entry_key UNIQUE (clinic_id, log_index)
      )`);
    await queryRunner.query('CREATE INDEX lease_fencing_conflicts_open_idx ON lease_fencing_conflicts (clinic_id) WHERE resolved_at IS NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE lease_fencing_conflicts');
    await queryRunner.query('ALTER TABLE log_entries DROP COLUMN fenced');
  }
}
