import { DataSource } from 'typeorm';
import { Article } from './article.entity';
import { ARTICLE_COLUMNS, articleFromRow } from './articleRow';
import { FeedScope } from './feed.types';
import { feedOwnerKey, feedShapeKey, FeedQuery } from './feedQuery';

export interface FeedPage {
  articles: Article[];
  hasNextPage: boolean;
}

/** SQL text and its parameters, built side by side so they cannot drift apart. */
class Sql {
  text = '';
  params: unknown[] = [];
  add(text: string, ...params: unknown[]): this {
    this.text += text;
    this.params.push(...params);
    return this;
  }
}

/** Where a feed's rows come from: the sort column, the article id column, and the FROM clause. */
interface FeedSource {
  from: string;
  sortAt: string;
  articleId: string;
  /** Whether `a` (articles) is already in FROM. */
  hasArticles: boolean;
  /** One unit's rows of a publication-based feed may repeat an article (LINEAGE), needing DISTINCT. */
  distinct: boolean;
  /** The condition that picks the owner's rows, with one `?` for the owner. */
  owner: string;
}

function sourceOf(q: FeedQuery): FeedSource {
  switch (q.base.kind) {
    case 'all':
      return { from: 'articles a', sortAt: 'a.published_at', articleId: 'a.id', hasArticles: true, distinct: false, owner: '? IS NOT NULL' };
    case 'source':
      return { from: 'articles a', sortAt: 'a.published_at', articleId: 'a.id', hasArticles: true, distinct: false, owner: 'a.source_id = ?' };
    case 'unit':
      switch (q.base.scope) {
        case FeedScope.UNIT:
          return { from: 'publications f', sortAt: 'f.sort_at', articleId: 'f.article_id', hasArticles: false, distinct: false, owner: 'f.unit_code = ?' };
        case FeedScope.SUBTREE:
          return { from: 'subtree_feed f', sortAt: 'f.sort_at', articleId: 'f.article_id', hasArticles: false, distinct: false, owner: 'f.unit_code = ?' };
        case FeedScope.LINEAGE:
          return {
            from: 'publications f',
            sortAt: 'f.sort_at',
            articleId: 'f.article_id',
            hasArticles: false,
            distinct: true,
            owner: 'f.unit_code IN (SELECT c.ancestor_code FROM unit_closure c WHERE c.descendant_code = ?)',
          };
      }
  }
}

function needsArticles(q: FeedQuery): boolean {
  return q.kinds !== null || q.sourceIds !== null || q.order === 'MOST_VIEWED';
}

/** FROM and the filters every feed statement shares (visibility, kinds, topics, sources, dates). */
function fromAndFilters(sql: Sql, q: FeedQuery, src: FeedSource): void {
  sql.add(` FROM ${src.from}`);
  if (!src.hasArticles && needsArticles(q)) sql.add(` JOIN articles a ON a.id = ${src.articleId}`);
  sql.add(` WHERE ${src.sortAt} <= ?`, q.visibleUntil);
  if (q.kinds) sql.add(' AND a.kind IN (?)', q.kinds);
  if (q.sourceIds) sql.add(' AND a.source_id IN (?)', q.sourceIds);
  if (q.topicSlugs) {
    if (q.topicSlugs.length === 0) sql.add(' AND FALSE');
    else {
      sql.add(
        ` AND EXISTS (SELECT 1 FROM article_topics t JOIN topics tp ON tp.id = t.topic_id WHERE t.article_id = ${src.articleId} AND tp.slug IN (?))`,
        q.topicSlugs,
      );
    }
  }
  if (q.publishedFrom) sql.add(` AND ${src.sortAt} >= ?`, q.publishedFrom);
  if (q.publishedBefore) sql.add(` AND ${src.sortAt} < ?`, q.publishedBefore);
}

/** Rows strictly after the cursor in the query's order. */
function afterCursor(sql: Sql, q: FeedQuery, src: FeedSource): void {
  if (!q.after) return;
  const at = new Date(q.after.at * 1000);
  const { sortAt: s, articleId: id } = src;
  if (q.order === 'OLDEST') {
    sql.add(` AND (${s} > ? OR (${s} = ? AND ${id} > ?))`, at, at, q.after.id);
  } else if (q.order === 'NEWEST') {
    sql.add(` AND (${s} < ? OR (${s} = ? AND ${id} < ?))`, at, at, q.after.id);
  } else {
    const v = q.after.views ?? 0;
    sql.add(` AND (a.views < ? OR (a.views = ? AND (${s} < ? OR (${s} = ? AND ${id} < ?))))`, v, v, at, at, q.after.id);
  }
}

function orderBy(q: FeedQuery, src: FeedSource): string {
  const { sortAt: s, articleId: id } = src;
  if (q.order === 'OLDEST') return `${s} ASC, ${id} ASC`;
  if (q.order === 'NEWEST') return `${s} DESC, ${id} DESC`;
  return `a.views DESC, ${s} DESC, ${id} DESC`;
}

