import {
  DocumentNode,
  FragmentDefinitionNode,
  getVariableValues,
  GraphQLError,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
  VariableDefinitionNode,
  visit,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { LiveCounterField, RequestPolicy, requestPolicy, StaticPolicy, staticPolicy } from '../cache/cacheHintRules';
import { fragmentsOf } from '../common/selections';
import { ESTIMATED_ARGUMENTS, estimateCost } from './queryCost';
import { DataBounds } from './dataBounds';
import { planRecordVisits, RecordVisitPlan } from '../modules/visits/recordVisitPlan';

/*
 * What the gateway works out from one parsed operation, remembered once per operation (Apollo hands
 * the same document object for the same query text, and a document it lets go takes its plan with
 * it): its depth and aliases (queryLimits.ts), what its cost estimate reads of the variables and the
 * estimates made (queryCost.ts), its cache policy per @skip/@include values (cacheHintRules.ts), and
 * what it asks of recordVisit (modules/visits/recordVisitPlan.ts), for the visit shortcut and for
 * Apollo's path alike.
 *
 * What does not depend on variables is found by walking the document alone, once, when first asked;
 * the estimate and the policy walk it against the schema, each with its own memo per selection set
 * and type, and their results are kept here under what changes them, each within its bound.
 */

/** Where the estimate takes the data's largest lists from (DataBoundsKeeper, or fixed bounds in tests). */
export interface BoundsSource {
  current(): DataBounds;
  /** Changes when the bounds do: estimates remembered under older ones are not reused. */
  revision(): number;
}

interface Shape {
  /** Deepest nesting of fields outside introspection. */
  depth: number;
  /** Deepest nesting of `__schema` and `__type`, themselves included. */
  introspectionDepth: number;
  aliases: number;
}

const NO_SHAPE: Shape = { depth: 0, introspectionDepth: 0, aliases: 0 };

/**
 * Depth and aliases of an operation, following fragments: each fragment is measured once (inside
 * introspection or not) and its measures reused wherever it is spread (its aliases count once per
 * spread: arithmetic, not a new walk), so the time is linear in the document however the fragments
 * spread each other.
 */
export function measure(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): Shape {
  const byFragment = new Map<string, Shape>();
  /** Inside introspection, `depth` is introspection's. */
  const walk = (set: SelectionSetNode, inside: boolean): Shape => {
    let depth = 0;
    let introspectionDepth = 0;
    let aliases = 0;
    for (const selection of set.selections) {
      let inner: Shape;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (selection.alias) aliases++;
        // A value every object has, wherever it is asked: no deeper.
        if (name === '__typename') continue;
        if (!inside && (name === '__schema' || name === '__type')) {
          inner = selection.selectionSet ? walk(selection.selectionSet, true) : NO_SHAPE;
          introspectionDepth = Math.max(introspectionDepth, inner.depth + 1);
          aliases += inner.aliases;
          continue;
        }
        inner = selection.selectionSet ? walk(selection.selectionSet, inside) : NO_SHAPE;
        inner = { ...inner, depth: inner.depth + 1 };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = walk(selection.selectionSet, inside);
      } else {
        inner = fragmentShape(selection.name.value, inside);
      }
      depth = Math.max(depth, inner.depth);
      introspectionDepth = Math.max(introspectionDepth, inner.introspectionDepth);
      aliases += inner.aliases;
    }
    return { depth, introspectionDepth, aliases };
  };
  const fragmentShape = (name: string, inside: boolean): Shape => {
    const key = `${inside}/${name}`;
    const known = byFragment.get(key);
    if (known) return known;
    // A fragment that spreads itself is refused by validation already; don't loop on it.
    byFragment.set(key, NO_SHAPE);
    const fragment = fragments.get(name);
    const shape = fragment ? walk(fragment.selectionSet, inside) : NO_SHAPE;
    byFragment.set(key, shape);
    return shape;
  };
  return walk(operation.selectionSet, false);
}

/**
 * What of a request's variables its cost estimate depends on, as a string to remember estimates
 * by: a variable that changes on every request (a visitor id) must not be in it, or nothing is
 * ever remembered.
 *
 * The estimate reads the values of @include/@skip conditions and of the arguments the field
 * models declare they read (ESTIMATED_ARGUMENTS, as a value); of an argument whose given
 * conditions they read (a feed's `filter`), which of its fields are given, unless the whole
 * argument is one variable (then its value). Of the other arguments' variables only whether they
 * are absent, null or set matters: the estimate gives up on a null for a non-null argument, which a
 * variable with a default lets through validation.
 */
