// Revoking a device (a lost or stolen tablet): the device row keeps when and why, its credential stops working
// at central, and the revocation reaches the clinic's devices through the feed (kind 'deviceRevoked'), which
// they check every link against. Migrations are history: never edited.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeviceRevocation1790000008000 implements MigrationInterface {
  name = 'DeviceRevocation1790000008000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE devices
        ADD COLUMN revoked_at timestamptz,
        ADD COLUMN revoked_reason text CHECK (char_length(revoked_reason) BETWEEN 1 AND 500),
        ADD CONSTRAINT devices_revocation_check CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))`);
    await queryRunner.query('ALTER TABLE feed_items DROP CONSTRAINT feed_items_kind_check');
    await queryRunner.query(`ALTER TABLE feed_items ADD CONSTRAINT feed_items_kind_check CHECK (kind IN ('labResult', 'centralRegistration', 'chartChange', 'deviceRevoked'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM feed_items WHERE kind = 'deviceRevoked'`);
    await queryRunner.query('ALTER TABLE feed_items DROP CONSTRAINT feed_items_kind_check');
    await queryRunner.query(`ALTER TABLE feed_items ADD CONSTRAINT feed_items_kind_check CHECK (kind IN ('labResult', 'centralRegistration', 'chartChange'))`);
    await queryRunner.query('ALTER TABLE devices DROP CONSTRAINT devices_revocation_check, DROP COLUMN revoked_reason, DROP COLUMN revoked_at');
  }
}
