import { EntityManager } from 'typeorm';
import { ancestorPairs, historyPairs } from '../units/unitTree';

/*
 * Feeds kept as tables of their own, so that a page of one is a single index range however many
 * units it gathers. Each is derived from publications through a table of unit pairs:
 * - subtree_feed (SUBTREE feeds): each publication's unit and every unit above it (the unit tree);
 * - history_feed (UNIT feeds with history, of units that have predecessors): each publication's
 *   unit and every unit that keeps its archive (unit_history): the new Xã Phát Diệm's feed holds
 *   Thị trấn Phát Diệm's articles, and a new province's dashboard reads one range per commune, not
 *   one per commune and predecessor (issue #33).
 * Call these in the same transaction as any change to an article's publications or published_at:
 * rebuilding recomputes those articles' rows from scratch, which makes it idempotent and right for
 * additions and withdrawals alike. A map step rebuilds them all (rebuildAllDerivedFeeds).
 */

interface DerivedFeed {
  table: 'subtree_feed' | 'history_feed';
  pairs: { from: string; unit: string; ancestor: string };
}

const SUBTREE_FEED: DerivedFeed = { table: 'subtree_feed', pairs: ancestorPairs('c') };
const HISTORY_FEED: DerivedFeed = { table: 'history_feed', pairs: historyPairs('c') };
const DERIVED_FEEDS = [SUBTREE_FEED, HISTORY_FEED];

/** Rows inserted, per table (the data bounds count the SUBTREE feed's). */
export type DerivedRows = Record<DerivedFeed['table'], number>;

async function eachFeed(insert: (feed: DerivedFeed) => Promise<{ affectedRows: number }>): Promise<DerivedRows> {
  const rows: DerivedRows = { subtree_feed: 0, history_feed: 0 };
  for (const feed of DERIVED_FEEDS) rows[feed.table] = (await insert(feed)).affectedRows;
  return rows;
}

/** The articles' rows from their publications (pairs' `ancestor` is the unit whose feed a row is in). */
function fromPublications({ table, pairs }: DerivedFeed, where: string): string {
  return `INSERT INTO ${table} (unit_id, sort_at, article_id)
    SELECT DISTINCT ${pairs.ancestor}, p.sort_at, p.article_id
    FROM publications p JOIN ${pairs.from} ON ${pairs.unit} = p.unit_id
    WHERE ${where}`;
}

/** Recomputes the articles' rows in every derived feed. */
export async function rebuildDerivedFeeds(db: EntityManager, articleIds: readonly number[]): Promise<DerivedRows> {
  if (articleIds.length === 0) return { subtree_feed: 0, history_feed: 0 };
  for (const { table } of DERIVED_FEEDS) await db.query(`DELETE FROM ${table} WHERE article_id IN (?)`, [articleIds]);
  return insertDerivedFeedRows(db, articleIds);
}

/** The rows of articles that have none yet (new ones): what rebuildDerivedFeeds inserts once it deleted theirs. */
export async function insertDerivedFeedRows(db: EntityManager, articleIds: readonly number[]): Promise<DerivedRows> {
  return eachFeed((feed) => db.query(fromPublications(feed, 'p.article_id IN (?)'), [articleIds]));
}

/** The same for a contiguous range of new articles' ids: what bulk loads use, where listing ids would be wasteful. */
export async function insertDerivedFeedRowsRange(db: EntityManager, fromId: number, toId: number): Promise<DerivedRows> {
  return eachFeed((feed) => db.query(fromPublications(feed, 'p.article_id BETWEEN ? AND ?'), [fromId, toId]));
}

/** Every article's rows, after the map itself changed (a map loaded over an older one, a map step). */
export async function rebuildAllDerivedFeeds(db: EntityManager): Promise<void> {
  for (const feed of DERIVED_FEEDS) {
    await db.query(`DELETE FROM ${feed.table}`);
    await db.query(fromPublications(feed, 'TRUE'));
  }
}

/**
 * What showing articles on more units adds (syndicate): their rows in the derived feeds of those
 * units (and of the units above them, or keeping their archive). Adding publications never removes
 * a row, so nothing is recomputed; IGNORE skips the rows already there.
 */
export async function addToDerivedFeeds(db: EntityManager, articleIds: readonly number[], unitIds: readonly string[]): Promise<DerivedRows> {
  return eachFeed(({ table, pairs }) =>
    db.query(
      `INSERT IGNORE INTO ${table} (unit_id, sort_at, article_id)
       SELECT DISTINCT ${pairs.ancestor}, a.published_at, a.id
       FROM articles a JOIN ${pairs.from} ON ${pairs.unit} IN (?)
       WHERE a.id IN (?)`,
      [unitIds, articleIds],
    ),
  );
}
