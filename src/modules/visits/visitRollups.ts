import { DataSource, EntityManager } from 'typeorm';
import { upsertRows } from '../../common/sql';
import { withTransaction } from '../../db/transaction';
import { UNIT_HISTORY } from '../units/unitTree';
import { Tally, VisitBatch } from './visitBatch';

/** Rows per multi-row INSERT: a flush of a busy second is a few thousand rows, written in one or two statements. */
const ROWS_PER_STATEMENT = 5000;
/** The rows the flush and the daily archive add, as upsertRows reads them. */
const UNIT_DAY = { unit_id: 'VARCHAR(20)', day: 'DATE', own: 'BIGINT UNSIGNED', subtree: 'BIGINT UNSIGNED' };
const UNIT_TOTAL = { unit_id: 'VARCHAR(20)', own: 'BIGINT UNSIGNED', subtree: 'BIGINT UNSIGNED' };
const ARTICLE_DAY = { article_id: 'INT UNSIGNED', day: 'DATE', views: 'BIGINT UNSIGNED' };

/** What recordVisit needs to know about an article and a unit it names. */
export type ArticleOnUnit =
  | { kind: 'unknown' }
  | { kind: 'not-shown'; visibleFrom: number }
  | { kind: 'shown'; visibleFrom: number };

/** Counters of one unit as MySQL has them. */
export interface StoredCounts {
  total: Tally;
  today: Tally;
}

/**
 * A read of the rollups, with the sequence number of the last flush of this process that the same
 * statement saw committed: the buffered batches with a higher number are what the read must add.
 */
export interface Snapshot<T> {
  flushedSeq: number;
  value: T;
}

export interface DailyRange {
  unitId: string;
  from: string;
  to: string;
}

const ZERO: Readonly<Tally> = { own: 0, subtree: 0 };

/** The flush mark of this process, as a scalar subquery every read selects beside its rows. */
const FLUSHED_SEQ = '(SELECT COALESCE(MAX(seq), 0) FROM visit_flush_marks WHERE process_id = ?)';

