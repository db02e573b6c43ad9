import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { Caches, createCaches, readThrough } from './cache/caches';
import { ContentVersion, LocalContentVersion } from './cache/contentVersion';
import { DataCache } from './cache/dataCache';
import { LiveCounter } from './cache/liveCounters';
import { requestDatabase } from './db/requestDatabase';
import { StatementTally } from './db/statementCounter';
import { Article } from './modules/articles/article.entity';
import { ArticleService, RelatedRequest } from './modules/articles/article.service';
import { ArticleWriter } from './modules/articles/articleWriter.service';
import { LATEST_PUBLISHED_AT } from './modules/articles/articleInput';
import { AuditService } from './modules/audit/audit.service';
import { RefusalLog, RefusalLogger } from './modules/audit/refusalLog';
import { ApiKeyService, Authentication } from './modules/keys/apiKey.service';
import { SyndicationService } from './modules/syndication/syndication.service';
import { FeedPage, FeedService } from './modules/articles/feed.service';
import { FeedQuery } from './modules/articles/feedQuery';
import { Publication } from './modules/articles/publication.entity';
import { Source } from './modules/sources/source.entity';
import { SourceService } from './modules/sources/source.service';
import { Unit } from './modules/units/unit.entity';
import { UnitService } from './modules/units/unit.service';
import { UnitTree } from './modules/units/unitTree';
import { UnitVisitCounts, Visits, VisitsOptions } from './modules/visits/visits';
import { Tally } from './modules/visits/visitBatch';
import { VisitsToRecord } from './modules/visits/recordVisitChecks';
import { DailyRange } from './modules/visits/visits.service';

/** What lives as long as the process: the pool, the visit counters' state and the shared caches. */
export interface ProcessServices {
  dataSource: DataSource;
  /** Stateful (buffer, flush timer): start() and close() with the server. */
  visits: Visits;
  /** Changes when content does; content mutations bump it (cache/contentChange.ts). */
  contentVersion: ContentVersion;
  caches: Caches;
  /** Told the size of every loader batch (for /metrics). */
  onBatch: (loader: string, size: number) => void;
  /** Mutations refused without a valid key: logged, rate-limited, never audited (modules/audit/refusalLog.ts). */
  refusals: RefusalLog;
}

/** One request's services: the SQL ones over the request's database (db/requestDatabase.ts). */
export interface Services extends ProcessServices {
  /** The request's database: what it sends is counted against it and may be read from a replica. */
  db: DataSource;
  units: UnitService;
  unitTree: UnitTree;
  articles: ArticleService;
  articleWriter: ArticleWriter;
  feeds: FeedService;
  sources: SourceService;
  syndication: SyndicationService;
  keys: ApiKeyService;
  audit: AuditService;
}

export interface ServiceOptions {
  visits?: VisitsOptions;
  /** Shared by every process when there are several (Redis); in memory by default. */
  contentVersion?: ContentVersion;
  /** Content caches under the loaders: on with the response cache. Default on. */
  contentCaches?: boolean;
  onBatch?: (loader: string, size: number) => void;
  /** Where refusals without a valid key are logged; default: nowhere. */
  logger?: RefusalLogger;
}

export function createServices(dataSource: DataSource, options: ServiceOptions = {}): ProcessServices {
  const contentVersion = options.contentVersion ?? new LocalContentVersion();
  return {
    dataSource,
    contentVersion,
    caches: createCaches(contentVersion, { content: options.contentCaches ?? true }),
    onBatch: options.onBatch ?? (() => {}),
    refusals: new RefusalLog(options.logger ?? { warn() {} }),
    visits: new Visits(dataSource, options.visits),
  };
}