export function costKey(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): (variables: Record<string, unknown>) => string {
  const read = new Set<string>();
  const checked = new Set<string>();
  const collect = (value: ValueNode, into: Set<string>) =>
    visit(value, {
      Variable(variable) {
        into.add(variable.name.value);
      },
    });
  const spread = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      for (const directive of selection.directives ?? []) {
        if (directive.name.value === 'include' || directive.name.value === 'skip') directive.arguments?.forEach((argument) => collect(argument.value, read));
      }
      if (selection.kind === Kind.FIELD) {
        selection.arguments?.forEach((argument) => {
          const use = ESTIMATED_ARGUMENTS.get(argument.name.value);
          const whole = use === 'value' || (use === 'conditions' && argument.value.kind === Kind.VARIABLE);
          collect(argument.value, whole ? read : checked);
        });
        if (selection.selectionSet) walk(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  const values = [...read];
  const nullness = [...checked].filter((name) => !read.has(name));
  // An absent variable takes its default, unlike a null one. Each name is in one list only, so
  // `true` (set) cannot be mistaken for a value.
  return (variables) => {
    const present = (name: string) => Object.hasOwn(variables, name);
    return JSON.stringify(
      Object.fromEntries([...values.filter(present).map((name) => [name, variables[name] ?? null]), ...nullness.filter(present).map((name) => [name, variables[name] != null])]),
    );
  };
}


/** Estimates remembered per operation: portals send a few page sizes over and over. */
const COSTS_PER_OPERATION = 64;

/** Policies kept per operation with conditions: a portal uses a few sets of values, not hundreds. */
export const POLICIES_PER_OPERATION = 64;

/**
 * What an operation's policy depends on besides the operation: the values of the variables its
 * @skip/@include conditions read (in fragments too), and the arguments of `_entities`.
 */
interface PolicyInputs {
  conditions: readonly VariableDefinitionNode[];
  readsVariables: boolean;
}

function policyInputs(document: DocumentNode, operation: OperationDefinitionNode): PolicyInputs {
  const conditionNames = new Set<string>();
  let entities = false;
  visit(document, {
    Field(field) {
      if (field.name.value === '_entities') entities = true;
    },
    Directive(directive) {
      if (directive.name.value !== 'skip' && directive.name.value !== 'include') return;
      for (const argument of directive.arguments ?? []) {
        if (argument.value.kind === Kind.VARIABLE) conditionNames.add(argument.value.name.value);
      }
    },
  });
  const conditions = operation.variableDefinitions?.filter((d) => conditionNames.has(d.variable.name.value)) ?? [];
  return { conditions, readsVariables: conditions.length > 0 || entities };
}

const NO_VISITS: RecordVisitPlan = Object.freeze({ visits: [], other: undefined }) as RecordVisitPlan;

/** Whether recordVisit is among the operation's root fields, whatever its conditions. */
function mentionsRecordVisit(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): boolean {
  const seen = new Set<string>();
  const inSet = (set: SelectionSetNode): boolean =>
    set.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === 'recordVisit';
      if (selection.kind === Kind.INLINE_FRAGMENT) return inSet(selection.selectionSet);
      if (seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      return fragment !== undefined && inSet(fragment.selectionSet);
    });
  return inSet(operation.selectionSet);
}

/** One operation's plan (see the top of this file). */
export class OperationPlan {
  private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  private shape?: Shape;
  /** Whether a root field of the operation is recordVisit (in any fragment or condition). */
  private visits?: boolean;
  private keyOf?: (variables: Record<string, unknown>) => string;
  private readonly costs = new Map<string, number>();
  private inputs?: PolicyInputs;
  /** The policy, when the operation has no conditions (most have none). */
  private onlyPolicy?: StaticPolicy;
  /**
   * By the conditions' values, the most recently used ones: each set of values a caller sends is
   * one more (n boolean conditions make 2^n), and 100,000 of them kept 42 MB.
   */
  private byConditions?: LRUCache<string, StaticPolicy>;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly document: DocumentNode,
    private readonly operation: OperationDefinitionNode,
    private readonly isLiveCounter: LiveCounterField,
  ) {
    this.fragments = fragmentsOf(document);
  }

  private measured(): Shape {
    return (this.shape ??= measure(this.operation, this.fragments));
  }

  /** Deepest nesting of fields outside introspection. */
  get depth(): number {
    return this.measured().depth;
  }

  /** Deepest nesting of `__schema` and `__type`, themselves included. */
  get introspectionDepth(): number {
    return this.measured().introspectionDepth;
  }

  /** Aliased fields, introspection's included. */
  get aliases(): number {
    return this.measured().aliases;
  }

  /**
   * The cost for one request's variables (as sent: remembered by them, and coerced as execution
   * takes them only when the cost is not remembered), null when the variables do not fit their
   * types, or why there is no estimate: an argument that does not fit its type (a null for a
   * non-null one).
   */
  cost(raw: Record<string, unknown>, bounds: BoundsSource): number | null | GraphQLError {
    this.keyOf ??= costKey(this.operation, this.fragments);
    const key = `${bounds.revision()}:${this.keyOf(raw)}`;
    const remembered = this.costs.get(key);
    if (remembered !== undefined) return remembered;
    const coerced = this.coerce(raw);
    if (coerced.errors) return null;
    let cost: number;
    try {
      cost = estimateCost(this.schema, this.operation, this.fragments, coerced.coerced, bounds.current());
    } catch (error) {
      // Not remembered: the variables the key leaves out may not fit their types in this
      // request and fit in the next.
      if (error instanceof GraphQLError) return error;
      throw error;
    }
    // Big values (a router's representations, one per entity it fetches) seldom come again and
    // would only fill memory.
    if (key.length <= 1024) {
      if (this.costs.size >= COSTS_PER_OPERATION) this.costs.delete(this.costs.keys().next().value!);
      this.costs.set(key, cost);
    }
    return cost;
  }

  /** Whether the variables fit their types (else execution refuses them before any field resolves). */
  variablesFit(raw: Record<string, unknown>): boolean {
    return !this.coerce(raw).errors;
  }

  /** The variables as execution takes them (defaults included). */
  private coerce(raw: Record<string, unknown>): ReturnType<typeof getVariableValues> {
    return getVariableValues(this.schema, this.operation.variableDefinitions ?? [], raw);
  }

  /**
   * The operation's recordVisit fields and their inputs with one request's variables; null when the
   * variables do not coerce (execution refuses them itself).
   */
  recordVisits(rawVariables: Record<string, unknown>): RecordVisitPlan | null {
    this.visits ??= this.operation.operation === 'mutation' && mentionsRecordVisit(this.operation, this.fragments);
    if (!this.visits) return NO_VISITS;
    return planRecordVisits(this.schema, this.operation, rawVariables, this.fragments);
  }

  /** The cache policy for one request's variables; null when they do not coerce (execution fails before any field resolves). */
  policy(rawVariables: Record<string, unknown>): RequestPolicy | null {
    const inputs = (this.inputs ??= policyInputs(this.document, this.operation));
    // Coerced as execution coerces them (defaults included).
    let variables: Record<string, unknown> = {};
    if (inputs.readsVariables) {
      const coerced = this.coerce(rawVariables);
      if (coerced.errors) return null;
      variables = coerced.coerced;
    }
    return requestPolicy(this.schema, this.staticPolicy(inputs, variables), variables);
  }

  private staticPolicy(inputs: PolicyInputs, variables: Record<string, unknown>): StaticPolicy {
    const compute = () => staticPolicy(this.schema, this.document, this.operation, variables, this.isLiveCounter);
    if (inputs.conditions.length === 0) return (this.onlyPolicy ??= compute());
    this.byConditions ??= new LRUCache({ max: POLICIES_PER_OPERATION });
    const key = JSON.stringify(inputs.conditions.map((d) => variables[d.variable.name.value]));
    let policy = this.byConditions.get(key);
    if (!policy) this.byConditions.set(key, (policy = compute()));
    return policy;
  }
}

/** The plans of one schema's operations, one per parsed operation, forgotten with it. */
export class DocumentPlans {
  private readonly plans = new WeakMap<OperationDefinitionNode, OperationPlan>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly isLiveCounter: LiveCounterField = () => false,
  ) {}

  of(document: DocumentNode, operation: OperationDefinitionNode): OperationPlan {
    let plan = this.plans.get(operation);
    if (!plan) this.plans.set(operation, (plan = new OperationPlan(this.schema, document, operation, this.isLiveCounter)));
    return plan;
  }
}
