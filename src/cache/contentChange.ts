import { MiddlewareFn } from 'type-graphql';
import { Context } from '../context';

/**
 * Wraps every mutation that changes articles, publications or sources (@AuditedWrite), inside the
 * audit trail: once the mutation has committed, every cached read (responses, feeds, articles,
 * sources) is stale, so the next reader sees the edit at once. Refused and failed mutations changed nothing, and a dry run
 * writes nothing: those leave the caches alone (so bad keys cannot empty the caches at will).
 */
export const ChangesContent: MiddlewareFn<Context> = async ({ context, args }, next) => {
  const result = await next();
  const dryRun = (args.input as { dryRun?: boolean } | undefined)?.dryRun === true;
  if (!dryRun) await context.services.contentVersion.bump();
  return result;
};
