import { EntityManager } from 'typeorm';
import { growDataBounds } from '../../plugins/dataBounds';
import { indexArticles, insertSearchDocuments, writeSearchDocuments } from './search/searchIndex';
import { addToDerivedFeeds, DerivedRows, insertDerivedFeedRows, rebuildDerivedFeeds, insertDerivedFeedRowsRange } from './derivedFeeds';

/**
 * The rules an article write keeps in step, for the mutations (articleWriter.service.ts,
 * syndication.service.ts) and the seeds (seeds/demo.ts, seeds/bulk.ts) alike:
 * - an article is published on its origin unit (is_origin = 1, shown since it was published) and may
 *   be shown on more units (is_origin = 0, shown since it was syndicated there);
 * - every place a feed is ordered in sorts it by the article's published_at: publications.sort_at,
 *   article_topics.sort_at and the derived feeds' sort_at, so moving an article moves it in all of them;
 * - the SUBTREE and history feeds (derivedFeeds.ts) follow the publications;
 * - the search index (search/searchIndex.ts) follows the title, summary and body;
 * - the data bounds the cost estimate multiplies by (plugins/dataBounds.ts) grow by what was added,
 *   at most, as the write commits: a query priced right after it is priced with it.
 * Every function runs inside the caller's transaction, so the whole write commits or none of it.
 */

/** publications (article_id, unit_id, is_origin, published_at, sort_at) */
export type PublicationRow = [articleId: number, unitId: string, isOrigin: 0 | 1, shownSince: Date | string, sortAt: Date | string];
/** article_topics (article_id, topic_id, sort_at) */
export type TopicFilingRow = [articleId: number, topicId: number, sortAt: Date | string];

/** An article on its origin unit: shown there from the moment it is published. */
export function originPublication(articleId: number, originId: string, publishedAt: Date | string): PublicationRow {
  return [articleId, originId, 1, publishedAt, publishedAt];
}

/** An article shown on one more unit from `shownSince`, in that unit's feed at its publication time. */
export function syndicatedPublication(articleId: number, unitId: string, shownSince: Date | string, publishedAt: Date | string): PublicationRow {
  return [articleId, unitId, 0, shownSince, publishedAt];
}

/** An article filed under a topic, in that topic's feed at its publication time. */
export function topicFiling(articleId: number, topicId: number, publishedAt: Date | string): TopicFilingRow {
  return [articleId, topicId, publishedAt];
}

/** The most of `items` that share a value of `of`. */
function mostPer<T>(items: readonly T[], of: (item: T) => unknown): number {
  const counts = new Map<unknown, number>();
  let most = 0;
  for (const item of items) {
    const n = (counts.get(of(item)) ?? 0) + 1;
    counts.set(of(item), n);
    most = Math.max(most, n);
  }
  return most;
}

/** Article rows the caller just inserted, by their sources (null: none): every article and its source's feed count them. */
export async function countNewArticles(m: EntityManager, sourceIds: readonly (number | null)[]): Promise<void> {
  await growDataBounds(m, {
    articles: { count: sourceIds.length, mostPerSource: mostPer(sourceIds.filter((id) => id !== null), (id) => id) },
  });
}

/** The publications of articles just inserted (syndicate adds to existing ones). */
export async function insertPublications(m: EntityManager, rows: PublicationRow[]): Promise<void> {
  await m.query('INSERT INTO publications (article_id, unit_id, is_origin, published_at, sort_at) VALUES ?', [rows]);
  await growDataBounds(m, {
    publications: {
      count: rows.length,
      mostPerUnit: mostPer(rows, ([, unitId]) => unitId),
      units: new Set(rows.map(([, unitId]) => unitId)).size,
      mostPerArticle: mostPer(rows, ([articleId]) => articleId),
      wholeArticles: true,
    },
  });
}

/** The topic filings of articles just inserted. */
export async function insertTopicFilings(m: EntityManager, rows: TopicFilingRow[]): Promise<void> {
  await m.query('INSERT INTO article_topics (article_id, topic_id, sort_at) VALUES ?', [rows]);
  await growDataBounds(m, { topicFilings: { mostPerArticle: mostPer(rows, ([articleId]) => articleId), mostPerTopic: mostPer(rows, ([, topicId]) => topicId) } });
}

/** The derived feeds' `rows` of `articles` new articles (the bounds count the SUBTREE feed's): at most one per article in a unit's feed. */
const newSubtreeRows = (rows: DerivedRows, articles: number) => ({ subtreeFeedRows: { count: rows.subtree_feed, mostPerUnit: Math.min(articles, rows.subtree_feed) } });

/**
 * What follows from articles just written with their publications: their derived feeds' rows and
 * their search documents.
 */
export async function completePublishing(m: EntityManager, articleIds: readonly number[]): Promise<void> {
  await growDataBounds(m, newSubtreeRows(await rebuildDerivedFeeds(m, articleIds), articleIds.length));
  await indexArticles(m, articleIds);
}

/**
 * The same for a contiguous range of new articles whose text the caller holds (bulk loads):
 * set-based over the range rather than over a list of ids, only inserts (a new article has nothing
 * to replace), and no re-reading of what was just written.
 */
export async function completePublishingRange(
  m: EntityManager,
  fromId: number,
  toId: number,
  articles: { id: number; title: string; summary: string | null; body: string }[],
  fold: (text: string) => string,
): Promise<void> {
  await growDataBounds(m, newSubtreeRows(await insertDerivedFeedRowsRange(m, fromId, toId), toId - fromId + 1));
  await insertSearchDocuments(m, articles, fold);
}

