import { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Directive, FieldResolver, ID, Info, Int, Mutation, Resolver, Root } from 'type-graphql';
import { NEVER_CACHED } from '../../cache/cacheHints';
import { badUserInput } from '../../common/errors';
import { Context } from '../../context';
import { Article } from '../articles/article.entity';
import { Unit } from '../units/unit.entity';
import { AdministrativeUnit } from '../units/unit.types';
import { parseDay } from '../../common/vietnamDay';
import { MAX_DAILY_DAYS } from './visitCounters';
import { DateScalar } from '../../common/scalars';
import { DailyVisits, VisitStats } from './visits.types';
import { LiveCounterField, noteLiveCounter } from './liveCounters';
import { Args, Cost, KEY_READS, list, one } from '../../plugins/fieldCost';

/** A day of `daily` is in one of two tables (archive and recent days). */
const DAILY_ROW_READS = 2;
/** The visit counters: the total, the recent days and today's archive, and the flush mark. */
const VISIT_COUNTS_READS = 4;

/** Days of `daily(from, to)`, both included; a range the resolver refuses counts as the most it takes. */
function dailyDays(args: Args): number {
  const from = typeof args.from === 'string' ? parseDay(args.from) : null;
  const to = typeof args.to === 'string' ? parseDay(args.to) : null;
  if (from == null || to == null) return MAX_DAILY_DAYS;
  return Math.max(1, Math.min(to - from + 1, MAX_DAILY_DAYS));
}

@Resolver()
export class RecordVisitResolver {
  // Not audited like the editorial mutations: it is anonymous, thousands a second, and the
  // counters are its record.
  @Mutation(() => Boolean, {
    description:
      "Count one visit to a unit's portal, and to an article when articleId is given. Open to anyone. " +
      'True when the visit was counted; false when it was not because the same visitor already had a visit to this unit ' +
      '(and article) counted in the last 30 seconds, or 10 visits to this unit in the last minute; because the caller\'s address ' +
      'already had its limit of visits to this unit counted in the last minute (60 by default); or because the request already has a ' +
      'recordVisit of this unit (one visit per unit and request; see the README). ' +
      'An unknown unit or article, an article not shown on that unit, or a visitorId that is not 1-128 printable characters is BAD_USER_INPUT, ' +
      'and the request counts none of its visits. recordVisit cannot share a request with other mutations (BAD_USER_INPUT).',
  })
  recordVisit(
    @Arg('unitCode', () => ID, { description: "The GSO code of the unit whose portal was visited, e.g. '14620'." }) _unitCode: string,
    @Arg('articleId', () => ID, { nullable: true, description: 'The article read, if the visit was to an article page; it must be shown on that unit.' }) _articleId: string | null,
    @Arg('visitorId', () => String, { description: "The portal's anonymous id for the browser (e.g. a cookie value): 1-128 printable characters." }) _visitorId: string,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<boolean> {
    // Checked with every other recordVisit of the request before any ran (recordVisitChecks.ts): the
    // arguments above are read there, once, as the shortcut reads them (recordVisitPlan.ts).
    const visits = ctx.visitsToRecord;
    if (!visits?.has(String(info.path.key))) throw new Error('recordVisit ran without recordVisitChecksPlugin (modules/visits/recordVisitChecks.ts)');
    const visit = visits.get(String(info.path.key));
    // A second visit to the same unit in one request.
    if (!visit) return Promise.resolve(false);
    return ctx.services.visits.count(visit, ctx.clientAddress);
  }
}

@Resolver(() => AdministrativeUnit)
export class UnitVisitsResolver {
  @FieldResolver(() => VisitStats, { description: "This unit's visit counter: its own portal, or its whole subtree." })
  @Cost(one(0))
  visits(
    @Root() unit: Unit,
    @Arg('includeDescendants', () => Boolean, { nullable: true, defaultValue: false, description: 'Add the visits of every unit below this one.' })
    includeDescendants: boolean | null,
  ): VisitStats {
    return Object.assign(new VisitStats(), { unitId: unit.id, includeDescendants: includeDescendants ?? false });
  }
}

@Resolver(() => VisitStats)
export class VisitStatsResolver {
  @FieldResolver(() => Int, { description: "All visits ever recorded ('Lượt truy cập')." })
  @Cost(one(VISIT_COUNTS_READS))
  async total(@Root() stats: VisitStats, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<number> {
    noteLiveCounter(ctx.liveCounters, info, { kind: 'total', unitId: stats.unitId, includeDescendants: stats.includeDescendants });
    const counts = await ctx.loaders.visitCounts.load(stats.unitId);
    return stats.includeDescendants ? counts.total.subtree : counts.total.own;
  }

  @FieldResolver(() => Int, { description: "Visits since midnight in Asia/Ho_Chi_Minh ('Hôm nay')." })
  @Cost(one(VISIT_COUNTS_READS))
  async today(@Root() stats: VisitStats, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<number> {
    noteLiveCounter(ctx.liveCounters, info, { kind: 'today', unitId: stats.unitId, includeDescendants: stats.includeDescendants });
    const counts = await ctx.loaders.visitCounts.load(stats.unitId);
    return stats.includeDescendants ? counts.today.subtree : counts.today.own;
  }

  @FieldResolver(() => Int, { description: "Distinct visitors seen in the last 5 minutes ('Trực tuyến')." })
  online(@Root() stats: VisitStats, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<number> {
    noteLiveCounter(ctx.liveCounters, info, { kind: 'online', unitId: stats.unitId, includeDescendants: stats.includeDescendants });
    return ctx.loaders.visitOnline.load({ unitId: stats.unitId, includeDescendants: stats.includeDescendants });
  }

  @FieldResolver(() => [DailyVisits], { description: `Visits on every day from \`from\` to \`to\` (both included, at most ${MAX_DAILY_DAYS} days), in order, days without visits as 0.` })
  @Cost(list(dailyDays, DAILY_ROW_READS, { from: 'value', to: 'value' }))
  async daily(
    @Root() stats: VisitStats,
    @Arg('from', () => DateScalar, { description: 'The first day.' }) from: string,
    @Arg('to', () => DateScalar, { description: 'The last day, not before `from`.' }) to: string,
    @Ctx() ctx: Context,
  ): Promise<DailyVisits[]> {
    const days = parseDay(to)! - parseDay(from)! + 1;
    if (days < 1) throw badUserInput(`to (${to}) is before from (${from})`, 'to');
    if (days > MAX_DAILY_DAYS) throw badUserInput(`daily covers at most ${MAX_DAILY_DAYS} days; ${from} to ${to} is ${days}`, 'to');
    const list = await ctx.loaders.visitDaily.load({ unitId: stats.unitId, from, to });
    return list.map(({ date, visits }) => Object.assign(new DailyVisits(), { date, visits: stats.includeDescendants ? visits.subtree : visits.own }));
  }
}

@Resolver(() => Article)
export class ArticleViewsResolver {
  @FieldResolver(() => Int, { description: 'Views recorded with recordVisit(articleId: …).' })
  @Cost(one(KEY_READS))
  @Directive(NEVER_CACHED)
  @LiveCounterField()
  async views(@Root() article: Article, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<number> {
    noteLiveCounter(ctx.liveCounters, info, { kind: 'views', articleId: article.id, views: article.views });
    // An article deleted since it was loaded keeps the number it was loaded with.
    return (await ctx.loaders.articleViews.load(article.id)) ?? article.views;
  }
}
