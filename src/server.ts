import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import cors from '@fastify/cors';
import Fastify, { FastifyInstance, FastifyServerOptions, LogController } from 'fastify';
import { DataSource } from 'typeorm';
import { CachePolicies, staticCachePolicyPlugin } from './cache/cachePolicy';
import { DocumentPlans } from './plugins/documentPlan';
import { edgeHeadersPlugin } from './cache/edgeTags';
import { CONTENT_MAX_AGE, TAGGED_CONTENT_MAX_AGE } from './cache/cacheHints';
import { ReplicatedDataSource } from './db/replication';
import { EdgePurger } from './cache/edgePurge';
import { KeptAnswers } from './cache/keptAnswers';
import { LocalContentChanges } from './cache/contentChanges';
import { connectRedis } from './db/redis';
import { RedisContentChanges } from './cache/redisContentChanges';
import { ScheduledArticles } from './modules/articles/scheduledArticles';
import { createPersistedQueryStore, keyHoldersPrivatePlugin, PERSISTED_QUERY_TTL_SECONDS } from './cache/responseCache';
import { Config, DEFAULT_BODY_LIMIT, DEFAULT_PERSISTED_QUERIES_MAX, DEFAULT_PERSISTED_QUERIES_MAX_TOTAL_BYTES, DEFAULT_PERSISTED_QUERY_MAX_BYTES } from './config';
import { Context } from './context';
import { serverFlavour } from './db/deadline';
import { EXAMPLE_QUERY } from './exampleQuery';
import { registerExplorer } from './explorer/explorer';
import { authenticationPlugin } from './plugins/authentication';
import { mayScrape, Metrics } from './plugins/metrics';
import { DEFAULT_QUERY_LIMITS, queryLimitsPlugin } from './plugins/queryLimits';
import { DataBoundsKeeper, DataBoundsOptions } from './plugins/dataBounds';
import { readReplicaPlugin } from './plugins/readReplica';
import { DEFAULT_HEAVY_REQUEST_LIMITS, HeavySlots, heavyRequestsPlugin } from './plugins/heavyRequests';
import { DEFAULT_REQUEST_TIMEOUTS, requestDeadlinePlugin } from './plugins/requestDeadline';
import { DEFAULT_ANSWER_MAX_BYTES, executionBudgetPlugin, guardExecution } from './plugins/executionBudget';
import { RequestLog, withIsoTime } from './plugins/requestLog';
import { errorLoggingPlugin, maskInternalError, stringifyAnswerLogged } from './plugins/errorMasking';
import { answerClientErrorAsGraphQL, answerHttpErrorsAsGraphQL } from './plugins/httpErrors';
import { boundConnections, DEFAULT_CONNECTION_LIMITS, requestTimeoutOptions } from './plugins/connections';
import { knownOperationTypesRule } from './plugins/knownOperationTypes';
import { requestTransactionPlugin } from './plugins/requestTransaction';
import { Clock } from './common/clock';
import { VisitCounters, VisitCountersOptions } from './modules/visits/visitCounters';
import { recordVisitChecksPlugin } from './modules/visits/recordVisitChecks';
import { VisitShortcut } from './modules/visits/visitShortcut';
import { liveCounterFields, readLiveCounters } from './modules/visits/liveCounters';
import { graphqlSchema } from './schema';
import { graphqlRoute } from './http/graphqlRoute';
import { subgraphSchema } from './federation';
import { createServices, GatewayCaches } from './services';
import { printSchemaFile } from './schemaFile';

