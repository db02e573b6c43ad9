import { ApolloServerPlugin } from '@apollo/server';
import { FastifyBaseLogger } from 'fastify';
import { DocumentNode, FormattedExecutionResult, getVariableValues, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { isDryRun } from '../modules/syndication/dryRun';
import { isTransactionConflict, writeConflictError } from '../common/databaseErrors';
import { badUserInput } from '../common/errors';
import { fragmentsOf, rootFields } from '../common/selections';
import { QueryRunner } from 'typeorm';
import { cachesWithinTransaction } from '../cache/caches';
import { Context, createLoaders, WritesTogether } from '../context';
import { requestDatabaseWithin } from '../db/requestDatabase';
import { CommitOutcomeUnknown, transactionOn } from '../db/transaction';
import { AuditRecord } from '../modules/audit/audit.service';
import { isAuditedWrite } from '../modules/audit/auditTrail';
import { graphqlSchema } from '../schema';
import { requestServices, Services } from '../services';
import { maskInternalError } from './errorMasking';

/** What the transaction's work throws to be rolled back. */
const ROLL_BACK = new Error("the request's writes are rolled back");

/**
 * The writes of one mutation request that has several, applied together or not at all. The
 * contract's mutation fields are non-null, so when one fails GraphQL answers `data: null` for the
 * whole request: writes that ran before it would be in the database yet absent from the answer.
 * Root mutation fields run one after the other, so they share one transaction on one connection:
 * the first write begins it and moves the rest of the request into it (context.ts), and when
 * execution is over it commits if every write stood and the answer has data, else rolls back.
 *
 * READ COMMITTED, as the article writer's own transactions: each statement sees what is committed
 * when it runs, plus the request's own writes, as each write alone would.
 *
 * The audit records of the writes wait for the end: committed, they are written in the
 * transaction itself (`applied` exactly when the writes are in); rolled back, they are written
 * after it, each write that ran as `rolledBack` with the reason. What the writes changed is
 * announced by the transaction's commit hook (modules/articles/articleChanges.ts), as it commits.
 */
export class RequestTransaction implements WritesTogether {
  private readonly records: AuditRecord[] = [];
  /** The first write refused or failed: why the others are rolled back. */
  private failure: { key: string; operation: string; outcome: string; code: string | null } | null = null;
  private begun: Promise<void> | null = null;
  /** Settles once the transaction has committed or rolled back; null until it begins. */
  private settled: Promise<void> | null = null;
  private decide: (commit: boolean) => void = () => {};
  private ended = false;
  /** The request's services outside the transaction, for what is written after it. */
  private readonly outside: Services;

  constructor(
    private readonly ctx: Context,
    private readonly log: FastifyBaseLogger,
  ) {
    this.outside = ctx.services;
  }

  /** One write of the request, in the transaction (begun by the first). */
  async run<T>(args: Record<string, unknown>, write: () => Promise<T>): Promise<T> {
    // A rehearsal rolls back its own transaction; inside the request's it would undo the writes before it.
    if (isDryRun(args)) throw badUserInput('input.dryRun: a dry run must be the only mutation of its request (the writes of a request are applied together); send it on its own', 'input.dryRun');
    await (this.begun ??= this.begin());
    try {
      return await write();
    } catch (error) {
      // InnoDB gave up on the transaction (a deadlock, a lock wait): nothing of the request stays, and it may well succeed again.
      throw isTransactionConflict(error) ? writeConflictError() : error;
    }
  }

  /** A write's audit record, kept until the end decides whether `applied` stands. */
  record(record: AuditRecord, key: string): void {
    this.records.push(record);
    if (record.outcome !== 'applied') this.failure ??= { key, operation: record.operation, outcome: record.outcome, code: record.errorCode };
  }

  /**
   * One transaction as every write's (transactionOn: its commit hooks run), whose work lasts as long
   * as the request's writes: it waits for end() to say whether to commit.
   */
  private begin(): Promise<void> {
    const runner = this.outside.db.createQueryRunner('master');
    return new Promise<void>((started, notStarted) => {
      const decided = new Promise<boolean>((resolve) => (this.decide = resolve));
      this.settled = transactionOn(
        runner,
        async () => {
          continueInTransaction(this.ctx, runner);
          started();
          if (!(await decided)) throw ROLL_BACK;
          for (const record of this.records) await this.ctx.services.audit.record(record);
        },
        { isolation: 'READ COMMITTED' },
      ).finally(() => runner.release());
      this.settled.catch(notStarted);
    });
  }

  /**
   * Once execution is over (`result` undefined when it failed as a whole): commits or rolls back,
   * writes the audit, and makes the answer say nothing was applied when nothing was.
   */
  async end(result: FormattedExecutionResult | undefined): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const commit = this.failure === null && result?.data != null;
    this.decide(commit);
    let error: unknown = null;
    await this.settled?.catch((e: unknown) => (error = e));
    if (commit && error === null) return;
    if (commit) {
      // The COMMIT (or what precedes it) failed: the answer cannot show writes that may not be in.
      this.log.error({ err: error, requestId: this.ctx.requestId }, "a request's writes could not be committed");
      const failed = maskInternalError({ message: "the request's writes could not be committed" }, error);
      result!.data = null;
      result!.errors = [...(result!.errors ?? []), failed];
      const detail = error instanceof CommitOutcomeUnknown ? 'the COMMIT got no answer: applied or not, see the log for this request id' : 'see the log for this request id';
      await this.recordOutside(this.records.map((r) => ({ ...r, outcome: 'failed', errorCode: String(failed.extensions?.code), detail })));
      return;
    }
    // Rolled back, or never begun: the answer must not show a write (a non-null field already nulls the whole data).
    if (result) result.data = null;
    const detail = `not applied: ${this.rollbackCause(result)}, and the writes of a request are applied together or not at all`;
    await this.recordOutside(this.records.map((r) => (r.outcome === 'applied' ? { ...r, outcome: 'rolledBack', errorCode: null, detail } : r)));
  }

  private rollbackCause(result: FormattedExecutionResult | undefined): string {
    if (this.failure) return `${this.failure.key} (${this.failure.operation}) was ${this.failure.outcome}${this.failure.code ? ` with ${this.failure.code}` : ''}`;
    const code = result?.errors?.[0]?.extensions?.code;
    return `the request failed${code ? ` with ${String(code)}` : ''}`;
  }

  /** After the transaction: a record that cannot be written is logged (the answer is already decided). */
  private async recordOutside(records: AuditRecord[]): Promise<void> {
    for (const record of records) {
      await this.outside.audit.record(record).catch((err: unknown) => this.log.error({ err, requestId: this.ctx.requestId, record }, 'an audit record could not be written'));
    }
  }
}

