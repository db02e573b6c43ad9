import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * data_bounds: the data's largest lists as every gateway process should price queries by
 * (src/plugins/dataBounds.ts). One row: each write adds what it may have added, in its own
 * transaction; a full read replaces the grown values by exact ones. The per-article bounds also
 * keep the sizes new articles were written with (`_floor`, and `_last_floor` from before the last
 * full read). `revision` counts every change (processes poll it), `refreshes` the full reads (two
 * at once must not both subtract the growth between them). Zero until a gateway first reads the data.
 */
export class DataBounds1733200000000 implements MigrationInterface {
  name = 'DataBounds1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE data_bounds (
        id                                   TINYINT UNSIGNED NOT NULL,
        revision                             BIGINT UNSIGNED NOT NULL DEFAULT 0,
        refreshes                            BIGINT UNSIGNED NOT NULL DEFAULT 0,
        articles                             BIGINT NOT NULL DEFAULT 0,
        sources                              BIGINT NOT NULL DEFAULT 0,
        provinces                            BIGINT NOT NULL DEFAULT 0,
        units                                BIGINT NOT NULL DEFAULT 0,
        districts_per_province               BIGINT NOT NULL DEFAULT 0,
        communes_per_district                BIGINT NOT NULL DEFAULT 0,
        communes_per_province                BIGINT NOT NULL DEFAULT 0,
        successions_per_unit                 BIGINT NOT NULL DEFAULT 0,
        history_units                        BIGINT NOT NULL DEFAULT 0,
        unit_feed_with_history               BIGINT NOT NULL DEFAULT 0,
        subtree_feed_with_history            BIGINT NOT NULL DEFAULT 0,
        unit_feed                            BIGINT NOT NULL DEFAULT 0,
        subtree_feed                         BIGINT NOT NULL DEFAULT 0,
        lineage_feed                         BIGINT NOT NULL DEFAULT 0,
        source_feed                          BIGINT NOT NULL DEFAULT 0,
        publications_per_article             BIGINT NOT NULL DEFAULT 0,
        topics_per_article                   BIGINT NOT NULL DEFAULT 0,
        articles_per_topic                   BIGINT NOT NULL DEFAULT 0,
        publications_per_article_floor       BIGINT NOT NULL DEFAULT 0,
        publications_per_article_last_floor  BIGINT NOT NULL DEFAULT 0,
        topics_per_article_floor             BIGINT NOT NULL DEFAULT 0,
        topics_per_article_last_floor        BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query('INSERT INTO data_bounds (id) VALUES (1)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE data_bounds');
  }
}
