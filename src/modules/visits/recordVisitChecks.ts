import { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { rethrowIfDatabaseUnavailable } from '../../common/databaseErrors';
import { Context } from '../../context';
import { VisitsToRecord } from './visitCounters';
import type { DocumentPlans } from '../../plugins/documentPlan';

/** The refusal of a whole request, before any field runs: HTTP 400 (Apollo's default here is 500). */
function refusal(message: string, extensions: Record<string, unknown>, path?: string): GraphQLError {
  return new GraphQLError(message, { path: path === undefined ? undefined : [path], extensions: { ...extensions, http: { status: 400 } } });
}

/**
 * Mutations run one field after the other, and a field that fails stops the rest: a request of ten
 * recordVisit fields whose last is bad used to count nine and answer `data: null`. So every
 * recordVisit of the operation is checked here, once the operation is known and before any field
 * runs (its arguments resolved from the variables, @skip/@include applied), and one bad field
 * refuses the whole request with BAD_USER_INPUT (HTTP 400): a refused request counts nothing.
 * recordVisit may not share a request with other mutations, whose failure could not be undone either.
 *
 * The checks are the ones recordVisit makes anyway (VisitCounters.check, cached: no SQL once a unit and
 * article are known), all fields at once, so a request costs no more statements than before.
 * The resolver then counts what was checked here (ctx.visitsToRecord), one visit per unit.
 */
export function recordVisitChecksPlugin(plans: DocumentPlans): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, contextValue }) {
          if (operation?.operation !== 'mutation') return;
          // Null: execution refuses such variables itself, before any field runs.
          const plan = plans.of(document, operation).recordVisits(request.variables ?? {});
          if (!plan || plan.visits.length === 0) return;
          if (plan.other) {
            throw refusal(`recordVisit cannot share a request with other mutations (here ${plan.other.name.value}): send it in a request of its own`, { code: 'BAD_USER_INPUT' });
          }
          const { visits } = plan;
          const { services } = contextValue;
          const checks = await Promise.allSettled(visits.map(([, input]) => services.visits.check(input, services.db)));
          const planned: VisitsToRecord = new Map();
          const units = new Set<string>();
          checks.forEach((check, i) => {
            const key = visits[i][0];
            if (check.status === 'rejected') {
              const error = check.reason;
              if (error instanceof GraphQLError && error.extensions.code === 'BAD_USER_INPUT') throw refusal(error.message, error.extensions, key);
              rethrowIfDatabaseUnavailable(error);
            } else {
              planned.set(key, units.has(check.value.unitCode) ? null : check.value);
              units.add(check.value.unitCode);
            }
          });
          contextValue.visitsToRecord = planned;
        },
      };
    },
  };
}
