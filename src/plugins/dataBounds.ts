import { FastifyBaseLogger } from 'fastify';
import { DataSource } from 'typeorm';
import { ContentVersion } from '../cache/contentVersion';
import { unitHistory } from '../modules/units/unitTree';

/**
 * The largest sizes the data has today, for the lists and feeds whose length the schema leaves
 * open: what the cost estimate (queryCost.ts) multiplies by, so that it bounds the real work
 * rather than guessing it.
 */
export interface DataBounds {
  /** Every article: the 'all' feed, and what a search may read through the FULLTEXT index. */
  articles: number;
  sources: number;
  provinces: number;
  /** Units of any level: what searchUnits scans. */
  units: number;
  /** Most districts of one province (Province.districts). */
  districtsPerProvince: number;
  /** Most communes of one district (District.communes). */
  communesPerDistrict: number;
  /** Most communes of one province, through its districts or not (Province.communes). */
  communesPerProvince: number;
  /** Most successions of one unit, either way (successors, predecessors). */
  successionsPerUnit: number;
  /** Most units a feed with history gathers: a unit and those whose archive it keeps (unitTree.ts). */
  historyUnits: number;
  /** The largest UNIT feed with history: the most rows the UNIT feeds of one unit's history hold together. */
  unitFeedWithHistory: number;
  /** The same for SUBTREE feeds. */
  subtreeFeedWithHistory: number;
  /** Most articles shown on one unit: the largest UNIT feed. */
  unitFeed: number;
  /** The largest SUBTREE feed (a province's, in practice). */
  subtreeFeed: number;
  /** A LINEAGE feed gathers a commune's, its district's and its province's UNIT feeds: at most the sum of each level's largest. */
  lineageFeed: number;
  /** Most articles taken from one source (Source.articles). */
  sourceFeed: number;
  /** Most units one article is shown on (Article.publications). */
  publicationsPerArticle: number;
  /** Most topics of one article (Article.topics, and the topics `related` reads). */
  topicsPerArticle: number;
  /** Most articles filed under one topic (`related` reads at most RELATED_CANDIDATES_PER_TOPIC of them). */
  articlesPerTopic: number;
}

/**
 * Until the first read answers (MySQL unreachable at start): both maps and a million articles, so
 * that nothing is under-estimated meanwhile; heavy reads are refused until then.
 */
export const FALLBACK_BOUNDS: DataBounds = {
  articles: 1_000_000,
  sources: 1_000,
  provinces: 63,
  units: 15_000,
  districtsPerProvince: 30,
  communesPerDistrict: 39,
  communesPerProvince: 1_000,
  successionsPerUnit: 100,
  historyUnits: 100,
  unitFeedWithHistory: 1_000_000,
  subtreeFeedWithHistory: 1_000_000,
  unitFeed: 1_000_000,
  subtreeFeed: 1_000_000,
  lineageFeed: 1_000_000,
  sourceFeed: 1_000_000,
  publicationsPerArticle: 15_000,
  topicsPerArticle: 10,
  articlesPerTopic: 1_000_000,
};

/**
 * One statement, run in the background: every part reads an index (no article rows), about 0.1 s
 * at 60,000 articles and 0.7 s at 200,000 (most of it the subtree feed). Per-level maxima of the
 * UNIT feeds give the LINEAGE bound without joining the closure table (which would read every
 * publication once per descendant of its unit).
 */
const BOUNDS_SQL = `SELECT
  (SELECT COUNT(*) FROM articles) AS articles,
  (SELECT COUNT(*) FROM sources) AS sources,
  (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM units WHERE level = 'PROVINCE' GROUP BY valid_from, valid_to) x) AS provinces,
  (SELECT COUNT(*) FROM units) AS units,
  (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM units WHERE level = 'DISTRICT' GROUP BY parent_id) x) AS districts_per_province,
  (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM units c JOIN units d ON d.id = c.parent_id
    WHERE c.level = 'COMMUNE' AND d.level = 'DISTRICT' GROUP BY c.parent_id) x) AS communes_per_district,
  (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM units WHERE level = 'COMMUNE' GROUP BY province_id) x) AS communes_per_province,
  (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM unit_successions GROUP BY from_id UNION ALL SELECT COUNT(*) FROM unit_successions GROUP BY to_id) x) AS successions_per_unit,
  (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM subtree_feed GROUP BY unit_id) x) AS subtree_feed,
  (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM articles WHERE source_id IS NOT NULL GROUP BY source_id) x) AS source_feed,
  (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM publications GROUP BY article_id) x) AS publications_per_article,
  (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM article_topics GROUP BY article_id) x) AS topics_per_article,
  (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM article_topics GROUP BY topic_id) x) AS articles_per_topic`;

