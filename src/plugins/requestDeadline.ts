import { ApolloServerPlugin } from '@apollo/server';
import { Context } from '../context';
import { deadlineIn } from '../db/deadline';

/** How long a request may take, by the kind of its operation (QUERY_TIMEOUT_MS, MUTATION_TIMEOUT_MS). */
export interface RequestTimeouts {
  queryMs: number;
  mutationMs: number;
}

/**
 * A read answers in well under a second, so 5 s leaves room for a busy moment and still ends a
 * hostile one early. A mutation may be long legitimate work (syndicating 100,000 pairs in one
 * transaction), and a stopped mutation is work the caller must redo.
 */
export const DEFAULT_REQUEST_TIMEOUTS: RequestTimeouts = { queryMs: 5000, mutationMs: 60_000 };

/**
 * Gives each request its deadline, counted from its start: db/deadline.ts stops its reads there,
 * plugins/executionBudget.ts its resolvers.
 * Every request starts with a query's (server.ts: checking its key is a read, done before the
 * operation is known); a mutation's is longer once the operation says it is one.
 */
export function requestDeadlinePlugin(timeouts: RequestTimeouts): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation === 'mutation') contextValue.sql.deadline = deadlineIn(timeouts.mutationMs, contextValue.now.getTime());
        },
      };
    },
  };
}
