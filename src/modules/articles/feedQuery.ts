import { decodeCursor, FeedPosition } from '../../common/cursor';
import { badUserInput } from '../../common/errors';
import { parseId } from '../../common/ids';
import { slugify } from '../../common/vietnameseText';
import { ArticleKind } from './article.entity';
import { ArticleFilter, ArticleOrder, FeedScope } from './feed.types';
import { parseSearch, SearchTerms } from './search/searchText';

/** Whose articles a feed lists. */
export type FeedBase =
  | { kind: 'all' }
  | { kind: 'unit'; code: string; scope: FeedScope }
  | { kind: 'source'; id: number };

/** The order a feed is read in; RELEVANCE without a search is NEWEST. */
export type FeedOrder = 'NEWEST' | 'OLDEST' | 'MOST_VIEWED' | 'RELEVANCE';

/** One feed page request, validated and normalised: what FeedService turns into SQL. */
export interface FeedQuery {
  base: FeedBase;
  kinds: ArticleKind[] | null;
  topicSlugs: string[] | null;
  sourceIds: number[] | null;
  publishedFrom: Date | null;
  publishedBefore: Date | null;
  /**
   * filter.search, parsed; `{ terms: null }` when the text holds no searchable word (the feed is
   * then empty), null when there is no search.
   */
  search: { terms: SearchTerms | null } | null;
  order: FeedOrder;
  first: number;
  after: FeedPosition | null;
  /** Articles published later than this are not visible yet. */
  visibleUntil: Date;
}

export interface FeedArgs {
  filter?: ArticleFilter | null;
  orderBy?: ArticleOrder | null;
  first?: number | null;
  after?: string | null;
}

export const MAX_PAGE_SIZE = 100;
const MAX_FILTER_VALUES = 100;

function list<T>(values: T[] | null | undefined, field: string): T[] | null {
  if (!values || values.length === 0) return null;
  if (values.length > MAX_FILTER_VALUES) throw badUserInput(`${field} takes at most ${MAX_FILTER_VALUES} values`, field);
  return [...new Set(values)];
}

export function toFeedQuery(base: FeedBase, args: FeedArgs, visibleUntil: Date, defaultFirst = 10): FeedQuery {
  const first = args.first ?? defaultFirst;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 0 and ${MAX_PAGE_SIZE}, got ${first}`, 'first');
  }
  const filter = args.filter ?? {};
  const search = filter.search == null ? null : { terms: parseSearch(filter.search) };
  const topics = list(filter.topics, 'filter.topics');
  const sourceIds = list(filter.sourceIds, 'filter.sourceIds');
  const sourceIdNumbers = sourceIds && sourceIds.map(parseId);
  if (sourceIdNumbers?.some((id) => id === null)) throw badUserInput('filter.sourceIds must be source ids', 'filter.sourceIds');
  if (filter.publishedAfter && filter.publishedBefore && filter.publishedAfter >= filter.publishedBefore) {
    throw badUserInput('filter.publishedAfter must be earlier than filter.publishedBefore', 'filter.publishedAfter');
  }
  const order: FeedOrder = !args.orderBy || (args.orderBy === ArticleOrder.RELEVANCE && !search) ? 'NEWEST' : args.orderBy;
  return {
    base,
    kinds: list(filter.kinds, 'filter.kinds'),
    topicSlugs: topics && topics.map((t) => slugify(t)).filter((s) => s.length > 0),
    sourceIds: sourceIdNumbers as number[] | null,
    publishedFrom: filter.publishedAfter ?? null,
    publishedBefore: filter.publishedBefore ?? null,
    search,
    order,
    first,
    after: args.after == null ? null : decodeCursor(args.after, order),
    visibleUntil,
  };
}

/** Two queries with the same shape differ only in whose feed it is, so one statement can serve both. */
export function feedShapeKey(q: FeedQuery): string {
  const { base, ...rest } = q;
  return JSON.stringify([base.kind, base.kind === 'unit' ? base.scope : null, rest]);
}

/** The code or id a feed belongs to, as it is returned in the feed_key column. */
export function feedOwnerKey(base: FeedBase): string {
  return base.kind === 'unit' ? base.code : base.kind === 'source' ? String(base.id) : 'all';
}
