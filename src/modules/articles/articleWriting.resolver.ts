import { Arg, Ctx, ID, Mutation, Resolver, UseMiddleware } from 'type-graphql';
import { Context } from '../../context';
import { ChangesContent } from '../../cache/contentChange';
import { AuditTrail } from '../audit/auditTrail';
import { assertMayWriteAt, requireKey } from '../keys/access';
import { Article } from './article.entity';
import { idArgument } from '../../common/ids';
import { changesFromUpdateInput, draftFromCreateInput } from './articleInput';
import { CreateArticleInput, UpdateArticleInput } from './articleInput.types';
import { notFound } from './articleWriter.service';

@Resolver(() => Article)
export class ArticleWritingResolver {
  @Mutation(() => Article, { description: "Writes an article at its origin unit. Editors: only within their unit's subtree." })
  @UseMiddleware(AuditTrail, ChangesContent)
  async createArticle(@Arg('input', () => CreateArticleInput, { description: 'The article.' }) input: CreateArticleInput, @Ctx() ctx: Context): Promise<Article> {
    const key = requireKey(ctx);
    const draft = draftFromCreateInput(input);
    await assertMayWriteAt(ctx, key, draft.originCode);
    const id = await ctx.services.articleWriter.create(draft, ctx.now);
    return this.reload(ctx, id);
  }

  @Mutation(() => Article, { description: "Changes an article. Editors: only articles whose origin is within their unit's subtree." })
  @UseMiddleware(AuditTrail, ChangesContent)
  async updateArticle(
    @Arg('id', () => ID, { description: 'The article.' }) id: string,
    @Arg('input', () => UpdateArticleInput, { description: 'What changes.' }) input: UpdateArticleInput,
    @Ctx() ctx: Context,
  ): Promise<Article> {
    const key = requireKey(ctx);
    const articleId = idArgument(id, 'id')!;
    const changes = changesFromUpdateInput(input);
    await ctx.services.articleWriter.update(articleId, changes, ctx.now, (a) => assertMayWriteAt(ctx, key, a.originCode));
    return this.reload(ctx, articleId);
  }

  @Mutation(() => Boolean, { description: 'Deletes an article from every feed; false if there was no such article.' })
  @UseMiddleware(AuditTrail, ChangesContent)
  async deleteArticle(@Arg('id', () => ID, { description: 'The article.' }) id: string, @Ctx() ctx: Context): Promise<boolean> {
    const key = requireKey(ctx);
    return ctx.services.articleWriter.delete(idArgument(id, 'id')!, (a) => assertMayWriteAt(ctx, key, a.originCode));
  }

  /** The article as readers will see it, after the write committed. */
  private async reload(ctx: Context, id: number): Promise<Article> {
    const article = (await ctx.services.articles.byIds([id], ctx.visibleUntil)).get(id);
    if (!article) throw notFound(`article ${id} is gone`);
    ctx.loaders.article.clear(id).prime(id, article);
    return article;
  }
}
