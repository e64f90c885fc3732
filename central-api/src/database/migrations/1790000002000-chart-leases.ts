// Chart lockout leases. One row per grant in `chart_leases`; one head row per patient in `chart_lease_heads`
// holds the patient's fencing epoch and current lease, and is the row every grant, renewal and release of
// that patient's chart locks (SELECT ... FOR UPDATE), so they happen one at a time per chart.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ChartLeases1790000002000 implements MigrationInterface {
  name = 'ChartLeases1790000002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // No foreign key on patient_id: patients are registered at the clinics, and central may not have their
    // registration yet when a lease is asked for.
    await queryRunner.query(`
      CREATE TABLE chart_leases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        patient_id uuid NOT NULL,
        clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE RESTRICT,
        epoch bigint NOT NULL CHECK (epoch > 0),
        granted_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL CHECK (expires_at > granted_at),
        released_at timestamptz,
        CONSTRAINT chart_leases_patient_epoch_key UNIQUE (patient_id, epoch)
      )`);
    await queryRunner.query('CREATE INDEX chart_leases_clinic_granted_idx ON chart_leases (clinic_id, granted_at DESC)');
    await queryRunner.query('CREATE INDEX chart_leases_unreleased_expiry_idx ON chart_leases (expires_at) WHERE released_at IS NULL');
    await queryRunner.query(`
      CREATE TABLE chart_lease_heads (
        patient_id uuid PRIMARY KEY,
        last_epoch bigint NOT NULL DEFAULT 0 CHECK (last_epoch >= 0),
        current_lease_id uuid REFERENCES chart_leases (id) ON DELETE RESTRICT,
        CONSTRAINT chart_lease_heads_current_check CHECK ((last_epoch = 0) = (current_lease_id IS NULL))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE chart_lease_heads');
    await queryRunner.query('DROP TABLE chart_leases');
  }
}
