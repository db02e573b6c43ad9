import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { NEVER_CACHED } from '../../cache/cacheHints';
import { DateScalar } from '../../common/scalars';
import { LiveCounterField } from './liveCounters';

@Directive(NEVER_CACHED)
@ObjectType({ description: 'Visits to a portal on one day.' })
export class DailyVisits {
  @Field(() => DateScalar, { description: "The calendar day in Vietnam's time zone." })
  date: string;

  @Field(() => Int, { description: 'Visits recorded that day (0 for a day without any).' })
  visits: number;
}

/** VisitStats of one unit, as its field resolvers receive it; the numbers come through loaders. */
@Directive(NEVER_CACHED)
@LiveCounterField()
@ObjectType('VisitStats', { description: "The visit counter of a portal ('Thống kê truy cập')." })
export class VisitStats {
  unitId: string;
  /** Count the whole subtree (the unit and every unit below it), not only the unit's own portal. */
  includeDescendants: boolean;

  @Field(() => Int, { description: "All visits ever recorded ('Lượt truy cập')." })
  @LiveCounterField()
  total: number;

  @Field(() => Int, { description: "Visits since midnight in Asia/Ho_Chi_Minh ('Hôm nay')." })
  @LiveCounterField()
  today: number;

  @Field(() => Int, { description: "Distinct visitors seen in the last 5 minutes ('Trực tuyến')." })
  @LiveCounterField()
  online: number;
}
