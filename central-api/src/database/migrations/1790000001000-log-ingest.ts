// The clinics' committed Raft logs as central stores them, the per-clinic upload state whose row is the lock
// that serializes uploads, and the divergences refused for ops. Migrations are history: never edited.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LogIngest1790000001000 implements MigrationInterface {
  name = 'LogIngest1790000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per clinic that ever uploaded. Every upload locks it (SELECT ... FOR UPDATE) for its transaction.
    await queryRunner.query(`
      CREATE TABLE clinic_sync_states (
        clinic_id uuid PRIMARY KEY REFERENCES clinics (id) ON DELETE RESTRICT,
        acknowledged_index bigint NOT NULL DEFAULT 0 CHECK (acknowledged_index >= 0),
        leader_device_id uuid REFERENCES devices (id) ON DELETE SET NULL,
        leader_commit_index bigint CHECK (leader_commit_index >= 0),
        last_upload_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Entry payloads exactly as committed: command bytes (MessagePack), or a membership change. No foreign key
    // to the clinic: entries are only written under the lock of the clinic's clinic_sync_states row, which has
    // one, and a per-row check would cost an index probe per entry on the hottest insert of the API.
    await queryRunner.query(`
      CREATE TABLE log_entries (
        clinic_id uuid NOT NULL,
        log_index bigint NOT NULL CHECK (log_index >= 1),
        term bigint NOT NULL CHECK (term >= 1),
        kind text NOT NULL CHECK (kind IN ('noop', 'command', 'membership')),
        data bytea,
        change_type text CHECK (change_type IN ('addLearner', 'addVoter', 'removeNode')),
        change_node_id text CHECK (char_length(change_node_id) BETWEEN 1 AND 200),
        PRIMARY KEY (clinic_id, log_index),
        CHECK ((kind = 'command') = (data IS NOT NULL)),
        CHECK ((kind = 'membership') = (change_type IS NOT NULL AND change_node_id IS NOT NULL))
      )`);
    // An upload whose entry differs from the stored one at the same index: refused, kept here for ops. A leader
    // retrying the same batch bumps `occurrences` instead of adding rows.
    await queryRunner.query(`
      CREATE TABLE log_divergences (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE RESTRICT,
        log_index bigint NOT NULL CHECK (log_index >= 1),
        stored_term bigint NOT NULL,
        stored_kind text NOT NULL,
        stored_digest bytea NOT NULL CHECK (octet_length(stored_digest) = 32),
        received_term bigint NOT NULL,
        received_kind text NOT NULL,
        received_digest bytea NOT NULL CHECK (octet_length(received_digest) = 32),
        device_id uuid REFERENCES devices (id) ON DELETE SET NULL,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        occurrences integer NOT NULL DEFAULT 1 CHECK (occurrences >= 1),
        resolved_at timestamptz
      )`);
    await queryRunner.query(
      'CREATE UNIQUE INDEX log_divergences_same_key ON log_divergences (clinic_id, log_index, received_term, received_digest)',
    );
    await queryRunner.query('CREATE INDEX log_divergences_open_idx ON log_divergences (clinic_id) WHERE resolved_at IS NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE log_divergences');
    await queryRunner.query('DROP TABLE log_entries');
    await queryRunner.query('DROP TABLE clinic_sync_states');
  }
}
