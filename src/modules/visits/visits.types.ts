import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { NEVER_CACHED } from '../../cache/cacheHints';
import { parseDay } from './vietnamDay';
import { badUserInput } from '../../common/errors';

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || parseDay(value) === null) {
    throw badUserInput('Date must be a calendar day written YYYY-MM-DD, e.g. 2024-11-30');
  }
  return value;
}

/** A day as 'YYYY-MM-DD' (a string inside the gateway too: days are compared and keyed as text). */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: "A calendar day in Vietnam's time zone (Asia/Ho_Chi_Minh), YYYY-MM-DD.",
  serialize(value) {
    if (typeof value !== 'string') throw new GraphQLError('Date can only serialize a YYYY-MM-DD string');
    return value;
  },
  parseValue: parseDate,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badUserInput('Date must be a string, e.g. "2024-11-30"');
    return parseDate(ast.value);
  },
});

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
@ObjectType('VisitStats', { description: "The visit counter of a portal ('Thống kê truy cập')." })
export class VisitStats {
  unitCode: string;
  /** Count the whole subtree (the unit and every unit below it), not only the unit's own portal. */
  includeDescendants: boolean;

  @Field(() => Int, { description: "All visits ever recorded ('Lượt truy cập')." })
  total: number;

  @Field(() => Int, { description: "Visits since midnight in Asia/Ho_Chi_Minh ('Hôm nay')." })
  today: number;

  @Field(() => Int, { description: "Distinct visitors seen in the last 5 minutes ('Trực tuyến')." })
  online: number;
}