/** How many @AuditedWrite fields the operation runs (@skip/@include applied). */
function writesIn(schema: GraphQLSchema, operation: OperationDefinitionNode, document: DocumentNode, variables: Record<string, unknown> | undefined): number {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
  // Execution refuses such variables itself, before any field runs.
  if (coerced.errors) return 0;
  // Marked in the type-graphql schema: the served one, rebuilt for federation, keeps no field extensions.
  const mutations = graphqlSchema().getMutationType()!.getFields();
  return [...rootFields(operation, fragmentsOf(document), coerced.coerced).values()].filter((node) => isAuditedWrite(mutations[node.name.value])).length;
}

/**
 * Gives a mutation request of several writes its RequestTransaction. Only with a key: without one
 * every write is refused, so there is nothing to undo (and no connection to hold for a flood).
 * A request of one write keeps that write's own transaction, statement for statement.
 */
export function requestTransactionPlugin(log: FastifyBaseLogger): ApolloServerPlugin<Context> {
  const transactions = new WeakMap<Context, RequestTransaction>();
  const end = (ctx: Context, result?: FormattedExecutionResult) => transactions.get(ctx)?.end(result);
  return {
    async requestDidStart() {
      return {
        async executionDidStart(requestContext) {
          const { operation, document, request, schema, contextValue } = requestContext;
          if (operation?.operation !== 'mutation' || !contextValue.auth.key) return;
          if (writesIn(schema, operation, document, request.variables) < 2) return;
          const transaction = new RequestTransaction(contextValue, log);
          transactions.set(contextValue, transaction);
          contextValue.requestTransaction = transaction;
          return {
            async executionDidEnd(error) {
              const body = requestContext.response.body;
              await transaction.end(!error && body?.kind === 'single' ? body.singleResult : undefined);
            },
          };
        },
        // Execution ended some other way: nothing is committed, the connection goes back.
        async willSendResponse({ contextValue }) {
          await end(contextValue);
        },
      };
    },
    async unexpectedErrorProcessingRequest({ requestContext }) {
      await end(requestContext.contextValue);
    },
  };
}

/**
 * Moves the rest of a request into the transaction its request holds on `runner`: its services and loaders read and write through it from now on.
 */
function continueInTransaction(ctx: Context, runner: QueryRunner): void {
  const shared = { ...ctx.services, caches: cachesWithinTransaction(ctx.services.caches) };
  ctx.services = requestServices(shared, ctx.sql, requestDatabaseWithin(ctx.services.db, runner));
  ctx.loaders = createLoaders(ctx.services, ctx.visibleUntil, ctx.answerTags);
}
