import { ApolloServerPlugin, BaseContext, GraphQLResponse } from '@apollo/server';
import { DocumentNode, OperationDefinitionNode } from 'graphql';
import { DocumentPlans } from '../plugins/documentPlan';
import { CacheHint, RequestPolicy, restrict } from './cacheHintRules';

export type { LiveCounterField, RequestPolicy } from './cacheHintRules';
export { POLICIES_PER_OPERATION } from '../plugins/documentPlan';

/*
 * Apollo's Cache-Control header and overall policy, from the policy each document's plan computes
 * (plugins/documentPlan.ts) with Apollo's rules (cache/cacheHintRules.ts).
 */
const CACHEABLE_HEADER = /^max-age=(\d+), (public|private)$/;
const UNCACHEABLE_HEADER = 'no-store';

/**
 * The Cache-Control header Apollo's cache-control plugin would write (undefined: leave it as it is).
 * A header another plugin set first stays if Apollo cannot read it (key holders' `private,
 * no-store`), keeps a response uncacheable if it says `no-store`, and otherwise restricts the policy.
 */
function cacheControlHeader(overall: CacheHint, response: GraphQLResponse): string | undefined {
  const existing = response.http.headers.get('cache-control');
  const policy: CacheHint = { maxAge: overall.maxAge, scope: overall.scope };
  if (existing !== undefined && existing !== UNCACHEABLE_HEADER) {
    const match = CACHEABLE_HEADER.exec(existing);
    if (!match) return undefined;
    restrict(policy, { maxAge: Number(match[1]), scope: match[2] === 'public' ? 'PUBLIC' : 'PRIVATE' });
  }
  const cacheable = policy.maxAge !== undefined && policy.maxAge > 0 && existing !== UNCACHEABLE_HEADER;
  if (cacheable && response.body.kind === 'single' && !response.body.singleResult.errors) {
    return `max-age=${policy.maxAge}, ${(policy.scope ?? 'PUBLIC').toLowerCase()}`;
  }
  return UNCACHEABLE_HEADER;
}

/**
 * Operations' policies for requests, from their documents' plans (plugins/documentPlan.ts), which
 * remember them once per parsed operation and @skip/@include values.
 */
export class CachePolicies {
  constructor(private readonly plans: DocumentPlans) {}

  /** Null when the variables do not coerce: execution fails before any field resolves, and Apollo's policy stays unset. */
  of(document: DocumentNode, operation: OperationDefinitionNode, rawVariables: Record<string, unknown>): RequestPolicy | null {
    return this.plans.of(document, operation).policy(rawVariables);
  }
}

/**
 * Stands in for Apollo's cache-control plugin (install ApolloServerPluginCacheControlDisabled with
 * it): sets requestContext.overallCachePolicy before execution, where the response cache reads it
 * when it stores the response, and the Cache-Control header as Apollo does.
 */
export function staticCachePolicyPlugin<TContext extends BaseContext>(policies: CachePolicies): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ document, operation, request, overallCachePolicy }) {
          // No such operation (an unknown operationName): execution answers that, resolving nothing.
          if (!operation) return;
          // Apollo computes nothing when a plugin has already set the policy before execution.
          if (overallCachePolicy.maxAge !== undefined || overallCachePolicy.scope !== undefined) return;
          const policy = policies.of(document, operation, request.variables ?? {});
          if (policy) overallCachePolicy.restrict(policy.hint);
        },
        async willSendResponse({ response, overallCachePolicy }) {
          const header = cacheControlHeader(overallCachePolicy, response);
          if (header !== undefined) response.http.headers.set('cache-control', header);
        },
      };
    },
  };
}
