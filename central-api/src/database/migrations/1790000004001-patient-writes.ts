// The exported writes to each patient's chart, by patient: when a clinic starts holding a patient, central sends
// it what other clinics wrote to that chart before (the patient's history), not only what they write from then
// on. Migrations are history: never edited.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PatientWrites1790000004001 implements MigrationInterface {
  name = 'PatientWrites1790000004001';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Written by the chart copy's projection with the export; the entry itself stays in log_entries.
    // write_order: the order exports happened in, across clinics. A history is sent in it, since a clinic's write
    // can depend on another's (a dispense of a prescription imported from elsewhere).
    await queryRunner.query(`
      CREATE TABLE patient_writes (
        patient_id uuid NOT NULL,
        clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE RESTRICT,
        log_index bigint NOT NULL CHECK (log_index >= 1),
        write_order bigint GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (patient_id, clinic_id, log_index)
      )`);
    await queryRunner.query('CREATE INDEX patient_writes_history_idx ON patient_writes (patient_id, write_order)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE patient_writes');
  }
}
