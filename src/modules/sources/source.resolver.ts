import { SOURCE_LIST } from '../../cache/contentTags';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { parseId } from '../../common/ids';
import { Context } from '../../context';
import { AuditedWrite } from '../audit/auditTrail';
import { adminKey } from '../keys/authorization';
import { Source } from './source.entity';
import { CreateSourceInput } from './sourceInput.types';
import { Cost, KEY_READS, list, one } from '../../plugins/fieldCost';

@Resolver(() => Source)
export class SourceResolver {
  @Query(() => [Source], { description: 'Every source, by name.' })
  @Cost(list((_, b) => b.sources, 1))
  sources(@Ctx() ctx: Context): Promise<Source[]> {
    ctx.answerTags?.add(SOURCE_LIST);
    return ctx.services.sources.all();
  }

  @Query(() => Source, { nullable: true, description: 'A source by id; null if there is none.' })
  @Cost(one(KEY_READS))
  async source(@Arg('id', () => ID, { description: 'The source id.' }) id: string, @Ctx() ctx: Context): Promise<Source | null> {
    const sourceId = parseId(id);
    return sourceId === null ? null : ctx.loaders.source.load(sourceId);
  }

  @Mutation(() => Source, { description: "Adds a source. Admin keys only: sources are shared by every portal's `sources` list." })
  @Authorized(adminKey('sources are shared by every portal, so an admin adds them; ask your province operator'))
  @AuditedWrite()
  createSource(@Arg('input', () => CreateSourceInput, { description: 'The source.' }) input: CreateSourceInput, @Ctx() ctx: Context): Promise<Source> {
    return ctx.services.sources.create(input, ctx.now);
  }
}
