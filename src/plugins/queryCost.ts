import {
  FieldNode,
  FragmentDefinitionNode,
  getArgumentValues,
  getNamedType,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLInterfaceType,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isWrappingType,
  Kind,
  OperationDefinitionNode,
  SchemaMetaFieldDef,
  SelectionNode,
  SelectionSetNode,
  TypeMetaFieldDef,
} from 'graphql';
import { PageSize, pageSizeForCost } from '../common/pageSize';
import { conditionHolds, isIncluded } from '../common/selections';
import { RELATED_PAGE_SIZE } from '../modules/articles/article.resolver';
import { RELATED_CANDIDATES_PER_TOPIC } from '../modules/articles/article.service';
import { FEED_PAGE_SIZE } from '../modules/articles/feed.types';
import { AUDIT_PAGE_SIZE } from '../modules/audit/audit.resolver';
import { UNIT_SEARCH_PAGE_SIZE } from '../modules/units/unit.resolver';
import { parseDay } from '../common/vietnamDay';
import { MAX_DAILY_DAYS } from '../modules/visits/visitCounters';
import { DataBounds } from './dataBounds';

/*
 * The cost model: what one request makes MySQL read and the gateway resolve, as an upper bound.
 *
 * The unit is one row read by MySQL (as SHOW STATUS counts them: Handler_read_*, index entries and
 * temporary-table rows included) or one field resolved. A list multiplies the cost of what is
 * selected under it by its length, and every length is an upper bound: `first` where there is one,
 * else the largest such list in the data (DataBounds, read from MySQL in the background). So the
 * estimate of an accepted query bounds its real work, which tests/hostileQueries.test.ts checks
 * against the Handler counters.
 *
 * Every weight is here, each with why. The walk is memoised per selection set, fragment and type, so
 * it takes time linear in the document (graphql-query-complexity, used before, walks a fragment
 * again wherever it is spread: 2^n for n levels of fragments spreading the next twice, 20-46 s for 25
 * where this walk takes under 1 ms; and its estimators cannot see a feed's arguments where
 * `totalCount` is priced).
 */

/** Rows read for one row of a feed walked in order: its index entry, the article joined for filters or order, a topic match. */
const FEED_ROW_READS = 3;
/** Rows read for one article of a page: the article and its source, joined once outside the page's branch, and its temporary-table row. */
const PAGE_ROW_READS = 4;
/**
 * A row whose text a search tests (FeedService's scan: the search document joined and matched word
 * by word) costs the time of about this many index reads: 75 µs a row measured at 60,000 articles,
 * where an index entry is 1-2 µs. Rows count for time here, not only for their number. Ranking by
 * RELEVANCE scores each row as well: twice that.
 */
const SEARCH_ROW_READS = 50;
/** FeedService's SEARCH_WINDOW: a search first tests the feed's newest rows to choose its way. */
const SEARCH_WINDOW = 1000;
/** Rows read to count one row of a feed (index entry; the article or search document when filtered). */
const COUNT_ROW_READS = 3;
/** A candidate of `related` is read off the topic index into a derived table, read there per article sharing the topic, grouped and ranked (5.1 reads measured at 60,000 articles). */
const RELATED_CANDIDATE_READS = 6;
/** A day of `daily` is in one of two tables (archive and recent days). */
const DAILY_ROW_READS = 2;
/** A row read by primary key (a unit, an article, a source), through a loader: one read, plus one for a missing key's probe. */
const KEY_READS = 2;
/** The visit counters: the total, the recent days and today's archive, and the flush mark. */
const VISIT_COUNTS_READS = 4;

/** What a field costs for one parent object, and how many items it returns (1 for a non-list). */
interface FieldWork {
  /** Rows MySQL reads for it, per parent. */
  rows: number;
  /** Items of a list (what its selection is multiplied by). */
  items: number;
  /** For a feed: what its connection's fields cost (see ConnectionWork). */
  connection?: ConnectionWork;
}

/** What an ArticleConnection's fields cost: the page it holds and its whole feed's count. */
interface ConnectionWork {
  /** Articles on the page (nodes, edges). */
  page: number;
  /** Rows read to count the whole feed (totalCount). */
  countRows: number;
}

type Args = Record<string, unknown>;

/** How a model reads one of its field's arguments. */
export type ArgumentUse =
  /** Its value. */
  | 'value'
  /** Only whether it is given (not null). */
  | 'given'
  /** An input object: only which of its fields are given (not null). */
  | 'conditions';

/**
 * What a field costs, and which of its arguments that reads. Estimates are remembered by the
 * values of what the models read (queryLimits.ts, costKey): a model reads only the arguments it
 * declares, and only as it declares them (tests/queryCostModels.test.ts runs every model with
 * arguments that throw on anything else).
 */
