import {
  ConstDirectiveNode,
  DocumentNode,
  FieldNode,
  FragmentSpreadNode,
  getArgumentValues,
  getNamedType,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLObjectType,
  GraphQLSchema,
  InlineFragmentNode,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { conditionHolds, fragmentsOf, isIncluded } from '../common/selections';

/**
 * A response's cache policy computed from the operation and the schema's @cacheControl hints, with
 * Apollo's rules, instead of by Apollo's cache-control plugin: that plugin collects the hints of the
 * fields as they resolve, and its per-field hook makes Apollo wrap every resolver of the schema, a
 * cost on every field of every request. Our hints are all static (no resolver of ours calls
 * setCacheHint), so the policy depends only on the operation and is computed once per parsed
 * document; only federation's `_entities` adds hints at run time, from its arguments.
 *
 * Apollo counts only the fields it resolved; this counts every field the operation selects. The two
 * agree whenever each selected field is resolved at least once; otherwise (a null parent, an empty
 * list, a fragment on a type that did not turn up) this policy is the stricter one, never the laxer.
 */

export type CacheScope = 'PUBLIC' | 'PRIVATE';

export interface CacheHint {
  maxAge?: number;
  scope?: CacheScope;
}

/** A @cacheControl directive; inheritMaxAge only means "do not apply the default here". */
interface CacheAnnotation extends CacheHint {
  inheritMaxAge?: true;
}

/** Apollo's default: root fields and fields returning objects, interfaces or unions need a hint to be cacheable. */
const DEFAULT_MAX_AGE = 0;

/** Apollo's CachePolicy.restrict: the shorter maxAge; PRIVATE once anything is private. */
export function restrict(policy: CacheHint, hint: CacheHint): void {
  if (hint.maxAge !== undefined && (policy.maxAge === undefined || hint.maxAge < policy.maxAge)) policy.maxAge = hint.maxAge;
  if (hint.scope !== undefined && policy.scope !== 'PRIVATE') policy.scope = hint.scope;
}

/** Apollo's CachePolicy.replace: what the hint says wins. */
function replace(policy: CacheHint, hint: CacheHint): void {
  if (hint.maxAge !== undefined) policy.maxAge = hint.maxAge;
  if (hint.scope !== undefined) policy.scope = hint.scope;
}

function annotationFromDirectives(directives: readonly ConstDirectiveNode[] | undefined): CacheAnnotation | undefined {
  const directive = directives?.find((d) => d.name.value === 'cacheControl');
  if (!directive?.arguments) return undefined;
  const argument = (name: string) => directive.arguments?.find((a) => a.name.value === name)?.value;
  const maxAge = argument('maxAge');
  const scope = argument('scope');
  const inheritMaxAge = argument('inheritMaxAge');
  const scopeName = scope?.kind === Kind.ENUM && (scope.value === 'PUBLIC' || scope.value === 'PRIVATE') ? scope.value : undefined;
  if (inheritMaxAge?.kind === Kind.BOOLEAN && inheritMaxAge.value) return { inheritMaxAge: true, scope: scopeName };
  return { maxAge: maxAge?.kind === Kind.INT ? parseInt(maxAge.value, 10) : undefined, scope: scopeName };
}

/** Read as Apollo reads them: the type's definition, else its first extension with a hint. */
function typeAnnotation(type: GraphQLCompositeType): CacheAnnotation {
  for (const node of [type.astNode, ...type.extensionASTNodes]) {
    const annotation = annotationFromDirectives(node?.directives);
    if (annotation) return annotation;
  }
  return {};
}

function fieldAnnotation(field: GraphQLField<unknown, unknown>): CacheAnnotation {
  return annotationFromDirectives(field.astNode?.directives) ?? {};
}

/**
 * Apollo reads the hint of a field's declared return type: for an interface or union, not those of
 * the object types that may come back. One of them may promise less than its interface, so here
 * their hints restrict the abstract type's. An abstract type with no maxAge of its own gets the
 * default (the strictest) unless the field says otherwise, and that stays so.
 */
function returnTypeAnnotation(schema: GraphQLSchema, type: GraphQLCompositeType): CacheAnnotation {
  const own = typeAnnotation(type);
  if (!isAbstractType(type)) return own;
  const annotation: CacheAnnotation = { ...own };
  const restrictsMaxAge = own.maxAge !== undefined || own.inheritMaxAge;
  for (const possible of schema.getPossibleTypes(type)) {
    const { maxAge, scope } = typeAnnotation(possible);
    restrict(annotation, { maxAge: restrictsMaxAge ? maxAge : undefined, scope });
  }
  return annotation;
}

/**
 * One field's hint, as Apollo's willResolveField computes it: a field's own hint overrides its
 * type's; `resolved` are what its resolver adds, before the default applies.
 */
function fieldHint(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>, isRootField: boolean, resolved: readonly CacheHint[] = []): CacheHint {
  const hint: CacheHint = {};
  let inheritMaxAge = false;
  const target = getNamedType(field.type);
  const composite = isCompositeType(target);
  if (composite) {
    const annotation = returnTypeAnnotation(schema, target);
    replace(hint, annotation);
    inheritMaxAge = Boolean(annotation.inheritMaxAge);
  }
  const annotation = fieldAnnotation(field);
  if (annotation.inheritMaxAge && hint.maxAge === undefined) {
    inheritMaxAge = true;
    if (annotation.scope) replace(hint, { scope: annotation.scope });
  } else {
    replace(hint, annotation);
  }
  for (const dynamic of resolved) restrict(hint, dynamic);
  if (hint.maxAge === undefined && ((composite && !inheritMaxAge) || isRootField)) restrict(hint, { maxAge: DEFAULT_MAX_AGE });
  return hint;
}

/**
 * `_entities` (added by @apollo/subgraph for a federation router) is the one resolver that adds a
 * hint at run time: the hint of each representation's type, so fetching units is cacheable for an
 * hour and fetching articles for 30 s. Its hint is computed per request from its arguments.
 */
interface EntitiesSelection {
  field: GraphQLField<unknown, unknown>;
  node: FieldNode;
}

function entitiesHint(schema: GraphQLSchema, { field, node }: EntitiesSelection, variables: Record<string, unknown>): CacheHint {
  const { representations } = getArgumentValues(field, node, variables);
  const types = (Array.isArray(representations) ? representations : []).map((r: { __typename?: unknown } | null) => schema.getType(String(r?.__typename)));
  // A type that is neither an object nor an interface makes the resolver throw: the response has an error.
  return fieldHint(schema, field, true, types.filter((t) => isObjectType(t) || isInterfaceType(t)).map(typeAnnotation));
}

/** An operation's policy, for given values of the variables of its @skip/@include conditions. */
export interface StaticPolicy {
  /** What every selected field but `_entities` allows. */
  hint: CacheHint;
  /** The same without the live counters' fields (cache/keptAnswers.ts), and whether there were any. */
  withoutCounters: CacheHint;
  counters: boolean;
  entities: EntitiesSelection[];
}

/**
 * The restriction of every field an operation may resolve. Apollo never sees introspection
 * (`__typename`, `__schema`, `__type` and the `__` types below them): their resolvers are not
 * wrapped, so they add nothing.
 */
export function staticPolicy(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  isLiveCounter: LiveCounterField,
): StaticPolicy {
  const fragments = fragmentsOf(document);
  const policy: StaticPolicy = { hint: {}, withoutCounters: {}, counters: false, entities: [] };
  // Restricting is order-free and idempotent, so a selection set seen once for an object type (a
  // fragment spread twice, or the same fields under many parents) has nothing more to add. The
  // root level has its own key: root fields get the default even when their type has no hint.
  const walked = new Map<SelectionSetNode, Set<string>>();
  const included = (node: FieldNode | InlineFragmentNode | FragmentSpreadNode) => isIncluded(node, variables);

  const walk = (selectionSet: SelectionSetNode, type: GraphQLObjectType, isRoot: boolean): void => {
    const key = isRoot ? '' : type.name;
    const seen = walked.get(selectionSet) ?? new Set<string>();
    if (seen.has(key)) return;
    walked.set(selectionSet, seen.add(key));
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (conditionHolds(schema, selection, type)) walk(selection.selectionSet, type, isRoot);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && conditionHolds(schema, fragment, type)) walk(fragment.selectionSet, type, isRoot);
      } else if (!selection.name.value.startsWith('__')) {
        const field = type.getFields()[selection.name.value];
        if (!field) continue;
        if (isRoot && field.name === '_entities' && type === schema.getQueryType()) {
          policy.entities.push({ field, node: selection });
        } else {
          const hint = fieldHint(schema, field, isRoot);
          restrict(policy.hint, hint);
          if (isLiveCounter(type, field)) policy.counters = true;
          else restrict(policy.withoutCounters, hint);
        }
        const target = getNamedType(field.type);
        if (selection.selectionSet && isCompositeType(target)) {
          for (const possible of isAbstractType(target) ? schema.getPossibleTypes(target) : [target]) walk(selection.selectionSet, possible, false);
        }
      }
    }
  };
  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root, true);
  return policy;
}


/** Whether a field is one of the counters a kept response can read afresh (cache/keptAnswers.ts). */
export type LiveCounterField = (parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>) => boolean;

/** An operation's policy for one request. */
export interface RequestPolicy {
  hint: CacheHint;
  /** What the response allows once its live counters are read afresh; null when it has none to read. */
  withoutCounters: CacheHint | null;
}

/** The policy of one request, from its operation's static policy and its (coerced) variables. */
export function requestPolicy(schema: GraphQLSchema, policy: StaticPolicy, variables: Record<string, unknown>): RequestPolicy {
  if (policy.entities.length === 0) return { hint: policy.hint, withoutCounters: policy.counters ? policy.withoutCounters : null };
  const hint = { ...policy.hint };
  for (const entities of policy.entities) restrict(hint, entitiesHint(schema, entities, variables));
  return { hint, withoutCounters: null };
}
