import { Arg, Ctx, ID, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import { parseId } from '../../common/ids';
import { Context } from '../../context';
import { ChangesContent } from '../../cache/contentChange';
import { AuditTrail } from '../audit/auditTrail';
import { requireAdmin } from '../keys/access';
import { Source } from './source.entity';
import { CreateSourceInput } from './sourceInput.types';

@Resolver(() => Source)
export class SourceResolver {
  @Query(() => [Source], { description: 'Every source, by name.' })
  sources(@Ctx() ctx: Context): Promise<Source[]> {
    return ctx.services.sources.all();
  }

  @Query(() => Source, { nullable: true, description: 'A source by id; null if there is none.' })
  async source(@Arg('id', () => ID, { description: 'The source id.' }) id: string, @Ctx() ctx: Context): Promise<Source | null> {
    const sourceId = parseId(id);
    return sourceId === null ? null : ctx.loaders.source.load(sourceId);
  }

  @Mutation(() => Source, { description: "Adds a source. Admin keys only: sources are shared by every portal's `sources` list." })
  @UseMiddleware(AuditTrail, ChangesContent)
  createSource(@Arg('input', () => CreateSourceInput, { description: 'The source.' }) input: CreateSourceInput, @Ctx() ctx: Context): Promise<Source> {
    requireAdmin(ctx, 'sources are shared by every portal, so an admin adds them; ask your province operator');
    return ctx.services.sources.create(input, ctx.now);
  }
}
