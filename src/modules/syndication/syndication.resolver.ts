import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Context } from '../../context';
import { AuditedWrite } from '../audit/auditTrail';
import { writableRoot } from '../keys/access';
import { ApiKey } from '../keys/apiKey.service';
import { CurrentKey } from '../keys/authorization';
import { SyndicationRequest } from './syndication.service';
import { SyndicationInput, SyndicationResult } from './syndication.types';

function request(ctx: Context, key: ApiKey, input: SyndicationInput): SyndicationRequest {
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
  @Authorized()
  @AuditedWrite()
  syndicate(
    @Arg('input', () => SyndicationInput, { description: 'The article-unit pairs.' }) input: SyndicationInput,
    @Ctx() ctx: Context,
    @CurrentKey() key: ApiKey,
  ): Promise<SyndicationResult> {
    return ctx.services.syndication.syndicate(request(ctx, key, input));
  }

  @Mutation(() => SyndicationResult, { description: 'Stop showing articles on portals other than their origin. Idempotent. Editors: only from units within their subtree.' })
  @Authorized()
  @AuditedWrite()
  withdraw(
    @Arg('input', () => SyndicationInput, { description: 'The article-unit pairs.' }) input: SyndicationInput,
    @Ctx() ctx: Context,
    @CurrentKey() key: ApiKey,
  ): Promise<SyndicationResult> {
    return ctx.services.syndication.withdraw(request(ctx, key, input));
  }
}
