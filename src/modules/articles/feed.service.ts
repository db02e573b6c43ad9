import { DataSource } from 'typeorm';
import { Sql } from '../../common/sql';
import { entityColumns } from '../../db/entityColumns';
import { Article } from './article.entity';
import { articleListColumns } from './article.service';
import { Source } from '../sources/source.entity';
import { Unit } from '../units/unit.entity';
import { UNITS_AT_OR_ABOVE } from '../units/unitTree';
import { FeedKind, feedShapeKey, FeedQuery } from './feedQuery';
import { matchCondition, relevanceScore, rowCondition, rowMatch } from './search/searchSql';
import { SearchTerms } from './search/searchText';

export interface FeedPage {
  articles: Article[];
  hasNextPage: boolean;
  /** The articles' sources and origins, read in the same statement (the loaders are primed with them). */
  sources?: Map<number, Source>;
  origins?: Map<string, Unit>;
  /** Each article's search score, for RELEVANCE cursors. */
  scores?: Map<number, number>;
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
  /**
   * The condition that picks the owner's rows in one branch of a page's UNION ALL, with one `?`;
   * `branches` gives its value for each branch (a feed with history reads each unit's index range
   * in a branch of its own, so that each stops after n+1 rows).
   */
  owner: string;
  branches(q: FeedQuery): unknown[];
  /** The condition that picks all of a feed's rows at once (counts, search windows), with one `?` for `q.units` or the owner. */
  all: string;
  allValue(q: FeedQuery): unknown;
  /** Whether a search may test its rows one by one: a unit's feed is bounded, all articles or a source's are not (see SEARCH_WINDOW). */
  scannable: boolean;
}

/**
 * How a search filter is applied: through the FULLTEXT index, or by testing each row of the feed
 * in feed order (down to `boundary`, when only a window of the newest rows is to be read).
 */
type SearchMode = { kind: 'index'; terms: SearchTerms } | { kind: 'scan'; terms: SearchTerms; boundary: { at: Date; id: number } | null };

/**
 * Search has two ways to find matches, and picks by how common the words are in the feed's newest
 * SEARCH_WINDOW rows. InnoDB's FULLTEXT index is quick for rare words but reads its whole posting
 * list for common ones: "cai cach hanh chinh" matches a third of the benchmark's articles and takes
 * seconds through the index at 200,000 articles, more with every article added. Testing the feed's
 * rows in feed order costs what the feed holds, which a unit bounds (a province has a few percent
 * of all articles), and a page in date order stops at its first n+1 matches. So: a page in date
 * order first tries the window; otherwise common words (at least DENSE_MATCHES in the window) scan
 * the unit's feed, and rare ones, or any search across all articles, go to the index.
 */
export const SEARCH_WINDOW = 1000;
const DENSE_MATCHES = 10;

/** A unit feed's own rows, or with history those of every unit in `q.units`. */
const unitFeed = (table: string): FeedSource => ({
  from: `${table} f`,
  sortAt: 'f.sort_at',
  articleId: 'f.article_id',
  hasArticles: false,
  distinct: false,
  owner: 'f.unit_id = ?',
  branches: (q) => q.units,
  all: 'f.unit_id IN (?)',
  allValue: (q) => q.units,
  scannable: true,
});