/** The services of one request (plain objects over its database: cheap to build per request). */
export function requestServices(shared: ProcessServices, sql: StatementTally): Services {
  const db = requestDatabase(shared.dataSource, sql);
  // Listed, not spread: V8 builds `{ ...shared, more }` slowly (about 8 µs, a few % of a visit's time).
  const { dataSource, visits, contentVersion, caches, onBatch, refusals } = shared;
  return {
    dataSource,
    visits,
    contentVersion,
    caches,
    onBatch,
    refusals,
    db,
    units: new UnitService(db),
    unitTree: new UnitTree(db),
    articles: new ArticleService(db),
    articleWriter: new ArticleWriter(db),
    feeds: new FeedService(db),
    sources: new SourceService(db),
    syndication: new SyndicationService(db),
    keys: new ApiKeyService(db),
    audit: new AuditService(db, refusals),
  };
}

/**
 * DataLoaders of one request: every relation a resolver follows goes through one of these, so a
 * query costs one statement per relation and depth, however many rows it returns. They cache for
 * the request only, so no caller ever sees another's data or a stale row from an earlier request.
 */
export function createLoaders(services: Services, visibleUntil: Date, anonymous: boolean) {
  const byKey = <K, V>(keys: readonly K[], found: Map<K, V>, missing: V) => keys.map((k) => found.get(k) ?? missing);
  const { caches } = services;
  // Content as anonymous readers see it is the same for all of them, so it may come from the shared
  // caches; key holders also see scheduled articles, so theirs is always read.
  const shared = <C>(cache: C | null) => (anonymous ? cache : null);
  const loader = <K, V, C = K>(name: string, batch: DataLoader.BatchLoadFn<K, V>, options?: DataLoader.Options<K, V, C>) =>
    new DataLoader<K, V, C>((keys) => {
      services.onBatch(name, keys.length);
      return batch(keys);
    }, options);
  const feedKey = (q: FeedQuery) => JSON.stringify({ ...q, visibleUntil: undefined });
  const feedCountKey = (q: FeedQuery) => JSON.stringify({ ...q, first: 0, after: null, visibleUntil: undefined });
  const loaders = {
    unit: loader<string, Unit | null>('unit', async (codes) => byKey(codes, await readThrough(caches.units, codes, (c) => services.units.byCodes(c)), null)),
    unitChildren: loader<string, Unit[]>('unit_children', async (codes) => byKey(codes, await readThrough(caches.unitChildren, codes, (c) => services.units.children(c)), [])),
    article: loader<number, Article | null>('article', async (ids) =>
      byKey(ids, await readThrough(shared(caches.articles), ids, (missing) => services.articles.byIds(missing, visibleUntil)), null),
    ),
    articleBySlug: loader<string, Article | null>('article_by_slug', async (slugs) => byKey(slugs, await services.articles.bySlugs(slugs, visibleUntil), null)),
    articleBody: loader<number, string>('article_body', async (ids) => byKey(ids, await services.articles.bodies(ids), '')),
    topics: loader<number, string[]>('topics', async (ids) => byKey(ids, await services.articles.topics(ids), [])),
    publications: loader<number, Publication[]>('publications', async (ids) => byKey(ids, await services.articles.publications(ids), [])),
    related: loader<RelatedRequest, Article[], string>('related', (requests) => services.articles.related(requests, visibleUntil), {
      cacheKeyFn: (r) => `${r.article.id}:${r.first}`,
    }),
    source: loader<number, Source | null>('source', async (ids) => byKey(ids, await readThrough(caches.sources, ids, (missing) => services.sources.byIds(missing)), null)),
    feedPage: loader<FeedQuery, FeedPage, string>('feed_page', async (queries) => {
      const pages = await cachedFeeds(shared(caches.feedPages), queries, feedKey, (q) => services.feeds.pages(q));
      // Feed statements read the articles' sources too: Article.source then costs nothing.
      for (const page of pages) for (const [id, source] of page.sources ?? []) loaders.source.prime(id, source);
      return pages;
    }, {
      cacheKeyFn: feedKey,
      maxBatchSize: 100,
    }),
    feedCount: loader<FeedQuery, number, string>('feed_count', (queries) => cachedFeeds(shared(caches.feedCounts), queries, feedCountKey, (q) => services.feeds.counts(q)), {
      // The count ignores the page: all pages of one feed share it.
      cacheKeyFn: feedCountKey,
      maxBatchSize: 500,
    }),
    visitCounts: loader<string, UnitVisitCounts>('visit_counts', (codes) => services.visits.counts(codes, services.db), { maxBatchSize: 1000 }),
    visitDaily: loader<DailyRange, { date: string; visits: Tally }[], string>('visit_daily', (ranges) => services.visits.daily(ranges, services.db), {
      cacheKeyFn: (r) => `${r.unitCode}/${r.from}/${r.to}`,
      maxBatchSize: 200,
    }),
    visitOnline: loader<{ unitCode: string; includeDescendants: boolean }, number, string>('visit_online', (units) => services.visits.onlineCounts(units), {
      cacheKeyFn: (u) => `${u.unitCode}/${u.includeDescendants}`,
      maxBatchSize: 1000,
    }),
    articleViews: loader<number, number | null>('article_views', (ids) => services.visits.views(ids, services.db), { maxBatchSize: 1000 }),
  };
  return loaders;
}

