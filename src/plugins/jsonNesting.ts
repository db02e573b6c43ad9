import { FastifyReply, FastifyRequest } from 'fastify';

/**
 * How deep a GraphQL request's JSON may nest: the body of a POST, the `variables` and `extensions`
 * of a GET. The schema's deepest input (a filter or a syndicate input in `variables`) is 5 levels
 * down the body; 64 leaves room for any real client and for `_entities` representations.
 *
 * Node parses JSON of any depth (V8's JSON.parse does not recurse), but much of what later reads a
 * request does: JSON.stringify of the variables for a response-cache key, graphql-js coercing an
 * `_Any` scalar, the audit's summary of a mutation's arguments. A 100,000-deep array overflows the
 * stack there and was answered HTTP 500; refused here, it is the caller's mistake it is.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests objects and arrays more than `max` levels deep (itself at level 1). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  // A stack of its own, not recursion: the point is to survive what would overflow the call stack.
  const pending: [object, number][] = [];
  if (value !== null && typeof value === 'object') pending.push([value, 1]);
  while (pending.length > 0) {
    const [container, depth] = pending.pop()!;
    if (depth > max) return true;
    for (const child of Array.isArray(container) ? container : Object.values(container)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}

/** A GET's `variables` or `extensions`: JSON text that Apollo parses after us (and reports if it is not JSON). */
function parsedOrNull(text: unknown): unknown {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Fastify preHandler of /graphql: a request nested deeper than MAX_JSON_DEPTH gets HTTP 400
 * BAD_REQUEST (GraphQL-shaped) before Apollo sees it.
 */
export async function refuseDeepJson(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const tooDeep =
    request.method === 'GET'
      ? nestsDeeperThan(parsedOrNull(query.variables), MAX_JSON_DEPTH - 1) || nestsDeeperThan(parsedOrNull(query.extensions), MAX_JSON_DEPTH - 1)
      : nestsDeeperThan(request.body, MAX_JSON_DEPTH);
  if (!tooDeep) return undefined;
  // Returning the reply tells Fastify the request is answered.
  return reply
    .code(400)
    .type('application/json; charset=utf-8')
    .send({ errors: [{ message: `the request's JSON nests more than ${MAX_JSON_DEPTH} levels deep`, extensions: { code: 'BAD_REQUEST' } }] });
}