const UNIT_FEEDS_SQL = `SELECT u.level, MAX(f.n) AS n
  FROM (SELECT unit_id, COUNT(*) AS n FROM publications GROUP BY unit_id) f JOIN units u ON u.id = f.unit_id
  GROUP BY u.level`;

/** The rows of `table`'s feeds that one unit's history gathers, at most. */
const historyFeed = (table: string) => `(SELECT COALESCE(MAX(n), 0) FROM (SELECT h.unit_id, SUM(f.n) AS n FROM history h
    JOIN (SELECT unit_id, COUNT(*) AS n FROM ${table} GROUP BY unit_id) f ON f.unit_id = h.member_id GROUP BY h.unit_id) x)`;

/**
 * Feeds with history, measured on every unit's history (unitTree.ts): a commune with fifteen
 * predecessors and a province with three are priced by what they gather, not the largest history
 * times the largest feed. Reads the same indexes as the statements above, once more.
 */
const HISTORY_BOUNDS_SQL = `${unitHistory('TRUE')}
  SELECT (SELECT COALESCE(MAX(n), 1) FROM (SELECT COUNT(*) AS n FROM history GROUP BY unit_id) x) AS history_units,
    ${historyFeed('publications')} AS unit_feed, ${historyFeed('subtree_feed')} AS subtree_feed`;

/** Reads the bounds (three statements on the process's pool, never a request's). */
export async function readDataBounds(db: DataSource): Promise<DataBounds> {
  const [row]: Record<string, string | number>[] = await db.query(BOUNDS_SQL);
  const feeds: { level: string; n: string | number }[] = await db.query(UNIT_FEEDS_SQL);
  const [history]: Record<string, string | number>[] = await db.query(HISTORY_BOUNDS_SQL);
  const n = (name: string) => Number(row[name]);
  const unitFeeds = feeds.map((f) => Number(f.n));
  return {
    articles: n('articles'),
    sources: n('sources'),
    provinces: n('provinces'),
    units: n('units'),
    districtsPerProvince: n('districts_per_province'),
    communesPerDistrict: n('communes_per_district'),
    communesPerProvince: n('communes_per_province'),
    successionsPerUnit: n('successions_per_unit'),
    historyUnits: Number(history.history_units),
    unitFeedWithHistory: Number(history.unit_feed),
    subtreeFeedWithHistory: Number(history.subtree_feed),
    unitFeed: Math.max(0, ...unitFeeds),
    subtreeFeed: n('subtree_feed'),
    lineageFeed: unitFeeds.reduce((sum, x) => sum + x, 0),
    sourceFeed: n('source_feed'),
    publicationsPerArticle: n('publications_per_article'),
    topicsPerArticle: n('topics_per_article'),
    articlesPerTopic: n('articles_per_topic'),
  };
}

export interface DataBoundsOptions {
  /** Re-read this often, whatever happens. Default 60 s. */
  refreshMs?: number;
  /** After content changed, re-read once this long has passed since the last read. Default 10 s. */
  minIntervalMs?: number;
}

/**
 * The process's DataBounds, kept fresh in the background: every `refreshMs`, and soon after content
 * changes (articles, publications and sources bump the content version), at most every
 * `minIntervalMs`. Between two reads a bound may lag the data by one edit's worth (a syndication to
 * a hundred units counts at its old size for up to `minIntervalMs`).
 */
export class DataBoundsKeeper {
  private value: DataBounds = FALLBACK_BOUNDS;
  private revisionNumber = 0;
  private lastRead = 0;
  private readonly refreshMs: number;
  private readonly minIntervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly db: DataSource,
    private readonly logger: FastifyBaseLogger,
    options: DataBoundsOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 60_000;
    this.minIntervalMs = options.minIntervalMs ?? 10_000;
  }

  /** The bounds now. */
  current(): DataBounds {
    return this.value;
  }

  /** Changes with every read, so estimates remembered with older bounds are not reused. */
  revision(): number {
    return this.revisionNumber;
  }

  /** Reads once (a failure keeps the previous bounds and is logged), then keeps them fresh. */
  async start(contentVersion: ContentVersion): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs).unref();
    contentVersion.onChange(() => this.soon());
  }

  /** Reads the bounds now (tests call it after changing data). */
  async refresh(): Promise<void> {
    this.lastRead = Date.now();
    try {
      const value = await readDataBounds(this.db);
      if (this.closed) return;
      this.value = value;
      this.revisionNumber++;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the data bounds for the cost estimate; keeping the previous ones');
    }
  }

  private soon(): void {
    if (this.pending || this.closed) return;
    const wait = Math.max(0, this.lastRead + this.minIntervalMs - Date.now());
    this.pending = setTimeout(() => {
      this.pending = null;
      void this.refresh();
    }, wait).unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
  }
}
