import { GraphQLField, GraphQLSchema, isInterfaceType, isObjectType } from 'graphql';
import { Extensions } from 'type-graphql';
import { PageSize, pageSizeForCost } from '../common/pageSize';
import { DataBounds } from './dataBounds';

/*
 * How a field declares its cost, beside its declaration: `@Cost(one(KEY_READS))` on a @Query or
 * @FieldResolver, `@Cost(list(…))` on a list. The unit is one row read by MySQL or one field resolved
 * (queryCost.ts says how a request's estimate adds them up); a field without @Cost costs 1 (a value
 * already read with its parent). Read back once from the type-graphql schema as it is built
 * (schema.ts calls declareCosts), where field extensions survive; the served federation schema,
 * rebuilt from SDL, keeps none.
 */

/** What a field costs for one parent object, and how many items it returns (1 for a non-list). */
export interface FieldWork {
  /** Rows MySQL reads for it, per parent. */
  rows: number;
  /** Items of a list (what its selection is multiplied by). */
  items: number;
  /** For a feed: what its connection's fields cost (see ConnectionWork). */
  connection?: ConnectionWork;
}

/** What an ArticleConnection's fields cost: the page it holds and its whole feed's count. */
export interface ConnectionWork {
  /** Articles on the page (nodes, edges). */
  page: number;
  /** Rows read to count the whole feed (totalCount). */
  countRows: number;
}

export type Args = Record<string, unknown>;

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
 * values of what the models read (documentPlan.ts, costKey): a model reads only the arguments it
 * declares, and only as it declares them (tests/limits/queryCostModels.test.ts runs every model with
 * arguments that throw on anything else).
 */
export interface FieldModel {
  reads: Readonly<Record<string, ArgumentUse>>;
  work(args: Args, bounds: DataBounds, connection: ConnectionWork | undefined): FieldWork;
}

/** A row read by primary key (a unit, an article, a source), through a loader: one read, plus one for a missing key's probe. */
export const KEY_READS = 2;
/** Rows read for one article of a page: the article and its source, joined once outside the page's branch, and its temporary-table row. */
export const PAGE_ROW_READS = 4;

export const model = (reads: FieldModel['reads'], work: FieldModel['work']): FieldModel => ({ reads, work });
/** A field that reads `rows` rows and returns one value. */
export const one = (rows: number): FieldModel => model({}, () => ({ rows, items: 1 }));
/** A list of `items(args, bounds)` items, each read with `rowsPerItem` rows. */
export const list = (items: (args: Args, bounds: DataBounds) => number, rowsPerItem: number, reads: FieldModel['reads'] = {}): FieldModel =>
  model(reads, (args, bounds) => {
    const n = items(args, bounds);
    return { rows: n * rowsPerItem, items: n };
  });
/** The page a `first` argument asks for, at its largest when it is out of range. */
export const page = (args: Args, rule: PageSize) => pageSizeForCost(rule, args.first);

/**
 * What `_entities` costs: each of a router's representations is one entity, read by key. Here
 * because buildSubgraphSchema (federation.ts) adds the field: no declaration of ours carries it.
 */
export const ENTITIES_COST: FieldModel = list((args) => (Array.isArray(args.representations) ? args.representations.length : 1), KEY_READS, { representations: 'value' });

const COST = 'cost';

/** Declares a field's cost model (type-graphql's @Extensions, read back by costModelOf). */
export function Cost(fieldModel: FieldModel): ReturnType<typeof Extensions> {
  return Extensions({ [COST]: fieldModel });
}

/** The model a field declares with @Cost, in the type-graphql schema. */
export function costModelOf(field: GraphQLField<unknown, unknown>): FieldModel | undefined {
  return field.extensions[COST] as FieldModel | undefined;
}

let declared: Readonly<Record<string, FieldModel>> | undefined;

/**
 * Reads every @Cost of the type-graphql schema, by `Type.field` (an interface's field stands for
 * the types implementing it); schema.ts calls it once, as it builds the schema.
 */
export function declareCosts(schema: GraphQLSchema): GraphQLSchema {
  const models: Record<string, FieldModel> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const model = costModelOf(field);
      // An implementation inherits its interface's field: the interface's entry stands for it.
      const inherited = type.getInterfaces().some((i) => i.getFields()[field.name] && costModelOf(i.getFields()[field.name]) === model);
      if (model && !inherited) models[`${type.name}.${field.name}`] = model;
    }
  }
  declared = models;
  return schema;
}

/** The models declareCosts read. */
export function declaredCosts(): Readonly<Record<string, FieldModel>> {
  if (!declared) throw new Error('cost models are read from the built schema: build it first (graphqlSchema())');
  return declared;
}
