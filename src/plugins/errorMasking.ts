import { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { FastifyBaseLogger } from 'fastify';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { Context } from '../context';

/** Codes whose message is written for the caller; every other error is ours and is masked. */
const CALLER_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

const isCallerError = (e: { extensions?: Record<string, unknown> }) => CALLER_CODES.has(String(e.extensions?.code));

/**
 * Apollo's formatError: internal errors lose their message (it may hold SQL or table names).
 * graphql-js's own refusals of a request (e.g. a subscription, which this schema has none of) carry
 * no code, no path and no cause: they describe the request, so the caller sees them.
 */
export function maskInternalError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (isCallerError(formatted)) return formatted;
  if (error instanceof GraphQLError && !error.originalError && !error.path && formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
    return { ...formatted, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
  }
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** Logs internal errors in full with the request id, and gives the caller that id to quote. */
export function errorLoggingPlugin(log: FastifyBaseLogger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (!isCallerError(error)) log.error({ err: unwrapResolverError(error), requestId: contextValue?.requestId, path: error.path }, 'internal error in GraphQL request');
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors || !contextValue) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) =>
            e.extensions?.code === 'INTERNAL_SERVER_ERROR' ? { ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } } : e,
          );
        },
      };
    },
  };
}
