import { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, FragmentDefinitionNode, GraphQLError, GraphQLSchema, Kind, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { ComplexityEstimatorArgs, getComplexity } from 'graphql-query-complexity';
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

interface Measures {
  depth: number;
  aliases: number;
  /** Null when the variables do not fit their types (execution refuses them; nothing to estimate). */
  cost: number | null;
}

/** Variable sets remembered per document: portals send a few over and over. */
const MEASURES_PER_DOCUMENT = 64;

function measureRequest(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, operationName: string | undefined, variables: Record<string, unknown>): Measures {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const { depth, aliases } = measure(operation, fragments);
  let cost: number | null;
  try {
    cost = getComplexity({ schema, query: document, operationName, variables, estimators: [estimateCost] });
  } catch {
    cost = null;
  }
  return { depth, aliases, cost };
}

/**
 * Refuses queries deeper, costlier or with more aliases than configured, once the operation is
 * parsed and validated and before any resolver (so before any SQL) runs. The error's code is
 * GRAPHQL_VALIDATION_FAILED, with `extensions.limit` (depth, cost or aliases), `max` and `actual`.
 */
export function queryLimitsPlugin(schema: GraphQLSchema, limits: QueryLimits): ApolloServerPlugin<Context> {
  // Estimating walks the whole query against the schema (about a tenth of a small query's time):
  // remembered per parsed document (Apollo hands the same object for the same query text) and
  // variables, forgotten with the document.
  const remembered = new WeakMap<DocumentNode, Map<string, Measures>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          const key = JSON.stringify([request.operationName ?? null, request.variables ?? {}]);
          let byVariables = remembered.get(document);
          if (!byVariables) remembered.set(document, (byVariables = new Map()));
          let measures = byVariables.get(key);
          if (!measures) {
            measures = measureRequest(schema, document, operation, request.operationName ?? undefined, request.variables ?? {});
            // Big variables (a syndicate call's 100,000 ids) are rare and would only fill memory.
            if (key.length <= 1024) {
              if (byVariables.size >= MEASURES_PER_DOCUMENT) byVariables.delete(byVariables.keys().next().value!);
              byVariables.set(key, measures);
            }
          }
          const { depth, aliases, cost } = measures;
          if (depth > limits.maxDepth) throw refusal(`query is ${depth} fields deep; at most ${limits.maxDepth} are allowed`, 'depth', limits.maxDepth, depth);
          if (aliases > limits.maxAliases) throw refusal(`query has ${aliases} aliases; at most ${limits.maxAliases} are allowed`, 'aliases', limits.maxAliases, aliases);
          // Variables that do not fit their types: execution refuses them with BAD_USER_INPUT
          // before any resolver runs, so there is nothing to estimate.
          if (cost === null) return;
          if (cost > limits.maxCost) {
            throw refusal(`query would cost ${cost} (fields times list sizes and page sizes); at most ${limits.maxCost} is allowed: ask for fewer or smaller pages`, 'cost', limits.maxCost, cost);
          }
        },
      };
    },
  };
}
