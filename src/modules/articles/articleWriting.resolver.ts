import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { notFound } from '../../common/errors';
import { Context } from '../../context';
import { AuditedWrite } from '../audit/auditTrail';
import { assertMayWriteAt } from '../keys/access';
import { ApiKey } from '../keys/apiKey.service';
import { CurrentKey } from '../keys/authorization';
import { unitInForce } from '../units/unitLookup';
import { Article } from './article.entity';
import { idArgument } from '../../common/ids';
import { changesFromUpdateInput, draftFromCreateInput } from './articleInput';
import { CreateArticleInput, UpdateArticleInput } from './articleInput.types';

@Resolver(() => Article)
export class ArticleWritingResolver {
  @Mutation(() => Article, { description: "Writes an article at its origin unit. Editors: only within their unit's subtree." })
  @Authorized()
  @AuditedWrite()
  async createArticle(
    @Arg('input', () => CreateArticleInput, { description: 'The article.' }) input: CreateArticleInput,
    @Ctx() ctx: Context,
    @CurrentKey() key: ApiKey,
  ): Promise<Article> {
    const draft = draftFromCreateInput(input);
    const origin = await unitInForce(ctx, draft.originCode, 'input.originCode');
    await assertMayWriteAt(ctx, key, origin.id);
    const id = await ctx.services.articleWriter.create(draft, origin.id, ctx.now);
    return this.reload(ctx, id);
  }

  @Mutation(() => Article, { description: "Changes an article. Editors: only articles whose origin is within their unit's subtree." })
  @Authorized()
  @AuditedWrite()
  async updateArticle(
    @Arg('id', () => ID, { description: 'The article.' }) id: string,
    @Arg('input', () => UpdateArticleInput, { description: 'What changes.' }) input: UpdateArticleInput,
    @Ctx() ctx: Context,
    @CurrentKey() key: ApiKey,
  ): Promise<Article> {
    const articleId = idArgument(id, 'id')!;
    const changes = changesFromUpdateInput(input);
    await ctx.services.articleWriter.update(articleId, changes, ctx.now, (a) => assertMayWriteAt(ctx, key, a.originId));
    return this.reload(ctx, articleId);
  }

  @Mutation(() => Boolean, { description: 'Deletes an article from every feed; false if there was no such article.' })
  @Authorized()
  @AuditedWrite()
  async deleteArticle(@Arg('id', () => ID, { description: 'The article.' }) id: string, @Ctx() ctx: Context, @CurrentKey() key: ApiKey): Promise<boolean> {
    return ctx.services.articleWriter.delete(idArgument(id, 'id')!, (a) => assertMayWriteAt(ctx, key, a.originId));
  }

  /** The article as readers will see it, after the write committed. */
  private async reload(ctx: Context, id: number): Promise<Article> {
    const article = (await ctx.services.articles.byIds([id], ctx.visibleUntil)).get(id);
    if (!article) throw notFound(`article ${id} is gone`);
    ctx.loaders.article.clear(id).prime(id, article);
    return article;
  }
}
