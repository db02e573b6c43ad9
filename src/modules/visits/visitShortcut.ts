import { FastifyReply, FastifyRequest } from 'fastify';
import { FieldNode, Kind, OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { EarlyAnswer, Found, Lesson } from '../../common/earlyAnswer';
import { requestDatabase } from '../../db/requestDatabase';
import { StatementTally } from '../../db/statementCounter';
import { ProcessServices } from '../../services';
import type { DocumentPlans, OperationPlan } from '../../plugins/documentPlan';

/**
 * recordVisit without Apollo's request pipeline. Every page view of every portal sends the same
 * small recordVisit document with new variables, and parsing, validating, planning and executing it
 * again each time was most of a visit's cost (docs/benchmarks.md, "recordVisit").
 *
 * So a request whose text Apollo has already executed as a lone anonymous recordVisit, and answered
 * as expected, is answered here: its variables coerced by graphql-js as execution would, the same
 * check and count the resolver makes (VisitCounters), and the body and headers Apollo sent, with this
 * visit's true or false. Apollo's answer decides everything else: anything that is not the plain
 * case (a key holder, a text not executed before, several fields, directives, extensions, variables
 * that do not coerce, a check that refuses, MySQL down) goes to Apollo and is answered as ever.
 */

/** A recordVisit document as Apollo executed it: what answering it again needs. */
export interface Plan {
  /** The operation's plan (plugins/documentPlan.ts), whose recordVisits reads each request's input. */
  operation: OperationPlan;
  field: FieldNode;
  operationName: string | null;
  /** Apollo's body for false and for true. */
  bodies: [string, string];
  /** Headers of Apollo's answer that depend on the document alone (content type, cache policy, cost). */
  headers: [string, string][];
}

/** What a request asks: its plan's key, and the plan when one was learnt. */
interface Lookup extends Found<Plan> {
  key: string;
}

/**
 * The replies' headers that belong to the document, replayed with each answer; per-request ones (id,
 * statements, CORS) are set per request. A header a plugin adds to every answer must be named here.
 */
const DOCUMENT_HEADERS = ['content-type', 'cache-control', 'x-query-cost'];
const documentHeaders = (reply: FastifyReply) =>
  DOCUMENT_HEADERS.flatMap((name): [string, string][] => {
    const value = reply.getHeader(name);
    return value === undefined ? [] : [[name, String(value)]];
  });
/**
 * Portals send a handful of short texts. Bounds keep made-up ones from growing the plans: a plan
 * holds its text twice (key, parsed document), and a text may be as long as a body (2 MiB).
 */
const MAX_PLANS = 1000;
const MAX_TEXT_LENGTH = 4096;

/** The body Apollo sends for a lone field's value. */
const body = (responseKey: string, value: boolean) => JSON.stringify({ data: { [responseKey]: value } }) + '\n';

export class VisitShortcut implements EarlyAnswer<Plan> {
  readonly operationType = 'mutation';
  readonly cacheHit = undefined;
  /** Plans learnt from Apollo's answers, by request key. */
  private readonly learnt = new LRUCache<string, Plan>({ max: MAX_PLANS });

  constructor(
    private readonly documentPlans: DocumentPlans,
    private readonly services: ProcessServices,
  ) {}

  /**
   * The plan of a recordVisit request seen before; null for a request that cannot have one. Without
   * a plan, Apollo executes it (and, if it is a lone recordVisit, its answer teaches this the plan).
   */
  lookup(request: FastifyRequest): Lookup | null {
    const key = this.keyOf(request);
    return key === null ? null : { key, hit: this.learnt.get(key) };
  }

  /** Counts the visit and answers as Apollo would; null when Apollo should answer instead (bad variables, a refusal, MySQL down). */
  async answer(plan: Plan, request: FastifyRequest, reply: FastifyReply, tally: StatementTally): Promise<string | null> {
    const variables = (request.body as { variables?: unknown }).variables;
    if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
    const planned = plan.operation.recordVisits((variables ?? {}) as Record<string, unknown>);
    if (planned === null) return null;
    const [[, input]] = planned.visits;
    const { visits, dataSource } = this.services;
    // A refusal (or MySQL down) is answered by Apollo, which makes the same check and says why.
    const checked = await visits.check(input, requestDatabase(dataSource, tally)).catch(() => null);
    if (checked === null) return null;
    const counted = await visits.count(checked, request.ip);
    for (const [name, value] of plan.headers) void reply.header(name, value);
    return plan.bodies[counted ? 1 : 0];
  }

  /** Notes the plan of a lone recordVisit that Apollo executes, kept when Apollo's answer is the one answer() would send. */
  learn({ key, hit }: Lookup): Lesson | null {
    if (hit) return null;
    const { learnt, documentPlans } = this;
    let plan: Omit<Plan, 'headers'> | undefined;
    return {
      didResolveOperation({ document, operation }) {
        const field = loneRecordVisit(operation);
        if (!field) return;
        const responseKey = field.alias?.value ?? field.name.value;
        plan = { operation: documentPlans.of(document, operation!), field, operationName: operation!.name?.value ?? null, bodies: [body(responseKey, false), body(responseKey, true)] };
      },
      learnt: () =>
        plan && {
          bodies: plan.bodies,
          keep(reply) {
            learnt.set(key, { ...plan!, headers: documentHeaders(reply) });
          },
        },
    };
  }

  /** The request's plan key: its Accept header (it picks the content type), operation name and text; null when it cannot have a plan. */
  private keyOf(request: FastifyRequest): string | null {
    if (request.method !== 'POST' || request.headers.authorization !== undefined || request.headers['apollo-federation-include-trace'] !== undefined) return null;
    const params = request.body;
    if (params === null || typeof params !== 'object' || Array.isArray(params)) return null;
    const { query, operationName, extensions } = params as Record<string, unknown>;
    // The cheap test first: most requests are reads.
    if (typeof query !== 'string' || query.length > MAX_TEXT_LENGTH || !query.includes('recordVisit')) return null;
    if (extensions !== undefined || (operationName != null && typeof operationName !== 'string')) return null;
    return `${request.headers.accept ?? ''}\n${operationName ?? ''}\n${query}`;
  }
}

/** The operation's field when it is a mutation of one recordVisit and nothing else: no fragments, no directives. */
function loneRecordVisit(operation: OperationDefinitionNode | undefined): FieldNode | null {
  if (operation?.operation !== 'mutation' || operation.directives?.length || operation.selectionSet.selections.length !== 1) return null;
  const field = operation.selectionSet.selections[0];
  if (field.kind !== Kind.FIELD || field.name.value !== 'recordVisit' || field.directives?.length) return null;
  return field;
}