/** Every kind of feed and where its rows are: the one place FeedService tells them apart. */
const FEED_SOURCES: Record<FeedKind, FeedSource> = {
  ALL: {
    from: 'articles a',
    sortAt: 'a.published_at',
    articleId: 'a.id',
    hasArticles: true,
    distinct: false,
    owner: '? IS NOT NULL',
    branches: (q) => [q.owner],
    all: '? IS NOT NULL',
    allValue: (q) => q.owner,
    scannable: false,
  },
  SOURCE: {
    from: 'articles a',
    sortAt: 'a.published_at',
    articleId: 'a.id',
    hasArticles: true,
    distinct: false,
    owner: 'a.source_id = ?',
    branches: (q) => [Number(q.owner)],
    all: 'a.source_id = ?',
    allValue: (q) => Number(q.owner),
    scannable: false,
  },
  UNIT: unitFeed('publications'),
  // The unit's own rows, which hold its predecessors' articles (articles/derivedFeeds.ts).
  HISTORY: { ...unitFeed('history_feed'), branches: (q) => [q.owner], all: 'f.unit_id = ?', allValue: (q) => q.owner },
  SUBTREE: unitFeed('subtree_feed'),
  // The publications of the units and of every unit above them: one branch, each article once.
  LINEAGE: {
    from: 'publications f',
    sortAt: 'f.sort_at',
    articleId: 'f.article_id',
    hasArticles: false,
    distinct: true,
    owner: `f.unit_id IN (${UNITS_AT_OR_ABOVE})`,
    branches: (q) => [q.units],
    all: `f.unit_id IN (${UNITS_AT_OR_ABOVE})`,
    allValue: (q) => q.units,
    scannable: true,
  },
};

function sourceOf(q: FeedQuery): FeedSource {
  return FEED_SOURCES[q.kind];
}

function needsArticles(q: FeedQuery): boolean {
  return q.kinds !== null || q.sourceIds !== null || q.order === 'MOST_VIEWED' || q.order === 'RELEVANCE';
}

/** FROM and the filters every feed statement shares (visibility, kinds, topics, sources, dates, legal documents' particulars, search). */
function fromAndFilters(sql: Sql, q: FeedQuery, src: FeedSource, search: SearchMode | null): void {
  sql.add(` FROM ${src.from}`);
  if (!src.hasArticles && needsArticles(q)) sql.add(` JOIN articles a ON a.id = ${src.articleId}`);
  if (search) sql.add(` JOIN article_search s ON s.article_id = ${src.articleId}`);
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
  if (q.documentNumber !== null || q.issuedFrom || q.issuedBefore) {
    // A few documents have a number (its index), so MySQL reads them first and the feed's rows by them.
    sql.add(` AND ${src.articleId} IN (SELECT d.article_id FROM legal_documents d WHERE TRUE`);
    if (q.documentNumber !== null) sql.add(' AND d.number_key = ?', q.documentNumber);
    if (q.issuedFrom) sql.add(' AND d.issued_on >= ?', q.issuedFrom);
    if (q.issuedBefore) sql.add(' AND d.issued_on < ?', q.issuedBefore);
    sql.add(')');
  }
  if (search?.kind === 'index') matchCondition(sql, search.terms);
  if (search?.kind === 'scan') {
    rowCondition(sql, search.terms);
    const b = search.boundary;
    if (b) {
      const { sortAt: s, articleId: id } = src;
      if (q.order === 'OLDEST') sql.add(` AND (${s} < ? OR (${s} = ? AND ${id} <= ?))`, b.at, b.at, b.id);
      else sql.add(` AND (${s} > ? OR (${s} = ? AND ${id} >= ?))`, b.at, b.at, b.id);
    }
  }
}

/** Rows strictly after the cursor in the query's order; `rank` is the column holding views or score. */
function afterCursor(sql: Sql, q: FeedQuery, s: string, id: string, rank: string): void {
  if (!q.after) return;
  const at = new Date(q.after.at * 1000);
  if (q.order === 'OLDEST') {
    sql.add(` AND (${s} > ? OR (${s} = ? AND ${id} > ?))`, at, at, q.after.id);
  } else if (q.order === 'NEWEST') {
    sql.add(` AND (${s} < ? OR (${s} = ? AND ${id} < ?))`, at, at, q.after.id);
  } else {
    const r = q.after.rank ?? 0;
    sql.add(` AND (${rank} < ? OR (${rank} = ? AND (${s} < ? OR (${s} = ? AND ${id} < ?))))`, r, r, at, at, q.after.id);
  }
}

