import { ApolloServerPlugin } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Context } from '../context';
import { Visits } from '../modules/visits/visits';

/**
 * Prometheus metrics of one server (its own registry, so tests can run several): GraphQL requests
 * by operation and outcome, their latency, the SQL statements each cost, and the visits still
 * buffered in memory. Served as text at GET /metrics.
 */
export class Metrics {
  readonly registry = new Registry();

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

  constructor(visits: Visits) {
    new Gauge({
      name: 'lienthong_visits_buffered',
      help: 'Visits counted in memory and not yet written to MySQL.',
      registers: [this.registry],
      collect() {
        this.set(visits.counter.bufferedVisits);
      },
    });
  }

  /**
   * Operation names come from callers: unnamed and unknown ones share one label value so a caller
   * cannot grow the metric without bound by inventing names (the label is the parsed name, capped).
   */
  plugin(): ApolloServerPlugin<Context> {
    const seen = new Set<string>();
    const label = (name: string | null | undefined) => {
      if (!name) return '(anonymous)';
      if (seen.has(name)) return name;
      if (seen.size >= 500 || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return '(other)';
      seen.add(name);
      return name;
    };
    return {
      requestDidStart: async ({ contextValue }) => {
        const started = process.hrtime.bigint();
        return {
          willSendResponse: async ({ operationName, errors, response }) => {
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