declare module 'fastify' {
  interface FastifyInstance {
    /** The visit counters (buffer and flusher), for tests and operators' tools. */
    visits: VisitCounters;
    /** The shared caches under the loaders, for tests. */
    caches: GatewayCaches;
    /** Where automatic persisted queries are kept (memory or Redis), for tests. */
    responses: KeyValueCache;
    /** Anonymous queries' answers as sent, null with RESPONSE_CACHE=off; for tests. */
    keptAnswers: KeptAnswers | null;
    /** The data's largest lists the cost estimate multiplies by (tests refresh them after seeding). */
    dataBounds: DataBoundsKeeper;
    /** The slots heavy requests run in (tests wait for them to fill or empty). */
    heavySlots: HeavySlots;
    /** The purges sent to the edges in front (tests wait for them to be taken). */
    edges: EdgePurger;
  }
}

export interface ServerDeps {
  config: Pick<Config, 'production'> &
    Partial<Pick<Config, 'queryLimits' | 'bodyLimit' | 'responseCache' | 'redisUrl' | 'requestTimeouts' | 'heavyRequests' | 'trustProxy' | 'corsOrigins' | 'visitsPerAddressPerMinute' | 'persistedQueryMaxBytes' | 'persistedQueriesMax' | 'persistedQueriesMaxTotalBytes' | 'connections' | 'metrics' | 'answerMaxBytes' | 'edges' | 'edgeMaxAge'>>;
  dataSource: DataSource;
  /** Fastify's pino logger options; false for silence (tests). */
  logger?: FastifyServerOptions['logger'];
  /** The time the visit counters and the kept answers' lifetimes go by (tests cross midnight with it). Default: the system clock. */
  clock?: Clock;
  /** Tuning of the visit counters (flush interval, bounds); tests make them small. */
  visits?: Omit<VisitCountersOptions, 'clock' | 'logger'>;
  /** How often the cost estimate's data bounds are re-read (plugins/dataBounds.ts). */
  dataBounds?: DataBoundsOptions;
}

