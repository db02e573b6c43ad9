import { GraphQLError } from 'graphql';
import { StatementTally } from './db/statementCounter';
import { articleLoaders } from './modules/articles/article.loaders';
import { LATEST_PUBLISHED_AT } from './modules/articles/articleInput';
import { Authentication } from './modules/keys/apiKey.service';
import { sourceLoaders } from './modules/sources/source.loaders';
import { unitLoaders } from './modules/units/unit.loaders';
import { VisitsToRecord } from './modules/visits/visitCounters';
import { visitLoaders } from './modules/visits/visits.loaders';
import { LiveCounter } from './modules/visits/liveCounters';
import { ProcessServices, requestServices, Services } from './services';

/** One request's loaders (common/loaders.ts), each domain's from its module, as `ctx.loaders.x`. */
export function createLoaders(services: Services, visibleUntil: Date, answerTags: Set<string> | undefined) {
  const { unit, unitsByCode, unitChildren, unitCommunes, successors, predecessors, unitHistory, unitLineage } = unitLoaders(services);
  const { source } = sourceLoaders(services, answerTags);
  const { article, articleBySlug, articleBody, topics, legalDocument, publications, related, feedPage, feedCount } = articleLoaders(services, visibleUntil, answerTags, { source, unit });
  const { visitCounts, visitDaily, visitOnline, articleViews } = visitLoaders(services);
  // Listed, not spread: an object spread from several is built slowly and stays slow to read (x10 here).
  return {
    unit, unitsByCode, unitChildren, unitCommunes, successors, predecessors, unitHistory, unitLineage,
    article, articleBySlug, articleBody, topics, legalDocument, publications, related, source, feedPage, feedCount, visitCounts, visitDaily, visitOnline, articleViews };
}

export type Loaders = ReturnType<typeof createLoaders>;

export interface Context {
  requestId: string;
  services: Services;
  /** The caller's API key, or why the key it sent was refused (see plugins/authentication.ts). */
  auth: Authentication;
  /** When the request started. */
  now: Date;
  /**
   * Articles published after this instant are not visible to this request: scheduled articles are
   * hidden from the public until their time, and shown to key holders (editors preparing them).
   */
  visibleUntil: Date;
  loaders: Loaders;
  sql: StatementTally;
  /**
   * Anonymous requests: the tags of what the answer read (cache/contentTags.ts's Tag), noted by the
   * loaders, under which it is kept (cache/keptAnswers.ts) and which an edge is told (Surrogate-Key).
   */
  answerTags?: Set<string>;
  /** Where the response's visit counters are, while a response that shows them is to be kept (modules/visits/liveCounters.ts). */
  liveCounters?: LiveCounter[];
  /** What the request's answer has taken so far, and what stopped its execution (plugins/executionBudget.ts). */
  execution?: ExecutionBudget;
  /** The operation's estimated cost, once the query-limits plugin has it; heavy ones queue (plugins/heavyRequests.ts). */
  queryCost?: number;
  /**
   * The caller's address (Fastify's request.ip: the peer, or the client X-Forwarded-For names when
   * TRUST_PROXY trusts the proxy in between); the visit counters limit what one address counts.
   */
  clientAddress: string;
  /** The mutation's recordVisit fields, checked before any is counted (modules/visits/recordVisitChecks.ts). */
  visitsToRecord?: VisitsToRecord;
  /** Set when the operation is a mutation of several writes: they commit together or not at all (plugins/requestTransaction.ts). */
  requestTransaction?: WritesTogether;
}

/** One request's execution so far: set on the context when the request starts, read by every resolver (plugins/executionBudget.ts). */
export interface ExecutionBudget {
  /** The answer's JSON so far, as counted field by field. */
  answerBytes: number;
  readonly maxAnswerBytes: number;
  /** Once set, no resolver starts (each fails with it) and the request answers this error alone. */
  stoppedBy: GraphQLError | null;
}

/** The writes of a mutation request that has several, applied together or not at all (plugins/requestTransaction.ts). */
export interface WritesTogether {
  /** One write of the request, in the request's transaction. */
  run<T>(args: Record<string, unknown>, write: () => Promise<T>): Promise<T>;
  /** A write's audit record, kept until the end decides whether `applied` stands. */
  record(record: Parameters<Services['audit']['record']>[0], key: string): void;
}

/** Far enough ahead that every scheduled article is before it (articleInput.ts refuses later ones); within DATETIME's range. */
const END_OF_TIME = LATEST_PUBLISHED_AT;

export async function createContext(
  shared: ProcessServices,
  requestId: string,
  sql: StatementTally,
  authorization: string | undefined,
  clientAddress = '',
  now = new Date(),
): Promise<Context> {
  const services = requestServices(shared, sql);
  const auth = await services.keys.authenticate(authorization, now);
  const visibleUntil = auth.key ? END_OF_TIME : now;
  // Only anonymous answers are kept or sent to an edge: a key holder's never are.
  const answerTags = auth.key ? undefined : new Set<string>();
  return { requestId, services, auth, now, visibleUntil, loaders: createLoaders(services, visibleUntil, answerTags), answerTags, sql, clientAddress };
}

