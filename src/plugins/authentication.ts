import { ApolloServerPlugin } from '@apollo/server';
import { FieldNode, Kind, print } from 'graphql';
import { Context } from '../context';
import { summarizeArguments } from '../modules/audit/audit.service';
import { unauthenticated } from '../modules/keys/access';

/**
 * A request that sends a malformed, unknown or revoked key is refused as a whole with
 * UNAUTHENTICATED, reads included: a caller who meant to use a key should hear that it does not
 * work rather than be served as anonymous. Refused mutations still reach the audit trail.
 */
export function authenticationPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue: ctx, operation, request }) {
          const problem = ctx.auth.problem;
          if (!problem) return;
          if (operation?.operation === 'mutation') {
            const fields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
            for (const field of fields) {
              await ctx.services.audit.record({
                at: ctx.now,
                keyId: null,
                requestId: ctx.requestId,
                operation: field.name.value,
                arguments: summarizeArguments({ arguments: field.arguments?.map(print) ?? [], variables: request.variables ?? {} }),
                outcome: 'refused',
                errorCode: 'UNAUTHENTICATED',
                detail: `the key sent is ${problem}`,
              });
            }
          }
          throw unauthenticated(`the API key sent is ${problem}; send a valid key or none`);
        },
      };
    },
  };
}
