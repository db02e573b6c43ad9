import {
  DocumentNode,
  FragmentDefinitionNode,
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLSkipDirective,
  InlineFragmentNode,
  isAbstractType,
  Kind,
  SelectionNode,
} from 'graphql';

/**
 * What the plugins that read an operation before it runs (cost, cache policy, recordVisit checks)
 * need to follow its selections as graphql-js's execution does.
 */

/** The document's fragments by name. */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/** Whether @skip/@include leave a selection in, for the request's (coerced) variables. */
export function isIncluded(node: SelectionNode, variables: Record<string, unknown>): boolean {
  return getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true && getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

/** Whether a fragment's type condition holds for this object type (graphql-js's doesFragmentConditionMatch). */
export function conditionHolds(schema: GraphQLSchema, fragment: InlineFragmentNode | FragmentDefinitionNode, type: GraphQLObjectType): boolean {
  if (!fragment.typeCondition) return true;
  const condition = schema.getType(fragment.typeCondition.name.value);
  if (condition === type) return true;
  return condition !== undefined && isAbstractType(condition) && schema.isSubType(condition, type);
}
