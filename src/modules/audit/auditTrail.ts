import { GraphQLError, GraphQLField, GraphQLSchema } from 'graphql';
import { Extensions, MiddlewareFn } from 'type-graphql';
import { isDryRun } from '../syndication/dryRun';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable, SERVICE_UNAVAILABLE } from '../../common/databaseErrors';
import { Context } from '../../context';
import { AuditOutcome, AuditRecord, summarizeArguments } from './audit.service';

const REFUSALS = new Set(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND']);

function outcomeOf(error: unknown): { outcome: AuditOutcome; code: string; detail: string } {
  const code = error instanceof GraphQLError ? String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'INTERNAL_SERVER_ERROR';
  if (REFUSALS.has(code)) return { outcome: 'refused', code, detail: (error as Error).message };
  // Nothing was changed and the caller was told to retry (a deadline, a write conflict): say which.
  if (code === SERVICE_UNAVAILABLE) return { outcome: 'failed', code, detail: (error as Error).message };
  // As the caller is told (plugins/errorMasking.ts): MySQL out of reach, or a statement killed.
  if (isDatabaseUnavailable(error)) return { outcome: 'failed', code: SERVICE_UNAVAILABLE, detail: DATABASE_UNAVAILABLE_MESSAGE };
  // Internal failures keep their cause out of the audit table as well; the log has it by request id.
  return { outcome: 'failed', code: 'INTERNAL_SERVER_ERROR', detail: 'see the log for this request id' };
}

/** What a mutation's result says about itself, for the audit's detail column. */
function describe(result: unknown): string | null {
  if (result && typeof result === 'object' && 'changed' in result) {
    const r = result as { requested: number; changed: number; unchanged: number; rejectedPairs: number };
    return `requested ${r.requested}, changed ${r.changed}, unchanged ${r.unchanged}, rejected ${r.rejectedPairs}`;
  }
  if (result && typeof result === 'object' && 'id' in result) return `id ${(result as { id: unknown }).id}`;
  return result === undefined ? null : JSON.stringify(result);
}

/**
 * Records every mutation it wraps, applied, refused or failed, after the mutation's own
 * transaction has ended (so a refusal is recorded even though its changes were rolled back). In a
 * request of several writes the records wait for the request's transaction, whose end decides
 * whether `applied` stands (plugins/requestTransaction.ts).
 */
const AuditTrail: MiddlewareFn<Context> = async ({ context, info, args }, next) => {
  const entry = { at: context.now, keyId: context.auth.key?.id ?? null, requestId: context.requestId, operation: info.fieldName, arguments: summarizeArguments(args) };
  const transaction = context.requestTransaction;
  const record = async (r: AuditRecord) => (transaction ? transaction.record(r, String(info.path.key)) : context.services.audit.record(r));
  let result: unknown;
  try {
    result = await next();
  } catch (error) {
    const { outcome, code, detail } = outcomeOf(error);
    await record({ ...entry, outcome, errorCode: code, detail });
    throw error;
  }
  await record({ ...entry, outcome: 'applied', errorCode: null, detail: `${isDryRun(args) ? 'dry run: ' : ''}${describe(result) ?? ''}` || null });
  return result;
};

const AUDITED_WRITE = 'auditedWrite';

/**
 * Marks a mutation that changes content (articles, publications, sources): it is recorded in the
 * audit trail, its key check included. (What it changes is announced by its transaction as it
 * commits: modules/articles/articleChanges.ts.)
 */
export function AuditedWrite(): MethodDecorator {
  return Extensions({ [AUDITED_WRITE]: true });
}

/** Whether a mutation field is marked @AuditedWrite. */
export function isAuditedWrite(field: GraphQLField<unknown, unknown> | undefined): boolean {
  return field?.extensions[AUDITED_WRITE] === true;
}

/**
 * Wraps the resolver of every mutation marked @AuditedWrite in the audit trail, and in the
 * request's transaction when it has one.
 * Done on the built schema, not with @UseMiddleware, because type-graphql runs the @Authorized check
 * before every middleware, and a write refused for its key must be audited like any other.
 */
export function auditWrites(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve;
    if (!field.extensions[AUDITED_WRITE] || !resolve) continue;
    field.resolve = (root, args, context: Context, info) => {
      const action = { root, args, context, info };
      const write = async () => resolve(root, args, context, info);
      const transaction = context.requestTransaction;
      return AuditTrail(action, transaction ? () => transaction.run(args, write) : write);
    };
  }
  return schema;
}
