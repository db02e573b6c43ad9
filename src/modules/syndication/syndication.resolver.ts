import { Arg, Ctx, Mutation, Resolver, UseMiddleware } from 'type-graphql';
import { Context } from '../../context';
import { ChangesContent } from '../../cache/contentChange';
import { AuditTrail } from '../audit/auditTrail';
import { requireKey, writableRoot } from '../keys/access';
import { SyndicationRequest } from './syndication.service';
import { SyndicationInput, SyndicationResult } from './syndication.types';

function request(ctx: Context, input: SyndicationInput): SyndicationRequest {
  const key = requireKey(ctx);
  return {
    articleIds: input.articleIds,
    targetCodes: input.targetCodes,
    includeDescendants: input.includeDescendants ?? false,
    dryRun: input.dryRun ?? false,
    writableRoot: writableRoot(key),
    now: ctx.now,
  };
}

@Resolver()
export class SyndicationResolver {
  @Mutation(() => SyndicationResult, { description: 'Show articles on more portals. Idempotent. Editors: only to units within their subtree.' })
  @UseMiddleware(AuditTrail, ChangesContent)
  syndicate(@Arg('input', () => SyndicationInput, { description: 'The article-unit pairs.' }) input: SyndicationInput, @Ctx() ctx: Context): Promise<SyndicationResult> {
    return ctx.services.syndication.syndicate(request(ctx, input));
  }

  @Mutation(() => SyndicationResult, { description: 'Stop showing articles on portals other than their origin. Idempotent. Editors: only from units within their subtree.' })
  @UseMiddleware(AuditTrail, ChangesContent)
  withdraw(@Arg('input', () => SyndicationInput, { description: 'The article-unit pairs.' }) input: SyndicationInput, @Ctx() ctx: Context): Promise<SyndicationResult> {
    return ctx.services.syndication.withdraw(request(ctx, input));
  }
}
