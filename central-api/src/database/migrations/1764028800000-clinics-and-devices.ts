// Clinics and their enrolled devices. Migrations are history: their SQL never changes once shipped, and the
// numbers in it are written out rather than imported from limits that may change later.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ClinicsAndDevices1764028800000 implements MigrationInterface {
  name = 'ClinicsAndDevices1764028800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE clinics (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        chart_policy text NOT NULL CHECK (chart_policy IN ('lease', 'merge')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A credential is 32 random bytes shown once; only its SHA-256 is kept, and looked up on every device call.
    await queryRunner.query(`
      CREATE TABLE devices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE RESTRICT,
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
        credential_hash bytea NOT NULL CHECK (octet_length(credential_hash) = 32),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX devices_credential_hash_key ON devices (credential_hash)');
    await queryRunner.query('CREATE INDEX devices_clinic_id_idx ON devices (clinic_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE devices');
    await queryRunner.query('DROP TABLE clinics');
  }
}
