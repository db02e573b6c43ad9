import { EntityManager } from 'typeorm';
import { ancestorPairs } from '../units/unitTree';

/** Each publication's unit with every unit above it: an article shown on a unit is in each of their subtrees. */
const pairs = ancestorPairs('c');

/**
 * Keeps the materialised SUBTREE feed (table subtree_feed, see the initial migration) in step with
 * publications. Call it in the same transaction as any change to an article's publications or
 * published_at: it recomputes those articles' rows from scratch, which makes it idempotent and
 * correct for additions and withdrawals alike. Returns the rows inserted.
 */
export async function rebuildSubtreeFeed(db: EntityManager, articleIds: readonly number[]): Promise<number> {
  if (articleIds.length === 0) return 0;
  await db.query('DELETE FROM subtree_feed WHERE article_id IN (?)', [articleIds]);
  return insertSubtreeFeedRows(db, articleIds);
}

/** The rows of articles that have none yet (new ones): what rebuildSubtreeFeed inserts once it deleted theirs. */
export async function insertSubtreeFeedRows(db: EntityManager, articleIds: readonly number[]): Promise<number> {
  const inserted = await db.query(
    `INSERT INTO subtree_feed (unit_id, sort_at, article_id)
     SELECT DISTINCT ${pairs.ancestor}, p.sort_at, p.article_id
     FROM publications p JOIN ${pairs.from} ON ${pairs.unit} = p.unit_id
     WHERE p.article_id IN (?)`,
    [articleIds],
  );
  return inserted.affectedRows;
}

/** The same for a contiguous id range: what bulk loads use, where listing ids would be wasteful. */
export async function rebuildSubtreeFeedRange(db: EntityManager, fromId: number, toId: number): Promise<number> {
  await db.query('DELETE FROM subtree_feed WHERE article_id BETWEEN ? AND ?', [fromId, toId]);
  const inserted = await db.query(
    `INSERT INTO subtree_feed (unit_id, sort_at, article_id)
     SELECT DISTINCT ${pairs.ancestor}, p.sort_at, p.article_id
     FROM publications p JOIN ${pairs.from} ON ${pairs.unit} = p.unit_id
     WHERE p.article_id BETWEEN ? AND ?`,
    [fromId, toId],
  );
  return inserted.affectedRows;
}

/** Every article's rows, after the tree itself changed (a map loaded over an older one). */
export async function rebuildAllSubtreeFeeds(db: EntityManager): Promise<void> {
  await db.query('DELETE FROM subtree_feed');
  await db.query(
    `INSERT INTO subtree_feed (unit_id, sort_at, article_id)
     SELECT DISTINCT ${pairs.ancestor}, p.sort_at, p.article_id
     FROM publications p JOIN ${pairs.from} ON ${pairs.unit} = p.unit_id`,
  );
}

/**
 * What showing articles on more units adds (syndicate): their rows in the SUBTREE feeds of those
 * units and of every unit above them. Adding publications never removes a row, so nothing is
 * recomputed; IGNORE skips the rows already there. Returns the rows inserted.
 */
export async function addToSubtreeFeed(db: EntityManager, articleIds: readonly number[], unitIds: readonly string[]): Promise<number> {
  const inserted = await db.query(
    `INSERT IGNORE INTO subtree_feed (unit_id, sort_at, article_id)
     SELECT DISTINCT ${pairs.ancestor}, a.published_at, a.id
     FROM articles a JOIN ${pairs.from} ON ${pairs.unit} IN (?)
     WHERE a.id IN (?)`,
    [unitIds, articleIds],
  );
  return inserted.affectedRows;
}
