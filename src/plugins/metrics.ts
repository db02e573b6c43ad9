import { createHash, timingSafeEqual } from 'node:crypto';
import { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { MysqlDriver } from 'typeorm/driver/mysql/MysqlDriver';
import { version } from '../../package.json';
import { Context } from '../context';
import { ProcessServices } from '../services';

/**
 * The operations the gateway knows by name: CONTRACT.md's benchmark scenarios
 * (tests/operations/*.graphql, the Sandbox example in exampleQuery.ts, record-visit's `Visit` in
 * scripts/bench/recordVisit.ts) and the syndicate job's (src/jobs/operations/*.graphql). Only these
 * and the configured METRICS_OPERATIONS get a label of their own (tests/http/server.test.ts checks the
 * list against those files).
 */
export const KNOWN_OPERATIONS: readonly string[] = ['CommuneHome', 'ProvinceDashboard', 'ProvinceDashboardToday', 'Search', 'Visit', 'SourceFeed', 'Syndicate'];

/** What an operation name must look like to be a label (and a METRICS_OPERATIONS entry). */
export const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface MetricsOptions {
  /** Operation names labelled besides KNOWN_OPERATIONS (METRICS_OPERATIONS): a province's own portals' queries. */
  operations?: readonly string[];
  /** The SDL served, as committed in schema/schema.graphql: build info carries its hash. */
  schema?: string;
}

let processRegistry: Registry | undefined;

/**
 * prom-client's process metrics (CPU, memory, heap, event-loop lag, GC, handles), collected once per
 * process and shown by every server in it: they describe the process, and prom-client starts a GC
 * observer and an event-loop monitor for each collection that nothing can stop, so one per server
 * would pile up (and keep every closed server's registry alive) in a process that starts several.
 * Neither keeps the process running.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * What mysql2 (3.x) keeps in a pool; the fields are private, so they are read at each scrape, never
 * kept, and tests/http/operatorView.test.ts notices if an upgrade renames them.
 */
interface Mysql2Pool {
  config: { connectionLimit: number };
  _allConnections: { length: number };
  _freeConnections: { length: number };
  _connectionQueue: { length: number };
}

/**
 * The pools of a DataSource by name: `primary`, and `replica1`… in DATABASE_REPLICA_URLS order
 * (TypeORM's MysqlDriver holds one mysql2 pool, or with replicas a pool cluster of MASTER, SLAVE0…).
 * None once the DataSource is destroyed.
 */
function poolsOf(dataSource: DataSource): [string, Mysql2Pool][] {
  const driver = dataSource.driver as MysqlDriver;
  if (driver.poolCluster) {
    const nodes = Object.values(driver.poolCluster._nodes as Record<string, { id: string; pool: Mysql2Pool }>);
    return nodes.map(({ id, pool }) => [id === 'MASTER' ? 'primary' : `replica${Number(id.replace('SLAVE', '')) + 1}`, pool]);
  }
  return driver.pool ? [['primary', driver.pool as Mysql2Pool]] : [];
}

/** A short hash of the served SDL: two gateways with the same one serve the same API. */
function schemaHash(sdl: string): string {
  return createHash('sha256').update(sdl).digest('hex').slice(0, 12);
}

/**
 * Prometheus metrics of one server (its own registry, so tests can run several): GraphQL requests
 * by operation and outcome, their latency, the SQL statements each cost, DataLoader batch sizes,
 * cache hits and misses, the visits still buffered in memory, the MySQL pools and build info,
 * besides the process's own metrics. Served as text at GET /metrics.
 */
export class Metrics {
  readonly registry = new Registry();

  /** Operation names with a label of their own; every other name is `(other)`. */
  private readonly labelled: ReadonlySet<string>;

  constructor({ operations = [], schema = '' }: MetricsOptions = {}) {
    this.labelled = new Set([...KNOWN_OPERATIONS, ...operations]);
    new Gauge({
      name: 'lienthong_build_info',
      help: "The gateway's version (package.json), the Node.js it runs on and a hash of the GraphQL schema it serves; always 1.",
      labelNames: ['version', 'node', 'schema'],
      registers: [this.registry],
    }).set({ version, node: process.version, schema: schemaHash(schema) }, 1);
  }

  /** What GET /metrics answers: the process's metrics and this server's. */
  async text(): Promise<string> {
    return (await processMetrics().metrics()) + (await this.registry.metrics());
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private readonly requests = new Counter({
    name: 'lienthong_graphql_requests_total',
    help: 'GraphQL requests by operation name and outcome (ok, or the first error code).',
    labelNames: ['operation', 'outcome'],
    registers: [this.registry],
  });

  private readonly duration = new Histogram({
    name: 'lienthong_graphql_request_duration_seconds',
    help: 'Time from request start to response, by operation name.',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly statements = new Histogram({
    name: 'lienthong_sql_statements_per_request',
    help: 'SQL statements one GraphQL request sent to MySQL.',
    buckets: [0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 50],
    registers: [this.registry],
  });

  private readonly batches = new Histogram({
    name: 'lienthong_dataloader_batch_size',
    help: 'Keys per DataLoader batch (one batch is one SQL statement, or none when the shared cache has them all), by loader.',
    labelNames: ['loader'],
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [this.registry],
  });

  private readonly responses = new Counter({
    name: 'lienthong_response_cache_total',
    help: 'Anonymous queries answered from the response cache (hit) or executed (miss).',
    labelNames: ['result'],
    registers: [this.registry],
  });

  /** For createServices: told the size of every loader batch. */
  readonly observeBatch = (loader: string, size: number): void => this.batches.observe({ loader }, size);

  /** Gauges read from the services at each scrape. */
  watch(services: ProcessServices): void {
    new Gauge({
      name: 'lienthong_visits_buffered',
      help: 'Visits counted in memory and not yet written to MySQL.',
      registers: [this.registry],
      collect() {
        this.set(services.visits.buffer.bufferedVisits);
      },
    });
    const pools = () => poolsOf(services.dataSource);
    new Gauge({
      name: 'lienthong_mysql_pool_connections',
      help: 'Connections open in a MySQL pool (primary, replica1…), by state: in_use (lent to a statement or transaction) or idle.',
      labelNames: ['pool', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [name, pool] of pools()) {
          this.set({ pool: name, state: 'in_use' }, pool._allConnections.length - pool._freeConnections.length);
          this.set({ pool: name, state: 'idle' }, pool._freeConnections.length);
        }
      },
    });
    new Gauge({
      name: 'lienthong_mysql_pool_waiting_requests',
      help: 'Requests for a connection waiting because the MySQL pool has lent all it may open.',
      labelNames: ['pool'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [name, pool] of pools()) this.set({ pool: name }, pool._connectionQueue.length);
      },
    });
    new Gauge({
      name: 'lienthong_mysql_pool_max_connections',
      help: 'Connections a MySQL pool may open (DB_POOL_SIZE).',
      labelNames: ['pool'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [name, pool] of pools()) this.set({ pool: name }, pool.config.connectionLimit);
      },
    });
    const caches = Object.values(services.caches);
    // Counters that live in the caches themselves: reported as they are at each scrape.
    new Counter({
      name: 'lienthong_data_cache_lookups_total',
      help: 'Rows asked of the shared data caches under the loaders, by cache and result (hit; miss: read; shared: answered by a read another request had under way).',
      labelNames: ['cache', 'result'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const cache of caches) {
          this.inc({ cache: cache.name, result: 'hit' }, cache.stats.hits);
          this.inc({ cache: cache.name, result: 'miss' }, cache.stats.misses);
          this.inc({ cache: cache.name, result: 'shared' }, cache.stats.shared);
        }
      },
    });
  }

  /**
   * One GraphQL request answered, executed or kept (`cacheHit` undefined when it could not be kept).
   * Operation names come from callers: only names the gateway knows are labels, so no caller can add
   * series (or push real operations out) by inventing names. The request log keeps the name as sent.
   */
  observe(operationName: string | null | undefined, outcome: string, seconds: number, statements: number, cacheHit: boolean | undefined): void {
    if (cacheHit !== undefined) this.responses.inc({ result: cacheHit ? 'hit' : 'miss' });
    const operation = !operationName ? '(anonymous)' : this.labelled.has(operationName) ? operationName : '(other)';
    this.requests.inc({ operation, outcome });
    this.duration.observe({ operation }, seconds);
    this.statements.observe(statements);
  }

  plugin(): ApolloServerPlugin<Context> {
    return {
      requestDidStart: async ({ contextValue }) => {
        const started = process.hrtime.bigint();
        return {
          willSendResponse: async (rc) => {
            const { operationName, errors, response, metrics } = rc;
            const body = response.body.kind === 'single' ? response.body.singleResult : null;
            const first = (errors ?? body?.errors ?? [])[0];
            const outcome = first ? String(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'ok';
            // responseCacheHit is set only for answers that could be kept (cache/keptAnswers.ts).
            this.observe(operationName, outcome, Number(process.hrtime.bigint() - started) / 1e9, contextValue.sql.statements, metrics.responseCacheHit);
          },
        };
      },
    };
  }
}

/**
 * Whether a scrape of /metrics may read them: always without METRICS_TOKEN, else only with
 * `Authorization: Bearer <token>`. Compared as SHA-256 digests in constant time, so neither the
 * token's length nor how much of it a guess got right shows in the response time.
 */
export function mayScrape(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(authorization ?? ''), digest(`Bearer ${token}`));
}
