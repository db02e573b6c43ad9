import { DataSource } from 'typeorm';
import { Caches, createCaches } from './cache/caches';
import { ContentChanges, LocalContentChanges } from './cache/contentChanges';
import { systemClock } from './common/clock';
import { OnBatch } from './common/loaders';
import { requestDatabase } from './db/requestDatabase';
import { StatementTally } from './db/statementCounter';
import { Article } from './modules/articles/article.entity';
import { ArticleService } from './modules/articles/article.service';
import { ArticleWriter } from './modules/articles/articleWriter.service';
import { FeedPage, FeedService } from './modules/articles/feed.service';
import { AuditService } from './modules/audit/audit.service';
import { REFUSAL_LOG_INTERVAL_MS, RefusalLog, RefusalLogger } from './modules/audit/refusalLog';
import { ApiKeyService } from './modules/keys/apiKey.service';
import { Source } from './modules/sources/source.entity';
import { SourceService } from './modules/sources/source.service';
import { SyndicationService } from './modules/syndication/syndication.service';
import { Unit } from './modules/units/unit.entity';
import { SuccessionRow, UnitService } from './modules/units/unit.service';
import { UnitTree } from './modules/units/unitTree';
import { VisitCounters, VisitCountersOptions } from './modules/visits/visitCounters';

/** The shared caches under the loaders (cache/caches.ts), holding the modules' rows. */
interface GatewayRows {
  unit: Unit;
  succession: SuccessionRow;
  source: Source;
  article: Article;
  feedPage: FeedPage;
}
export type GatewayCaches = Caches<GatewayRows>;

/** What lives as long as the process: the pool, the visit counters' state and the shared caches. */
export interface ProcessServices {
  dataSource: DataSource;
  /** Stateful (buffer, flush timer): start() and close() with the server. */
  visits: VisitCounters;
  /** Content changes by tag, here and in the other processes: what cached answers drop (cache/contentChanges.ts). */
  contentChanges: ContentChanges;
  caches: GatewayCaches;
  /** Told the size of every loader batch (for /metrics). */
  onBatch: OnBatch;
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
  visits?: VisitCountersOptions;
  /** Told of the other processes' changes when there are several (Redis); on its own by default. */
  contentChanges?: ContentChanges;
  /** Content caches under the loaders: on with the response cache. Default on. */
  contentCaches?: boolean;
  /** Seconds content is kept at most in them (cache/caches.ts). */
  contentMaxAge?: number;
  onBatch?: OnBatch;
  /** Where refusals without a valid key are logged; default: nowhere. */
  logger?: RefusalLogger;
}

export function createServices(dataSource: DataSource, options: ServiceOptions = {}): ProcessServices {
  const contentChanges = options.contentChanges ?? new LocalContentChanges();
  return {
    dataSource,
    contentChanges,
    caches: createCaches<GatewayRows>(contentChanges, { content: options.contentCaches ?? true, contentMaxAge: options.contentMaxAge }),
    onBatch: options.onBatch ?? (() => {}),
    // On the visit counters' clock: tests move it past the log's interval instead of sleeping.
    refusals: new RefusalLog(options.logger ?? { warn() {} }, REFUSAL_LOG_INTERVAL_MS, () => (options.visits?.clock ?? systemClock).now()),
    visits: new VisitCounters(dataSource, options.visits),
  };
}

/**
 * The services of one request (plain objects over its database: cheap to build per request). `db`
 * is the request's database, or that database inside the request's transaction (context.ts).
 */
export function requestServices(shared: ProcessServices, sql: StatementTally, db = requestDatabase(shared.dataSource, sql)): Services {
  // Listed, not spread: V8 builds `{ ...shared, more }` slowly (about 8 µs, a few % of a visit's time).
  const { dataSource, visits, contentChanges, caches, onBatch, refusals } = shared;
  return {
    dataSource,
    visits,
    contentChanges,
    caches,
    onBatch,
    refusals,
    db,
    units: new UnitService(db),
    unitTree: new UnitTree(db),
    articles: new ArticleService(db),
    articleWriter: new ArticleWriter(db, contentChanges),
    feeds: new FeedService(db),
    sources: new SourceService(db, contentChanges),
    syndication: new SyndicationService(db, contentChanges),
    keys: new ApiKeyService(db),
    audit: new AuditService(db, refusals),
  };
}
