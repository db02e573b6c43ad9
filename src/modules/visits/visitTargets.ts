import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { LineageCache } from '../units/unitTree';
import { LRUCache } from 'lru-cache';
import { Clock } from '../../common/clock';
import { ArticleOnUnit, VisitRollups } from './visitRollups';

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
/** ~100 bytes each: about 20 MB at the bound. */
const MAX_PAIRS = 200_000;

/**
 * The checks recordVisit makes on every call (the unit exists and what is above it; the article
 * exists, is public and is shown on that unit), answered from memory (the unit tree's lineages and
 * a bounded cache of pairs) so that the hot path sends no SQL. Misses from concurrent requests are
 * batched into one statement per tick.
 *
 * The caches are per process and per gateway start; with several gateway processes each keeps its
 * own, which only matters for how soon a syndicate/withdraw is seen (the TTLs above).
 */
export class VisitTargets {
  private readonly lineages: LineageCache;
  private readonly pairs: LRUCache<string, { state: ArticleOnUnit; refreshAfter: number }>;
  /** Reads in the background (pair refreshes), billed to no request. */
  private readonly rollups: VisitRollups;
  private readonly pairLoader: DataLoader<{ articleId: number; unitId: string; db: DataSource }, ArticleOnUnit>;
  private readonly renewals: DataLoader<{ articleId: number; unitId: string }, ArticleOnUnit>;

  /** `db`: the process's database, for background reads. */
  constructor(
    db: DataSource,
    private readonly clock: Clock,
  ) {
    this.lineages = new LineageCache(db, clock);
    // ttlResolution 0: an injected clock may jump; the time is read at every check.
    this.pairs = new LRUCache({ max: MAX_PAIRS, ttl: SHOWN_TTL_MS, ttlResolution: 0, perf: clock });
    this.rollups = new VisitRollups(db);
    // cache: false: the pair cache decides what is remembered and for how long; DataLoader only batches.
    // A batch of several requests' misses is read through (and billed to) the first one's database.
    this.pairLoader = new DataLoader((pairs) => new VisitRollups(pairs[0].db).articlesOnUnits(pairs), { cache: false, maxBatchSize: 1000 });
    this.renewals = new DataLoader((pairs) => this.rollups.articlesOnUnits(pairs), {
      cache: false,
      maxBatchSize: 1000,
      batchScheduleFn: (run) => setTimeout(run, REFRESH_BATCH_MS).unref(),
    });
  }

  /** The lineage of the unit in force today with this code (its id, then the ids above it); null when there is none. `db`: the asking request's. */
  lineage(code: string, db: DataSource): string[] | null | Promise<string[] | null> {
    return this.lineages.lineage(code, db);
  }

  /** Whether the article exists and is shown on the unit's portal (public or not is for the caller to judge). */
  articleOnUnit(articleId: number, unitId: string, db: DataSource): ArticleOnUnit | Promise<ArticleOnUnit> {
    const now = this.clock.now();
    const key = `${articleId}:${unitId}`;
    const cached = this.pairs.get(key);
    if (cached === undefined) return this.keepPair(key, now, this.pairLoader.load({ articleId, unitId, db }));
    if (now >= cached.refreshAfter) {
      cached.refreshAfter = Infinity; // one renewal at a time; if it fails, the entry expires as usual
      void this.keepPair(key, now, this.renewals.load({ articleId, unitId })).catch(() => undefined);
    }
    return cached.state;
  }

  private keepPair(key: string, now: number, read: Promise<ArticleOnUnit>): Promise<ArticleOnUnit> {
    return read.then((state) => {
      const ttl = state.kind === 'shown' ? SHOWN_TTL_MS : NOT_SHOWN_TTL_MS;
      this.pairs.set(key, { state, refreshAfter: now + REFRESH_AFTER * ttl }, { ttl });
      return state;
    });
  }
}
