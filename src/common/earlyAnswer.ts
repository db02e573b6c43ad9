import { GraphQLRequestContextDidResolveOperation, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Context } from '../context';
import { StatementTally } from '../db/statementCounter';

/**
 * A way to answer a /graphql request before Apollo executes it (a kept answer, the recordVisit
 * shortcut). The front door (src/http/graphqlRoute.ts) asks each in turn; what every answer needs
 * (x-request-id, x-sql-statements, the request-log line, the metrics, the byte check before keeping)
 * is written there once. The contract follows Apollo's response-cache plugin (shouldReadFromCache /
 * shouldWriteToCache) and Envelop's (onParams + setResult): look up, answer, or learn from the
 * execution that answers instead.
 */
export interface EarlyAnswer<Hit extends { operationName: string | null }> {
  /** How the request log names the operations it answers. */
  readonly operationType: 'query' | 'mutation';
  /** responseCacheHit in the metrics for its answers: true for a cache, undefined for a shortcut. */
  readonly cacheHit: true | undefined;
  /** What the request asks in this way's terms (and what is known for it); null when it can never answer it. */
  lookup(request: FastifyRequest): Found<Hit> | null;
  /**
   * The body for `hit`, its document's headers set on `reply`; null when Apollo should answer
   * instead (variables that do not coerce, a refusal, MySQL down).
   */
  answer(hit: Hit, request: FastifyRequest, reply: FastifyReply, tally: StatementTally): Promise<string | null>;
  /** What to watch while Apollo executes a request this way did not answer; null for nothing to learn. */
  learn(found: Found<Hit>): Lesson | null;
}

export interface Found<Hit> {
  hit: Hit | undefined;
  /**
   * With no hit: the same request being executed for another caller now, settled when it is
   * answered; its answer may then be found (look up again) instead of executing this one too.
   */
  executing?: Promise<void>;
}

/** Learning from one request Apollo executes: Apollo's hooks, then what may be kept once the bytes are known. */
export interface Lesson {
  didResolveOperation?(requestContext: GraphQLRequestContextDidResolveOperation<Context>): void;
  willSendResponse?(requestContext: GraphQLRequestContextWillSendResponse<Context>): void;
  /** What was learnt: kept only if the body sent (200) is one of `bodies`; undefined when nothing. */
  learnt(): Learnt | undefined;
  /** The request is answered (or failed, or its caller left): called once, after learnt and keep. */
  finished?(): void;
}

export interface Learnt {
  /** The bodies this way would send for the request: the one Apollo sent must be among them. */
  bodies: string[];
  /** Keeps what was learnt; the reply carries the headers Apollo's answer was sent with. */
  keep(reply: FastifyReply): void;
}