/** Sorts rows by their first two columns: a flush writes in key order (see writeBatch). */
function byKey<T extends (string | number)[]>(rows: T[]): T[] {
  return rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Every statement of the visit counters: the article lookup recordVisit validates with, flushes, reads. */
export class VisitRollups {
  constructor(private readonly db: DataSource) {}

  /**
   * For each (article, unit) pair: whether the article exists, since when it is public, and whether
   * it is shown on the unit's portal: on the unit, or (its feed keeping their history) on a unit whose
   * archive it keeps. One statement for any number of pairs.
   */
  async articlesOnUnits(pairs: readonly { articleId: number; unitId: string }[]): Promise<ArticleOnUnit[]> {
    const ids = [...new Set(pairs.map((p) => p.articleId))];
    const units = [...new Set(pairs.map((p) => p.unitId))];
    const rows: { id: number; published_at: Date; unit_id: string | null }[] = await this.db.query(
      `${UNIT_HISTORY}
       SELECT a.id, a.published_at, h.unit_id FROM articles a
       LEFT JOIN (publications p JOIN history h ON h.member_id = p.unit_id) ON p.article_id = a.id
       WHERE a.id IN (?)`,
      [units, ids],
    );
    const publishedAt = new Map<number, number>();
    const shown = new Set<string>();
    for (const r of rows) {
      publishedAt.set(Number(r.id), r.published_at.getTime());
      if (r.unit_id !== null) shown.add(`${r.id}:${r.unit_id}`);
    }
    return pairs.map(({ articleId, unitId }) => {
      const visibleFrom = publishedAt.get(articleId);
      if (visibleFrom === undefined) return { kind: 'unknown' };
      return { kind: shown.has(`${articleId}:${unitId}`) ? 'shown' : 'not-shown', visibleFrom };
    });
  }

  /**
   * Adds a batch to the rollups in one transaction, with the batch's sequence number as this
   * process's flush mark. Rows are sorted by key so that two gateways flushing at once lock in the
   * same order (no deadlock between them; one would be retried anyway).
   */
  async writeBatch(batch: VisitBatch, processId: string, now: Date): Promise<void> {
    await withTransaction(
      this.db,
      async (m) => {
        await this.writeRows(m, batch);
        await m.query(
          'INSERT INTO visit_flush_marks (process_id, seq, flushed_at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE seq = ?, flushed_at = ?',
          [processId, batch.seq, now, batch.seq, now],
        );
      },
      { isolation: 'READ COMMITTED' },
    );
  }

  private async writeRows(m: EntityManager, batch: VisitBatch): Promise<void> {
    const unitDays: [string, string, number, number][] = [];
    for (const [unit, days] of batch.unitDays) for (const [day, t] of days) unitDays.push([unit, day, t.own, t.subtree]);
    const articleDays: [number, string, number][] = [];
    for (const [id, days] of batch.articleDays) for (const [day, n] of days) articleDays.push([id, day, n]);
    const articleTotals = [...batch.articleTotals].sort((a, b) => a[0] - b[0]);

    // Totals are not written here: visit_totals covers the archived days, and a read adds the
    // unit's recent days to it (see the migration).
    for (const rows of chunks(byKey(unitDays), ROWS_PER_STATEMENT)) {
      await m.query(...upsertRows('visit_days_recent', UNIT_DAY, 'own = visit_days_recent.own + x.own, subtree = visit_days_recent.subtree + x.subtree', rows));
    }
    for (const rows of chunks(byKey(articleDays), ROWS_PER_STATEMENT)) {
      await m.query(...upsertRows('article_view_days', ARTICLE_DAY, 'views = article_view_days.views + x.views', rows));
    }
    // articles.views is what MOST_VIEWED sorts on, so it is kept current here rather than summed.
    // An UPDATE, not an upsert: articles has NOT NULL columns an upsert would have to invent. An
    // article deleted since its views were counted simply matches no row.
    for (const rows of chunks(articleTotals, ROWS_PER_STATEMENT)) {
      await m.query(`UPDATE articles SET views = views + CASE id ${rows.map(() => 'WHEN ? THEN ?').join(' ')} ELSE 0 END WHERE id IN (?)`, [
        ...rows.flat(),
        rows.map(([id]) => id),
      ]);
    }
  }

  /**
   * Moves the days before `cutoff` from visit_days_recent into visit_days and adds them to
   * visit_totals, in one transaction: a read sees them in one table or the other, never both or
   * neither. The locking read holds off flushes (of any process) that would add to those rows until
   * the move commits, so none is lost to the DELETE; it runs once a day and takes well under a second.
   * Returns how many (unit, day) rows moved.
   */
  async archiveDays(cutoff: string): Promise<number> {
    return withTransaction(
      this.db,
      async (m) => {
        const rows: { unit_id: string; day: string; own: number | string; subtree: number | string }[] = await m.query(
          "SELECT unit_id, DATE_FORMAT(day, '%Y-%m-%d') AS day, own, subtree FROM visit_days_recent WHERE day < ? FOR UPDATE",
          [cutoff],
        );
        if (rows.length === 0) return 0;
        const days = rows.map((r): [string, string, number, number] => [r.unit_id, r.day, Number(r.own), Number(r.subtree)]);
        const totals = new Map<string, [string, number, number]>();
        for (const [unit, , own, subtree] of days) {
          const t = totals.get(unit) ?? [unit, 0, 0];
          t[1] += own;
          t[2] += subtree;
          totals.set(unit, t);
        }
        for (const chunk of chunks(byKey(days), ROWS_PER_STATEMENT)) {
          await m.query(...upsertRows('visit_days', UNIT_DAY, 'own = visit_days.own + x.own, subtree = visit_days.subtree + x.subtree', chunk));
        }
        for (const chunk of chunks(byKey([...totals.values()]), ROWS_PER_STATEMENT)) {
          await m.query(...upsertRows('visit_totals', UNIT_TOTAL, 'own = visit_totals.own + x.own, subtree = visit_totals.subtree + x.subtree', chunk));
        }
        await m.query('DELETE FROM visit_days_recent WHERE day < ?', [cutoff]);
        return rows.length;
      },
      { isolation: 'REPEATABLE READ' },
    );
  }

  /** This process's last committed flush (0 if none): settles a flush whose COMMIT got no answer. */
  async flushedSeq(processId: string): Promise<number> {
    const [row]: { seq: number | string }[] = await this.db.query(`SELECT ${FLUSHED_SEQ} AS seq`, [processId]);
    return Number(row.seq);
  }

  /** Removes this process's flush mark once it has stopped for good. */
  async forgetProcess(processId: string): Promise<void> {
    await this.db.query('DELETE FROM visit_flush_marks WHERE process_id = ?', [processId]);
  }

  /**
   * Total and one day's counts of each unit, both own and subtree: primary-key reads only (the
   * archived total, the unit's recent days, the day in the archive), one statement for any number of
   * units. The flush mark comes from the same statement, so the same snapshot, as the counts.
   */
  async counts(codes: readonly string[], day: string, processId: string): Promise<Snapshot<Map<string, StoredCounts>>> {
    const rows: { part: string | null; seq: number | string | null; unit_id: string; own: number | string; subtree: number | string }[] = await this.db.query(
      `SELECT NULL AS part, ${FLUSHED_SEQ} AS seq, NULL AS unit_id, NULL AS own, NULL AS subtree
       UNION ALL SELECT 'total', NULL, unit_id, own, subtree FROM visit_totals WHERE unit_id IN (?)
       UNION ALL SELECT IF(day = ?, 'recent today', 'recent'), NULL, unit_id, own, subtree FROM visit_days_recent WHERE unit_id IN (?)
       UNION ALL SELECT 'archived today', NULL, unit_id, own, subtree FROM visit_days WHERE unit_id IN (?) AND day = ?`,
      [processId, codes, day, codes, codes, day],
    );
    const value = new Map<string, StoredCounts>();
    let flushedSeq = 0;
    for (const r of rows) {
      if (r.part === null) {
        flushedSeq = Number(r.seq);
        continue;
      }
      let counts = value.get(r.unit_id);
      if (!counts) value.set(r.unit_id, (counts = { total: { ...ZERO }, today: { ...ZERO } }));
      const own = Number(r.own);
      const subtree = Number(r.subtree);
      // A recent day is not in visit_totals yet; an archived one is.
      if (r.part !== 'archived today') {
        counts.total.own += own;
        counts.total.subtree += subtree;
      }
      if (r.part !== 'total' && r.part !== 'recent') {
        counts.today.own += own;
        counts.today.subtree += subtree;
      }
    }
    return { flushedSeq, value };
  }

  /**
   * The stored days of each range (days without a row are absent: zeros). One statement: one
   * primary-key range per distinct (from, to), all units with that range in one IN list.
   */
  async daily(ranges: readonly DailyRange[], processId: string): Promise<Snapshot<Map<string, Map<string, Tally>>>> {
    const byRange = new Map<string, { from: string; to: string; units: string[] }>();
    for (const r of ranges) {
      const key = `${r.from}/${r.to}`;
      const group = byRange.get(key);
      if (group) group.units.push(r.unitId);
      else byRange.set(key, { from: r.from, to: r.to, units: [r.unitId] });
    }
    const groups = [...byRange.values()];
    // A day is in one of the two tables, or (after an outage) partly in each: they are added.
    const rows: Record<string, unknown>[] = await this.db.query(
      [
        `SELECT ${FLUSHED_SEQ} AS seq, NULL AS unit_id, NULL AS day, NULL AS own, NULL AS subtree`,
        ...groups.flatMap(() =>
          ['visit_days', 'visit_days_recent'].map(
            (table) => `SELECT NULL, unit_id, DATE_FORMAT(day, '%Y-%m-%d'), own, subtree FROM ${table} WHERE unit_id IN (?) AND day BETWEEN ? AND ?`,
          ),
        ),
      ].join(' UNION ALL '),
      [processId, ...groups.flatMap((g) => [g.units, g.from, g.to, g.units, g.from, g.to])],
    );
    const value = new Map<string, Map<string, Tally>>();
    let flushedSeq = 0;
    for (const r of rows) {
      if (r.unit_id === null) {
        flushedSeq = Number(r.seq);
        continue;
      }
      let days = value.get(r.unit_id as string);
      if (!days) value.set(r.unit_id as string, (days = new Map()));
      const t = days.get(r.day as string) ?? { own: 0, subtree: 0 };
      t.own += Number(r.own);
      t.subtree += Number(r.subtree);
      days.set(r.day as string, t);
    }
    return { flushedSeq, value };
  }

  /** articles.views of each article, with the flush mark of the same snapshot. */
  async views(ids: readonly number[], processId: string): Promise<Snapshot<Map<number, number>>> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${FLUSHED_SEQ} AS seq, NULL AS id, NULL AS views UNION ALL SELECT NULL, id, views FROM articles WHERE id IN (?)`,
      [processId, ids],
    );
    const value = new Map<number, number>();
    let flushedSeq = 0;
    for (const r of rows) {
      if (r.id === null) flushedSeq = Number(r.seq);
      else value.set(Number(r.id), Number(r.views));
    }
    return { flushedSeq, value };
  }
}
