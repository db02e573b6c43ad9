import { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, FragmentDefinitionNode, getVariableValues, GraphQLError, GraphQLSchema, Kind, OperationDefinitionNode, SelectionSetNode, ValueNode, visit } from 'graphql';
import { ComplexityEstimatorArgs, getComplexity } from 'graphql-query-complexity';
import { badUserInput } from '../common/errors';
import { Context } from '../context';

export interface QueryLimits {
  /** Deepest nesting of fields (introspection's own fields aside). */
  maxDepth: number;
  /** Estimated rows and fields, see estimateCost. */
  maxCost: number;
  /** Aliased fields per operation: aliases multiply work without deepening the query. */
  maxAliases: number;
}

/**
 * Room for every query a portal makes (the province dashboard costs ~1,500, the whole unit tree
 * ~115,000) while a query for every article of every commune is refused.
 */
export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxCost: 200_000, maxAliases: 50 };

/**
 * How many items a list field without `first` returns, at most in practice (2024 map): the cost of
 * its children is multiplied by it. Fields with `first` use the value asked for.
 */
const LIST_SIZES: Record<string, number> = {
  'Query.provinces': 63,
  'Province.districts': 30,
  'District.communes': 30,
  'Article.publications': 5,
  'Article.topics': 1,
  'Query.sources': 100,
};

/**
 * Pages hold at most this many items. A larger `first` is the resolver's to refuse, with the
 * BAD_USER_INPUT the contract promises, so it is not counted as more here.
 */
const MAX_PAGE = 100;

/**
 * The arguments listItems reads: estimates are remembered per the values of these (see costKey),
 * so reading another one here means adding it.
 */
const ESTIMATED_ARGUMENTS = new Set(['first', 'representations']);

/** How many items a list field returns: `first`, a federation router's representations, or LIST_SIZES. */
function listItems(typeName: string, fieldName: string, args: Record<string, unknown>): number {
  if (typeof args.first === 'number') return Math.min(args.first, MAX_PAGE);
  if (Array.isArray(args.representations)) return args.representations.length;
  return LIST_SIZES[`${typeName}.${fieldName}`] ?? 1;
}

/** One per field, times the items of a list: a page of 100 articles costs 100 times one article. */
function estimateCost({ type, field, args, childComplexity }: ComplexityEstimatorArgs): number {
  const items = listItems(type.name, field.name, args);
  return 1 + Math.max(items, 1) * childComplexity;
}

function refusal(message: string, limit: string, max: number, actual: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, max, actual, http: { status: 400 } } });
}

/** Depth and aliases of an operation, following fragments (each counted where it is spread). */
function measure(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): { depth: number; aliases: number } {
  let aliases = 0;
  const walk = (set: SelectionSetNode, depth: number, seen: Set<string>): number => {
    let deepest = depth;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases++;
        // Sandbox and code generators introspect deeply (ofType { ofType { … } }): not our data.
        if (selection.name.value.startsWith('__')) continue;
        deepest = Math.max(deepest, selection.selectionSet ? walk(selection.selectionSet, depth + 1, seen) : depth + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, walk(selection.selectionSet, depth, seen));
      } else {
        const fragment = fragments.get(selection.name.value);
        // A fragment that spreads itself is refused by validation already; don't loop on it.
        if (fragment && !seen.has(fragment.name.value)) deepest = Math.max(deepest, walk(fragment.selectionSet, depth, new Set([...seen, fragment.name.value])));
      }
    }
    return deepest;
  };
  return { depth: walk(operation.selectionSet, 0, new Set()), aliases };
}

/**
 * What of a request's variables its cost estimate depends on, as a string to remember estimates
 * by: a variable that changes on every request (a visitor id) must not be in it, or nothing is
 * ever remembered.
 *
 * The estimate reads the values of ESTIMATED_ARGUMENTS and of @include/@skip conditions. Of the
 * other arguments' variables only whether they are absent, null or set matters: graphql-query-
 * complexity gives up (no estimate) on a null for a non-null argument, which a variable with a
 * default lets through validation.
 */
