import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { StatementTally } from './db/statementCounter';
import { Article } from './modules/articles/article.entity';
import { ArticleService, RelatedRequest } from './modules/articles/article.service';
import { ArticleWriter } from './modules/articles/articleWriter.service';
import { AuditService } from './modules/audit/audit.service';
import { ApiKeyService, Authentication } from './modules/keys/apiKey.service';
import { SyndicationService } from './modules/syndication/syndication.service';
import { FeedPage, FeedService } from './modules/articles/feed.service';
import { FeedQuery } from './modules/articles/feedQuery';
import { Publication } from './modules/articles/publication.entity';
import { Source } from './modules/sources/source.entity';
import { SourceService } from './modules/sources/source.service';
import { Unit } from './modules/units/unit.entity';
import { UnitService } from './modules/units/unit.service';
import { UnitVisitCounts, Visits, VisitsOptions } from './modules/visits/visits';
import { Tally } from './modules/visits/visitBatch';
import { DailyRange } from './modules/visits/visits.service';

/** The services, built once per process; loaders are built from them per request. */
export interface Services {
  units: UnitService;
  articles: ArticleService;
  articleWriter: ArticleWriter;
  feeds: FeedService;
  sources: SourceService;
  syndication: SyndicationService;
  keys: ApiKeyService;
  audit: AuditService;
  /** Stateful (buffer, flush timer): start() and close() with the server. */
  visits: Visits;
}

export interface ServiceOptions {
  visits?: VisitsOptions;
}

export function createServices(db: DataSource, options: ServiceOptions = {}): Services {
  return {
    units: new UnitService(db),
    articles: new ArticleService(db),
    articleWriter: new ArticleWriter(db),
    feeds: new FeedService(db),
    sources: new SourceService(db),
    syndication: new SyndicationService(db),
    keys: new ApiKeyService(db),
    audit: new AuditService(db),
    visits: new Visits(db, options.visits),
  };
}

/**
 * DataLoaders of one request: every relation a resolver follows goes through one of these, so a
 * query costs one statement per relation and depth, however many rows it returns. They cache for
 * the request only, so no caller ever sees another's data or a stale row from an earlier request.
 */
export function createLoaders(services: Services, visibleUntil: Date) {
  const byKey = <K, V>(keys: readonly K[], found: Map<K, V>, missing: V) => keys.map((k) => found.get(k) ?? missing);
  const loaders = {
    unit: new DataLoader<string, Unit | null>(async (codes) => byKey(codes, await services.units.byCodes(codes), null)),
    unitChildren: new DataLoader<string, Unit[]>(async (codes) => byKey(codes, await services.units.children(codes), [])),
    article: new DataLoader<number, Article | null>(async (ids) => byKey(ids, await services.articles.byIds(ids, visibleUntil), null)),
    articleBySlug: new DataLoader<string, Article | null>(async (slugs) => byKey(slugs, await services.articles.bySlugs(slugs, visibleUntil), null)),
    articleBody: new DataLoader<number, string>(async (ids) => byKey(ids, await services.articles.bodies(ids), '')),
    topics: new DataLoader<number, string[]>(async (ids) => byKey(ids, await services.articles.topics(ids), [])),
    publications: new DataLoader<number, Publication[]>(async (ids) => byKey(ids, await services.articles.publications(ids), [])),
    related: new DataLoader<RelatedRequest, Article[], string>((requests) => services.articles.related(requests, visibleUntil), {
      cacheKeyFn: (r) => `${r.article.id}:${r.first}`,
    }),
    source: new DataLoader<number, Source | null>(async (ids) => byKey(ids, await services.sources.byIds(ids), null)),
    feedPage: new DataLoader<FeedQuery, FeedPage, string>((queries) => services.feeds.pages(queries), {
      cacheKeyFn: (q) => JSON.stringify(q),
      maxBatchSize: 100,
    }),
    feedCount: new DataLoader<FeedQuery, number, string>((queries) => services.feeds.counts(queries), {
      // The count ignores the page: all pages of one feed share it.
      cacheKeyFn: (q) => JSON.stringify({ ...q, first: 0, after: null }),
      maxBatchSize: 500,
    }),
    visitCounts: new DataLoader<string, UnitVisitCounts>((codes) => services.visits.counts(codes), { maxBatchSize: 1000 }),
    visitDaily: new DataLoader<DailyRange, { date: string; visits: Tally }[], string>((ranges) => services.visits.daily(ranges), {
      cacheKeyFn: (r) => `${r.unitCode}/${r.from}/${r.to}`,
      maxBatchSize: 200,
    }),
    articleViews: new DataLoader<number, number | null>((ids) => services.visits.views(ids), { maxBatchSize: 1000 }),
  };
  return loaders;
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
}

/** Far enough ahead that every scheduled article is before it; within DATETIME's range. */
const END_OF_TIME = new Date('9999-12-31T00:00:00Z');

export async function createContext(services: Services, requestId: string, sql: StatementTally, authorization: string | undefined, now = new Date()): Promise<Context> {
  const auth = await services.keys.authenticate(authorization, now);
  const visibleUntil = auth.key ? END_OF_TIME : now;
  return { requestId, services, auth, now, visibleUntil, loaders: createLoaders(services, visibleUntil), sql };
}
