import { createHash, timingSafeEqual } from 'node:crypto';
import { ApolloServerPlugin } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { hasKey } from '../cache/responseCache';
import { Context, ProcessServices } from '../context';

/**
 * The operations the gateway knows by name: CONTRACT.md's benchmark scenarios
 * (tests/operations/*.graphql, the Sandbox example in exampleQuery.ts, record-visit's `Visit` in
 * scripts/bench/recordVisit.ts) and the syndicate job's (src/jobs/operations/*.graphql). Only these
 * and the configured METRICS_OPERATIONS get a label of their own (tests/server.test.ts checks the
 * list against those files).
 */
export const KNOWN_OPERATIONS: readonly string[] = ['CommuneHome', 'ProvinceDashboard', 'Search', 'Visit', 'SourceFeed', 'Syndicate'];

/** What an operation name must look like to be a label (and a METRICS_OPERATIONS entry). */
export const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface MetricsOptions {
  /** Operation names labelled besides KNOWN_OPERATIONS (METRICS_OPERATIONS): a province's own portals' queries. */
  operations?: readonly string[];
}

/**
 * Prometheus metrics of one server (its own registry, so tests can run several): GraphQL requests
 * by operation and outcome, their latency, the SQL statements each cost, DataLoader batch sizes,
 * cache hits and misses, and the visits still buffered in memory. Served as text at GET /metrics.
 */
export class Metrics {
  readonly registry = new Registry();

  /** Operation names with a label of their own; every other name is `(other)`. */
  private readonly labelled: ReadonlySet<string>;

  constructor({ operations = [] }: MetricsOptions = {}) {
    this.labelled = new Set([...KNOWN_OPERATIONS, ...operations]);
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
        this.set(services.visits.counter.bufferedVisits);
      },
    });
    const caches = Object.values(services.caches).filter((cache) => cache !== null);
    // Counters that live in the caches themselves: reported as they are at each scrape.
    new Counter({
      name: 'lienthong_data_cache_lookups_total',
      help: 'Rows asked of the shared data caches under the loaders, by cache and result (hit, miss).',
      labelNames: ['cache', 'result'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const cache of caches) {
          this.inc({ cache: cache.name, result: 'hit' }, cache.stats.hits);
          this.inc({ cache: cache.name, result: 'miss' }, cache.stats.misses);
        }
      },
    });
  }

  /**
   * Operation names come from callers: only names the gateway knows are labels, so no caller can add
   * series (or push real operations out) by inventing names. The request log keeps the name as sent.
   */
  plugin(): ApolloServerPlugin<Context> {
    const label = (name: string | null | undefined) => (!name ? '(anonymous)' : this.labelled.has(name) ? name : '(other)');
    return {
      requestDidStart: async ({ contextValue }) => {
        const started = process.hrtime.bigint();
        return {
          willSendResponse: async (rc) => {
            const { operationName, errors, response, operation: document, metrics } = rc;
            // responseCacheHit is left undefined when the response cache is off.
            const cacheable = document?.operation === 'query' && !hasKey(rc);
            if (cacheable && metrics.responseCacheHit !== undefined) this.responses.inc({ result: metrics.responseCacheHit ? 'hit' : 'miss' });
            const operation = label(operationName);
            const body = response.body.kind === 'single' ? response.body.singleResult : null;
            const first = (errors ?? body?.errors ?? [])[0];
            this.requests.inc({ operation, outcome: first ? String(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'ok' });
            this.duration.observe({ operation }, Number(process.hrtime.bigint() - started) / 1e9);
            this.statements.observe(contextValue.sql.statements);
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
