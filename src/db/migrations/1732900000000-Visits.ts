import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Visit counters ('Thống kê truy cập'): daily and all-time rollups that the gateway's in-memory
 * buffer adds to in batches (src/modules/visits/visitCounter.ts).
 *
 * Every question a portal asks is a primary-key read: `total` one row of visit_totals plus the unit's
 * few rows of visit_days_recent, `today` one row, `daily` one (unit, day) range. Subtree sums are not
 * computed at read time: each flush adds a commune's visits to the `subtree` column of the commune,
 * its district and its province (whatever unit_closure says is above it), so a province's subtree
 * total is one row however many communes it has. `own` counts visits to that unit's own portal.
 *
 * Two tables of days, so that flushes stay cheap: they only write visit_days_recent, which holds
 * yesterday and today (~23,000 rows: always in the buffer pool), never the year of days in visit_days
 * (~4 million rows, one page per unit: upserting today's row of a few thousand units there reads a
 * few thousand scattered pages each second, ~8x the cost measured with a 128 MB buffer pool). Once a
 * day the flusher moves the days before yesterday into visit_days and adds them to visit_totals, in
 * one transaction (VisitRollups.archiveDays). Reads add both tables, so a day is counted once
 * whichever table it is in at that instant.
 *
 * No foreign keys on purpose: a flush must never fail because an article was deleted between the
 * visit and the flush (it would be retried forever); rows of deleted articles are harmless.
 * Counts are BIGINT UNSIGNED; the API returns them as Int.
 */
export class Visits1732900000000 implements MigrationInterface {
  name = 'Visits1732900000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per unit and calendar day in Asia/Ho_Chi_Minh that had any visit in its subtree.
    // A year of every unit is ~4.2 million short rows.
    await q.query(`
      CREATE TABLE visit_days (
        unit_code VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        day       DATE NOT NULL,
        own       BIGINT UNSIGNED NOT NULL DEFAULT 0,
        subtree   BIGINT UNSIGNED NOT NULL DEFAULT 0,
        PRIMARY KEY (unit_code, day)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // The days flushes write: yesterday and today (and, after an outage, any day not yet archived).
    await q.query(`
      CREATE TABLE visit_days_recent (
        unit_code VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        day       DATE NOT NULL,
        own       BIGINT UNSIGNED NOT NULL DEFAULT 0,
        subtree   BIGINT UNSIGNED NOT NULL DEFAULT 0,
        PRIMARY KEY (unit_code, day)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // All-time totals of the days in visit_days (the recent ones are added when read: a few rows).
    await q.query(`
      CREATE TABLE visit_totals (
        unit_code VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        own       BIGINT UNSIGNED NOT NULL DEFAULT 0,
        subtree   BIGINT UNSIGNED NOT NULL DEFAULT 0,
        PRIMARY KEY (unit_code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // Article views per day, for "most read this week" later. The all-time count is articles.views
    // (MOST_VIEWED sorts on it), which also holds views from before daily counting. Most views go to
    // recent articles, whose ids are highest: the rows flushes touch sit together at the end.
    await q.query(`
      CREATE TABLE article_view_days (
        article_id INT UNSIGNED NOT NULL,
        day        DATE NOT NULL,
        views      BIGINT UNSIGNED NOT NULL DEFAULT 0,
        PRIMARY KEY (article_id, day)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // Which of its flushes each gateway process has committed. A flush writes its sequence number
    // here in the same transaction as its counts, and a read selects it in the same statement as the
    // counts, so the reader knows exactly which of its buffered batches that snapshot already holds
    // (no visit counted twice or missed while a flush commits), and a flush whose COMMIT got no
    // answer can be told apart from one that never happened. A row is deleted when its process stops.
    await q.query(`
      CREATE TABLE visit_flush_marks (
        process_id CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        seq        BIGINT UNSIGNED NOT NULL,
        flushed_at DATETIME NOT NULL,
        PRIMARY KEY (process_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['visit_flush_marks', 'article_view_days', 'visit_totals', 'visit_days_recent', 'visit_days']) await q.query(`DROP TABLE ${table}`);
  }
}
