import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLSkipDirective,
  InlineFragmentNode,
  isAbstractType,
  Kind,
  OperationDefinitionNode,
  SelectionNode,
  SelectionSetNode,
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

/**
 * The operation's root fields by response key, in execution order, as graphql-js collects them
 * (fields of the same key are one field): fragments followed once each, @skip/@include applied.
 */
export function rootFields(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, variables: Record<string, unknown>): Map<string, FieldNode> {
  const fields = new Map<string, FieldNode>();
  const spread = new Set<string>();
  const included = (node: SelectionNode) => isIncluded(node, variables);
  const collect = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (!fields.has(key)) fields.set(key, selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return fields;
}
