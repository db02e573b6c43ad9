import { MiddlewareFn } from 'type-graphql';
import { Context } from '../context';
import { CommitOutcomeUnknown } from '../db/transaction';

/** Whether a write's arguments ask for a dry run (syndicate, withdraw): it does everything and rolls back. */
export function isDryRun(args: Record<string, unknown>): boolean {
  return (args.input as { dryRun?: boolean } | undefined)?.dryRun === true;
}

/**
 * Wraps every mutation that changes articles, publications or sources (@AuditedWrite), inside the
 * audit trail: once the mutation has committed, every cached read (responses, feeds, articles,
 * sources) is stale, so the next reader sees the edit at once. Refused and failed mutations changed nothing, and a dry run
 * writes nothing: those leave the caches alone (so bad keys cannot empty the caches at will). In a
 * request of several writes, the content changes when the request's transaction commits, and not
 * at all when it is rolled back (plugins/requestTransaction.ts).
 */
export const ChangesContent: MiddlewareFn<Context> = async ({ context, args }, next) => {
  let result: unknown;
  try {
    result = await next();
  } catch (error) {
    // The change may be in: an extra bump costs a refill, a missing one serves the old content.
    if (error instanceof CommitOutcomeUnknown) await context.services.contentVersion.bump();
    throw error;
  }
  if (isDryRun(args)) return result;
  if (context.requestTransaction) context.requestTransaction.changesContent();
  else await context.services.contentVersion.bump();
  return result;
};
