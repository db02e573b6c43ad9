import { ApolloServerPlugin } from '@apollo/server';
import { FastifyBaseLogger } from 'fastify';
import { Context } from '../context';

/** Operation names are the caller's (unlike metrics labels, any name is logged), cut to this length. */
const LOGGED_NAME_LENGTH = 100;

/**
 * One JSON log line per GraphQL request: request id (also in the x-request-id header), operation
 * name, outcome, duration and the SQL statements it cost, so a slow or costly query can be found
 * by what portals call it.
 */
export function requestLogPlugin(log: FastifyBaseLogger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, operationName, operation, errors }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : null;
          log.info(
            {
              requestId: contextValue.requestId,
              operation: operationName?.slice(0, LOGGED_NAME_LENGTH) ?? null,
              type: operation?.operation ?? null,
              ms: Number(process.hrtime.bigint() - started) / 1e6,
              sql: contextValue.sql.statements,
              errors: (errors ?? body?.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')),
            },
            'graphql request',
          );
        },
      };
    },
  };
}
