import { decodeCursor, FeedPosition } from '../../common/cursor';
import { badUserInput } from '../../common/errors';
import { parseId } from '../../common/ids';
import { pageSizeOf } from '../../common/pageSize';
import { foldDocumentNumber, slugify } from '../../common/vietnameseText';
import { ArticleKind } from './article.entity';
import { ArticleFilter, ArticleOrder, FEED_PAGE_SIZE, FeedScope } from './feed.types';
import { parseSearch, SearchTerms } from './search/searchText';
import { feedTags, Tag } from '../../cache/contentTags';

/** Whose articles a feed lists. */
export type FeedBase =
  | { kind: 'all' }
  /**
   * `units`: the unit's id, then (with history) every unit that became (part of) it; `lineage`
   * (LINEAGE only): those units and every unit above them, whose publications it reads.
   */
  | { kind: 'unit'; units: string[]; scope: FeedScope; lineage?: string[] }
  | { kind: 'source'; id: number };

/** The order a feed is read in; RELEVANCE without a search is NEWEST. */
export type FeedOrder = 'NEWEST' | 'OLDEST' | 'MOST_VIEWED' | 'RELEVANCE';

/**
 * A base and its scope as one value: FeedService reads each from its own table (FEED_SOURCES).
 * HISTORY is a UNIT feed with history of a unit that has predecessors (its own table, history_feed).
 */
export type FeedKind = 'ALL' | 'SOURCE' | 'HISTORY' | FeedScope;

