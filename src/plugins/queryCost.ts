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
import { conditionHolds, isIncluded } from '../common/selections';
import { DataBounds } from './dataBounds';
import { ArgumentUse, ConnectionWork, declaredCosts, ENTITIES_COST, FieldModel } from './fieldCost';

export type { ArgumentUse, FieldModel } from './fieldCost';

/*
 * The cost model: what one request makes MySQL read and the gateway resolve, as an upper bound.
 *
 * The unit is one row read by MySQL (as SHOW STATUS counts them: Handler_read_*, index entries and
 * temporary-table rows included) or one field resolved. A list multiplies the cost of what is
 * selected under it by its length, and every length is an upper bound: `first` where there is one,
 * else the largest such list in the data (DataBounds, read from MySQL in the background). So the
 * estimate of an accepted query bounds its real work, which tests/limits/hostileQueries.test.ts checks
 * against the Handler counters.
 *
 * Each field's weights are declared beside it (@Cost, plugins/fieldCost.ts), each with why. The
 * walk is memoised per selection set, fragment and type, so it takes time linear in the document
 * (graphql-query-complexity, used before, walks a fragment again wherever it is spread: 2^n for n
 * levels of fragments spreading the next twice, 20-46 s for 25 where this walk takes under 1 ms;
 * and its estimators cannot see a feed's arguments where `totalCount` is priced).
 */

/** Built on first use: the type-graphql schema is built once, after every module is loaded. */
function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

/** A value made on first use, for exports read as plain values (FIELD_MODELS, ESTIMATED_ARGUMENTS). */
function lazily<T extends object>(target: () => T): T {
  return new Proxy({} as T, {
    get(_, name) {
      const value = Reflect.get(target(), name);
      return typeof value === 'function' ? value.bind(target()) : value;
    },
    has: (_, name) => Reflect.has(target(), name),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, name) => Reflect.getOwnPropertyDescriptor(target(), name),
  });
}

const fieldModels = once((): Readonly<Record<string, FieldModel>> => ({ 'Query._entities': ENTITIES_COST, ...declaredCosts() }));

/**
 * Fields that read rows or return lists, by `Type.field`, as their declarations give them (@Cost,
 * plugins/fieldCost.ts); an interface's field stands for every type implementing it. Other fields
 * cost 1 each (a value already read with their parent). Read from the type-graphql schema as it is
 * built (declareCosts): the served federation schema, rebuilt from SDL, keeps no field extensions.
 */
export const FIELD_MODELS: Readonly<Record<string, FieldModel>> = lazily(fieldModels);

/**
 * Every argument some model reads, by name (costKey does not know which field an argument is of),
 * with the most any model reads of it: its value over which conditions are given, over whether it
 * is given.
 */
export const ESTIMATED_ARGUMENTS: ReadonlyMap<string, ArgumentUse> = lazily(
  once(() => {
    const rank: Record<ArgumentUse, number> = { given: 0, conditions: 1, value: 2 };
    const uses = new Map<string, ArgumentUse>();
    for (const { reads } of Object.values(fieldModels())) {
      for (const [name, use] of Object.entries(reads)) {
        const known = uses.get(name);
        if (known === undefined || rank[use] > rank[known]) uses.set(name, use);
      }
    }
    return uses;
  }),
);

function modelOf(type: GraphQLObjectType, field: string): FieldModel | undefined {
  const models = fieldModels();
  return models[`${type.name}.${field}`] ?? type.getInterfaces().map((i) => models[`${i.name}.${field}`]).find((m) => m !== undefined);
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