export function costKey(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): (variables: Record<string, unknown>) => string {
  const read = new Set<string>();
  const checked = new Set<string>();
  const collect = (value: ValueNode, into: Set<string>) =>
    visit(value, {
      Variable(variable) {
        into.add(variable.name.value);
      },
    });
  const spread = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      for (const directive of selection.directives ?? []) {
        if (directive.name.value === 'include' || directive.name.value === 'skip') directive.arguments?.forEach((argument) => collect(argument.value, read));
      }
      if (selection.kind === Kind.FIELD) {
        selection.arguments?.forEach((argument) => collect(argument.value, ESTIMATED_ARGUMENTS.has(argument.name.value) ? read : checked));
        if (selection.selectionSet) walk(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  const values = [...read];
  const nullness = [...checked].filter((name) => !read.has(name));
  // An absent variable takes its default, unlike a null one. Each name is in one list only, so
  // `true` (set) cannot be mistaken for a value.
  return (variables) => {
    const present = (name: string) => Object.hasOwn(variables, name);
    return JSON.stringify(
      Object.fromEntries([...values.filter(present).map((name) => [name, variables[name] ?? null]), ...nullness.filter(present).map((name) => [name, variables[name] != null])]),
    );
  };
}

interface OperationMeasures {
  depth: number;
  aliases: number;
  /**
   * Why there is no estimate when graphql-query-complexity gives none: variables that do not fit
   * their types, or an argument that does not fit its own (a null for a non-null one).
   */
  cost(variables: Record<string, unknown>): number | Error;
}

/** Estimates remembered per operation: portals send a few page sizes over and over. */
const COSTS_PER_OPERATION = 64;

function measureOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): OperationMeasures {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const { depth, aliases } = measure(operation, fragments);
  const keyOf = costKey(operation, fragments);
  const costs = new Map<string, number>();
  return {
    depth,
    aliases,
    cost(variables) {
      const key = keyOf(variables);
      const remembered = costs.get(key);
      if (remembered !== undefined) return remembered;
      let cost: number;
      try {
        cost = getComplexity({ schema, query: document, operationName: operation.name?.value, variables, estimators: [estimateCost] });
      } catch (error) {
        // Not remembered: the variables the key leaves out may not fit their types in this
        // request and fit in the next.
        return error instanceof Error ? error : new Error(String(error));
      }
      // Big values (a router's representations, one per entity it fetches) seldom come again and
      // would only fill memory.
      if (key.length <= 1024) {
        if (costs.size >= COSTS_PER_OPERATION) costs.delete(costs.keys().next().value!);
        costs.set(key, cost);
      }
      return cost;
    },
  };
}

/**
 * Refuses queries deeper, costlier or with more aliases than configured, once the operation is
 * parsed and validated and before any resolver (so before any SQL) runs. The error's code is
 * GRAPHQL_VALIDATION_FAILED, with `extensions.limit` (depth, cost or aliases), `max` and `actual`.
 */
export function queryLimitsPlugin(schema: GraphQLSchema, limits: QueryLimits): ApolloServerPlugin<Context> {
  // Estimating walks the whole query against the schema (about a tenth of a small query's time):
  // remembered per parsed operation (Apollo hands the same document object for the same query
  // text), forgotten with it.
  const remembered = new WeakMap<OperationDefinitionNode, OperationMeasures>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          let measures = remembered.get(operation);
          if (!measures) remembered.set(operation, (measures = measureOperation(schema, document, operation)));
          const { depth, aliases } = measures;
          if (depth > limits.maxDepth) throw refusal(`query is ${depth} fields deep; at most ${limits.maxDepth} are allowed`, 'depth', limits.maxDepth, depth);
          if (aliases > limits.maxAliases) throw refusal(`query has ${aliases} aliases; at most ${limits.maxAliases} are allowed`, 'aliases', limits.maxAliases, aliases);
          const variables = request.variables ?? {};
          const cost = measures.cost(variables);
          if (typeof cost === 'number' && cost <= limits.maxCost) return;
          // Variables that do not fit their types: execution refuses them with BAD_USER_INPUT
          // before any resolver runs, and a cost refusal must not hide that. The estimate may be
          // one remembered for other values of variables it does not read, so check here.
          if (getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors) return;
          // Execution would fail only the field whose argument does not fit and run the rest: a
          // query that cannot be estimated is not run at all, or that field would lift the limit.
          if (typeof cost !== 'number') throw badUserInput(`the query's cost cannot be estimated: ${cost.message}`);
          throw refusal(`query would cost ${cost} (fields times list sizes and page sizes); at most ${limits.maxCost} is allowed: ask for fewer or smaller pages`, 'cost', limits.maxCost, cost);
        },
      };
    },
  };
}
