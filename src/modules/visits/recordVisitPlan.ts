import { FieldNode, FragmentDefinitionNode, getArgumentValues, getVariableValues, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { rootFields } from '../../common/selections';
import { RecordVisitInput } from './visitCounters';

/**
 * What a mutation asks of recordVisit, with its variables: its recordVisit fields by response key
 * and their inputs, coerced as graphql-js's execution would coerce them. The one reading of
 * recordVisit's arguments, for both ways in: the shortcut (visitShortcut.ts), for a lone recordVisit
 * Apollo has answered before, and recordVisitChecks.ts inside Apollo's pipeline, whose plan the
 * resolver counts. Both ask the operation's plan (plugins/documentPlan.ts, recordVisits).
 */
export interface RecordVisitPlan {
  /** recordVisit fields by response key, in execution order (@skip/@include applied). */
  visits: [responseKey: string, input: RecordVisitInput][];
  /** The first root field that is neither recordVisit nor __typename (recordVisit refuses to share a request with it). */
  other: FieldNode | undefined;
}

/** The plan of `operation` (a mutation) with `variables`; null when they do not coerce (execution refuses them itself). */
export function planRecordVisits(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): RecordVisitPlan | null {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
  if (coerced.errors) return null;
  const recordVisit = schema.getMutationType()!.getFields().recordVisit;
  const plan: RecordVisitPlan = { visits: [], other: undefined };
  for (const [key, node] of rootFields(operation, fragments, coerced.coerced)) {
    if (node.name.value === 'recordVisit') {
      const args = getArgumentValues(recordVisit, node, coerced.coerced);
      plan.visits.push([key, { unitCode: args.unitCode as string, articleId: (args.articleId as string | null | undefined) ?? null, visitorId: args.visitorId as string }]);
    } else if (node.name.value !== '__typename') {
      plan.other ??= node;
    }
  }
  return plan;
}
