import { MigrationInterface, QueryRunner } from 'typeorm';
import { writeSearchDocuments } from '../../modules/articles/search/searchIndex';

/**
 * article_search: one row per article with its syllable tokens under a FULLTEXT index, and its
 * folded title, summary and body for phrase checks and ranking (see search/searchText.ts). A table
 * of its own keeps the articles rows that every feed reads small.
 */
export class Search1732800000000 implements MigrationInterface {
  name = 'Search1732800000000';

  async up(q: QueryRunner): Promise<void> {
    // IF NOT EXISTS and an idempotent backfill: MySQL commits DDL at once, so a start interrupted
    // during the (long, on a large database) backfill leaves the table without the migration
    // recorded, and the next start must be able to carry on.
    await q.query(`
      CREATE TABLE IF NOT EXISTS article_search (
        article_id     INT UNSIGNED NOT NULL,
        tokens         MEDIUMTEXT NOT NULL,
        title_folded   VARCHAR(400) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        summary_folded TEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        body_folded    MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        PRIMARY KEY (article_id),
        FULLTEXT KEY ft_article_search_tokens (tokens),
        CONSTRAINT fk_article_search_article FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // Articles written before this migration: index them in chunks.
    for (let last = 0; ; ) {
      const rows: { id: number; title: string; summary: string | null; body: string }[] = await q.query(
        'SELECT id, title, summary, body FROM articles WHERE id > ? ORDER BY id LIMIT 1000',
        [last],
      );
      if (rows.length === 0) break;
      await writeSearchDocuments(q.manager, rows);
      last = rows[rows.length - 1].id;
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE article_search');
  }
}
