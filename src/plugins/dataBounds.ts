import { FastifyBaseLogger } from 'fastify';
import { DataSource, EntityManager } from 'typeorm';
import { ContentChanges } from '../cache/contentChanges';
import { commitHook, CommitHook } from '../db/transaction';
import { UnitLevelEnum } from '../modules/units/unit.types';
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

/** Every bound, in the order of data_bounds' columns (migration DataBounds1733200000000). */
const BOUND_NAMES = Object.keys(FALLBACK_BOUNDS) as (keyof DataBounds)[];

/**
 * The bounds of one article's rows. A write that gives articles all their rows of a kind (new
 * articles, topics replaced) says how many the largest has: the bound becomes the larger of the two,
 * not their sum, or a thousand new articles of 3 topics would count 3,000 topics per article. The
 * row keeps those sizes apart (floors), over the last two full reads (see storeExactBounds).
 */
const PER_ARTICLE = ['publicationsPerArticle', 'topicsPerArticle'] as const;
type PerArticle = (typeof PER_ARTICLE)[number];

/** data_bounds' column of a bound: `unitFeedWithHistory` is unit_feed_with_history. */
const columnOf = (name: keyof DataBounds) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The row every process shares: the bounds as grown by writes since the last full read. */
interface StoredBounds {
  /** Counts every change of the row. */
  revision: number;
  /** Counts full reads; 0: none yet, the row holds nothing. */
  refreshes: number;
  /** The last full read plus every growth added since. */
  sums: DataBounds;
  /** What to price by: the sums, or a per-article size written since the next-to-last full read if larger. */
  bounds: DataBounds;
  /** How long ago (by MySQL's clock) the last full read was stored, and how long it took. */
  lastRead: { ageMs: number; durationMs: number } | null;
}

const STORED_SQL = `SELECT revision, refreshes, TIMESTAMPDIFF(SECOND, refreshed_at, UTC_TIMESTAMP()) AS read_age_s, read_ms, ${BOUND_NAMES.map(columnOf).join(', ')},
  ${PER_ARTICLE.map((name) => `GREATEST(${columnOf(name)}_floor, ${columnOf(name)}_last_floor) AS ${columnOf(name)}_floor`).join(', ')}
  FROM data_bounds WHERE id = 1`;

async function readStoredBounds(db: DataSource): Promise<StoredBounds> {
  const [row]: Record<string, string | number>[] = await db.query(STORED_SQL);
  const sums = Object.fromEntries(BOUND_NAMES.map((name) => [name, Number(row[columnOf(name)])])) as unknown as DataBounds;
  const bounds = { ...sums };
  for (const name of PER_ARTICLE) bounds[name] = Math.max(sums[name], Number(row[`${columnOf(name)}_floor`]));
  const lastRead = row.read_age_s === null ? null : { ageMs: Number(row.read_age_s) * 1000, durationMs: Number(row.read_ms) };
  return { revision: Number(row.revision), refreshes: Number(row.refreshes), sums, bounds, lastRead };
}

/** A full read, with the row as it was before it began. */
export interface ExactBounds {
  before: StoredBounds;
  exact: DataBounds;
}

/** Reads the bounds from the data (slow: seconds at millions of articles), noting the row first. */
export async function readExactBounds(db: DataSource): Promise<ExactBounds> {
  const before = await readStoredBounds(db);
  return { before, exact: await readDataBounds(db) };
}

/**
 * Stores a full read in the shared row. Writes committed while it read may be missing from it, but
 * each grew the row meanwhile, and only growth changed the row since `before` unless another full
 * read was stored (then this one is dropped): each sum becomes the exact bound plus what was added
 * since the read began. Floors written since the last full read was stored become the last floors
 * (they may be newer than this read); those before it are in this read, and are dropped. So the row
 * is never below the data. Returns whether it was stored.
 */
export async function storeExactBounds(db: DataSource, { before, exact }: ExactBounds, readMs = 0): Promise<boolean> {
  const sums = BOUND_NAMES.map((name) => `${columnOf(name)} = ${columnOf(name)} + ?`);
  // In this order: MySQL and MariaDB assign from left to right, reading what is already assigned.
  const floors = PER_ARTICLE.map((name) => `${columnOf(name)}_last_floor = ${columnOf(name)}_floor, ${columnOf(name)}_floor = 0`);
  const result = await db.query(
    `UPDATE data_bounds SET ${[...sums, ...floors].join(', ')}, refreshes = refreshes + 1, revision = revision + 1, refreshed_at = UTC_TIMESTAMP(), read_ms = ?
     WHERE id = 1 AND refreshes = ?`,
    [...BOUND_NAMES.map((name) => exact[name] - before.sums[name]), Math.round(readMs), before.refreshes],
  );
  return result.affectedRows === 1;
}

