import { ApolloServerPlugin } from '@apollo/server';
import { getArgumentValues, getVariableValues, GraphQLError } from 'graphql';
import { fragmentsOf, rootFields } from '../../common/selections';
import { rethrowIfDatabaseUnavailable } from '../../common/databaseErrors';
import { Context } from '../../context';
import { RecordVisitInput, VisitsToRecord } from './visitCounters';

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
export function recordVisitChecksPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema, contextValue }) {
          if (operation?.operation !== 'mutation') return;
          const mutation = schema.getMutationType()!;
          const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, { maxErrors: 1 });
          // Execution refuses such variables itself, before any field runs.
          if (coerced.errors) return;
          const fragments = fragmentsOf(document);
          const fields = rootFields(operation, fragments, coerced.coerced);
          const visits = [...fields].filter(([, node]) => node.name.value === 'recordVisit');
          if (visits.length === 0) return;
          const other = [...fields.values()].find((node) => node.name.value !== 'recordVisit' && node.name.value !== '__typename');
          if (other) {
            throw refusal(`recordVisit cannot share a request with other mutations (here ${other.name.value}): send it in a request of its own`, { code: 'BAD_USER_INPUT' });
          }
          const field = mutation.getFields().recordVisit;
          const { services } = contextValue;
          const checks = await Promise.allSettled(
            visits.map(([, node]) => {
              const args = getArgumentValues(field, node, coerced.coerced);
              const input: RecordVisitInput = { unitCode: args.unitCode as string, articleId: (args.articleId as string | null | undefined) ?? null, visitorId: args.visitorId as string };
              return services.visits.check(input, services.db);
            }),
          );
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
