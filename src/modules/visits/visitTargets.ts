import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { BoundedCache } from './boundedCache';
import { ArticleOnUnit, VisitService } from './visits.service';

/**
 * Units change with a new administrative map, not during the day: every unit's lineage is loaded at
 * once (one statement, ~33,000 closure rows, ~2 MB) and reloaded this often.
 */
const UNIT_TREE_TTL_MS = 10 * 60_000;
/** A code missing from the tree is looked up alone (a unit added since) and the answer kept this long. */
const UNIT_TTL_MS = 60_000;
/**
 * Where an article is shown changes with syndicate/withdraw (possibly on another gateway process):
 * for this long after a change, visits may still be accepted or refused as before it.
 */
const SHOWN_TTL_MS = 30_000;
const NOT_SHOWN_TTL_MS = 5_000;
/**
 * A pair asked for in the second half of its time is read again in the background, so pages that
 * keep being visited never wait for the check: at thousands of visits a second over thousands of
 * pages, misses on expiry were a statement every few visits. Renewals are gathered for a while
 * (nobody waits for them) and read together.
 */
const REFRESH_AFTER = 0.5;
const REFRESH_BATCH_MS = 100;
/** Codes missing from the tree (mostly codes of no unit), each remembered for UNIT_TTL_MS. */
const MAX_UNITS = 50_000;
/** ~100 bytes each: about 20 MB at the bound. */
const MAX_PAIRS = 200_000;

/**
 * The checks recordVisit makes on every call (the unit exists and what is above it; the article
 * exists, is public and is shown on that unit), answered from bounded caches so that the hot path
 * sends no SQL. Misses from concurrent requests are batched into one statement per tick.
 *
 * The caches are per process and per gateway start; with several gateway processes each keeps its
 * own, which only matters for how soon a syndicate/withdraw is seen (the TTLs above).
 */
export class VisitTargets {
  /** Every unit's lineage, from the last full load. */
  private tree: Map<string, string[]> | null = null;
  private treeLoadedAt = -Infinity;
  private treeLoading: Promise<void> | null = null;
  /** Codes not in the tree: units added since it was loaded, or (mostly) codes of no unit. */
  private readonly units = new BoundedCache<string, string[] | null>(MAX_UNITS);
  private readonly pairs = new BoundedCache<string, { state: ArticleOnUnit; refreshAfter: number }>(MAX_PAIRS);
  /** Reads in the background (tree reloads, pair refreshes), billed to no request. */
  private readonly service: VisitService;
  private readonly unitLoader: DataLoader<{ code: string; db: DataSource }, string[] | null>;
  private readonly pairLoader: DataLoader<{ articleId: number; unitCode: string; db: DataSource }, ArticleOnUnit>;
  private readonly renewals: DataLoader<{ articleId: number; unitCode: string }, ArticleOnUnit>;

  /** `db`: the process's database, for background reads. */
  constructor(db: DataSource) {
    this.service = new VisitService(db);
    // cache: false: the caches above decide what is remembered and for how long; DataLoader only batches.
    // A batch of several requests' misses is read through (and billed to) the first one's database.
    this.unitLoader = new DataLoader(
      async (keys) => {
        const found = await new VisitService(keys[0].db).lineages(keys.map((k) => k.code));
        return keys.map((k) => found.get(k.code) ?? null);
      },
      { cache: false, maxBatchSize: 1000 },
    );
    this.pairLoader = new DataLoader((pairs) => new VisitService(pairs[0].db).articlesOnUnits(pairs), { cache: false, maxBatchSize: 1000 });
    this.renewals = new DataLoader((pairs) => this.service.articlesOnUnits(pairs), {
      cache: false,
      maxBatchSize: 1000,
      batchScheduleFn: (run) => setTimeout(run, REFRESH_BATCH_MS).unref(),
    });
  }

  /** The unit and every unit above it, nearest first; null for a code that names no unit. `db`: the asking request's. */
  lineage(code: string, now: number, db: DataSource): string[] | null | Promise<string[] | null> {
    if (now - this.treeLoadedAt >= UNIT_TREE_TTL_MS) {
      // The first load is waited for (and billed to the request); later ones run in the background
      // while the old tree serves, and are retried on the next visit if they fail.
      if (!this.tree) return this.loadTree(now, new VisitService(db)).then(() => this.lineage(code, now, db));
      if (!this.treeLoading) void this.loadTree(now, this.service).catch(() => undefined);
    }
    const inTree = this.tree!.get(code);
    if (inTree) return inTree;
    const cached = this.units.get(code, now);
    if (cached !== undefined) return cached;
    return this.unitLoader.load({ code, db }).then((lineage) => {
      this.units.set(code, lineage, now + UNIT_TTL_MS);
      return lineage;
    });
  }

  private loadTree(now: number, service: VisitService): Promise<void> {
    this.treeLoading ??= service
      .allLineages()
      .then((tree) => {
        this.tree = tree;
        this.treeLoadedAt = now;
      })
      .finally(() => {
        this.treeLoading = null;
      });
    return this.treeLoading;
  }

  /** Whether the article exists and is shown on the unit (public or not is for the caller to judge). */
  articleOnUnit(articleId: number, unitCode: string, now: number, db: DataSource): ArticleOnUnit | Promise<ArticleOnUnit> {
    const key = `${articleId}:${unitCode}`;
    const cached = this.pairs.get(key, now);
    if (cached === undefined) return this.keepPair(key, now, this.pairLoader.load({ articleId, unitCode, db }));
    if (now >= cached.refreshAfter) {
      cached.refreshAfter = Infinity; // one renewal at a time; if it fails, the entry expires as usual
      void this.keepPair(key, now, this.renewals.load({ articleId, unitCode })).catch(() => undefined);
    }
    return cached.state;
  }

  private keepPair(key: string, now: number, read: Promise<ArticleOnUnit>): Promise<ArticleOnUnit> {
    return read.then((state) => {
      const ttl = state.kind === 'shown' ? SHOWN_TTL_MS : NOT_SHOWN_TTL_MS;
      this.pairs.set(key, { state, refreshAfter: now + REFRESH_AFTER * ttl }, now + ttl);
      return state;
    });
  }
}
