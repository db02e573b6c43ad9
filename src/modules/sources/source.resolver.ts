import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { parseId } from '../../common/ids';
import { Context } from '../../context';
import { Source } from './source.entity';

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
}
