import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { badUserInput } from './errors';
import { parseDay } from './vietnamDay';

const VIETNAM_OFFSET_MS = 7 * 3600_000;
// An offset is required: a bare local time would be ambiguous for callers outside Vietnam.
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Whether the fields written are a real date and time of day. `new Date()` rolls 2024-02-30 over to
 * March 1 and 24:00 to the next day instead of refusing them; graphql-scalars refuses them too.
 */
function isRealDateTime([, year, month, day, hour, minute, second = '00', offsetHour = '00', offsetMinute = '00']: string[]): boolean {
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  return (
    month >= '01' && month <= '12' && day >= '01' && Number(day) <= daysInMonth &&
    hour <= '23' && minute <= '59' && second <= '59' && offsetHour <= '23' && offsetMinute <= '59'
  );
}

/** 2023-12-08T02:30:00.000Z → '2023-12-08T09:30:00+07:00': portals show Vietnam's time. */
export function formatVietnamTime(date: Date): string {
  const shifted = new Date(date.getTime() + VIETNAM_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 19)}+07:00`;
}

function parseDateTime(value: unknown): Date {
  const fields = typeof value === 'string' ? ISO_DATETIME.exec(value) : null;
  if (!fields) {
    throw badUserInput(`DateTime must be ISO 8601 with an offset, e.g. 2023-12-08T09:30:00+07:00`);
  }
  const date = new Date(fields[0]);
  if (!isRealDateTime(fields) || Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1970 || date.getUTCFullYear() > 9999) {
    throw badUserInput(`DateTime ${value} is not a real instant between 1970 and 9999`);
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
    if (ast.kind !== Kind.STRING) throw badUserInput('DateTime must be a string');
    return parseDateTime(ast.value);
  },
});

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
