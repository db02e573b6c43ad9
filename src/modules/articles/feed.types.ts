import { ArgsType, Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CONTENT_MAX_AGE, cacheFor } from '../../cache/cacheHints';
import { PageSize } from '../../common/pageSize';
import { DateScalar, DateTimeScalar } from '../../common/scalars';
import { Article, ArticleKind } from './article.entity';
import { Cost, model } from '../../plugins/fieldCost';

export enum FeedScope {
  UNIT = 'UNIT',
  SUBTREE = 'SUBTREE',
  LINEAGE = 'LINEAGE',
}
registerEnumType(FeedScope, {
  name: 'FeedScope',
  description: "Which portals' articles a feed gathers, seen from one unit.",
  valuesConfig: {
    UNIT: { description: "Articles shown on this unit's portal: those it originated and those syndicated to it." },
    SUBTREE: { description: 'UNIT plus everything shown on any unit below it.' },
    LINEAGE: { description: 'UNIT plus everything shown on the units above it.' },
  },
});

export enum ArticleOrder {
  NEWEST = 'NEWEST',
  OLDEST = 'OLDEST',
  MOST_VIEWED = 'MOST_VIEWED',
  RELEVANCE = 'RELEVANCE',
}
registerEnumType(ArticleOrder, {
  name: 'ArticleOrder',
  description: 'The order of a feed. Every order is total (ties broken by id), so cursors never skip or repeat.',
  valuesConfig: {
    NEWEST: { description: 'publishedAt descending, then id descending.' },
    OLDEST: { description: 'The exact reverse of NEWEST.' },
    MOST_VIEWED: { description: 'Views descending, then NEWEST.' },
    RELEVANCE: { description: 'Best match first; only meaningful with filter.search, otherwise the same as NEWEST.' },
  },
});

@InputType({ description: 'Narrows a feed. Every given condition must hold; an empty list is the same as leaving it out.' })
export class ArticleFilter {
  @Field(() => [ArticleKind], { nullable: true, description: 'An article matches if it is of any of these kinds.' })
  kinds?: ArticleKind[] | null;

  @Field(() => [String], { nullable: true, description: "An article matches if it has any of these topics, by name or slug ('Cải cách hành chính' or 'cai-cach-hanh-chinh')." })
  topics?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'An article matches if it was taken from any of these sources.' })
  sourceIds?: string[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Published at or after this instant.' })
  publishedAfter?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Published strictly before this instant.' })
  publishedBefore?: Date | null;

  @Field(() => String, { nullable: true, description: 'Words to find in title, summary and body; case- and diacritic-insensitive.' })
  search?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Legal documents whose number is this one, whatever its case, spaces and diacritics: '123/qđ-ubnd', '123/QD-UBND' and ' 123 / QĐ-UBND ' find 123/QĐ-UBND.",
  })
  documentNumber?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Legal documents issued on or after this day.' })
  issuedFrom?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Legal documents issued before this day.' })
  issuedBefore?: string | null;
}

@Directive(cacheFor(CONTENT_MAX_AGE))
@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'More articles follow this page.' })
  hasNextPage: boolean;

  @Field(() => Boolean, { description: "True when the page started after a cursor (forward pagination only, as Relay allows)." })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first article of the page.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last article of the page: pass it as `after` for the next page.' })
  endCursor: string | null;
}

@Directive(cacheFor(CONTENT_MAX_AGE))
@ObjectType({ description: 'One article of a feed page, with its position.' })
export class ArticleEdge {
  @Field(() => String, { description: 'Opaque position of this article, valid for the same orderBy.' })
  cursor: string;

  @Field(() => Article, { description: 'The article.' })
  node: Article;
}

/** What a connection's nodes or edges cost: no rows (read with the page, see feedCost.ts), as many items as its feed's page, or the largest page outside one. */
const connectionPage = model({}, (_, __, feed) => ({ rows: 0, items: feed?.page ?? FEED_PAGE_SIZE.max }));

@Directive(cacheFor(CONTENT_MAX_AGE))
@ObjectType({ description: 'A page of a feed (Relay connection).' })
export class ArticleConnection {
  @Field(() => [ArticleEdge], { description: 'The articles of this page with their cursors.' })
  @Cost(connectionPage)
  edges: ArticleEdge[];

  @Field(() => [Article], { description: 'The articles of this page, without cursors.' })
  @Cost(connectionPage)
  nodes: Article[];

  @Field(() => PageInfo, { description: 'Where this page stands in the feed.' })
  pageInfo: PageInfo;

  // totalCount is resolved by FeedResolver, only when asked for (it costs a COUNT).
  @Field(() => Int, { description: 'Articles in the whole feed, all pages together.' })
  totalCount: number;
}

/** A feed page: what PageArgs declares, toFeedQuery enforces and the query-cost estimate counts. */
export const FEED_PAGE_SIZE: PageSize = { min: 0, max: 100, default: 10 };

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: FEED_PAGE_SIZE.default, description: `Page size, ${FEED_PAGE_SIZE.min} to ${FEED_PAGE_SIZE.max}.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "A cursor from this feed's previous page (pageInfo.endCursor)." })
  after?: string | null;
}

@ArgsType()
export class FeedArgs extends PageArgs {
  @Field(() => ArticleFilter, { nullable: true, description: 'Only articles matching every given condition.' })
  filter?: ArticleFilter | null;

  @Field(() => ArticleOrder, { nullable: true, defaultValue: ArticleOrder.NEWEST, description: 'The feed order.' })
  orderBy?: ArticleOrder | null;
}
