import { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, FragmentDefinitionNode, getVariableValues, GraphQLError, GraphQLSchema, Kind, OperationDefinitionNode, SelectionSetNode, ValueNode, visit } from 'graphql';
import { fragmentsOf } from '../common/selections';
import { DataBounds } from './dataBounds';
import { estimateCost } from './queryCost';
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
 * Room for every query a portal makes (see README "Limits" for what each scenario costs), while the
 * attacks of issue #13 are refused. The unit is rows read or fields resolved (plugins/queryCost.ts).
 */
export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxCost: 1_000_000, maxAliases: 50 };

/** Where the estimate takes the data's largest lists from (DataBoundsKeeper, or fixed bounds in tests). */
export interface BoundsSource {
  current(): DataBounds;
  /** Changes when the bounds do: estimates remembered under older ones are not reused. */
  revision(): number;
}

/**
 * Arguments whose values the estimate reads: estimates are remembered per the values of these (see
 * costKey), so reading another one in queryCost.ts means adding it here. Of `filter` only which
 * conditions are given matters, unless the whole filter is one variable.
 */
const ESTIMATED_ARGUMENTS = new Set(['first', 'representations', 'scope', 'orderBy', 'from', 'to']);

function refusal(message: string, limit: string, max: number, actual: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, max, actual, http: { status: 400 } } });
}

interface Shape {
  depth: number;
  aliases: number;
}

/**
 * Depth and aliases of an operation, following fragments: each fragment is measured once and its
 * measures reused wherever it is spread (its aliases count once per spread: arithmetic, not a new
 * walk), so the time is linear in the document however the fragments spread each other.
 */
export function measure(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): Shape {
  const byFragment = new Map<string, Shape>();
  const walk = (set: SelectionSetNode): Shape => {
    let depth = 0;
    let aliases = 0;
    for (const selection of set.selections) {
      let inner: Shape;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases++;
        // Sandbox and code generators introspect deeply (ofType { ofType { … } }): not our data.
        if (selection.name.value.startsWith('__')) continue;
        inner = selection.selectionSet ? walk(selection.selectionSet) : { depth: 0, aliases: 0 };
        inner = { depth: inner.depth + 1, aliases: inner.aliases };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = walk(selection.selectionSet);
      } else {
        inner = fragmentShape(selection.name.value);
      }
      depth = Math.max(depth, inner.depth);
      aliases += inner.aliases;
    }
    return { depth, aliases };
  };
  const fragmentShape = (name: string): Shape => {
    const known = byFragment.get(name);
    if (known) return known;
    // A fragment that spreads itself is refused by validation already; don't loop on it.
    byFragment.set(name, { depth: 0, aliases: 0 });
    const fragment = fragments.get(name);
    const shape = fragment ? walk(fragment.selectionSet) : { depth: 0, aliases: 0 };
    byFragment.set(name, shape);
    return shape;
  };
  return walk(operation.selectionSet);
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
        selection.arguments?.forEach((argument) => {
          const whole = argument.name.value === 'filter' && argument.value.kind === Kind.VARIABLE;
          collect(argument.value, whole || ESTIMATED_ARGUMENTS.has(argument.name.value) ? read : checked);
        });
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
   * The cost for one request's variables (`raw` as sent, to remember it by; `coerce` gives them as
   * execution takes them, asked only when the cost is not remembered), null when the variables do
   * not fit their types, or why there is no estimate: an argument that does not fit its type (a
   * null for a non-null one).
   */
  cost(raw: Record<string, unknown>, coerce: () => ReturnType<typeof getVariableValues>, bounds: BoundsSource): number | null | GraphQLError;
}

/** Estimates remembered per operation: portals send a few page sizes over and over. */
const COSTS_PER_OPERATION = 64;

function measureOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): OperationMeasures {
  const fragments = fragmentsOf(document);
  const { depth, aliases } = measure(operation, fragments);
  const keyOf = costKey(operation, fragments);
  const costs = new Map<string, number>();
  return {
    depth,
    aliases,
    cost(raw, coerce, bounds) {
      const key = `${bounds.revision()}:${keyOf(raw)}`;
      const remembered = costs.get(key);
      if (remembered !== undefined) return remembered;
      const coerced = coerce();
      if (coerced.errors) return null;
      let cost: number;
      try {
        cost = estimateCost(schema, operation, fragments, coerced.coerced, bounds.current());
      } catch (error) {
        // Not remembered: the variables the key leaves out may not fit their types in this
        // request and fit in the next.
        if (error instanceof GraphQLError) return error;
        throw error;
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
 * GRAPHQL_VALIDATION_FAILED, with `extensions.limit` (depth, cost or aliases), `max` and `actual`;
 * a query whose cost cannot be estimated is BAD_USER_INPUT. All are HTTP 400.
 *
 * The estimate is left on the context (`queryCost`, for the gates that come after) and in the
 * `x-query-cost` response header (for portal developers).
 */
export function queryLimitsPlugin(schema: GraphQLSchema, limits: QueryLimits, bounds: BoundsSource): ApolloServerPlugin<Context> {
  // Measuring walks the whole query against the schema: remembered per parsed operation (Apollo
  // hands the same document object for the same query text), forgotten with it.
  const remembered = new WeakMap<OperationDefinitionNode, OperationMeasures>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, contextValue }) {
          if (!operation) return;
          let measures = remembered.get(operation);
          if (!measures) remembered.set(operation, (measures = measureOperation(schema, document, operation)));
          const { depth, aliases } = measures;
          if (depth > limits.maxDepth) throw refusal(`query is ${depth} fields deep; at most ${limits.maxDepth} are allowed`, 'depth', limits.maxDepth, depth);
          if (aliases > limits.maxAliases) throw refusal(`query has ${aliases} aliases; at most ${limits.maxAliases} are allowed`, 'aliases', limits.maxAliases, aliases);
          const variables = request.variables ?? {};
          // Coerced only when needed: most requests repeat an estimate already remembered.
          const coerce = () => getVariableValues(schema, operation.variableDefinitions ?? [], variables);
          const cost = measures.cost(variables, coerce, bounds);
          // Variables that do not fit their types: execution refuses them with BAD_USER_INPUT
          // before any resolver runs, and a cost refusal must not hide that.
          if (cost === null) return;
          // Execution would fail only the field whose argument does not fit and run the rest: a
          // query that cannot be estimated is not run at all, or that field would lift the limit.
          if (typeof cost !== 'number') {
            throw new GraphQLError(`the query's cost cannot be estimated: ${cost.message}`, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
          }
          contextValue.queryCost = cost;
          if (cost > limits.maxCost) {
            // A remembered estimate was made for other values of the variables it does not read.
            if (coerce().errors) return;
            throw refusal(`query would cost ${cost} (rows read and fields resolved, lists at their largest); at most ${limits.maxCost} is allowed: ask for fewer or smaller pages`, 'cost', limits.maxCost, cost);
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (contextValue.queryCost !== undefined) response.http.headers.set('x-query-cost', String(contextValue.queryCost));
        },
      };
    },
  };
}
