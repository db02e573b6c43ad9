import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { FastifyInstance, FastifyServerOptions, LogController } from 'fastify';
import { DataSource } from 'typeorm';
import { Caches } from './cache/caches';
import { CachePolicies, staticCachePolicyPlugin } from './cache/cachePolicy';
import { isLiveCounterField, liveCountersCachePlugin } from './cache/liveCounters';
import { LocalContentVersion } from './cache/contentVersion';
import { connectRedis } from './cache/redis';
import { RedisContentVersion } from './cache/redisContentVersion';
import { createKeyValueCache, responseCachePlugin } from './cache/responseCache';
import { Config, DEFAULT_BODY_LIMIT } from './config';
import { Context, createContext, createServices } from './context';
import { StatementTally } from './db/statementCounter';
import { EXAMPLE_QUERY } from './exampleQuery';
import { authenticationPlugin } from './plugins/authentication';
import { Metrics } from './plugins/metrics';
import { DEFAULT_QUERY_LIMITS, queryLimitsPlugin } from './plugins/queryLimits';
import { readReplicaPlugin } from './plugins/readReplica';
import { requestLogPlugin } from './plugins/requestLog';
import { errorLoggingPlugin, maskInternalError } from './plugins/errorMasking';
import { rethrowIfDatabaseUnavailable } from './common/databaseErrors';
import { Clock } from './modules/visits/clock';
import { Visits, VisitsOptions } from './modules/visits/visits';
import { subgraphSchema } from './federation';

declare module 'fastify' {
  interface FastifyInstance {
    /** The visit counters (buffer and flusher), for tests and operators' tools. */
    visits: Visits;
    /** The shared caches under the loaders, for tests. */
    caches: Caches;
    /** Where whole responses are kept (memory or Redis), for tests. */
    responses: KeyValueCache;
  }
}

export interface ServerDeps {
  config: Pick<Config, 'production'> & Partial<Pick<Config, 'queryLimits' | 'bodyLimit' | 'responseCache' | 'redisUrl'>>;
  dataSource: DataSource;
  /** Fastify's pino logger options; false for silence (tests). */
  logger?: FastifyServerOptions['logger'];
  /** The time the visit counters go by (tests cross midnight with it). Default: the system clock. */
  clock?: Clock;
  /** Tuning of the visit counters (flush interval, bounds); tests make them small. */
  visits?: Omit<VisitsOptions, 'clock' | 'logger'>;
}

/** Builds the HTTP server and Apollo from their dependencies; no globals, so tests can run several. */
export async function createServer({ config, dataSource, logger = false, clock, visits }: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: config.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // GraphQL requests get one line each from requestLogPlugin instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const redis = config.redisUrl ? { client: await connectRedis(config.redisUrl, app.log), namespace: `lienthong:${String(dataSource.options.database)}` } : null;
  const contentVersion = redis ? await RedisContentVersion.connect(redis, app.log) : new LocalContentVersion();
  const responseCache = config.responseCache ?? true;
  const metrics = new Metrics();
  const services = createServices(dataSource, {
    visits: { ...visits, clock, logger: app.log, redis },
    contentVersion,
    contentCaches: responseCache,
    onBatch: metrics.observeBatch,
  });
  app.decorate('visits', services.visits);
  app.decorate('caches', services.caches);
  metrics.watch(services);

  const schema = subgraphSchema();
  const policies = new CachePolicies(schema, isLiveCounterField);
  // Responses and automatic persisted queries (hashes of queries clients sent before).
  const cache = createKeyValueCache(contentVersion, redis, app.log);
  app.decorate('responses', cache);
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: true,
    cache,
    persistedQueries: { ttl: 24 * 3600 },
    plugins: [
      ...(responseCache ? [...responseCachePlugin(contentVersion), liveCountersCachePlugin({ cache, version: contentVersion, policies })] : []),
      config.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, document: EXAMPLE_QUERY, includeCookies: false }),
      errorLoggingPlugin(app.log),
      requestLogPlugin(app.log),
      metrics.plugin(),
      authenticationPlugin(),
      queryLimitsPlugin(schema, config.queryLimits ?? DEFAULT_QUERY_LIMITS),
      readReplicaPlugin(contentVersion),
      // Field traces for a router that asks (apollo-federation-include-trace), error messages masked.
      // Apollo installs this for subgraphs anyway; named here, it does so without a plain-text log line.
      ApolloServerPluginInlineTrace(),
      // The cache policy (Cache-Control, response cache) from the query text once, instead of by
      // Apollo's cache-control plugin, which hooks every resolver call (src/cache/cachePolicy.ts).
      ApolloServerPluginCacheControlDisabled(),
      staticCachePolicyPlugin(policies),
    ],
    formatError: maskInternalError,
    includeStacktraceInErrorResponses: false,
    // main.ts owns the signals: Apollo's own SIGTERM handler would stop Apollo under Fastify's feet
    // and leave app.close() waiting forever.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const tallies = new WeakMap<object, StatementTally>();
  const graphql = fastifyApolloHandler(apollo, {
    // Checking a key needs MySQL: during an outage say 503 SERVICE_UNAVAILABLE, not 500 "Context creation failed".
    context: async (request) =>
      createContext(services, request.id, tallies.get(request) ?? { statements: 0 }, request.headers.authorization).catch(rethrowIfDatabaseUnavailable),
  });
  app.route<{ Reply: string }>({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    async handler(request, reply) {
      const tally: StatementTally = { statements: 0 };
      tallies.set(request, tally);
      const body = await graphql.call(this, request, reply);
      // Lets portal developers and the benchmark see what a query costs (no data, just a number).
      void reply.header('x-sql-statements', String(tally.statements)).header('x-request-id', request.id);
      return body;
    },
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
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
    await apollo.stop();
    await services.visits.close();
    if (contentVersion instanceof RedisContentVersion) await contentVersion.close();
    await redis?.client.quit().catch(() => {});
  });
  services.visits.start();
  return app;
}
