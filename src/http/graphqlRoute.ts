import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import { FastifyInstance } from 'fastify';
import { EarlyAnswer, Lesson } from '../common/earlyAnswer';
import { rethrowIfDatabaseUnavailable } from '../common/databaseErrors';
import { Context, createContext } from '../context';
import { deadlineIn } from '../db/deadline';
import { StatementTally } from '../db/statementCounter';
import { KeptAnswers } from '../cache/keptAnswers';
import { VisitShortcut } from '../modules/visits/visitShortcut';
import { withRequestId } from '../plugins/errorMasking';
import { refuseDeepJson } from '../plugins/jsonNesting';
import { Metrics } from '../plugins/metrics';
import { RequestTimeouts } from '../plugins/requestDeadline';
import { RequestLog } from '../plugins/requestLog';
import { ProcessServices } from '../services';

/**
 * The front door: every way a /graphql request is answered, in the order they are tried.
 *
 * 1. The recordVisit shortcut (modules/visits/visitShortcut.ts): a lone anonymous recordVisit whose
 *    text Apollo has executed before, counted and answered with Apollo's bytes and headers.
 * 2. A kept answer (cache/keptAnswers.ts): an anonymous query answered before, sent again as it was,
 *    its visit counters read afresh. Absent with RESPONSE_CACHE=off.
 * 3. Apollo: parsing, validation, the plugins (server.ts lists them), execution. The two ways above
 *    learn from its answers (`EarlyAnswer.learn`, common/earlyAnswer.ts) and keep what they learnt only
 *    when the bytes sent are the ones they would send.
 *
 * What every answer gets is written here once: x-request-id, x-sql-statements, the statement tally
 * (and its deadline), the request-log line, the metrics. Apollo's plugins do not run for 1 and 2: a
 * header a plugin sets on every answer must be one the early ways replay (visitShortcut's
 * DOCUMENT_HEADERS; a kept answer replays content-type and cache-control, and adds age).
 */
export interface GraphqlRouteDeps {
  services: ProcessServices;
  visitShortcut: VisitShortcut;
  keptAnswers: KeptAnswers | null;
  requestLog: RequestLog;
  metrics: Metrics;
  timeouts: RequestTimeouts;
}

export interface GraphqlRoute {
  /** Lets the early ways watch the requests Apollo executes for them; among Apollo's plugins. */
  plugin: ApolloServerPlugin<Context>;
  /** Adds the /graphql route (Apollo started) and the request log's hook. */
  register(app: FastifyInstance, apollo: ApolloServer<Context>): void;
}

/** Whether `promise` settled before `at` (the caller's deadline: it then executes for itself). */
async function untilSettledOr(promise: Promise<void>, at: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(resolve, Math.max(0, at - Date.now()), false)));
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function graphqlRoute({ services, visitShortcut, keptAnswers, requestLog, metrics, timeouts }: GraphqlRouteDeps): GraphqlRoute {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const ways: EarlyAnswer<any>[] = keptAnswers ? [visitShortcut, keptAnswers] : [visitShortcut];
  const tallies = new WeakMap<object, StatementTally>();
  const lessons = new WeakMap<StatementTally, Lesson[]>();

  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart({ contextValue }) {
      const watching = lessons.get(contextValue.sql);
      if (!watching) return;
      return {
        async didResolveOperation(requestContext) {
          for (const lesson of watching) lesson.didResolveOperation?.(requestContext);
        },
        async willSendResponse(requestContext) {
          for (const lesson of watching) lesson.willSendResponse?.(requestContext);
        },
      };
    },
  };

  /** Tells the ways that learnt from a request that it is over (once, whichever hook comes first). */
  const finish = (tally: StatementTally | undefined) => {
    const watching = tally && lessons.get(tally);
    if (!watching) return;
    lessons.delete(tally!);
    for (const lesson of watching) lesson.finished?.();
  };

  function register(app: FastifyInstance, apollo: ApolloServer<Context>): void {
    app.addHook('onResponse', (request, reply, done) => {
      requestLog.write(request, reply, tallies.get(request));
      finish(tallies.get(request));
      done();
    });
    app.addHook('onRequestAbort', (request, done) => {
      finish(tallies.get(request));
      done();
    });
    const execute = fastifyApolloHandler(apollo, {
      // Checking a key needs MySQL: during an outage say 503 SERVICE_UNAVAILABLE, not 500 "Context creation failed".
      context: async (request) =>
        createContext(services, request.id, tallies.get(request) ?? { statements: 0 }, request.headers.authorization, request.ip).catch(rethrowIfDatabaseUnavailable),
    });
    app.route<{ Reply: string }>({
      url: '/graphql',
      method: ['GET', 'POST', 'OPTIONS'],
      preHandler: refuseDeepJson,
      onSend(request, reply, payload, done) {
        const tally = tallies.get(request);
        // The byte check: what was learnt is kept only if it would have sent exactly these bytes.
        for (const lesson of (tally && lessons.get(tally)) || []) {
          const learnt = lesson.learnt();
          if (learnt && reply.statusCode === 200 && typeof payload === 'string' && learnt.bodies.includes(payload)) learnt.keep(reply);
        }
        finish(tally);
        done(null, reply.statusCode === 500 && typeof payload === 'string' ? withRequestId(payload, request.id) : payload);
      },
      async handler(request, reply) {
        const tally: StatementTally = { statements: 0, deadline: deadlineIn(timeouts.queryMs) };
        tallies.set(request, tally);
        void reply.header('x-request-id', request.id);
        const watching: Lesson[] = [];
        for (const way of ways) {
          let found = way.lookup(request);
          if (!found) continue;
          // The same request is being executed for someone else: its answer, once kept, is this one's
          // too (a burst on a page a change just dropped executes it once, not once per reader).
          if (!found.hit && found.executing && (await untilSettledOr(found.executing, tally.deadline!.at))) found = way.lookup(request) ?? found;
          const body = found.hit ? await way.answer(found.hit, request, reply, tally) : null;
          if (body !== null) {
            const operationName: string | null = found.hit.operationName;
            requestLog.note(tally, { operation: operationName, type: way.operationType, errors: [], keyId: null });
            metrics.observe(operationName, 'ok', reply.elapsedTime / 1000, tally.statements, way.cacheHit);
            return reply.header('x-sql-statements', String(tally.statements)).send(body);
          }
          const lesson = way.learn(found);
          if (lesson) watching.push(lesson);
        }
        if (watching.length) lessons.set(tally, watching);
        // A client that went away gets no answer: its request sends no more reads (and frees its heavy slot).
        reply.raw.once('close', () => {
          if (!reply.raw.writableFinished && tally.deadline) tally.deadline = { ...tally.deadline, at: Date.now() };
        });
        const body = await execute.call(this, request, reply);
        // Lets portal developers and the benchmark see what a query costs (no data, just a number).
        void reply.header('x-sql-statements', String(tally.statements));
        return body;
      },
    });
  }

  return { plugin, register };
}