/** Reads the bounds from the data and stores them for every process (seeds call it once loaded). */
export async function refreshDataBounds(db: DataSource): Promise<void> {
  const started = performance.now();
  const read = await readExactBounds(db);
  await storeExactBounds(db, read, performance.now() - started);
}

/**
 * What one write added, each at most (publishing.ts and the sources say it where they insert rows):
 * what the bounds grow by, at once, until the next full read replaces them with exact ones.
 */
export interface Additions {
  /** Articles inserted, and the most of them (or of articles given a new source) in one source's feed. */
  articles?: { count: number; mostPerSource: number };
  sources?: number;
  /**
   * Publications inserted: in all, the most on one unit, the units they are on, and the most of one
   * article: all its publications when `wholeArticles` (articles just inserted), else added to its others.
   */
  publications?: { count: number; mostPerUnit: number; units: number; mostPerArticle: number; wholeArticles: boolean };
  /** SUBTREE feed rows inserted: in all, and the most in one unit's feed. */
  subtreeFeedRows?: { count: number; mostPerUnit: number };
  /** Articles' topics, all of them (new articles, or topics replaced): the most of one article; the most filed under one topic. */
  topicFilings?: { mostPerArticle: number; mostPerTopic: number };
}

/** How the bounds grow: by a sum, and for per-article bounds to at least a size. */
interface Growth {
  add: Partial<Record<keyof DataBounds, number>>;
  atLeast: Partial<Record<PerArticle, number>>;
}

/** A LINEAGE feed gathers one UNIT feed per level. */
const LEVELS = Object.keys(UnitLevelEnum).length;

/**
 * How much each bound may have grown by `added`. A feed with history sums the feeds of at most
 * `historyUnits` units, a LINEAGE feed one per level; neither grows by more than the rows added.
 */
function growthOf({ articles, sources, publications: p, subtreeFeedRows: s, topicFilings: t }: Additions, historyUnits: number): Growth {
  return {
    add: {
      articles: articles?.count,
      sourceFeed: articles?.mostPerSource,
      sources,
      unitFeed: p?.mostPerUnit,
      unitFeedWithHistory: p && Math.min(p.count, p.mostPerUnit * historyUnits),
      lineageFeed: p && Math.min(p.count, p.mostPerUnit * Math.min(p.units, LEVELS)),
      publicationsPerArticle: p && !p.wholeArticles ? p.mostPerArticle : undefined,
      subtreeFeed: s?.mostPerUnit,
      subtreeFeedWithHistory: s && Math.min(s.count, s.mostPerUnit * historyUnits),
      articlesPerTopic: t?.mostPerTopic,
    },
    atLeast: { publicationsPerArticle: p?.wholeArticles ? p.mostPerArticle : undefined, topicsPerArticle: t?.mostPerArticle },
  };
}

/**
 * The growth of several writes in one transaction: sums added up, sizes the largest. A size is
 * counted with every sum of the transaction, as if all came after it (an article inserted, then
 * syndicated to more units).
 */
function totalGrowth(growths: Growth[]): Growth {
  const total: Growth = { add: {}, atLeast: {} };
  for (const { add, atLeast } of growths) {
    for (const [name, n] of Object.entries(add) as [keyof DataBounds, number | undefined][]) if (n) total.add[name] = (total.add[name] ?? 0) + n;
    for (const [name, n] of Object.entries(atLeast) as [PerArticle, number | undefined][]) if (n) total.atLeast[name] = Math.max(total.atLeast[name] ?? 0, n);
  }
  return total;
}

/** `bound` grown: `add` more, or at least `atLeast` (itself grown by `add`). */
const grown = (bound: number, add = 0, atLeast = 0) => Math.max(bound + add, atLeast > 0 ? atLeast + add : 0);

/** The keepers of each pool (by its driver, which a request's database view shares): told of growth at once. */
const keepersByPool = new WeakMap<object, Set<DataBoundsKeeper>>();

/**
 * One transaction's growth: gathered over its writes, added to the shared row as the transaction's
 * last statement (one UPDATE by primary key, whatever the writes), and to this process's bounds once
 * committed.
 */
class PendingGrowth implements CommitHook {
  private readonly additions: Additions[] = [];
  private written: { growth: Growth; revision: number } | null = null;

  constructor(private readonly pool: object) {}

  add(added: Additions): void {
    this.additions.push(added);
  }