/** One feed page request, validated and normalised: what FeedService turns into SQL. */
export interface FeedQuery {
  kind: FeedKind;
  /** The unit or source id the feed belongs to, as it is returned in the feed_key column; 'all' for all articles. */
  owner: string;
  /** The units whose feeds this one gathers: the owner, and with history every unit that became (part of) it. */
  units: string[];
  /** LINEAGE: `units` and every unit above them (whose publications it reads, what its tags name); else null. */
  lineage: string[] | null;
  kinds: ArticleKind[] | null;
  topicSlugs: string[] | null;
  sourceIds: number[] | null;
  publishedFrom: Date | null;
  publishedBefore: Date | null;
  /** filter.documentNumber folded (foldDocumentNumber); it and the issue days keep only legal documents with particulars. */
  documentNumber: string | null;
  /** filter.issuedFrom and filter.issuedBefore: YYYY-MM-DD. */
  issuedFrom: string | null;
  issuedBefore: string | null;
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

const MAX_FILTER_VALUES = 100;

function list<T>(values: T[] | null | undefined, field: string): T[] | null {
  if (!values || values.length === 0) return null;
  if (values.length > MAX_FILTER_VALUES) throw badUserInput(`${field} takes at most ${MAX_FILTER_VALUES} values`, field);
  return [...new Set(values)];
}

/** The one place a base's kind and scope are told apart. */
function kindAndOwner(base: FeedBase): Pick<FeedQuery, 'kind' | 'owner' | 'units' | 'lineage'> {
  switch (base.kind) {
    case 'all':
      return { kind: 'ALL', owner: 'all', units: [], lineage: null };
    case 'source':
      return { kind: 'SOURCE', owner: String(base.id), units: [], lineage: null };
    case 'unit':
      if (base.scope === 'LINEAGE' && !base.lineage) throw new Error('a LINEAGE feed needs its lineage (the units above its units)');
      return {
        kind: base.scope === FeedScope.UNIT && base.units.length > 1 ? 'HISTORY' : base.scope,
        owner: base.units[0],
        units: base.units,
        lineage: base.scope === 'LINEAGE' ? base.lineage! : null,
      };
  }
}

/** The tags of what a feed reads (cache/contentTags.ts): a change to an article it could show drops them. */
export function feedQueryTags(q: FeedQuery): Tag[] {
  if (q.kind === 'ALL') return feedTags({ kind: 'ALL' });
  if (q.kind === 'SOURCE') return feedTags({ kind: 'SOURCE', sourceId: q.owner });
  if (q.kind === FeedScope.SUBTREE) return feedTags({ kind: 'SUBTREE', roots: q.units });
  // A LINEAGE feed reads the publications of its units and of every unit above them; a history
  // feed (UNIT, HISTORY) those of its units.
  return feedTags({ kind: 'UNIT', units: q.kind === FeedScope.LINEAGE ? q.lineage! : q.units });
}

export function toFeedQuery(base: FeedBase, args: FeedArgs, visibleUntil: Date): FeedQuery {
  const first = pageSizeOf(FEED_PAGE_SIZE, args.first);
  const filter = args.filter ?? {};
  const search = filter.search == null ? null : { terms: parseSearch(filter.search) };
  const topics = list(filter.topics, 'filter.topics');
  const sourceIds = list(filter.sourceIds, 'filter.sourceIds');
  const sourceIdNumbers = sourceIds && sourceIds.map(parseId);
  if (sourceIdNumbers?.some((id) => id === null)) throw badUserInput('filter.sourceIds must be source ids', 'filter.sourceIds');
  if (filter.publishedAfter && filter.publishedBefore && filter.publishedAfter >= filter.publishedBefore) {
    throw badUserInput('filter.publishedAfter must be earlier than filter.publishedBefore', 'filter.publishedAfter');
  }
  if (filter.issuedFrom && filter.issuedBefore && filter.issuedFrom >= filter.issuedBefore) {
    throw badUserInput('filter.issuedFrom must be earlier than filter.issuedBefore', 'filter.issuedFrom');
  }
  const order: FeedOrder = !args.orderBy || (args.orderBy === ArticleOrder.RELEVANCE && !search) ? 'NEWEST' : args.orderBy;
  const { kind, owner, units, lineage } = kindAndOwner(base);
  // Every field listed, none spread: V8 builds `{ ...x, more }` as a slow object (7 µs here, and
  // every later read of it slower), on a path every feed takes.
  return {
    kind,
    owner,
    units,
    lineage,
    kinds: list(filter.kinds, 'filter.kinds'),
    topicSlugs: topics && topics.map((t) => slugify(t)).filter((s) => s.length > 0),
    sourceIds: sourceIdNumbers as number[] | null,
    publishedFrom: filter.publishedAfter ?? null,
    publishedBefore: filter.publishedBefore ?? null,
    documentNumber: filter.documentNumber == null ? null : foldDocumentNumber(filter.documentNumber),
    issuedFrom: filter.issuedFrom ?? null,
    issuedBefore: filter.issuedBefore ?? null,
    search,
    order,
    first,
    after: args.after == null ? null : decodeCursor(args.after, order),
    visibleUntil,
  };
}

/**
 * What a query asks of a feed, whoever's it is and whenever it is asked. Listed field by field
 * (not `{ ...q }` minus some: V8 copies such an object slowly); a field added to FeedQuery
 * must be added here, which `Listed` below makes the compiler say.
 */
function shapeOf(q: FeedQuery, page: boolean): unknown[] {
  return [
    q.kind, q.kinds, q.topicSlugs, q.sourceIds, q.publishedFrom, q.publishedBefore, q.documentNumber, q.issuedFrom, q.issuedBefore, q.search, q.order,
    page ? q.first : 0, page ? q.after : null,
  ];
}
type Listed =
  | 'kind' | 'kinds' | 'topicSlugs' | 'sourceIds' | 'publishedFrom' | 'publishedBefore' | 'documentNumber' | 'issuedFrom' | 'issuedBefore' | 'search' | 'order' | 'first' | 'after' | 'owner' | 'units' | 'lineage' | 'visibleUntil';
// Fails to compile when FeedQuery has a field that none of the keys below account for.
const everyFieldListed: Exclude<keyof FeedQuery, Listed> extends never ? true : never = true;
void everyFieldListed;

/** Two queries with the same shape differ only in whose feed it is, so one statement can serve both. */
export function feedShapeKey(q: FeedQuery): string {
  return JSON.stringify([shapeOf(q, true), q.visibleUntil.getTime()]);
}

/** A feed page as the shared cache files it: without the instant (a scheduled article reaching its time drops the pages it enters: scheduledArticles.ts). */
export function feedPageKey(q: FeedQuery): string {
  return JSON.stringify([shapeOf(q, true), q.owner, q.units]);
}

/** A feed's count, which all of its pages share. */
export function feedCountKey(q: FeedQuery): string {
  return JSON.stringify([shapeOf(q, false), q.owner, q.units]);
}