/** What the search index is made of. */
export interface ArticleText {
  title: string;
  summary: string | null;
  body: string;
}

export interface NewArticle extends ArticleText {
  id: number;
  originId: string;
  sourceId: number | null;
  publishedAt: Date;
  topics: { name: string; slug: string }[];
}

/**
 * Publishes an article row just inserted: on its origin, under its topics, in the feeds and the
 * index. Only inserts: a new article has nothing to replace, and its text is at hand (each statement
 * of a write waits its turn on a busy event loop, docs/benchmarks.md, so none is sent for nothing).
 */
export async function publishNew(m: EntityManager, article: NewArticle): Promise<void> {
  await countNewArticles(m, [article.sourceId]);
  await insertPublications(m, [originPublication(article.id, article.originId, article.publishedAt)]);
  if (article.topics.length > 0) await insertTopics(m, article.id, article.topics, article.publishedAt);
  await growDataBounds(m, newSubtreeRows(await insertDerivedFeedRows(m, [article.id]), 1));
  await insertSearchDocuments(m, [article]);
}

/** What an update changed, besides the article row itself (already written). */
export interface ArticleChange {
  /** The article's published_at as it now stands. */
  publishedAt: Date;
  /** Whether published_at was set, so the article moves in every feed. */
  moved: boolean;
  /** Its new topics, if they were given. */
  topics?: { name: string; slug: string }[];
  /** Its title, summary and body as they now stand, when any of them was given. */
  text?: ArticleText;
  /** Its new source, if one was given: the article joins that source's feed. */
  sourceId?: number | null;
}

export async function publishChange(m: EntityManager, articleId: number, change: ArticleChange): Promise<void> {
  if (change.moved) {
    await m.query('UPDATE publications SET sort_at = ? WHERE article_id = ?', [change.publishedAt, articleId]);
    await m.query('UPDATE publications SET published_at = ? WHERE article_id = ? AND is_origin = 1', [change.publishedAt, articleId]);
    await m.query('UPDATE article_topics SET sort_at = ? WHERE article_id = ?', [change.publishedAt, articleId]);
    await rebuildDerivedFeeds(m, [articleId]);
  }
  if (change.topics) await fileUnderTopics(m, articleId, change.topics, change.publishedAt);
  if (change.text) await writeSearchDocuments(m, [{ id: articleId, ...change.text }]);
  if (change.sourceId != null) await growDataBounds(m, { articles: { count: 0, mostPerSource: 1 } });
}

/** Replaces an article's topics, creating those that do not exist yet. */
async function fileUnderTopics(m: EntityManager, articleId: number, topics: { name: string; slug: string }[], publishedAt: Date): Promise<void> {
  await m.query('DELETE FROM article_topics WHERE article_id = ?', [articleId]);
  if (topics.length > 0) await insertTopics(m, articleId, topics, publishedAt);
}

/** Files an article with no topics under `topics`, creating those that do not exist yet. */
async function insertTopics(m: EntityManager, articleId: number, topics: { name: string; slug: string }[], publishedAt: Date): Promise<void> {
  // INSERT IGNORE: a topic another article created first keeps its name; only the slug matters.
  await m.query('INSERT IGNORE INTO topics (name, slug) VALUES ?', [topics.map((t) => [t.name, t.slug])]);
  const filed = await m.query('INSERT INTO article_topics (article_id, topic_id, sort_at) SELECT ?, id, ? FROM topics WHERE slug IN (?)', [
    articleId,
    publishedAt,
    topics.map((t) => t.slug),
  ]);
  await growDataBounds(m, { topicFilings: { mostPerArticle: filed.affectedRows, mostPerTopic: Math.min(1, filed.affectedRows) } });
}

/**
 * Shows existing articles on more units from `now` (syndicatedPublication for every pair not
 * there yet, set-based) and adds them to those units' derived feeds. Returns the pairs added.
 */
export async function syndicate(m: EntityManager, articleIds: readonly number[], unitIds: readonly string[], now: Date): Promise<number> {
  // IGNORE only settles a race with a concurrent call adding the same pair.
  const inserted = await m.query(
    `INSERT IGNORE INTO publications (article_id, unit_id, is_origin, published_at, sort_at)
     SELECT a.id, u.id, 0, ?, a.published_at
     FROM articles a JOIN units u ON u.id IN (?)
     WHERE a.id IN (?) AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.article_id = a.id AND p.unit_id = u.id)`,
    [now, unitIds, articleIds],
  );
  const pairs: number = inserted.affectedRows;
  const subtreeRows = (await addToDerivedFeeds(m, articleIds, unitIds)).subtree_feed;
  await growDataBounds(m, {
    publications: {
      count: pairs,
      mostPerUnit: Math.min(articleIds.length, pairs),
      units: Math.min(unitIds.length, pairs),
      mostPerArticle: Math.min(unitIds.length, pairs),
      wholeArticles: false,
    },
    subtreeFeedRows: { count: subtreeRows, mostPerUnit: Math.min(articleIds.length, subtreeRows) },
  });
  return pairs;
}

/** Stops showing articles on units other than their origin. Returns the pairs removed. */
export async function withdraw(m: EntityManager, articleIds: readonly number[], unitIds: readonly string[]): Promise<number> {
  const deleted = await m.query('DELETE FROM publications WHERE article_id IN (?) AND unit_id IN (?) AND is_origin = 0', [articleIds, unitIds]);
  // Removing a publication may or may not take an article out of an ancestor's subtree or a
  // successor's history: recompute those articles.
  if (deleted.affectedRows > 0) await rebuildDerivedFeeds(m, articleIds);
  return deleted.affectedRows;
}