  async beforeCommit(m: EntityManager): Promise<void> {
    const keepers = [...(keepersByPool.get(this.pool) ?? [])];
    const historyUnits = Math.max(0, ...keepers.map((k) => k.current().historyUnits)) || FALLBACK_BOUNDS.historyUnits;
    const growth = totalGrowth(this.additions.map((added) => growthOf(added, historyUnits)));
    const set: string[] = [];
    const values: number[] = [];
    for (const [name, add] of Object.entries(growth.add) as [keyof DataBounds, number][]) {
      set.push(`${columnOf(name)} = ${columnOf(name)} + ?`);
      values.push(add);
    }
    for (const name of PER_ARTICLE) {
      const { [name]: add = 0 } = growth.add;
      const { [name]: atLeast = 0 } = growth.atLeast;
      if (add === 0 && atLeast === 0) continue;
      // A floor grows with the sum too: the article it was written for may be one of those added to.
      const floor = `${columnOf(name)}_floor`;
      set.push(`${floor} = GREATEST(${floor} + ?, ?)`, `${columnOf(name)}_last_floor = ${columnOf(name)}_last_floor + ?`);
      values.push(add, grown(0, add, atLeast), add);
    }
    if (set.length === 0) return;
    // LAST_INSERT_ID(x) hands the new revision back in the UPDATE's answer: no statement more.
    const result = await m.query(`UPDATE data_bounds SET ${set.join(', ')}, revision = LAST_INSERT_ID(revision + 1) WHERE id = 1`, values);
    this.written = { growth, revision: Number(result.insertId) };
  }

  afterCommit(): void {
    if (!this.written) return;
    for (const keeper of keepersByPool.get(this.pool) ?? []) keeper.grew(this.written.growth, this.written.revision);
  }
}

/**
 * Grows the bounds by what a write added: in the transaction `m` writes in, as its last statement
 * (db/transaction.ts's commitHook), and in this process's bounds once it commits; at once when `m`
 * is in no transaction of ours. Costs the write one statement, whatever it added (none if nothing).
 */
export async function growDataBounds(m: EntityManager, added: Additions): Promise<void> {
  const pool = m.connection.driver;
  const pending = commitHook(m, PendingGrowth, () => new PendingGrowth(pool));
  if (pending) return pending.add(added);
  const now = new PendingGrowth(pool);
  now.add(added);
  await now.beforeCommit(m);
  now.afterCommit();
}

export interface DataBoundsOptions {
  /** Read the data afresh this often, whatever happens. Default 60 s. */
  refreshMs?: number;
  /** After content changed, read the data once this long has passed since the last read. Default 10 s. */
  minIntervalMs?: number;
  /** Read the shared row this often: other processes' writes show within it. Default 1 s. */
  pollMs?: number;
}

/**
 * Full reads take at most this share of the time, all processes together: at 5,000,000 articles one
 * takes ~19 s of MySQL, so they are then ~6 minutes apart whatever refreshMs and minIntervalMs ask.
 */
const FULL_READ_SHARE = 0.05;
/** Held by the process reading the data in full, so that no other reads it at the same time. */
const FULL_READ_LOCK = "CONCAT('lienthong.data_bounds.', DATABASE())";

/**
 * The process's DataBounds. Writes grow them as they commit (growDataBounds): at once in the
 * writing process, and through the shared row data_bounds, which every process reads every
 * `pollMs` (one read by primary key), in the others. Grown bounds are upper bounds (a syndication
 * of 7 articles to 2,000 units counts 7 more articles on every unit): the data is read afresh, and
 * the row replaced by exact bounds, `minIntervalMs` after a content change and every `refreshMs`,
 * by one process at a time and no more often than FULL_READ_SHARE allows. MySQL only: Redis may be down.
 */
export class DataBoundsKeeper {
  private value: DataBounds = FALLBACK_BOUNDS;
  private revisionNumber = 0;
  /** The revision of the row `value` was taken from (-1: none yet). */
  private rowRevision = -1;
  /** The row's revision after this process's last growth: an older row lacks it. */
  private ownRevision = 0;
  /** The last full read, by whichever process, as the row last told it (null: never, or not known yet). */
  private lastRead: { ageMs: number; durationMs: number; seenAt: number } | null = null;
  /** Content changed since the last full read began. */
  private changed = false;
  /** After a failed full read, none before this time. */
  private retryAt = 0;
  private readonly refreshMs: number;
  private readonly minIntervalMs: number;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private reading: Promise<void> | null = null;
  private pollFailed = false;
  private closed = false;

  constructor(
    private readonly db: DataSource,
    private readonly logger: FastifyBaseLogger,
    options: DataBoundsOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 60_000;
    this.minIntervalMs = options.minIntervalMs ?? 10_000;
    this.pollMs = options.pollMs ?? 1_000;
  }

