// Device enrollment with device certificates: each clinic's signing key (central is a small certificate
// authority per clinic), the one-time enrollment codes an admin hands out, and on each device the public key
// its certificate names and that certificate's serial. Migrations are history: never edited.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeviceEnrollment1790000007000 implements MigrationInterface {
  name = 'DeviceEnrollment1790000007000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One ECDSA P-256 key per clinic, made by the first API process that needs it. The private key (PKCS#8)
    // is stored unencrypted until encryption at rest arrives (a later issue): whoever reads this table can
    // sign certificates for every clinic.
    await queryRunner.query(`
      CREATE TABLE clinic_signing_keys (
        clinic_id uuid PRIMARY KEY REFERENCES clinics (id) ON DELETE RESTRICT,
        private_key bytea NOT NULL CHECK (octet_length(private_key) BETWEEN 1 AND 512),
        public_key bytea NOT NULL CHECK (octet_length(public_key) BETWEEN 1 AND 256),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A code is a credential shown once: only its SHA-256 is kept. It is used at most once (used_at), and
    // names the device it enrolled.
    await queryRunner.query(`
      CREATE TABLE enrollment_codes (
        code_hash bytea PRIMARY KEY CHECK (octet_length(code_hash) = 32),
        clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE RESTRICT,
        device_name text NOT NULL CHECK (char_length(device_name) BETWEEN 1 AND 100),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
        used_at timestamptz,
        device_id uuid REFERENCES devices (id) ON DELETE RESTRICT,
        CONSTRAINT enrollment_codes_device_used_check CHECK (device_id IS NULL OR used_at IS NOT NULL)
      )`);
    await queryRunner.query('CREATE INDEX enrollment_codes_clinic_id_idx ON enrollment_codes (clinic_id)');
    // Devices enrolled with a bearer credential only (POST /api/clinics/:clinicId/devices) have neither.
    await queryRunner.query(`
      ALTER TABLE devices
        ADD COLUMN public_key bytea CHECK (octet_length(public_key) BETWEEN 1 AND 256),
        ADD COLUMN certificate_serial integer CHECK (certificate_serial >= 1),
        ADD CONSTRAINT devices_certificate_check CHECK ((public_key IS NULL) = (certificate_serial IS NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE devices DROP CONSTRAINT devices_certificate_check, DROP COLUMN certificate_serial, DROP COLUMN public_key');
    await queryRunner.query('DROP TABLE enrollment_codes');
    await queryRunner.query('DROP TABLE clinic_signing_keys');
  }
}