/** Feed reads keyed by their query: the shared cache answers what it can, one batch reads the rest. */
async function cachedFeeds<V extends {}>(
  cache: DataCache<string, V> | null,
  queries: readonly FeedQuery[],
  key: (q: FeedQuery) => string,
  read: (queries: FeedQuery[]) => Promise<V[]>,
): Promise<V[]> {
  const keys = queries.map(key);
  const byKey = new Map(keys.map((k, i) => [k, queries[i]]));
  const found = await readThrough(cache, [...byKey.keys()], async (missing) => {
    const values = await read(missing.map((k) => byKey.get(k)!));
    return new Map(missing.map((k, i) => [k, values[i]]));
  });
  return keys.map((k) => found.get(k)!);
}

export type Loaders = ReturnType<typeof createLoaders>;

export interface Context {
  requestId: string;
  services: Services;
  /** The caller's API key, or why the key it sent was refused (see plugins/authentication.ts). */
  auth: Authentication;
  /** When the request started. */
  now: Date;
  /**
   * Articles published after this instant are not visible to this request: scheduled articles are
   * hidden from the public until their time, and shown to key holders (editors preparing them).
   */
  visibleUntil: Date;
  loaders: Loaders;
  sql: StatementTally;
  /** Where the response's visit counters are, while a response that shows them is to be kept (cache/liveCounters.ts). */
  liveCounters?: LiveCounter[];
  /** The operation's estimated cost, once the query-limits plugin has it; heavy ones queue (plugins/heavyRequests.ts). */
  queryCost?: number;
  /**
   * The caller's address (Fastify's request.ip: the peer, or the client X-Forwarded-For names when
   * TRUST_PROXY trusts the proxy in between); the visit counters limit what one address counts.
   */
  clientAddress: string;
  /** The mutation's recordVisit fields, checked before any is counted (modules/visits/recordVisitChecks.ts). */
  visitsToRecord?: VisitsToRecord;
}

/** Far enough ahead that every scheduled article is before it (articleInput.ts refuses later ones); within DATETIME's range. */
const END_OF_TIME = LATEST_PUBLISHED_AT;

export async function createContext(
  shared: ProcessServices,
  requestId: string,
  sql: StatementTally,
  authorization: string | undefined,
  clientAddress = '',
  now = new Date(),
): Promise<Context> {
  const services = requestServices(shared, sql);
  const auth = await services.keys.authenticate(authorization, now);
  const visibleUntil = auth.key ? END_OF_TIME : now;
  return { requestId, services, auth, now, visibleUntil, loaders: createLoaders(services, visibleUntil, !auth.key), sql, clientAddress };
}