function orderBy(q: FeedQuery, s: string, id: string, rank: string): string {
  if (q.order === 'OLDEST') return `${s} ASC, ${id} ASC`;
  if (q.order === 'NEWEST') return `${s} DESC, ${id} DESC`;
  return `${rank} DESC, ${s} DESC, ${id} DESC`;
}

/** Sorts articles of one page in memory the way the SQL ordered them (UNION ALL keeps no order). */
export function compareInOrder(order: FeedQuery['order'], scores?: Map<number, number>): (x: Article, y: Article) => number {
  const newest = (x: Article, y: Article) => y.publishedAt.getTime() - x.publishedAt.getTime() || y.id - x.id;
  if (order === 'OLDEST') return (x, y) => -newest(x, y);
  if (order === 'NEWEST') return newest;
  if (order === 'RELEVANCE') return (x, y) => (scores?.get(y.id) ?? 0) - (scores?.get(x.id) ?? 0) || newest(x, y);
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

const EMPTY_PAGE: FeedPage = { articles: [], hasNextPage: false };

/**
 * Reads feed pages and counts. Built for DataLoader: many feeds of the same shape (say, the five
 * newest articles of each of a province's districts) become one statement.
 */
export class FeedService {
  constructor(private readonly db: DataSource) {}

  async pages(queries: readonly FeedQuery[]): Promise<FeedPage[]> {
    const results = new Map<FeedQuery, FeedPage>();
    for (const group of groupByShape(queries)) {
      if (group[0].search) {
        // Searches are rare on a page and each may take a different path: one at a time.
        for (const q of group) results.set(q, await this.searchPage(q));
      } else {
        const pages = await this.readPages(group, null);
        group.forEach((q, i) => results.set(q, pages[i]));
      }
    }
    return queries.map((q) => results.get(q)!);
  }

  /** A search page (see SEARCH_WINDOW for the ways it can go). */
  private async searchPage(q: FeedQuery): Promise<FeedPage> {
    const terms = q.search!.terms;
    if (!terms) return EMPTY_PAGE;
    if (q.order === 'NEWEST' || q.order === 'OLDEST') {
      const boundary = await this.windowBoundary(q);
      const [page] = await this.readPages([q], { kind: 'scan', terms, boundary });
      // Too few matches among the newest rows: the words are rare here, which the index is good at.
      if (page.hasNextPage || boundary === null) return page;
      return (await this.readPages([q], { kind: 'index', terms }))[0];
    }
    return (await this.readPages([q], await this.chooseSearchMode(q, terms)))[0];
  }

  /** Scan the unit's feed when the words are common in its newest rows, else ask the index. */
  private async chooseSearchMode(q: FeedQuery, terms: SearchTerms): Promise<SearchMode> {
    const src = sourceOf(q);
    if (!src.scannable) return { kind: 'index', terms };
    const sql = new Sql().add('SELECT COUNT(*) AS seen, COALESCE(SUM(');
    rowMatch(sql, terms);
    sql.add(`), 0) AS matched FROM (SELECT DISTINCT ${src.articleId} AS article_id, ${src.sortAt} AS sort_at FROM ${src.from}`);
    sql.add(` WHERE ${src.sortAt} <= ? AND ${src.all} ORDER BY ${src.sortAt} DESC, ${src.articleId} DESC LIMIT ?) w`, q.visibleUntil, src.allValue(q), SEARCH_WINDOW);
    sql.add(' JOIN article_search s ON s.article_id = w.article_id');
    const [{ seen, matched }] = await this.db.query(sql.text, sql.params);
    const wholeFeedSeen = Number(seen) < SEARCH_WINDOW;
    return wholeFeedSeen || Number(matched) >= DENSE_MATCHES ? { kind: 'scan', terms, boundary: null } : { kind: 'index', terms };
  }

  /** The position of the SEARCH_WINDOW-th row after the cursor, or null if the feed ends sooner. */
  private async windowBoundary(q: FeedQuery): Promise<{ at: Date; id: number } | null> {
    const src = sourceOf(q);
    const sql = new Sql().add(`SELECT DISTINCT ${src.sortAt} AS sort_at, ${src.articleId} AS article_id FROM ${src.from}`);
    sql.add(` WHERE ${src.sortAt} <= ? AND ${src.all}`, q.visibleUntil, src.allValue(q));
    afterCursor(sql, q, src.sortAt, src.articleId, '');
    sql.add(` ORDER BY ${orderBy(q, src.sortAt, src.articleId, '')} LIMIT 1 OFFSET ?`, SEARCH_WINDOW - 1);
    const rows: { sort_at: Date; article_id: number }[] = await this.db.query(sql.text, sql.params);
    return rows.length ? { at: rows[0].sort_at, id: rows[0].article_id } : null;
  }

  /**
   * One statement for a group of same-shaped feeds: a UNION ALL of one branch per feed, each branch
   * "ORDER BY … LIMIT n+1" on its feed index, so MySQL reads n+1 index entries per feed and stops.
   * (A window function over all the feeds' rows would have to read and number every row of every
   * feed first; LATERAL joins would do the same job but MariaDB has none.) A feed with history reads
   * each of its units' index ranges the same way and keeps its n+1 first distinct articles in SQL:
   * an `IN` list of units would sort all of their rows, and sending every unit's n+1 rows on would
   * make the new Tỉnh Ninh Bình's dashboard (533 units for 129 communes) parse three times the rows
   * it shows. The articles are joined once, outside. RELEVANCE computes the score in a derived table
   * so the cursor can compare it.
   */
  private async readPages(group: FeedQuery[], search: SearchMode | null): Promise<FeedPage[]> {
    const q = group[0];
    const src = sourceOf(q);
    const relevance = q.order === 'RELEVANCE' && search !== null;
    const articleColumns = articleListColumns(this.db);
    const sourceColumns = entityColumns(this.db, Source, 's');
    const originColumns = entityColumns(this.db, Unit, 'o');
    const sql = new Sql().add(`SELECT p.feed_key, p.rank_value, ${articleColumns.select}, ${sourceColumns.select}, ${originColumns.select} FROM (`);
    /** One unit's (or one LINEAGE's) n+1 first rows: feed_key, sort_at, article_id, rank_value. */
    const branch = (key: string, value: unknown): void => {
      if (relevance) {
        sql.add(`(SELECT ? AS feed_key, x.sort_at, x.article_id, x.rank_value FROM (SELECT ${src.distinct ? 'DISTINCT ' : ''}${src.sortAt} AS sort_at, ${src.articleId} AS article_id, `, key);
        relevanceScore(sql, search.terms);
        sql.add(' AS rank_value');
        fromAndFilters(sql, q, src, search);
        sql.add(` AND ${src.owner}) x WHERE TRUE`, value);
        afterCursor(sql, q, 'x.sort_at', 'x.article_id', 'x.rank_value');
        sql.add(` ORDER BY ${orderBy(q, 'x.sort_at', 'x.article_id', 'x.rank_value')} LIMIT ?)`, q.first + 1);
      } else {
        sql.add(`(SELECT ${src.distinct ? 'DISTINCT ' : ''}? AS feed_key, ${src.sortAt} AS sort_at, ${src.articleId} AS article_id, `, key);
        sql.add(q.order === 'MOST_VIEWED' ? 'a.views AS rank_value' : 'NULL AS rank_value');
        fromAndFilters(sql, q, src, search);
        sql.add(` AND ${src.owner}`, value);
        afterCursor(sql, q, src.sortAt, src.articleId, 'a.views');
        sql.add(` ORDER BY ${orderBy(q, src.sortAt, src.articleId, 'a.views')} LIMIT ?)`, q.first + 1);
      }
    };
    group.forEach((member, i) => {
      if (i > 0) sql.add(' UNION ALL ');
      const values = src.branches(member);
      if (values.length === 1) return branch(member.owner, values[0]);
      // An article shown on several of the units comes from each of their branches: once here.
      sql.add('(SELECT DISTINCT h.feed_key, h.sort_at, h.article_id, h.rank_value FROM (');
      values.forEach((value, j) => {
        if (j > 0) sql.add(' UNION ALL ');
        branch(member.owner, value);
      });
      sql.add(`) h ORDER BY ${orderBy(q, 'h.sort_at', 'h.article_id', 'h.rank_value')} LIMIT ?)`, q.first + 1);
    });
    // Sources and origins ride along (a page shows their names): two statements less per page view.
    // An article's origin may be a unit the page has not loaded: on today's map, the feed of Xã Phát
    // Diệm shows articles of the old Thị trấn Phát Diệm and of its old district and province.
    sql.add(') p JOIN articles a ON a.id = p.article_id LEFT JOIN sources s ON s.id = a.source_id JOIN units o ON o.id = a.origin_id');
    const rows: Record<string, unknown>[] = await this.db.query(sql.text, sql.params);
    const byOwner = new Map<string, Article[]>();
    const scores = new Map<number, number>();
    const sources = new Map<number, Source>();
    const origins = new Map<string, Unit>();
    // A LEFT JOIN's missing source reads as a row of nulls.
    const sourceIdKey = sourceColumns.key('id');
    for (const row of rows) {
      const key = String(row.feed_key);
      const article = articleColumns.fromRow(row);
      if (row[sourceIdKey] !== null) sources.set(article.sourceId!, sourceColumns.fromRow(row));
      if (!origins.has(article.originId)) origins.set(article.originId, originColumns.fromRow(row));
      if (relevance) scores.set(article.id, Number(row.rank_value));
      byOwner.set(key, [...(byOwner.get(key) ?? []), article]);
    }
    return group.map((member) => {
      const articles = (byOwner.get(member.owner) ?? []).sort(compareInOrder(q.order, scores));
      return { articles: articles.slice(0, q.first), hasNextPage: articles.length > q.first, sources, origins, ...(relevance ? { scores } : {}) };
    });
  }

  /** Whole-feed counts, one GROUP BY statement per shape. Cursors and page size do not matter here. */
  async counts(queries: readonly FeedQuery[]): Promise<number[]> {
    const results = new Map<FeedQuery, number>();
    for (const group of groupByShape(queries)) {
      if (group[0].search) {
        // Each search picks its own way (see SEARCH_WINDOW); no searchable word means no match.
        for (const member of group) {
          const terms = member.search!.terms;
          results.set(member, terms ? (await this.countFeeds([member], await this.chooseSearchMode(member, terms)))[0] : 0);
        }
      } else {
        const counted = await this.countFeeds(group, null);
        group.forEach((member, i) => results.set(member, counted[i]));
      }
    }
    return queries.map((q) => results.get(q)!);
  }

  /** One statement counting a group of same-shaped feeds: a UNION ALL of one count per feed, each article once. */
  private async countFeeds(group: FeedQuery[], search: SearchMode | null): Promise<number[]> {
    const src = sourceOf(group[0]);
    const sql = new Sql();
    group.forEach((member, i) => {
      if (i > 0) sql.add(' UNION ALL ');
      sql.add(`SELECT ? AS feed_key, COUNT(${src.hasArticles ? '*' : `DISTINCT ${src.articleId}`}) AS n`, member.owner);
      fromAndFilters(sql, member, src, search);
      sql.add(` AND ${src.all}`, src.allValue(member));
    });
    const rows: { feed_key: string; n: number | string }[] = await this.db.query(sql.text, sql.params);
    const byOwner = new Map(rows.map((r) => [String(r.feed_key), Number(r.n)]));
    return group.map((member) => byOwner.get(member.owner) ?? 0);
  }
}
