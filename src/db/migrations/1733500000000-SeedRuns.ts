import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a bulk seed (`npm run seed -- --articles N --visit-days D`) has committed, so that one
 * interrupted in the middle of a national load is run again and carries on where it stopped
 * (seeds/seedRuns.ts). Each part of a run (its articles, its visits) is written in chunks, each one
 * transaction that also records itself here with the generator state the next chunk starts from.
 */
export class SeedRuns1733500000000 implements MigrationInterface {
  name = 'SeedRuns1733500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE seed_runs (
        id               INT UNSIGNED NOT NULL AUTO_INCREMENT,
        command          VARCHAR(255) NOT NULL,
        first_article_id INT UNSIGNED NOT NULL,
        started_at       DATETIME NOT NULL,
        finished_at      DATETIME NULL,
        PRIMARY KEY (id),
        KEY ix_seed_runs_finished (finished_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE seed_run_chunks (
        run_id INT UNSIGNED NOT NULL,
        part   VARCHAR(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        chunk  INT UNSIGNED NOT NULL,
        state  VARCHAR(255) NOT NULL,
        PRIMARY KEY (run_id, part, chunk),
        CONSTRAINT fk_seed_run_chunks_run FOREIGN KEY (run_id) REFERENCES seed_runs (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE seed_run_chunks');
    await q.query('DROP TABLE seed_runs');
  }
}
