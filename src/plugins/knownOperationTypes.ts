import { ASTVisitor, GraphQLError, ValidationContext } from 'graphql';

/**
 * Validation rule: an operation whose type the schema has no root for (a subscription: this
 * gateway has none) is GRAPHQL_VALIDATION_FAILED, HTTP 400. graphql-js 16 only notices at
 * execution and answers it as a 200 with `data: null`; graphql-js 17 adds this very rule
 * (KnownOperationTypesRule).
 */
export function knownOperationTypesRule(context: ValidationContext): ASTVisitor {
  const schema = context.getSchema();
  return {
    OperationDefinition(node) {
      if (schema.getRootType(node.operation)) return;
      context.reportError(new GraphQLError(`this gateway serves no ${node.operation}s: send a query or a mutation over HTTP`, { nodes: node }));
    },
  };
}
