import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { badUserInput } from '../../common/errors';
import { idArgument, isOperationName } from '../../common/ids';
import { PageSize, pageSizeOf } from '../../common/pageSize';
import { Context } from '../../context';
import { adminKey } from '../keys/authorization';
import { AuditEntry } from './audit.types';
import { Cost, list, page } from '../../plugins/fieldCost';

export const AUDIT_PAGE_SIZE: PageSize = { min: 1, max: 500, default: 50 };

@Resolver()
export class AuditResolver {
  @Query(() => [AuditEntry], { description: 'The audit trail of mutations, newest first. Admin keys only.' })
  @Authorized(adminKey())
  @Cost(list((args) => page(args, AUDIT_PAGE_SIZE), 1, { first: 'value' }))
  auditLog(
    @Arg('first', () => Int, { nullable: true, defaultValue: AUDIT_PAGE_SIZE.default, description: `At most this many entries (${AUDIT_PAGE_SIZE.min} to ${AUDIT_PAGE_SIZE.max}).` }) first: number | null,
    @Arg('before', () => ID, { nullable: true, description: 'Only entries older than this entry id (for the next page).' }) before: string | null,
    @Arg('operation', () => String, { nullable: true, description: 'Only this mutation, e.g. syndicate.' }) operation: string | null,
    @Arg('keyId', () => ID, { nullable: true, description: 'Only calls made with this key.' }) keyId: string | null,
    @Ctx() ctx: Context,
  ): Promise<AuditEntry[]> {
    const limit = pageSizeOf(AUDIT_PAGE_SIZE, first);
    if (operation != null && !isOperationName(operation)) throw badUserInput('operation must be a mutation name, e.g. syndicate', 'operation');
    return ctx.services.audit.list({ first: limit, before: idArgument(before, 'before'), operation: operation ?? null, keyId: idArgument(keyId, 'keyId') }) as Promise<AuditEntry[]>;
  }
}
