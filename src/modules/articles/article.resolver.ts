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
import { Cost, KEY_READS, list, model, one, page, PAGE_ROW_READS } from '../../plugins/fieldCost';
import { RELATED_CANDIDATES_PER_TOPIC } from './article.service';

export const RELATED_PAGE_SIZE: PageSize = { min: 0, max: 20, default: 5 };
/** A candidate of `related` is read off the topic index into a derived table, read there per article sharing the topic, grouped and ranked (5.1 reads measured at 60,000 articles). */
const RELATED_CANDIDATE_READS = 6;

@Resolver(() => Article)
export class ArticleResolver {
  @Query(() => Article, { nullable: true, description: 'By id or by slug; exactly one of them. Null if there is no such published article.' })
  @Cost(one(KEY_READS))
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
  @Cost(one(KEY_READS))
  body(@Root() article: Article, @Ctx() ctx: Context): Promise<string> | string {
    return article.body ?? ctx.loaders.articleBody.load(article.id);
  }

  @FieldResolver(() => [String], { description: "Subjects the article is filed under, e.g. 'Cải cách hành chính'." })
  // article_topics joined with topics.
  @Cost(list((_, b) => b.topicsPerArticle, 2))
  topics(@Root() article: Article, @Ctx() ctx: Context): Promise<string[]> {
    return ctx.loaders.topics.load(article.id);
  }

  @FieldResolver(() => LegalDocument, { nullable: true, description: "The particulars of a legal document ('Văn bản'); null unless kind is LEGAL_DOCUMENT (and for legal documents written before particulars were kept)." })
  document(@Root() article: Article, @Ctx() ctx: Context): Promise<LegalDocument | null> | null {
    return article.kind === ArticleKind.LEGAL_DOCUMENT ? ctx.loaders.legalDocument.load(article.id) : null;
  }

  @FieldResolver(() => Source, { nullable: true, description: 'The publication it was taken from; null when the portal wrote it itself.' })
  @Cost(one(KEY_READS))
  source(@Root() article: Article, @Ctx() ctx: Context): Promise<Source | null> | null {
    return article.sourceId === null ? null : ctx.loaders.source.load(article.sourceId);
  }

  @FieldResolver(() => AdministrativeUnit, { description: 'The unit whose portal wrote or first carried the article.' })
  @Cost(one(KEY_READS))
  async origin(@Root() article: Article, @Ctx() ctx: Context): Promise<Unit> {
    return (await ctx.loaders.unit.load(article.originId))!;
  }

  @FieldResolver(() => [Publication], { description: 'Every unit whose portal shows the article, the origin first.' })
  @Cost(list((_, b) => b.publicationsPerArticle, 1))
  publications(@Root() article: Article, @Ctx() ctx: Context): Promise<Publication[]> {
    return ctx.loaders.publications.load(article.id);
  }

  @FieldResolver(() => [Article], { description: "Articles on related subjects ('Bài liên quan'), never the article itself." })
  // ArticleService.related: each of the article's topics' newest candidates, then the newest of its
  // origin to fill what is left (the page itself and what it skips).
  @Cost(
    model({ first: 'value' }, (args, bounds) => {
      const first = page(args, RELATED_PAGE_SIZE);
      const candidates = bounds.topicsPerArticle * Math.min(RELATED_CANDIDATES_PER_TOPIC, bounds.articlesPerTopic);
      return { rows: candidates * RELATED_CANDIDATE_READS + 3 * first * PAGE_ROW_READS, items: first };
    }),
  )
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
  @Cost(one(KEY_READS))
  async unit(@Root() publication: Publication, @Ctx() ctx: Context): Promise<Unit> {
    return (await ctx.loaders.unit.load(publication.unitId))!;
  }
}
