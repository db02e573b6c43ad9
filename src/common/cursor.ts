import { badUserInput } from './errors';

/**
 * A position in an ordered feed: the sort values of the last row the caller saw. Opaque to callers
 * (base64url of JSON), validated on the way back in, and tied to one ordering so a NEWEST cursor is
 * not silently reused for OLDEST.
 */
export interface FeedPosition {
  order: string;
  /** The article's published_at, epoch seconds. */
  at: number;
  id: number;
  /** The rank the order sorts by first, when it is not the date: views (MOST_VIEWED) or the search score (RELEVANCE). */
  rank?: number;
}

export function encodeCursor(position: FeedPosition): string {
  return Buffer.from(JSON.stringify([position.order, position.at, position.id, position.rank ?? null])).toString('base64url');
}

const MAX_CURSOR_LENGTH = 200;
const isWhole = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function decodeCursor(cursor: string, order: string, field = 'after'): FeedPosition {
  let parsed: unknown;
  try {
    if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error();
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badUserInput(`${field} is not a cursor this API gave out`, field);
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw badUserInput(`${field} is not a cursor this API gave out`, field);
  const [cursorOrder, at, id, rank] = parsed as unknown[];
  if (typeof cursorOrder !== 'string' || !isWhole(at) || !isWhole(id) || !(rank === null || isWhole(rank))) {
    throw badUserInput(`${field} is not a cursor this API gave out`, field);
  }
  if (cursorOrder !== order) throw badUserInput(`${field} was made for orderBy ${cursorOrder}, not ${order}`, field);
  return { order, at, id, ...(rank === null ? {} : { rank }) };
}