export interface FieldModel {
  reads: Readonly<Record<string, ArgumentUse>>;
  work(args: Args, bounds: DataBounds, connection: ConnectionWork | undefined): FieldWork;
}

const model = (reads: FieldModel['reads'], work: FieldModel['work']): FieldModel => ({ reads, work });
const one = (rows: number): FieldModel => model({}, () => ({ rows, items: 1 }));
const list = (items: (args: Args, bounds: DataBounds) => number, rowsPerItem: number, reads: FieldModel['reads'] = {}): FieldModel =>
  model(reads, (args, bounds) => {
    const n = items(args, bounds);
    return { rows: n * rowsPerItem, items: n };
  });
const page = (args: Args, rule: PageSize) => pageSizeForCost(rule, args.first);

/** How many units' feeds a unit's feed gathers: with history (the default), its predecessors' too. */
function historyUnits(args: Args, bounds: DataBounds): number {
  return args.history === false ? 1 : bounds.historyUnits;
}

/** The largest feed of a unit in a scope, with its history unless `history: false`. */
function unitFeedSize(args: Args, bounds: DataBounds): number {
  const history = args.history !== false;
  if (args.scope === 'SUBTREE') return history ? bounds.subtreeFeedWithHistory : bounds.subtreeFeed;
  if (args.scope === 'LINEAGE') return bounds.lineageFeed * historyUnits(args, bounds);
  return history ? bounds.unitFeedWithHistory : bounds.unitFeed;
}

