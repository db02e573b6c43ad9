import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { encodeCursor } from '../../common/cursor';
import { DateScalar } from '../../common/scalars';
import { Context } from '../../context';
import { unitByCode } from '../units/unitLookup';
import { Source } from '../sources/source.entity';
import { Unit } from '../units/unit.entity';
import { AdministrativeUnit } from '../units/unit.types';
import { Article } from './article.entity';
import { ArticleConnection, FeedArgs, FeedScope, PageArgs } from './feed.types';
import { FeedBase, FeedQuery, toFeedQuery } from './feedQuery';
import { Cost, model } from '../../plugins/fieldCost';
import { feed, historyUnits, UNIT_FEED_READS, unitFeedSize } from './feedCost';

/** The connection object resolvers pass around; it keeps its query so totalCount can be asked later. */
export class FeedConnection extends ArticleConnection {
  query: FeedQuery;
}

async function connection(ctx: Context, query: FeedQuery): Promise<FeedConnection> {
  const page = await ctx.loaders.feedPage.load(query);
  for (const a of page.articles) ctx.loaders.article.prime(a.id, a);
  const rankOf = (a: Article) => (query.order === 'MOST_VIEWED' ? a.views : query.order === 'RELEVANCE' ? page.scores?.get(a.id) : undefined);
  const cursorOf = (a: Article) => encodeCursor({ order: query.order, at: Math.floor(a.publishedAt.getTime() / 1000), id: a.id, rank: rankOf(a) });
  const edges = page.articles.map((node) => ({ node, cursor: cursorOf(node) }));
  return Object.assign(new FeedConnection(), {
    query,
    nodes: page.articles,
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: query.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  });
}

/** An empty feed, for a unit that does not exist: Query.articles(unit: 'nope') lists nothing. */
function emptyConnection(query: FeedQuery): FeedConnection {
  return Object.assign(new FeedConnection(), {
    query,
    nodes: [],
    edges: [],
    pageInfo: { hasNextPage: false, hasPreviousPage: query.after !== null, startCursor: null, endCursor: null },
    totalCount: 0,
  });
}

@Resolver(() => ArticleConnection)
export class ArticleConnectionResolver {
  @FieldResolver(() => Int, { description: 'Articles in the whole feed, all pages together.' })
  @Cost(model({}, (_, __, feed) => ({ rows: feed?.countRows ?? 0, items: 1 })))
  totalCount(@Root() conn: FeedConnection, @Ctx() ctx: Context): Promise<number> | number {
    return conn.totalCount ?? ctx.loaders.feedCount.load(conn.query);
  }
}

const HISTORY = {
  nullable: true,
  defaultValue: true,
  description: "Also what the feeds of this unit's predecessors (and theirs) gather, in the same scope.",
} as const;

/** A unit's feed of one scope, gathering the unit and, with history, every unit that became (part of) it. */
async function unitFeed(ctx: Context, unit: Unit, history: boolean | null, scope: FeedScope): Promise<FeedBase> {
  const found = history === false ? [unit.id] : await ctx.loaders.unitHistory.load(unit.id);
  const units = found.length > 0 ? found : [unit.id];
  if (scope !== FeedScope.LINEAGE) return { kind: 'unit', units, scope };
  const lineages = await ctx.loaders.unitLineage.loadMany(units);
  const lineage = new Set(units);
  for (const found of lineages) if (Array.isArray(found)) for (const id of found) lineage.add(id);
  return { kind: 'unit', units, scope, lineage: [...lineage] };
}

@Resolver(() => AdministrativeUnit)
export class UnitFeedResolver {
  @FieldResolver(() => ArticleConnection, { description: "This unit's feed: the articles its portal shows (or its subtree's, or its lineage's), a page at a time." })
  @Cost(feed(UNIT_FEED_READS, unitFeedSize, historyUnits))
  async articles(
    @Root() unit: Unit,
    @Arg('scope', () => FeedScope, { nullable: true, defaultValue: FeedScope.UNIT, description: 'Whose articles: this unit only, with everything below, or with everything above.' }) scope: FeedScope | null,
    @Args(() => FeedArgs) args: FeedArgs,
    @Arg('history', () => Boolean, HISTORY) history: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<FeedConnection> {
    return connection(ctx, toFeedQuery(await unitFeed(ctx, unit, history, scope ?? FeedScope.UNIT), args, ctx.visibleUntil));
  }
}

@Resolver(() => Source)
export class SourceFeedResolver {
  @FieldResolver(() => ArticleConnection, { description: 'Articles taken from this source, newest first.' })
  @Cost(feed({ first: 'value' }, (_, b) => b.sourceFeed))
  articles(
    @Root() source: Source,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<FeedConnection> {
    return connection(ctx, toFeedQuery({ kind: 'source', id: source.id }, args, ctx.visibleUntil));
  }
}

@Resolver()
export class FeedQueryResolver {
  @Query(() => ArticleConnection, { description: "All articles, or one unit's feed when unit is given." })
  // All articles, or a unit's feed (SUBTREE by default here).
  @Cost(
    feed(
      { ...UNIT_FEED_READS, unit: 'given' },
      (args, b) => (args.unit == null ? b.articles : unitFeedSize(args, b)),
      (args, b) => (args.unit == null ? 1 : historyUnits(args, b)),
    ),
  )
  async articles(
    @Arg('unit', () => ID, { nullable: true, description: 'Code of the unit whose feed to read (the unit `unit(code, on)` gives); all articles when left out.' })
    code: string | null,
    @Arg('scope', () => FeedScope, { nullable: true, defaultValue: FeedScope.SUBTREE, description: 'With unit: whose articles. Ignored without unit.' }) scope: FeedScope | null,
    @Args(() => FeedArgs) args: FeedArgs,
    @Arg('history', () => Boolean, { ...HISTORY, description: `With unit: ${HISTORY.description}` }) history: boolean | null,
    @Arg('on', () => DateScalar, { nullable: true, description: 'With unit: the day whose map the code is read on (default: today in Asia/Ho_Chi_Minh).' }) on: string | null,
    @Ctx() ctx: Context,
  ): Promise<FeedConnection> {
    if (code == null) return connection(ctx, toFeedQuery({ kind: 'all' }, args, ctx.visibleUntil));
    const unit = await unitByCode(ctx, code, on);
    // toFeedQuery checks the arguments: a bad one is refused whether or not the unit exists.
    if (!unit) return emptyConnection(toFeedQuery({ kind: 'unit', units: [code], scope: FeedScope.SUBTREE }, args, ctx.visibleUntil));
    return connection(ctx, toFeedQuery(await unitFeed(ctx, unit, history, scope ?? FeedScope.SUBTREE), args, ctx.visibleUntil));
  }
}
