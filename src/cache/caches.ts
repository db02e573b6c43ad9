import { TAGGED_CONTENT_MAX_AGE, UNIT_MAX_AGE } from './cacheHints';
import { ContentChanges } from './contentChanges';
import { articleTag, sourceTag, Tag } from './contentTags';
import { DataCache } from './dataCache';

/**
 * The process's shared caches under the per-request loaders, kept as long as the cache hints say
 * clients may keep the same data (cacheHints.ts).
 *
 * Units are reference data: they change only with a new administrative map (a migration or seed),
 * never through the API, so they are always cached, for an hour (a map step empties them). Content
 * (feeds, articles, sources) is kept only when the response cache is on, each entry dropped when a
 * change touches its tags (contentTags.ts); its TTL also bounds how late a scheduled article
 * appears to anonymous readers. With the response
 * cache off, every request reads content afresh, but requests that need one row at the same
 * moment share its read (dataCache.ts).
 */
export interface Caches<R extends CachedRows = CachedRows> {
  units: DataCache<string, R['unit']>;
  /** Every unit that has had a code. */
  unitsByCode: DataCache<string, R['unit'][]>;
  unitChildren: DataCache<string, R['unit'][]>;
  unitCommunes: DataCache<string, R['unit'][]>;
  /** A unit's successions, keyed 'from|id' (to its successors) or 'to|id' (from its predecessors). */
  successions: DataCache<string, R['succession'][]>;
  /** A unit's history: itself and every unit that became (part of) it (unitTree.ts). */
  unitHistories: DataCache<string, string[]>;
  /** A unit's lineage: its id, then every unit above it. */
  unitLineages: DataCache<string, string[]>;
  sources: DataCache<number, R['source']>;
  /** Anonymous readers' feed pages and counts, keyed by the query without its instant. */
  feedPages: DataCache<string, R['feedPage']>;
  feedCounts: DataCache<string, number>;
  /** Articles as anonymous readers see them (published ones). */
  articles: DataCache<number, R['article']>;
}

/**
 * The rows the caches hold, named by the modules that own them: services.ts composes the caches
 * with the modules' types, so this layer imports no module.
 */
export interface CachedRows {
  unit: {};
  succession: {};
  source: {};
  article: {};
  /** Feed pages are bounded by the articles they hold (FEED_PAGES_MAX_SIZE), and show each article's source. */
  feedPage: { articles: readonly { sourceId: number | null }[] };
}

/**
 * Feed pages hold up to 100 articles each, ~1.6 KB of heap per article (measured): 20,000 pages of
 * 100, which any caller can ask for, were 3 GB. Bounded by the articles they hold: 60,000 (~100 MB),
 * still 6,000 home pages of 10.
 */
const FEED_PAGES_MAX_SIZE = { total: 60_000, size: (page: CachedRows['feedPage']) => page.articles.length + 1 };

/**
 * What a feed page shows besides its feed (its key's tags): its articles' sources. Its articles need
 * no tag: a change to one of them drops every feed that shows it.
 */
function feedPageTags(page: CachedRows['feedPage']): Tag[] {
  const tags = new Set<Tag>();
  for (const article of page.articles) if (article.sourceId !== null) tags.add(sourceTag(article.sourceId));
  return [...tags];
}

/**
 * `content`: whether content is kept at all (RESPONSE_CACHE); `contentMaxAge`: seconds it is kept at
 * most, since changes drop it (default TAGGED_CONTENT_MAX_AGE).
 */
export function createCaches<R extends CachedRows = CachedRows>(changes: ContentChanges, { content, contentMaxAge = TAGGED_CONTENT_MAX_AGE }: { content: boolean; contentMaxAge?: number }): Caches<R> {
  const seconds = (s: number) => s * 1000;
  return {
    units: new DataCache('units', { max: 20_000, ttlMs: seconds(UNIT_MAX_AGE) }),
    unitsByCode: new DataCache('units_by_code', { max: 20_000, ttlMs: seconds(UNIT_MAX_AGE) }),
    unitChildren: new DataCache('unit_children', { max: 1_000, ttlMs: seconds(UNIT_MAX_AGE) }),
    unitCommunes: new DataCache('unit_communes', { max: 200, ttlMs: seconds(UNIT_MAX_AGE) }),
    successions: new DataCache('successions', { max: 40_000, ttlMs: seconds(UNIT_MAX_AGE) }),
    unitHistories: new DataCache('unit_histories', { max: 20_000, ttlMs: seconds(UNIT_MAX_AGE) }),
    unitLineages: new DataCache('unit_lineages', { max: 20_000, ttlMs: seconds(UNIT_MAX_AGE) }),
    sources: new DataCache('sources', { max: 10_000, ttlMs: seconds(contentMaxAge), changes, keyTags: (id) => [sourceTag(id)], keepsValues: content }),
    feedPages: new DataCache('feed_pages', { max: 20_000, maxSize: FEED_PAGES_MAX_SIZE, ttlMs: seconds(contentMaxAge), changes, valueTags: feedPageTags, keepsValues: content }),
    feedCounts: new DataCache('feed_counts', { max: 20_000, ttlMs: seconds(contentMaxAge), changes, keepsValues: content }),
    articles: new DataCache('articles', { max: 50_000, ttlMs: seconds(contentMaxAge), changes, keyTags: (id) => [articleTag(id)], keepsValues: content }),
  };
}

/**
 * The caches of a request's reads inside its own transaction (plugins/requestTransaction.ts): they
 * may see its uncommitted writes, so content is neither taken from, shared with nor kept for other
 * requests (a source created and rolled back would be served for minutes). Units are never written
 * through the API: those stay shared.
 */
export function cachesWithinTransaction<R extends CachedRows>(caches: Caches<R>): Caches<R> {
  const own = <K extends {}, V extends {}>(cache: DataCache<K, V>) => new DataCache<K, V>(cache.name, { max: 1, ttlMs: 1, keepsValues: false });
  return { ...caches, sources: own(caches.sources), feedPages: own(caches.feedPages), feedCounts: own(caches.feedCounts), articles: own(caches.articles) };
}

/** Reads through `cache` when there is one (`keyTags`: see DataCache.getMany). */
export function readThrough<K extends {}, V extends {}>(
  cache: DataCache<K, V> | null,
  keys: readonly K[],
  read: (keys: K[]) => Promise<Map<K, V>>,
  keyTags?: (key: K) => readonly Tag[],
): Promise<Map<K, V>> {
  return cache ? cache.getMany(keys, read, keyTags) : read([...keys]);
}

/** Empties every shared cache (tests measure cold requests with it). */
export function emptyCaches<R extends CachedRows>(caches: Caches<R>): void {
  for (const cache of Object.values(caches)) cache.clear();
}
