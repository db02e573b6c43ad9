import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { badUserInput } from '../../common/errors';
import { isSlug, parseId } from '../../common/ids';
import { PageSize, pageSizeOf } from '../../common/pageSize';
import { Context } from '../../context';
import { Source } from '../sources/source.entity';
import { Unit } from '../units/unit.entity';
import { AdministrativeUnit } from '../units/unit.types';
import { Article, ArticleKind } from './article.entity';
import { LegalDocument } from './legalDocument.entity';
import { Publication } from './publication.entity';

export const RELATED_PAGE_SIZE: PageSize = { min: 0, max: 20, default: 5 };

@Resolver(() => Article)
export class ArticleResolver {
  @Query(() => Article, { nullable: true, description: 'By id or by slug; exactly one of them. Null if there is no such published article.' })
  article(
    @Arg('id', () => ID, { nullable: true, description: 'The article id.' }) id: string | null,
    @Arg('slug', () => String, { nullable: true, description: 'The article slug.' }) slug: string | null,
    @Ctx() ctx: Context,
  ): Promise<Article | null> | null {
    if ((id == null) === (slug == null)) throw badUserInput('give exactly one of id and slug', id == null ? 'id' : 'slug');
    if (id != null) {
      const articleId = parseId(id);
      return articleId === null ? null : ctx.loaders.article.load(articleId);
    }
    // A slug outside the slug alphabet names no article; kept out of the batch so it cannot fail the others.
    return isSlug(slug!) ? ctx.loaders.articleBySlug.load(slug!) : null;
  }

  @FieldResolver(() => String, { description: 'Sanitized HTML: safe to render on any portal.' })
  body(@Root() article: Article, @Ctx() ctx: Context): Promise<string> | string {
    return article.body ?? ctx.loaders.articleBody.load(article.id);
  }

  @FieldResolver(() => [String], { description: "Subjects the article is filed under, e.g. 'Cải cách hành chính'." })
  topics(@Root() article: Article, @Ctx() ctx: Context): Promise<string[]> {
    return ctx.loaders.topics.load(article.id);
  }

  @FieldResolver(() => LegalDocument, { nullable: true, description: "The particulars of a legal document ('Văn bản'); null unless kind is LEGAL_DOCUMENT (and for legal documents written before particulars were kept)." })
  document(@Root() article: Article, @Ctx() ctx: Context): Promise<LegalDocument | null> | null {
    return article.kind === ArticleKind.LEGAL_DOCUMENT ? ctx.loaders.legalDocument.load(article.id) : null;
  }

  @FieldResolver(() => Source, { nullable: true, description: 'The publication it was taken from; null when the portal wrote it itself.' })
  source(@Root() article: Article, @Ctx() ctx: Context): Promise<Source | null> | null {
    return article.sourceId === null ? null : ctx.loaders.source.load(article.sourceId);
  }

  @FieldResolver(() => AdministrativeUnit, { description: 'The unit whose portal wrote or first carried the article.' })
  async origin(@Root() article: Article, @Ctx() ctx: Context): Promise<Unit> {
    return (await ctx.loaders.unit.load(article.originId))!;
  }

  @FieldResolver(() => [Publication], { description: 'Every unit whose portal shows the article, the origin first.' })
  publications(@Root() article: Article, @Ctx() ctx: Context): Promise<Publication[]> {
    return ctx.loaders.publications.load(article.id);
  }

  @FieldResolver(() => [Article], { description: "Articles on related subjects ('Bài liên quan'), never the article itself." })
  related(
    @Root() article: Article,
    @Arg('first', () => Int, { nullable: true, defaultValue: RELATED_PAGE_SIZE.default, description: `At most this many (${RELATED_PAGE_SIZE.min} to ${RELATED_PAGE_SIZE.max}).` }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<Article[]> {
    return ctx.loaders.related.load({ article, first: pageSizeOf(RELATED_PAGE_SIZE, first) });
  }
}

@Resolver(() => Publication)
export class PublicationResolver {
  @FieldResolver(() => AdministrativeUnit, { description: 'The unit whose portal shows the article.' })
  async unit(@Root() publication: Publication, @Ctx() ctx: Context): Promise<Unit> {
    return (await ctx.loaders.unit.load(publication.unitId))!;
  }
}
