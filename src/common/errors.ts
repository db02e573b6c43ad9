import { GraphQLError } from 'graphql';

/** The caller sent something we cannot use; `field` names the argument at fault. */
export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } });
}
