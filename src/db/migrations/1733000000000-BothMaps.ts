import { MigrationInterface, QueryRunner } from 'typeorm';

/** Unit ids: a GSO code for a unit of the map in force until 2025-06-30, `code@first-day` for later ones. */
const UNIT_ID = 'VARCHAR(20) CHARACTER SET ascii COLLATE ascii_bin';

/** Every foreign key that names a unit: dropped while the columns change, then made again on units (id). */
const UNIT_REFERENCES: { table: string; name: string; column: string; onDelete?: string }[] = [
  { table: 'units', name: 'fk_units_parent', column: 'parent_id' },
  { table: 'units', name: 'fk_units_province', column: 'province_id' },
  { table: 'unit_closure', name: 'fk_unit_closure_ancestor', column: 'ancestor_id', onDelete: 'CASCADE' },
  { table: 'unit_closure', name: 'fk_unit_closure_descendant', column: 'descendant_id', onDelete: 'CASCADE' },
  { table: 'articles', name: 'fk_articles_origin', column: 'origin_id' },
  { table: 'publications', name: 'fk_publications_unit', column: 'unit_id' },
  { table: 'subtree_feed', name: 'fk_subtree_feed_unit', column: 'unit_id' },
  { table: 'api_keys', name: 'fk_api_keys_unit', column: 'unit_id' },
];

/** Columns that held a unit's code and now hold its id: [table, old name, new name, NULL or NOT NULL]. */
const RENAMED: [string, string, string, string][] = [
  ['units', 'code', 'id', 'NOT NULL'],
  ['units', 'parent_code', 'parent_id', 'NULL'],
  ['units', 'province_code', 'province_id', 'NOT NULL'],
  ['unit_closure', 'ancestor_code', 'ancestor_id', 'NOT NULL'],
  ['unit_closure', 'descendant_code', 'descendant_id', 'NOT NULL'],
  ['articles', 'origin_code', 'origin_id', 'NOT NULL'],
  ['publications', 'unit_code', 'unit_id', 'NOT NULL'],
  ['subtree_feed', 'unit_code', 'unit_id', 'NOT NULL'],
  ['api_keys', 'unit_code', 'unit_id', 'NULL'],
  ['visit_days', 'unit_code', 'unit_id', 'NOT NULL'],
  ['visit_days_recent', 'unit_code', 'unit_id', 'NOT NULL'],
  ['visit_totals', 'unit_code', 'unit_id', 'NOT NULL'],
];

/**
 * Both administrative maps (contract v2): a unit is a code in force for a span of days, named by a
 * stable id, and the successions between the map in force until 2025-06-30 and the one from
 * 2025-07-01.
 *
 * Codes are reused across the maps (14620 is Thị trấn Phát Diệm, then Xã Phát Diệm), so units get an
 * id of their own and everything that named a unit by code now names it by id. A unit of the old map
 * keeps its code as its id, so every row of a v1 database (articles, publications, visits, keys)
 * still names the same unit; a unit of the new map is `code@2025-07-01`. The seed (seeds/units.ts)
 * then loads the statistics office's maps over what is here.
 *
 * Feeds with history gather the feeds of a unit and its predecessors. A page reads each of them as
 * before, one branch of a UNION ALL per unit, each `ORDER BY sort_at DESC, article_id DESC LIMIT n+1`
 * on its own range of ix_publications_feed (UNIT, LINEAGE) or of subtree_feed's primary key (SUBTREE):
 * EXPLAIN shows `ref` on (unit_id) with "Backward index scan" / no filesort per branch, so a feed
 * with k predecessors reads k·(n+1) index entries, however many articles there are. The set of
 * predecessors is one indexed walk of unit_successions (ix_unit_successions_to), cached like units.
 * No feed with history scans the articles table: the article rows are joined by primary key outside.
 */
export class BothMaps1733000000000 implements MigrationInterface {
  name = 'BothMaps1733000000000';

  async up(q: QueryRunner): Promise<void> {
    for (const fk of UNIT_REFERENCES) await q.query(`ALTER TABLE ${fk.table} DROP FOREIGN KEY ${fk.name}`);
    for (const [table, from, to, nullable] of RENAMED) await q.query(`ALTER TABLE ${table} CHANGE COLUMN ${from} ${to} ${UNIT_ID} ${nullable}`);

    // validFrom is NULL where the source does not record it (the map in force until 2025-06-30);
    // validTo is NULL while the unit is in force. ix_units_code finds every unit that had a code.
    await q.query(`
      ALTER TABLE units
        ADD COLUMN code VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '' AFTER id,
        ADD COLUMN valid_from DATE NULL AFTER province_id,
        ADD COLUMN valid_to DATE NULL AFTER valid_from`);
    await q.query('UPDATE units SET code = id');
    await q.query('ALTER TABLE units ALTER COLUMN code DROP DEFAULT, ADD KEY ix_units_code (code, valid_to)');

    for (const fk of UNIT_REFERENCES) {
      await q.query(
        `ALTER TABLE ${fk.table} ADD CONSTRAINT ${fk.name} FOREIGN KEY (${fk.column}) REFERENCES units (id)${fk.onDelete ? ` ON DELETE ${fk.onDelete}` : ''}`,
      );
    }

    // One unit becoming all (whole = 1) or part of another on `date`, the new unit's first day.
    await q.query(`
      CREATE TABLE unit_successions (
        from_id    ${UNIT_ID} NOT NULL,
        to_id      ${UNIT_ID} NOT NULL,
        whole      TINYINT(1) NOT NULL,
        date       DATE NOT NULL,
        resolution VARCHAR(40) NULL,
        PRIMARY KEY (from_id, to_id),
        -- predecessors of a unit, and the walk back through them that feeds with history take
        KEY ix_unit_successions_to (to_id, from_id),
        CONSTRAINT fk_unit_successions_from FOREIGN KEY (from_id) REFERENCES units (id) ON DELETE CASCADE,
        CONSTRAINT fk_unit_successions_to FOREIGN KEY (to_id) REFERENCES units (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE unit_successions');
    // Only a database that holds one map can go back: codes must name one unit each again.
    await q.query("DELETE FROM units WHERE id <> code");
    for (const fk of UNIT_REFERENCES) await q.query(`ALTER TABLE ${fk.table} DROP FOREIGN KEY ${fk.name}`);
    await q.query('ALTER TABLE units DROP KEY ix_units_code, DROP COLUMN code, DROP COLUMN valid_from, DROP COLUMN valid_to');
    for (const [table, from, to, nullable] of RENAMED) {
      await q.query(`ALTER TABLE ${table} CHANGE COLUMN ${to} ${from} VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin ${nullable}`);
    }
    for (const fk of UNIT_REFERENCES) {
      const column = RENAMED.find(([table, , to]) => table === fk.table && to === fk.column)![1];
      await q.query(`ALTER TABLE ${fk.table} ADD CONSTRAINT ${fk.name} FOREIGN KEY (${column}) REFERENCES units (code)${fk.onDelete ? ` ON DELETE ${fk.onDelete}` : ''}`);
    }
  }
}
