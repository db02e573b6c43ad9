import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the data bounds were last read in full, and how long that took (plugins/dataBounds.ts): at
 * 5,000,000 articles a full read takes ~19 s of MySQL, so every gateway process reading every
 * minute would keep a core busy. The processes space their reads by what the last one cost,
 * whichever process made it.
 */
export class DataBoundsReadTime1733600000000 implements MigrationInterface {
  name = 'DataBoundsReadTime1733600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE data_bounds ADD COLUMN refreshed_at DATETIME NULL, ADD COLUMN read_ms INT UNSIGNED NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE data_bounds DROP COLUMN refreshed_at, DROP COLUMN read_ms');
  }
}