/** What a feed reads (see feed): its page size, which conditions its filter gives, its order. A source's feed has only a page size. */
const FEED_READS = { first: 'value', filter: 'conditions', orderBy: 'value' } as const;
/** What a unit's feed reads besides (unitFeedSize, historyUnits). */
const UNIT_FEED_READS = { ...FEED_READS, scope: 'value', history: 'value' } as const;

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
function feed(
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

/** Days of `daily(from, to)`, both included; a range the resolver refuses counts as the most it takes. */
function days(args: Args): number {
  const from = typeof args.from === 'string' ? parseDay(args.from) : null;
  const to = typeof args.to === 'string' ? parseDay(args.to) : null;
  if (from == null || to == null) return MAX_DAILY_DAYS;
  return Math.max(1, Math.min(to - from + 1, MAX_DAILY_DAYS));
}

/**
 * Fields that read rows or return lists, by `Type.field` (an interface's name stands for every
 * type implementing it). Other fields cost 1 each (a value already read with their parent).
 */
export const FIELD_MODELS: Readonly<Record<string, FieldModel>> = {
  'Query.provinces': list((_, b) => b.provinces, 1),
  'Query.province': one(KEY_READS),
  'Query.district': one(KEY_READS),
  'Query.commune': one(KEY_READS),
  'Query.unit': one(KEY_READS),
  'Query.article': one(KEY_READS),
  'Query.source': one(KEY_READS),
  'Query.sources': list((_, b) => b.sources, 1),
  // A scan of every unit's folded name (UnitService.search), whatever `first` is.
  'Query.searchUnits': model({ first: 'value' }, (args, bounds) => {
    const first = page(args, UNIT_SEARCH_PAGE_SIZE);
    return { rows: bounds.units + first * KEY_READS, items: first };
  }),
  'Query.auditLog': list((args) => page(args, AUDIT_PAGE_SIZE), 1, { first: 'value' }),
  // A router's representations: each one entity, read by key.
  'Query._entities': list((args) => (Array.isArray(args.representations) ? args.representations.length : 1), KEY_READS, { representations: 'value' }),
  // All articles, or a unit's feed (SUBTREE by default there).
  'Query.articles': feed(
    { ...UNIT_FEED_READS, unit: 'given' },
    (args, b) => (args.unit == null ? b.articles : unitFeedSize(args, b)),
    (args, b) => (args.unit == null ? 1 : historyUnits(args, b)),
  ),
  'AdministrativeUnit.articles': feed(UNIT_FEED_READS, unitFeedSize, historyUnits),
  'Source.articles': feed({ first: 'value' }, (_, b) => b.sourceFeed),
  'AdministrativeUnit.parent': one(KEY_READS),
  'Commune.district': one(KEY_READS),
  'Commune.province': one(KEY_READS),
  'District.province': one(KEY_READS),
  'Query.unitById': one(KEY_READS),
  'AdministrativeUnit.successors': list((_, b) => b.successionsPerUnit, 1),
  'AdministrativeUnit.predecessors': list((_, b) => b.successionsPerUnit, 1),
  'Succession.unit': one(KEY_READS),
  'Province.districts': list((_, b) => b.districtsPerProvince, 1),
  'Province.communes': list((_, b) => b.communesPerProvince, 1),
  'District.communes': list((_, b) => b.communesPerDistrict, 1),
  'AdministrativeUnit.visits': one(0),
  'VisitStats.total': one(VISIT_COUNTS_READS),
  'VisitStats.today': one(VISIT_COUNTS_READS),
  'VisitStats.daily': list(days, DAILY_ROW_READS, { from: 'value', to: 'value' }),
  'Article.body': one(KEY_READS),
  'Article.source': one(KEY_READS),
  'Article.origin': one(KEY_READS),
  'Article.views': one(KEY_READS),
  // article_topics joined with topics.
  'Article.topics': list((_, b) => b.topicsPerArticle, 2),
  'Article.publications': list((_, b) => b.publicationsPerArticle, 1),
  // ArticleService.related: each of the article's topics' newest candidates, then the newest of its
  // origin to fill what is left (the page itself and what it skips).
  'Article.related': model({ first: 'value' }, (args, bounds) => {
    const first = page(args, RELATED_PAGE_SIZE);
    const candidates = bounds.topicsPerArticle * Math.min(RELATED_CANDIDATES_PER_TOPIC, bounds.articlesPerTopic);
    return { rows: candidates * RELATED_CANDIDATE_READS + 3 * first * PAGE_ROW_READS, items: first };
  }),
  'Publication.unit': one(KEY_READS),
  'ArticleConnection.totalCount': model({}, (_, __, connection) => ({ rows: connection?.countRows ?? 0, items: 1 })),
  'ArticleConnection.nodes': model({}, (_, __, connection) => ({ rows: 0, items: connection?.page ?? FEED_PAGE_SIZE.max })),
  'ArticleConnection.edges': model({}, (_, __, connection) => ({ rows: 0, items: connection?.page ?? FEED_PAGE_SIZE.max })),
};

/**
 * Every argument some model reads, by name (costKey does not know which field an argument is of),
 * with the most any model reads of it: its value over which conditions are given, over whether it
 * is given.
 */
export const ESTIMATED_ARGUMENTS: ReadonlyMap<string, ArgumentUse> = (() => {
  const rank: Record<ArgumentUse, number> = { given: 0, conditions: 1, value: 2 };
  const uses = new Map<string, ArgumentUse>();
  for (const { reads } of Object.values(FIELD_MODELS)) {
    for (const [name, use] of Object.entries(reads)) {
      const known = uses.get(name);
      if (known === undefined || rank[use] > rank[known]) uses.set(name, use);
    }
  }
  return uses;
})();

function modelOf(type: GraphQLObjectType, field: string): FieldModel | undefined {
  return FIELD_MODELS[`${type.name}.${field}`] ?? type.getInterfaces().map((i) => FIELD_MODELS[`${i.name}.${field}`]).find((m) => m !== undefined);
}

function isList(field: GraphQLField<unknown, unknown>): boolean {
  return isListType(isNonNullType(field.type) ? field.type.ofType : field.type);
}

/*
 * Introspection answers from the schema in memory: it reads no rows, but every field it resolves
 * counts, and its lists are as long as the schema makes them. Without that, 30 aliases of
 * `fields { type { … } }` nested twice under `__schema { types }` (5.6 KB) answered 126 MB.
 */

/** A list of the schema's, summed over the schema and at its longest. */
interface Count {
  sum: number;
  most: number;
}

/** The schema's sizes that introspection's lists take, read once per schema. */
interface IntrospectionSizes {
  /** Named types (__Schema.types). */
  types: number;
  /** Of object and interface types (__Type.fields). */
  fields: Count;
  /** Of every field of those (__Field.args). */
  args: Count;
  interfaces: Count;
  possibleTypes: Count;
  enumValues: Count;
  inputFields: Count;
  directives: number;
  /** Most arguments of a directive. */
  directiveArgs: number;
  /** Most locations of a directive. */
  locations: number;
  /** Most List and NonNull wrappers around a field's, argument's or input field's named type: how deep `ofType` goes. */
  wrappers: number;
}

const sizesOfSchemas = new WeakMap<GraphQLSchema, IntrospectionSizes>();

function introspectionSizes(schema: GraphQLSchema): IntrospectionSizes {
  const known = sizesOfSchemas.get(schema);
  if (known) return known;
  const count = (lengths: number[]): Count => ({ sum: lengths.reduce((a, b) => a + b, 0), most: Math.max(0, ...lengths) });
  const wrappersOf = (type: GraphQLType): number => (isWrappingType(type) ? 1 + wrappersOf(type.ofType) : 0);
  const types = Object.values(schema.getTypeMap());
  const withFields = types.filter((t): t is GraphQLObjectType | GraphQLInterfaceType => isObjectType(t) || isInterfaceType(t));
  const fields = withFields.flatMap((t) => Object.values(t.getFields()));
  const inputFields = types.flatMap((t) => (isInputObjectType(t) ? Object.values(t.getFields()) : []));
  const directives = schema.getDirectives();
  const typed = [...fields, ...fields.flatMap((f) => f.args), ...inputFields, ...directives.flatMap((d) => d.args)];
  const sizes: IntrospectionSizes = {
    types: types.length,
    fields: count(withFields.map((t) => Object.keys(t.getFields()).length)),
    args: count(fields.map((f) => f.args.length)),
    interfaces: count(withFields.map((t) => t.getInterfaces().length)),
    possibleTypes: count(types.filter(isAbstractType).map((t) => schema.getPossibleTypes(t).length)),
    enumValues: count(types.map((t) => (isEnumType(t) ? t.getValues().length : 0))),
    inputFields: count(types.map((t) => (isInputObjectType(t) ? Object.keys(t.getFields()).length : 0))),
    directives: directives.length,
    directiveArgs: Math.max(0, ...directives.map((d) => d.args.length)),
    locations: Math.max(0, ...directives.map((d) => d.locations.length)),
    wrappers: Math.max(0, ...typed.map((t) => wrappersOf(t.type))),
  };
  sizesOfSchemas.set(schema, sizes);
  return sizes;
}

/**
 * Which introspection objects a selection set is costed for:
 * - every: each object of its type the schema has, once (__schema.types, and all their fields):
 *   its lists count at their sums over the schema, and the set's cost is for all of them together;
 * - one: one object, its lists at their longest (a __Type: a named type, whose ofType is null);
 * - wrapper: a List or NonNull (a __Type) with at most `wrappers` wrappers, itself included: its
 *   lists are null, its ofType a ref with one wrapper less;
 * - ref: what a field's, an argument's or ofType's `type` is, a named type or a wrapper: it costs
 *   as the costlier of the two (so `fields` asked at every level of `ofType` counts once).
 */
type Scope = { of: 'every' | 'one' } | { of: 'wrapper' | 'ref'; wrappers: number };

const EVERY: Scope = { of: 'every' };
const ONE: Scope = { of: 'one' };
const ref = (wrappers: number): Scope => (wrappers > 0 ? { of: 'ref', wrappers } : ONE);

/** How many objects of an introspection field there are per parent (all together under every), and what they are; no scope: nothing is resolved under them (null). */
interface IntrospectionWork {
  items: number;
  scope?: Scope;
}

type IntrospectionModel = (sizes: IntrospectionSizes, parent: Scope) => IntrospectionWork;

/** A list of a __Type's: summed over the schema under every, at its longest for one type, null for a wrapper. */
const typeList =
  (of: (sizes: IntrospectionSizes) => Count, every: Scope = ONE): IntrospectionModel =>
  (sizes, parent) =>
    parent.of === 'every' ? { items: of(sizes).sum, scope: every } : parent.of === 'wrapper' ? { items: 1 } : { items: of(sizes).most, scope: ONE };

/** Introspection fields that return objects or lists; other ones are one value per parent. */
const INTROSPECTION_MODELS: Record<string, IntrospectionModel> = {
  __schema: () => ({ items: 1, scope: ONE }),
  // A named type, or null.
  __type: () => ({ items: 1, scope: ONE }),
  '__Schema.types': (s) => ({ items: s.types, scope: EVERY }),
  '__Schema.queryType': () => ({ items: 1, scope: ONE }),
  '__Schema.mutationType': () => ({ items: 1, scope: ONE }),
  '__Schema.subscriptionType': () => ({ items: 1, scope: ONE }),
  '__Schema.directives': (s) => ({ items: s.directives, scope: ONE }),
  '__Directive.args': (s) => ({ items: s.directiveArgs, scope: ONE }),
  '__Directive.locations': (s) => ({ items: s.locations }),
  // The fields of every type are every field once.
  '__Type.fields': typeList((s) => s.fields, EVERY),
  '__Type.interfaces': typeList((s) => s.interfaces),
  '__Type.possibleTypes': typeList((s) => s.possibleTypes),
  '__Type.enumValues': typeList((s) => s.enumValues),
  '__Type.inputFields': typeList((s) => s.inputFields),
  '__Type.ofType': (s, parent) =>
    parent.of === 'wrapper' ? { items: 1, scope: ref(parent.wrappers - 1) } : { items: parent.of === 'every' ? s.types : 1 },
  '__Field.args': (s, parent) => ({ items: parent.of === 'every' ? s.args.sum : s.args.most, scope: ONE }),
  '__Field.type': (s, parent) => ({ items: parent.of === 'every' ? s.fields.sum : 1, scope: ref(s.wrappers) }),
  '__InputValue.type': (s) => ({ items: 1, scope: ref(s.wrappers) }),
};

/** What a selection set is costed under besides its type: an ArticleConnection's feed, or which introspection objects. */
type Under = ConnectionWork | Scope | undefined;

const keyOf = (under: Under): string => (under === undefined ? '' : 'of' in under ? `${under.of}${'wrappers' in under ? under.wrappers : ''}` : `${under.page}/${under.countRows}`);

/**
 * Estimates one operation's cost for one request's (coerced) variables and the current bounds.
 * Throws a GraphQLError when an argument does not fit its type (the caller says why it could not
 * estimate). Each selection set is costed once per type and connection (or introspection scope) it
 * is walked under.
 */
export function estimateCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  bounds: DataBounds,
): number {
  const memo = new Map<SelectionSetNode, Map<string, number>>();

  const included = (node: SelectionNode): boolean => isIncluded(node, variables);

  /**
   * Cost of a selection set for one object of `type` (for all of them under the 'every' scope); an
   * interface or union costs as its costliest member.
   */
  const setCost = (set: SelectionSetNode, type: GraphQLCompositeType, under: Under): number => {
    if (isAbstractType(type)) return Math.max(0, ...schema.getPossibleTypes(type).map((member) => setCost(set, member, under)));
    if (under && 'of' in under && under.of === 'ref') return Math.max(setCost(set, type, ONE), setCost(set, type, { of: 'wrapper', wrappers: under.wrappers }));
    const key = `${type.name}/${keyOf(under)}`;
    let byType = memo.get(set);
    if (!byType) memo.set(set, (byType = new Map()));
    const remembered = byType.get(key);
    if (remembered !== undefined) return remembered;
    // A fragment spread inside itself is refused by validation; 0 while in progress guards the walk anyway.
    byType.set(key, 0);
    let cost = 0;
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) cost += fieldCost(selection, type, under);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (conditionHolds(schema, selection, type)) cost += setCost(selection.selectionSet, type, under);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && conditionHolds(schema, fragment, type)) cost += setCost(fragment.selectionSet, type, under);
      }
    }
    byType.set(key, cost);
    return cost;
  };

  const fieldCost = (node: FieldNode, type: GraphQLObjectType, under: Under): number => {
    const name = node.name.value;
    if (under && 'of' in under) return introspectionCost(node, type, under);
    if (name === '__schema' || name === '__type') return introspectionCost(node, type, ONE);
    if (name === '__typename') return 1;
    const field = type.getFields()[name];
    if (!field) return 0;
    const model = modelOf(type, name);
    const work = model ? model.work(getArgumentValues(field, node, variables), bounds, under) : { rows: 0, items: 1 };
    const child = getNamedType(field.type);
    const below = node.selectionSet && isCompositeType(child) ? setCost(node.selectionSet, child, work.connection) : 0;
    return work.rows + (isList(field) ? work.items * (1 + below) : 1 + below);
  };

  /** An introspection field: each value it resolves counts 1, each list item 1 (no rows). */
  const introspectionCost = (node: FieldNode, type: GraphQLObjectType, parent: Scope): number => {
    const name = node.name.value;
    const sizes = introspectionSizes(schema);
    const model = INTROSPECTION_MODELS[name === '__schema' || name === '__type' ? name : `${type.name}.${name}`];
    const every = type.name === '__Type' ? sizes.types : type.name === '__Field' ? sizes.fields.sum : 1;
    const work = model ? model(sizes, parent) : { items: parent.of === 'every' ? every : 1 };
    if (work.scope === undefined || !node.selectionSet) return work.items;
    const field = name === '__schema' ? SchemaMetaFieldDef : name === '__type' ? TypeMetaFieldDef : type.getFields()[name];
    const child = field && getNamedType(field.type);
    if (!child || !isCompositeType(child)) return work.items;
    const below = setCost(node.selectionSet, child, work.scope);
    // Under every, `below` is already what all the items cost together.
    return work.items + (work.scope.of === 'every' ? below : work.items * below);
  };

  const root = schema.getRootType(operation.operation);
  return root ? setCost(operation.selectionSet, root, undefined) : 0;
}