  /** The bounds now. */
  current(): DataBounds {
    return this.value;
  }

  /** Changes whenever the bounds do, so estimates remembered with older bounds are not reused. */
  revision(): number {
    return this.revisionNumber;
  }

  /**
   * Takes the shared row (the last full read plus every write since, never below the data), or reads
   * the data first on a database never read (a failure keeps the previous bounds and is logged);
   * then keeps them fresh.
   */
  async start(contentChanges: ContentChanges): Promise<void> {
    const keepers = keepersByPool.get(this.db.driver) ?? new Set();
    keepersByPool.set(this.db.driver, keepers.add(this));
    await this.poll();
    if (this.lastRead === null) await this.refresh();
    this.timer = setInterval(() => {
      if (this.polling) return;
      void this.poll().then(() => (this.due() ? this.refreshAlone() : undefined));
    }, this.pollMs).unref();
    contentChanges.onChange(() => (this.changed = true));
  }

  /** Reads the data now and stores what it found for every process (main.ts calls it after seeding). */
  refresh(): Promise<void> {
    this.reading ??= this.readInFull().finally(() => (this.reading = null));
    return this.reading;
  }

  private async readInFull(): Promise<void> {
    this.changed = false; // a change committed during the read is in it, or grew the row
    try {
      await refreshDataBounds(this.db);
      await this.poll();
    } catch (error) {
      this.retryAt = Date.now() + this.refreshMs;
      this.logger.warn({ err: error }, 'could not read the data bounds for the cost estimate; keeping the previous ones');
    }
  }

  /** Whether a full read is due: after a change or when the last is old, and not sooner than its cost allows. */
  private due(): boolean {
    if (this.closed || this.reading || Date.now() < this.retryAt) return false;
    if (this.lastRead === null) return true;
    const age = this.lastRead.ageMs + (Date.now() - this.lastRead.seenAt);
    const wanted = this.changed ? this.minIntervalMs : this.refreshMs;
    return age >= Math.max(wanted, this.lastRead.durationMs / FULL_READ_SHARE);
  }

  /** A full read unless another process is making one (its result then reaches this one through the row). */
  private async refreshAlone(): Promise<void> {
    const runner = this.db.createQueryRunner('master');
    try {
      await runner.connect();
      const [{ got }]: Array<{ got: number | string | null }> = await runner.query(`SELECT GET_LOCK(${FULL_READ_LOCK}, 0) AS got`);
      if (Number(got) !== 1) return;
      try {
        await this.refresh();
      } finally {
        await runner.query(`SELECT RELEASE_LOCK(${FULL_READ_LOCK})`);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not take the data bounds read lock; trying again later');
      this.retryAt = Date.now() + this.refreshMs;
    } finally {
      await runner.release();
    }
  }

  /** Takes the shared row, unless it is older than what this process holds or has written. */
  async poll(): Promise<void> {
    // A read under way may have begun before what the caller waits for: read again after it.
    while (this.polling) await this.polling;
    this.polling = this.takeRow().finally(() => (this.polling = null));
    await this.polling;
  }

  private async takeRow(): Promise<void> {
    try {
      const row = await readStoredBounds(this.db);
      this.pollFailed = false;
      this.lastRead = row.lastRead && { ...row.lastRead, seenAt: Date.now() };
      if (this.closed || row.refreshes === 0 || row.revision <= this.rowRevision || row.revision < this.ownRevision) return;
      this.rowRevision = row.revision;
      this.set(row.bounds);
    } catch (error) {
      // Every second during an outage: say it once.
      if (!this.pollFailed) this.logger.warn({ err: error }, 'could not read the shared data bounds; keeping the previous ones');
      this.pollFailed = true;
    }
  }

  /** A write of this process committed `growth`, which made the shared row `revision`. */
  grew({ add, atLeast }: Growth, revision: number): void {
    const value = { ...this.value };
    for (const name of BOUND_NAMES) value[name] = grown(value[name], add[name], atLeast[name as PerArticle]);
    // Nothing else changed the row since it was read: it is now exactly `value`.
    if (revision === this.rowRevision + 1) this.rowRevision = revision;
    this.ownRevision = Math.max(this.ownRevision, revision);
    this.set(value);
  }

  private set(value: DataBounds): void {
    if (BOUND_NAMES.every((name) => value[name] === this.value[name])) return;
    this.value = value;
    this.revisionNumber++;
  }

  close(): void {
    this.closed = true;
    keepersByPool.get(this.db.driver)?.delete(this);
    if (this.timer) clearInterval(this.timer);
  }
}
