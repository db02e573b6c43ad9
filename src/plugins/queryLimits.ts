import { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, FragmentDefinitionNode, getVariableValues, GraphQLError, GraphQLSchema, Kind, OperationDefinitionNode, SelectionSetNode, ValueNode, visit } from 'graphql';
import { fragmentsOf } from '../common/selections';
import { DataBounds } from './dataBounds';
import { ESTIMATED_ARGUMENTS, estimateCost } from './queryCost';
import { Context } from '../context';

export interface QueryLimits {
  /** Deepest nesting of fields (introspection's own, under __schema and __type, have INTROSPECTION_MAX_DEPTH). */
  maxDepth: number;
  /** Estimated rows and fields, see estimateCost. */
  maxCost: number;
  /** Aliased fields per operation, introspection's included: aliases multiply work without deepening the query. */
  maxAliases: number;
}

/**
 * How deep `__schema { … }` and `__type { … }` may nest, counted from the root like other fields
 * (a leaf included), whatever QUERY_MAX_DEPTH is: graphql-js 16.15's getIntrospectionQuery(),
 * which code generators and GraphiQL 3.9 send, reaches 15 (`__schema { types { fields { args {
 * type {`, nine `ofType`s and `kind`), older tools' (seven `ofType`s) 13. The cost counts what
 * introspection resolves (queryCost.ts); this bounds its nesting as QUERY_MAX_DEPTH bounds data's.
 */
export const INTROSPECTION_MAX_DEPTH = 15;

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

function refusal(message: string, limit: string, max: number, actual: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, max, actual, http: { status: 400 } } });
}

interface Shape {
  /** Deepest nesting of fields outside introspection. */
  depth: number;
  /** Deepest nesting of `__schema` and `__type`, themselves included. */
  introspectionDepth: number;
  aliases: number;
}

const NO_SHAPE: Shape = { depth: 0, introspectionDepth: 0, aliases: 0 };

/**
 * Depth and aliases of an operation, following fragments: each fragment is measured once (inside
 * introspection or not) and its measures reused wherever it is spread (its aliases count once per
 * spread: arithmetic, not a new walk), so the time is linear in the document however the fragments
 * spread each other.
 */
export function measure(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): Shape {
  const byFragment = new Map<string, Shape>();
  /** Inside introspection, `depth` is introspection's. */
  const walk = (set: SelectionSetNode, inside: boolean): Shape => {
    let depth = 0;
    let introspectionDepth = 0;
    let aliases = 0;
    for (const selection of set.selections) {
      let inner: Shape;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (selection.alias) aliases++;
        // A value every object has, wherever it is asked: no deeper.
        if (name === '__typename') continue;
        if (!inside && (name === '__schema' || name === '__type')) {
          inner = selection.selectionSet ? walk(selection.selectionSet, true) : NO_SHAPE;
          introspectionDepth = Math.max(introspectionDepth, inner.depth + 1);
          aliases += inner.aliases;
          continue;
        }
        inner = selection.selectionSet ? walk(selection.selectionSet, inside) : NO_SHAPE;
        inner = { ...inner, depth: inner.depth + 1 };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = walk(selection.selectionSet, inside);
      } else {
        inner = fragmentShape(selection.name.value, inside);
      }
      depth = Math.max(depth, inner.depth);
      introspectionDepth = Math.max(introspectionDepth, inner.introspectionDepth);
      aliases += inner.aliases;
    }
    return { depth, introspectionDepth, aliases };
  };
  const fragmentShape = (name: string, inside: boolean): Shape => {
    const key = `${inside}/${name}`;
    const known = byFragment.get(key);
    if (known) return known;
    // A fragment that spreads itself is refused by validation already; don't loop on it.
    byFragment.set(key, NO_SHAPE);
    const fragment = fragments.get(name);
    const shape = fragment ? walk(fragment.selectionSet, inside) : NO_SHAPE;
    byFragment.set(key, shape);
    return shape;
  };
  return walk(operation.selectionSet, false);
}

/**
 * What of a request's variables its cost estimate depends on, as a string to remember estimates
 * by: a variable that changes on every request (a visitor id) must not be in it, or nothing is
 * ever remembered.
 *
 * The estimate reads the values of @include/@skip conditions and of the arguments the field
 * models declare they read (ESTIMATED_ARGUMENTS, as a value); of an argument whose given
 * conditions they read (a feed's `filter`), which of its fields are given, unless the whole
 * argument is one variable (then its value). Of the other arguments' variables only whether they
 * are absent, null or set matters: the estimate gives up on a null for a non-null argument, which a
 * variable with a default lets through validation.
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
          const use = ESTIMATED_ARGUMENTS.get(argument.name.value);
          const whole = use === 'value' || (use === 'conditions' && argument.value.kind === Kind.VARIABLE);
          collect(argument.value, whole ? read : checked);
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
  introspectionDepth: number;
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
  const { depth, introspectionDepth, aliases } = measure(operation, fragments);
  const keyOf = costKey(operation, fragments);
  const costs = new Map<string, number>();
  return {
    depth,
    introspectionDepth,
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
          const { depth, introspectionDepth, aliases } = measures;
          if (depth > limits.maxDepth) throw refusal(`query is ${depth} fields deep; at most ${limits.maxDepth} are allowed`, 'depth', limits.maxDepth, depth);
          if (introspectionDepth > INTROSPECTION_MAX_DEPTH) {
            throw refusal(`introspection is ${introspectionDepth} fields deep; at most ${INTROSPECTION_MAX_DEPTH} are allowed`, 'depth', INTROSPECTION_MAX_DEPTH, introspectionDepth);
          }
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
