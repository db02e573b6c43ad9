import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const VIETNAM_OFFSET_MS = 7 * 3600_000;
// An offset is required: a bare local time would be ambiguous for callers outside Vietnam.
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** 2023-12-08T02:30:00.000Z → '2023-12-08T09:30:00+07:00': portals show Vietnam's time. */
export function formatVietnamTime(date: Date): string {
  const shifted = new Date(date.getTime() + VIETNAM_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 19)}+07:00`;
}

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_DATETIME.test(value)) {
    throw new GraphQLError(`DateTime must be ISO 8601 with an offset, e.g. 2023-12-08T09:30:00+07:00`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1970 || date.getUTCFullYear() > 9999) {
    throw new GraphQLError(`DateTime ${value} is not a real instant between 1970 and 9999`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return date;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant with its offset, ISO 8601, e.g. 2023-12-08T09:30:00+07:00.',
  serialize(value) {
    if (!(value instanceof Date)) throw new GraphQLError('DateTime can only serialize a Date');
    return formatVietnamTime(value);
  },
  parseValue: parseDateTime,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string', { extensions: { code: 'BAD_USER_INPUT' } });
    return parseDateTime(ast.value);
  },
});
