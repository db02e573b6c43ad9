import { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { BoundsSource, DocumentPlans } from './documentPlan';
import { Context } from '../context';

export { costKey, measure } from './documentPlan';
export type { BoundsSource } from './documentPlan';

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

function refusal(message: string, limit: string, max: number, actual: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, max, actual, http: { status: 400 } } });
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
export function queryLimitsPlugin(limits: QueryLimits, bounds: BoundsSource, plans: DocumentPlans): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, contextValue }) {
          if (!operation) return;
          // Measured once per parsed operation (its plan), forgotten with it.
          const plan = plans.of(document, operation);
          const { depth, introspectionDepth, aliases } = plan;
          if (depth > limits.maxDepth) throw refusal(`query is ${depth} fields deep; at most ${limits.maxDepth} are allowed`, 'depth', limits.maxDepth, depth);
          if (introspectionDepth > INTROSPECTION_MAX_DEPTH) {
            throw refusal(`introspection is ${introspectionDepth} fields deep; at most ${INTROSPECTION_MAX_DEPTH} are allowed`, 'depth', INTROSPECTION_MAX_DEPTH, introspectionDepth);
          }
          if (aliases > limits.maxAliases) throw refusal(`query has ${aliases} aliases; at most ${limits.maxAliases} are allowed`, 'aliases', limits.maxAliases, aliases);
          const cost = plan.cost(request.variables ?? {}, bounds);
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
            if (!plan.variablesFit(request.variables ?? {})) return;
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