/** Builds the HTTP server and Apollo from their dependencies; no globals, so tests can run several. */
export async function createServer({ config, dataSource, logger = false, clock, visits, dataBounds: boundsOptions }: ServerDeps): Promise<FastifyInstance> {
  const connections = config.connections ?? DEFAULT_CONNECTION_LIMITS;
  const app = Fastify({
    logger: withIsoTime(logger),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: config.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // request.ip from X-Forwarded-For only as far as the proxies the operator named (TRUST_PROXY).
    trustProxy: config.trustProxy ?? false,
    // One line per request from requestLog instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // What Node's HTTP parser refuses (a GET over 16 KiB of URL and headers: 431) is GraphQL-shaped too.
    clientErrorHandler: answerClientErrorAsGraphQL,
    // Slow clients are cut (408) instead of holding connections open (plugins/connections.ts).
    ...requestTimeoutOptions(connections),
  });
  answerHttpErrorsAsGraphQL(app);
  boundConnections(app, connections, config.trustProxy ?? false);
  await allowOrigins(app, config.corsOrigins ?? []);
  const redis = config.redisUrl ? { client: await connectRedis(config.redisUrl, app.log), namespace: `lienthong:${String(dataSource.options.database)}` } : null;
  const contentChanges = redis ? await RedisContentChanges.connect(redis, app.log) : new LocalContentChanges();
  const responseCache = config.responseCache ?? true;
  // Content is kept until a change drops it. With read replicas a read after PRIMARY_AFTER_CHANGE_MS
  // may still come from one that has not applied the change: what it keeps lasts as for browsers.
  const contentMaxAge = dataSource instanceof ReplicatedDataSource ? CONTENT_MAX_AGE : TAGGED_CONTENT_MAX_AGE;
  const metrics = new Metrics({ operations: config.metrics?.operations, schema: printSchemaFile() });
  const requestLog = new RequestLog(app.log);
  const services = createServices(dataSource, {
    visits: { ...visits, abuse: { perAddressLimit: config.visitsPerAddressPerMinute, ...visits?.abuse }, clock, logger: app.log, redis },
    contentChanges,
    contentCaches: responseCache,
    contentMaxAge,
    onBatch: metrics.observeBatch,
    logger: app.log,
  });
  app.decorate('visits', services.visits);
  // Read on the process's pool, never by a request: requests' statement counts stay what they are.
  const dataBounds = new DataBoundsKeeper(dataSource, app.log, boundsOptions);
  await dataBounds.start(contentChanges);
  app.decorate('dataBounds', dataBounds);
  app.decorate('caches', services.caches);
  metrics.watch(services);

  // How requests' reads are given their time limit (db/deadline.ts); asked again later if MySQL is down now.
  await serverFlavour(dataSource).catch(() => {});
  const timeouts = config.requestTimeouts ?? DEFAULT_REQUEST_TIMEOUTS;
  // Resolvers stop at the deadline and the answer's size is counted as it is built (plugins/executionBudget.ts).
  const schema = guardExecution(subgraphSchema());
  // What each parsed operation asks, worked out once (plugins/documentPlan.ts): limits, cost, cache policy, visits.
  const plans = new DocumentPlans(schema, liveCounterFields(graphqlSchema()));
  const policies = new CachePolicies(plans);
  // Automatic persisted queries (hashes of queries clients sent before).
  const persistedQueries = createPersistedQueryStore(
    redis,
    {
      maxEntryBytes: config.persistedQueryMaxBytes ?? DEFAULT_PERSISTED_QUERY_MAX_BYTES,
      maxEntries: config.persistedQueriesMax ?? DEFAULT_PERSISTED_QUERIES_MAX,
      maxTotalBytes: config.persistedQueriesMaxTotalBytes ?? DEFAULT_PERSISTED_QUERIES_MAX_TOTAL_BYTES,
    },
    app.log,
  );
  app.decorate('responses', persistedQueries);
  // Edges the gateway purges may keep answers longer than browsers (cache/edgeTags.ts).
  const edgeMaxAge = (config.edges ?? []).length > 0 ? (config.edgeMaxAge ?? contentMaxAge) : null;
  const kept = responseCache ? new KeptAnswers(contentChanges, policies, readLiveCounters(services), { maxAge: contentMaxAge, edgeMaxAge, clock }) : null;
  app.decorate('keptAnswers', kept);
  const visitShortcut = new VisitShortcut(plans, services);
  const heavyLimits = config.heavyRequests ?? DEFAULT_HEAVY_REQUEST_LIMITS;
  const heavySlots = new HeavySlots(heavyLimits.concurrency, heavyLimits.queue);
  app.decorate('heavySlots', heavySlots);
  // The /graphql route: every way a request is answered (http/graphqlRoute.ts).
  const route = graphqlRoute({ services, visitShortcut, keptAnswers: kept, requestLog, metrics, timeouts });
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: true,
    // CSRF prevention guards cookie sessions: a browser sends cookies cross-site, never a header a
    // page cannot set without a preflight. Our keys travel only in the Authorization header, so a
    // cross-site request carries no key and can only read what any anonymous caller reads. Off, plain
    // GETs (CDNs, <link rel=preload>, curl) answer queries; mutations over GET stay refused (405), and
    // a browser's preflight-free POSTs (forms, text/plain) are refused by their content type anyway.
    csrfPrevention: false,
    // graphql-js 16 lets a subscription through validation and answers it 200 with data: null.
    validationRules: [knownOperationTypesRule],
    persistedQueries: { ttl: PERSISTED_QUERY_TTL_SECONDS, cache: persistedQueries },
    plugins: [
      executionBudgetPlugin(config.answerMaxBytes ?? DEFAULT_ANSWER_MAX_BYTES),
      // Kept answers and the visit shortcut learn from the requests Apollo executes for them.
      route.plugin,
      ...(kept ? [keyHoldersPrivatePlugin()] : []),
      config.production
        ? ApolloServerPluginLandingPageDisabled()
        : // No telemetry from Sandbox to Apollo; GraphiQL at /graphiql is the explorer that needs no internet.
          ApolloServerPluginLandingPageLocalDefault({ embed: { runTelemetry: false }, document: EXAMPLE_QUERY, includeCookies: false }),
      errorLoggingPlugin(app.log),
      requestLog.plugin(),
      metrics.plugin(),
      authenticationPlugin(),
      queryLimitsPlugin(config.queryLimits ?? DEFAULT_QUERY_LIMITS, dataBounds, plans),
      recordVisitChecksPlugin(plans),
      requestTransactionPlugin(app.log),
      readReplicaPlugin(contentChanges),
      requestDeadlinePlugin(timeouts),
      // After the response cache plugins: a kept answer never waits for a slot.
      heavyRequestsPlugin(heavyLimits, heavySlots),
      // Field traces for a router that asks (apollo-federation-include-trace), error messages masked.
      // Apollo installs this for subgraphs anyway; named here, it does so without a plain-text log line.
      ApolloServerPluginInlineTrace(),
      // The cache policy (Cache-Control, response cache) from the query text once, instead of by
      // Apollo's cache-control plugin, which hooks every resolver call (src/cache/cachePolicy.ts).
      ApolloServerPluginCacheControlDisabled(),
      staticCachePolicyPlugin(policies),
      // After the policy: tags only on answers a shared cache may keep.
      edgeHeadersPlugin(edgeMaxAge),
    ],
    formatError: maskInternalError,
    includeStacktraceInErrorResponses: false,
    // main.ts owns the signals: Apollo's own SIGTERM handler would stop Apollo under Fastify's feet
    // and leave app.close() waiting forever.
    stopOnTerminationSignals: false,
    // Apollo's own lines (an unexpected failure in its pipeline) in the JSON log, not as plain text on stderr.
    logger: app.log,
    stringifyResult: stringifyAnswerLogged(app.log),
  });
  await apollo.start();

  route.register(app, apollo);

  registerExplorer(app, { production: config.production });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (request, reply) => {
    if (!mayScrape(request.headers.authorization, config.metrics?.token)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'send Authorization: Bearer <METRICS_TOKEN>' });
    }
    return reply.type(metrics.contentType).send(await metrics.text());
  });
  app.get('/readyz', async (_request, reply) => {
    try {
      await dataSource.query('SELECT 1');
      return { status: 'ok', database: 'reachable' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: 'unreachable' });
    }
  });
  // app.close() stops accepting, lets in-flight requests finish (closing idle keep-alive sockets),
  // then stops Apollo. Apollo's Fastify drain plugin is not used: it calls app.close() itself.
  // onClose runs once in-flight requests are done, so every visit they counted is in the last flush.
  app.addHook('onClose', async () => {
    dataBounds.close();
    scheduled.stop();
    edges.close();
    await apollo.stop();
    await services.visits.close();
    if (contentChanges instanceof RedisContentChanges) await contentChanges.close();
    await redis?.client.quit().catch(() => {});
  });
  services.visits.start();
  // Scheduled articles are announced as changes when their time comes (modules/articles/scheduledArticles.ts).
  const scheduled = new ScheduledArticles(dataSource, contentChanges, app.log);
  scheduled.start();
  // The edges in front are told of every change made here (cache/edgePurge.ts).
  // Once more after the longest a request runs: what was being answered as a change committed.
  const edges = new EdgePurger(config.edges ?? [], contentChanges, app.log, { longestRequestMs: timeouts.queryMs });
  app.decorate('edges', edges);
  return app;
}

/**
 * Lets pages of the operator's portals call the gateway from the browser (a portal page sending
 * recordVisit), answering preflights itself. Never with credentials: no cookie or HTTP
 * authentication travels cross-site; a key goes in the Authorization header only.
 */
async function allowOrigins(app: FastifyInstance, origins: string[]): Promise<void> {
  if (origins.length === 0) return;
  await app.register(cors, {
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name'],
    credentials: false,
    maxAge: 600,
  });
}
