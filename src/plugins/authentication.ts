import { ApolloServerPlugin } from '@apollo/server';
import { FieldNode, Kind } from 'graphql';
import { Context } from '../context';
import { unauthenticated } from '../common/errors';

/**
 * A request that sends a malformed, unknown or revoked key is refused as a whole with
 * UNAUTHENTICATED, reads included: a caller who meant to use a key should hear that it does not
 * work rather than be served as anonymous. A refused mutation is one line of the rate-limited
 * refusal log (whatever its aliases), never a row of the audit table: nobody is accountable for it.
 */
export function authenticationPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue: ctx, operation }) {
          const problem = ctx.auth.problem;
          if (!problem) return;
          if (operation?.operation === 'mutation') {
            const fields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
            ctx.services.refusals.note({
              requestId: ctx.requestId,
              operation: fields.map((field) => field.name.value).join(',').slice(0, 200),
              errorCode: 'UNAUTHENTICATED',
              detail: `the key sent is ${problem}`,
            });
          }
          throw unauthenticated(`the API key sent is ${problem}; send a valid key or none`);
        },
      };
    },
  };
}
