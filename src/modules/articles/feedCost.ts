import { DataBounds } from '../../plugins/dataBounds';
import { Args, FieldModel, model, page, PAGE_ROW_READS } from '../../plugins/fieldCost';
import { SEARCH_WINDOW } from './feed.service';
import { FEED_PAGE_SIZE } from './feed.types';

/*
 * What a feed costs (see plugins/fieldCost.ts for the unit): declared on each `articles` field with
 * `@Cost(feed(…))`.
 */

/** Rows read for one row of a feed walked in order: its index entry, the article joined for filters or order, a topic match. */
const FEED_ROW_READS = 3;
/**
 * A row whose text a search tests (FeedService's scan: the search document joined and matched word
 * by word) costs the time of about this many index reads: 75 µs a row measured at 60,000 articles,
 * where an index entry is 1-2 µs. Rows count for time here, not only for their number. Ranking by
 * RELEVANCE scores each row as well: twice that.
 */
const SEARCH_ROW_READS = 50;
/** Rows read to count one row of a feed (index entry; the article or search document when filtered). */
const COUNT_ROW_READS = 3;

/** How many units' feeds a unit's feed gathers: with history (the default), its predecessors' too. */
export function historyUnits(args: Args, bounds: DataBounds): number {
  return args.history === false ? 1 : bounds.historyUnits;
}

/** The largest feed of a unit in a scope, with its history unless `history: false`. */
export function unitFeedSize(args: Args, bounds: DataBounds): number {
  const history = args.history !== false;
  if (args.scope === 'SUBTREE') return history ? bounds.subtreeFeedWithHistory : bounds.subtreeFeed;
  if (args.scope === 'LINEAGE') return bounds.lineageFeed * historyUnits(args, bounds);
  return history ? bounds.unitFeedWithHistory : bounds.unitFeed;
}

/** What a feed reads (see feed): its page size, which conditions its filter gives, its order. A source's feed has only a page size. */
const FEED_READS = { first: 'value', filter: 'conditions', orderBy: 'value' } as const;
/** What a unit's feed reads besides (unitFeedSize, historyUnits). */
export const UNIT_FEED_READS = { ...FEED_READS, scope: 'value', history: 'value' } as const;

/**
 * A feed (see FeedService): its page reads `first`+1 rows of the feed's index when nothing narrows
 * it; a filter that the index does not order by (kinds, topics, sources) or MOST_VIEWED may read the
 * whole feed to fill a page; the count reads the whole feed.
 *
 * A search in date order tests the feed's newest rows (twice the window: the window's boundary,
 * then its rows), and when they hold too few matches (rare words) reads the FULLTEXT index's
 * matches joined with the feed: at most the feed, read off indexes. Any other search, and every
 * searched count, may test every row of the feed (common words are scanned, not indexed).
 */
export function feed(
  reads: FieldModel['reads'],
  sizeOf: (args: Args, bounds: DataBounds) => number,
  branchesOf: (args: Args, bounds: DataBounds) => number = () => 1,
): FieldModel {
  return model(reads, (args, bounds) => {
    const first = page(args, FEED_PAGE_SIZE);
    // A source's feed has neither filter nor order.
    const filter = ((reads.filter && args.filter) ?? {}) as Record<string, unknown>;
    const orderBy = reads.orderBy && args.orderBy;
    const size = sizeOf(args, bounds);
    const window = Math.min(SEARCH_WINDOW, size) * SEARCH_ROW_READS;
    // An empty list narrows nothing, but counts as given: estimates are remembered by which conditions are given (costKey).
    const narrowed = ['kinds', 'topics', 'sourceIds'].some((name) => filter[name] != null);
    const wholeFeed = narrowed || orderBy === 'MOST_VIEWED';
    let scanned: number;
    // A page reads first+1 rows of each unit's feed it gathers (one branch each, see FeedService).
    if (filter.search == null) scanned = (wholeFeed ? size : (first + 1) * branchesOf(args, bounds)) * FEED_ROW_READS;
    else if (orderBy === 'NEWEST' || orderBy === 'OLDEST') scanned = 2 * window + size * FEED_ROW_READS;
    else scanned = window + size * SEARCH_ROW_READS * (orderBy === 'RELEVANCE' ? 2 : 1);
    const counted = filter.search == null ? size * COUNT_ROW_READS : window + size * SEARCH_ROW_READS;
    return { rows: scanned + (first + 1) * PAGE_ROW_READS, items: 1, connection: { page: first, countRows: counted } };
  });
}