/** Sorts articles of one page in memory the way the SQL ordered them (UNION ALL keeps no order). */
export function compareInOrder(order: FeedQuery['order']): (x: Article, y: Article) => number {
  const newest = (x: Article, y: Article) => y.publishedAt.getTime() - x.publishedAt.getTime() || y.id - x.id;
  if (order === 'OLDEST') return (x, y) => -newest(x, y);
  if (order === 'NEWEST') return newest;
  return (x, y) => y.views - x.views || newest(x, y);
}

function groupByShape(queries: readonly FeedQuery[]): FeedQuery[][] {
  const groups = new Map<string, FeedQuery[]>();
  for (const q of queries) {
    const key = feedShapeKey(q);
    const group = groups.get(key);
    if (group) group.push(q);
    else groups.set(key, [q]);
  }
  return [...groups.values()];
}

/**
 * Reads feed pages and counts. Built for DataLoader: many feeds of the same shape (say, the five
 * newest articles of each of a province's districts) become one statement.
 */
export class FeedService {
  constructor(private readonly db: DataSource) {}

  /**
   * One statement per shape: a UNION ALL of one branch per feed, each branch "ORDER BY … LIMIT n+1"
   * on its feed index, so MySQL reads n+1 index entries per feed and stops. (A window function
   * over all the feeds' rows would have to read and number every row of every feed first; LATERAL
   * joins would do the same job but MariaDB has none.) The articles are joined once, outside.
   */
  async pages(queries: readonly FeedQuery[]): Promise<FeedPage[]> {
    const results = new Map<FeedQuery, FeedPage>();
    for (const group of groupByShape(queries)) {
      const q = group[0];
      const src = sourceOf(q);
      const sql = new Sql().add(`SELECT p.feed_key, ${ARTICLE_COLUMNS} FROM (`);
      group.forEach((member, i) => {
        if (i > 0) sql.add(' UNION ALL ');
        sql.add(`(SELECT ${src.distinct ? 'DISTINCT ' : ''}? AS feed_key, ${src.sortAt} AS sort_at, ${src.articleId} AS article_id`, feedOwnerKey(member.base));
        if (q.order === 'MOST_VIEWED') sql.add(', a.views');
        fromAndFilters(sql, q, src);
        sql.add(` AND ${src.owner}`, feedOwnerKey(member.base));
        afterCursor(sql, q, src);
        sql.add(` ORDER BY ${orderBy(q, src)} LIMIT ?)`, q.first + 1);
      });
      sql.add(') p JOIN articles a ON a.id = p.article_id');
      const rows: Record<string, unknown>[] = await this.db.query(sql.text, sql.params);
      const byOwner = new Map<string, Article[]>();
      for (const row of rows) {
        const key = String(row.feed_key);
        const list = byOwner.get(key) ?? [];
        list.push(articleFromRow(row));
        byOwner.set(key, list);
      }
      for (const member of group) {
        const articles = (byOwner.get(feedOwnerKey(member.base)) ?? []).sort(compareInOrder(q.order));
        results.set(member, { articles: articles.slice(0, q.first), hasNextPage: articles.length > q.first });
      }
    }
    return queries.map((q) => results.get(q)!);
  }

  /** Whole-feed counts, one GROUP BY statement per shape. Cursors and page size do not matter here. */
  async counts(queries: readonly FeedQuery[]): Promise<number[]> {
    const results = new Map<FeedQuery, number>();
    for (const group of groupByShape(queries)) {
      const q = group[0];
      const src = sourceOf(q);
      const owners = group.map((m) => feedOwnerKey(m.base));
      const sql = new Sql();
      if (q.base.kind === 'unit' && q.base.scope === FeedScope.LINEAGE) {
        // Count per asking unit over the publications of all its ancestors, each article once.
        sql.add(`SELECT c.descendant_code AS feed_key, COUNT(DISTINCT f.article_id) AS n`);
        fromAndFilters(sql, q, { ...src, from: 'unit_closure c JOIN publications f ON f.unit_code = c.ancestor_code' });
        sql.add(' AND c.descendant_code IN (?) GROUP BY c.descendant_code', owners);
      } else {
        const ownerColumn = q.base.kind === 'unit' ? 'f.unit_code' : q.base.kind === 'source' ? 'a.source_id' : "'all'";
        sql.add(`SELECT ${ownerColumn} AS feed_key, COUNT(*) AS n`);
        fromAndFilters(sql, q, src);
        if (q.base.kind !== 'all') sql.add(` AND ${ownerColumn} IN (?) GROUP BY ${ownerColumn}`, q.base.kind === 'source' ? owners.map(Number) : owners);
      }
      const rows: { feed_key: string | number; n: number | string }[] = await this.db.query(sql.text, sql.params);
      const byOwner = new Map(rows.map((r) => [String(r.feed_key), Number(r.n)]));
      for (const member of group) results.set(member, byOwner.get(feedOwnerKey(member.base)) ?? 0);
    }
    return queries.map((q) => results.get(q)!);
  }
}
