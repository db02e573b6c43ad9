import { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { FastifyBaseLogger } from 'fastify';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { DATABASE_UNAVAILABLE_MESSAGE, DEADLINE, isDatabaseUnavailable, SERVICE_UNAVAILABLE } from '../common/databaseErrors';
import { Context } from '../context';
import { ANSWER_TOO_LARGE } from './executionBudget';

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
const isUnavailable = (e: { extensions?: Record<string, unknown> }) => e.extensions?.code === SERVICE_UNAVAILABLE;
/** Our own SERVICE_UNAVAILABLE (a deadline, a full queue of heavy requests) carries a reason, and a message written for the caller. */
const hasReason = (e: { extensions?: Record<string, unknown> }) => typeof e.extensions?.reason === 'string';

/**
 * Apollo's formatError: internal errors lose their message (it may hold SQL or table names).
 * graphql-js's own refusals of a request (e.g. a null for `@include(if:)` through a defaulted
 * variable) carry no code, no path and no cause: they describe the request, so the caller sees them.
 * MySQL being out of reach is not the request's fault and will pass: SERVICE_UNAVAILABLE, retryable
 * (HTTP 503 and Retry-After are set by errorLoggingPlugin). So is a request stopped at its deadline,
 * whose message tells the caller to ask for less.
 */
export function maskInternalError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (isCallerError(formatted)) return formatted;
  if (isUnavailable(formatted) && hasReason(formatted)) return formatted;
  if (isUnavailable(formatted) || isDatabaseUnavailable(error)) {
    return { message: DATABASE_UNAVAILABLE_MESSAGE, locations: formatted.locations, path: formatted.path, extensions: { code: SERVICE_UNAVAILABLE, retryable: true } };
  }
  if (error instanceof GraphQLError && !error.originalError && !error.path && formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
    return { ...formatted, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
  }
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/**
 * Logs internal errors in full with the request id, and gives the caller that id to quote. Answers
 * 503 with Retry-After when MySQL was out of reach, so clients and proxies retry instead of giving up,
 * and 400 (never a 5xx) when every error is the caller's.
 */
export function errorLoggingPlugin(log: FastifyBaseLogger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          // A request stopped (plugins/executionBudget.ts) answers one error: one line says why.
          const stopped = errors.find((e) => e.extensions?.reason === DEADLINE);
          if (stopped) log.warn({ requestId: contextValue?.requestId, deadlineMs: stopped.extensions.deadlineMs }, 'GraphQL request stopped at its deadline');
          const tooLarge = errors.find((e) => e.extensions?.reason === ANSWER_TOO_LARGE);
          if (tooLarge) log.warn({ requestId: contextValue?.requestId, maxBytes: tooLarge.extensions.max }, 'GraphQL answer refused: larger than ANSWER_MAX_BYTES');
          for (const error of errors) {
            if (isCallerError(error) || error.extensions?.reason === DEADLINE) continue;
            const err = unwrapResolverError(error);
            // Our own retryable refusals (a write that kept losing to concurrent ones): not a bug.
            if (isUnavailable(error) && hasReason(error)) {
              log.warn({ requestId: contextValue?.requestId, path: error.path, reason: error.extensions?.reason }, 'GraphQL request refused for now, retryable');
              continue;
            }
            // An outage fails every request alike: one warning each is enough, the stack says nothing.
            if (isDatabaseUnavailable(err)) log.warn({ requestId: contextValue?.requestId, path: error.path, reason: databaseErrorCode(err) }, 'database unavailable during GraphQL request');
            else log.error({ err, requestId: contextValue?.requestId, path: error.path }, 'internal error in GraphQL request');
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          if (response.body.singleResult.errors.some(isUnavailable)) {
            response.http.status = 503;
            response.http.headers.set('retry-after', '1');
          } else if ((response.http.status ?? 200) >= 500 && response.body.singleResult.errors.every(isCallerError)) {
            // Apollo answers 500 for any error thrown before execution without its own status (a
            // plugin's graphql-js refusal of a null @include(if:), say): a caller's mistake is a 400.
            response.http.status = 400;
          }
          if (!contextValue) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) =>
            e.extensions?.code === 'INTERNAL_SERVER_ERROR' ? { ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } } : e,
          );
        },
      };
    },
    // Apollo's own pipeline failed (a plugin threw): Apollo answers 500 (see withRequestId); the cause is logged here, with the request id.
    async unexpectedErrorProcessingRequest({ requestContext, error }) {
      log.error({ err: error, requestId: requestContext.contextValue?.requestId }, 'unexpected error processing GraphQL request');
    },
  };
}

/**
 * Apollo's stringifyResult, as its own (JSON and a newline), with a failure logged: V8 cannot make
 * a string of an answer past its longest (~512 M characters; ANSWER_MAX_BYTES keeps answers far
 * below), and Apollo then answers 500 without saying why anywhere.
 */
export function stringifyAnswerLogged(log: FastifyBaseLogger): (value: unknown) => string {
  return (value) => {
    try {
      return JSON.stringify(value) + '\n';
    } catch (err) {
      log.error({ err }, 'a GraphQL answer could not be serialized');
      throw err;
    }
  };
}

/**
 * The body Apollo answers with when its own pipeline failed (a plugin threw; the answer could not be
 * serialized): HTTP 500, masked by formatError but without the request id, which Apollo does not
 * pass there. Adds it, so that this answer too can be quoted and found in the log.
 */
export function withRequestId(body: string, requestId: string): string {
  try {
    const answer = JSON.parse(body) as { errors?: GraphQLFormattedError[] };
    if (!Array.isArray(answer.errors)) return body;
    answer.errors = answer.errors.map((e) => (e.extensions?.code === 'INTERNAL_SERVER_ERROR' ? { ...e, extensions: { ...e.extensions, requestId } } : e));
    return JSON.stringify(answer) + '\n';
  } catch {
    return body;
  }
}

/** The driver's code of an outage error (ECONNREFUSED …), for the log. */
function databaseErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}
