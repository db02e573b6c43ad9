import { ApolloServerPlugin } from '@apollo/server';
import { FastifyBaseLogger, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { Context } from '../context';
import { StatementTally } from '../db/statementCounter';

/** Operation names are the caller's (unlike metrics labels, any name is logged), cut to this length. */
const LOGGED_NAME_LENGTH = 100;
/** A path we do not serve is the caller's too (scanners send long ones). */
const LOGGED_PATH_LENGTH = 200;
/** An API key's shape (modules/keys/apiKey.service.ts): its secret part is dropped if one was pasted into a URL. */
const KEY_IN_PATH = /(lt_[0-9a-f]{16})_[A-Za-z0-9_-]+/g;

/** pino writes what this returns as is: ISO 8601 instead of its default epoch milliseconds. */
const isoTime = () => `,"time":"${new Date().toISOString()}"`;

/** The server's logger options (pino's, through Fastify) with every line's time in ISO 8601; false stays silent. */
export function withIsoTime(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  return { ...(logger === true ? {} : logger), timestamp: isoTime };
}

/** What a GraphQL request adds to its HTTP request's line. */
export interface GraphQLPart {
  operation: string | null;
  type: string | null;
  errors: string[];
  keyId: number | null;
}

/**
 * The path without its query string (a GET's variables may carry anything): for the routes we
 * serve, the route's own path; for any other, what the caller sent, cut short and with the secret
 * of anything shaped like a key left out.
 */
function loggedPath(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split('?', 1)[0].slice(0, LOGGED_PATH_LENGTH).replace(KEY_IN_PATH, '$1_…');
}

/**
 * One JSON line per HTTP request, refused ones included (413, malformed JSON, 404, 405, /metrics
 * 401…): request id (also in the x-request-id header of GraphQL answers), method, path, status,
 * client address (request.ip: TRUST_PROXY decides), the id of the API key it was served with (never
 * the key), duration; for GraphQL requests also the operation name and type, the SQL statements it
 * cost and its error codes, so a slow or costly query can be found by what portals call it.
 *
 * Written once the response is sent (write(), from Fastify's onResponse hook); the GraphQL part is
 * left by plugin() under the request's statement tally, the one object the HTTP request and its
 * GraphQL context share.
 */
export class RequestLog {
  private readonly graphql = new WeakMap<StatementTally, GraphQLPart>();

  constructor(private readonly log: FastifyBaseLogger) {}

  plugin(): ApolloServerPlugin<Context> {
    const log = this;
    return {
      async requestDidStart() {
        return {
          async willSendResponse({ contextValue, response, operationName, operation, errors }) {
            const body = response.body.kind === 'single' ? response.body.singleResult : null;
            log.note(contextValue.sql, {
              operation: operationName ?? null,
              type: operation?.operation ?? null,
              errors: (errors ?? body?.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')),
              keyId: contextValue.auth.key?.id ?? null,
            });
          },
        };
      },
    };
  }

  /** What the GraphQL request under `sql` was, for its line: from the plugin, or for a kept answer (cache/keptAnswers.ts). */
  note(sql: StatementTally, part: GraphQLPart): void {
    this.graphql.set(sql, { ...part, operation: part.operation?.slice(0, LOGGED_NAME_LENGTH) ?? null });
  }

  /** `sql`: the request's statement tally, when it reached GraphQL. */
  write(request: FastifyRequest, reply: FastifyReply, sql: StatementTally | undefined): void {
    const part = sql && this.graphql.get(sql);
    this.log.info(
      {
        requestId: request.id,
        method: request.method,
        path: loggedPath(request),
        status: reply.statusCode,
        ip: request.ip,
        keyId: part?.keyId ?? null,
        ms: Math.round(reply.elapsedTime * 1000) / 1000,
        ...(part && sql && { operation: part.operation, type: part.type, sql: sql.statements, errors: part.errors }),
      },
      'request',
    );
  }
}
