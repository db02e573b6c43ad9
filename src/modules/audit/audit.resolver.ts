import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { badUserInput } from '../../common/errors';
import { idArgument, isOperationName } from '../../common/ids';
import { Context } from '../../context';
import { requireAdmin } from '../keys/access';
import { AuditEntry } from './audit.types';

@Resolver()
export class AuditResolver {
  @Query(() => [AuditEntry], { description: 'The audit trail of mutations, newest first. Admin keys only.' })
  auditLog(
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: 'At most this many entries (1 to 500).' }) first: number | null,
    @Arg('before', () => ID, { nullable: true, description: 'Only entries older than this entry id (for the next page).' }) before: string | null,
    @Arg('operation', () => String, { nullable: true, description: 'Only this mutation, e.g. syndicate.' }) operation: string | null,
    @Arg('keyId', () => ID, { nullable: true, description: 'Only calls made with this key.' }) keyId: string | null,
    @Ctx() ctx: Context,
  ): Promise<AuditEntry[]> {
    requireAdmin(ctx);
    const limit = first ?? 50;
    if (limit < 1 || limit > 500) throw badUserInput(`first must be between 1 and 500, got ${limit}`, 'first');
    if (operation != null && !isOperationName(operation)) throw badUserInput('operation must be a mutation name, e.g. syndicate', 'operation');
    return ctx.services.audit.list({ first: limit, before: idArgument(before, 'before'), operation: operation ?? null, keyId: idArgument(keyId, 'keyId') }) as Promise<AuditEntry[]>;
  }
}
