import { MigrationInterface, QueryRunner } from 'typeorm';

const UNIT_ID = 'VARCHAR(20) CHARACTER SET ascii COLLATE ascii_bin';

/**
 * The history feed kept as a table (issue #33), as the SUBTREE feed is: a unit's feed with history
 * gathered its predecessors' feeds at every read, one index range per unit, so the new Tỉnh Ninh
 * Bình's dashboard read 533 ranges for its 129 communes. Now a unit that keeps other units' archives
 * has its own rows in history_feed (its articles and theirs, each once), one range per feed.
 *
 * unit_history holds the pairs the feed is derived through: for each unit with predecessors, itself
 * and each unit whose archive it keeps (the walk of unit_successions that UNIT_HISTORY makes,
 * src/modules/units/unitTree.ts). Both are filled here from what the database holds, and rebuilt
 * whenever the map changes (seeds/units.ts).
 */
export class HistoryFeed1733400000000 implements MigrationInterface {
  name = 'HistoryFeed1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE unit_history (
        unit_id   ${UNIT_ID} NOT NULL,
        member_id ${UNIT_ID} NOT NULL,
        PRIMARY KEY (unit_id, member_id),
        KEY ix_unit_history_member (member_id, unit_id),
        CONSTRAINT fk_unit_history_unit FOREIGN KEY (unit_id) REFERENCES units (id) ON DELETE CASCADE,
        CONSTRAINT fk_unit_history_member FOREIGN KEY (member_id) REFERENCES units (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE history_feed (
        unit_id    ${UNIT_ID} NOT NULL,
        sort_at    DATETIME NOT NULL,
        article_id INT UNSIGNED NOT NULL,
        PRIMARY KEY (unit_id, sort_at, article_id),
        UNIQUE KEY ux_history_feed_article (article_id, unit_id),
        CONSTRAINT fk_history_feed_article FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE,
        CONSTRAINT fk_history_feed_unit FOREIGN KEY (unit_id) REFERENCES units (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // The walk as UNIT_HISTORY makes it, for every unit, kept for those with a predecessor.
    const pairs: { unit_id: string; member_id: string }[] = await q.query(`
      WITH RECURSIVE history (unit_id, member_id) AS (
        SELECT u.id, u.id FROM units u
        UNION
        SELECT h.unit_id, s.from_id FROM history h
          JOIN unit_successions s ON s.to_id = h.member_id
          JOIN units older ON older.id = s.from_id
          JOIN units newer ON newer.id = s.to_id
        WHERE s.whole = 1 OR older.level = newer.level)
      SELECT h.unit_id, h.member_id FROM history h
      WHERE h.unit_id IN (SELECT k.unit_id FROM history k WHERE k.member_id <> k.unit_id)`);
    const rows = pairs.map((p) => [p.unit_id, p.member_id]);
    for (let i = 0; i < rows.length; i += 5000) await q.query('INSERT INTO unit_history (unit_id, member_id) VALUES ?', [rows.slice(i, i + 5000)]);
    await q.query(`
      INSERT INTO history_feed (unit_id, sort_at, article_id)
      SELECT DISTINCT h.unit_id, p.sort_at, p.article_id
      FROM publications p JOIN unit_history h ON h.member_id = p.unit_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE history_feed');
    await q.query('DROP TABLE unit_history');
  }
}
