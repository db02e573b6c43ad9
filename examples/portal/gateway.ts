import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createHash } from 'node:crypto';
import { OperationDefinitionNode, print } from 'graphql';

/**
 * The portal's only way to the gateway, nothing from the gateway's own code (a province copies
 * this folder and keeps only the HTTP API between them). Every query is a GET naming the query by
 * its hash (automatic persisted queries), so that an edge in front of the gateway (Varnish, a CDN)
 * can keep the answers the gateway marks public, under short URLs; the text is sent only the first
 * time the gateway does not know it. No retries: a reader waiting for a page is better served by the
 * 503 page at once than by a slow one.
 */

/** The gateway cannot answer now (unreachable, timed out, 5xx, or an answer we cannot use): the 503 page. */
export class GatewayUnavailable extends Error {}

/** The gateway refused what the reader sent (a garbage cursor, a search too long): the 400 page. */
export class GatewayRefusedInput extends Error {}

export interface GatewayAnswer<T> {
  data: T;
  /** The gateway's Cache-Control, which says how long this data may be kept and by whom. */
  cacheControl: string | null;
}

interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * `http://host:4000` and `http://host:4000/graphql` name the same endpoint, as for the batch job's
 * LIENTHONG_URL; a gateway under a prefix (`https://tinh.gov.vn/lienthong`) gets `/graphql` too.
 */
export function graphqlEndpoint(url: string, variable = 'LIENTHONG_URL'): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${variable} is not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`${variable} must be http:// or https://, got ${JSON.stringify(url)}`);
  const path = parsed.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/graphql')) parsed.pathname = `${path}/graphql`;
  return parsed.toString();
}

/** The gateway's answer when it does not know a hash (Apollo's APQ protocol): send the text along. */
const PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND';

interface Printed {
  text: string;
  sha256: string;
  operationName: string | undefined;
}

export class Gateway {
  private readonly printed = new WeakMap<object, Printed>();

  constructor(
    readonly endpoint: string,
    /** Past this the page is a 503; above the gateway's own 5 s deadline, so that it speaks first. */
    private readonly timeoutMs = 8000,
  ) {}

  async query<T, V extends Record<string, unknown>>(document: TypedDocumentNode<T, V>, variables: V): Promise<GatewayAnswer<T>> {
    const printed = this.print(document);
    let answer = await this.get<T>(printed, variables, false);
    if (answer.body.errors?.some((e) => e.extensions?.code === PERSISTED_QUERY_NOT_FOUND)) answer = await this.get<T>(printed, variables, true);
    const { response, body } = answer;
    const errors = body.errors ?? [];
    if (response.status >= 500) throw new GatewayUnavailable(`HTTP ${response.status} from ${this.endpoint}: ${describe(errors)}`);
    if (errors.some((e) => e.extensions?.code === 'BAD_USER_INPUT')) throw new GatewayRefusedInput(describe(errors));
    // Any other error means this portal's queries and the gateway disagree (a newer schema, limits):
    // the reader can do nothing about it, the log says what it was.
    if (errors.length > 0 || !body.data) throw new GatewayUnavailable(`HTTP ${response.status} from ${this.endpoint}: ${describe(errors) || 'no data'}`);
    return { data: body.data, cacheControl: response.headers.get('cache-control') };
  }

  /** `GET /graphql?operationName=…&variables=…&extensions=…`, with the query's text when `withText`. */
  private async get<T>(printed: Printed, variables: Record<string, unknown>, withText: boolean): Promise<{ response: Response; body: GraphQLBody<T> }> {
    const params = new URLSearchParams();
    if (printed.operationName) params.set('operationName', printed.operationName);
    params.set('variables', JSON.stringify(variables));
    params.set('extensions', JSON.stringify({ persistedQuery: { version: 1, sha256Hash: printed.sha256 } }));
    if (withText) params.set('query', printed.text);
    try {
      const response = await fetch(`${this.endpoint}?${params}`, {
        headers: { accept: 'application/graphql-response+json, application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { response, body: (await response.json()) as GraphQLBody<T> };
    } catch (error) {
      // Refused, reset, timed out, or not JSON (a proxy's error page): nothing a reader can fix.
      throw new GatewayUnavailable(`cannot reach ${this.endpoint}: ${(error as Error).message}`, { cause: error });
    }
  }

  private print(document: TypedDocumentNode<unknown, any>): Printed {
    let printed = this.printed.get(document);
    if (printed === undefined) {
      const text = print(document);
      const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
      printed = { text, sha256: createHash('sha256').update(text).digest('hex'), operationName: operation?.name?.value };
      this.printed.set(document, printed);
    }
    return printed;
  }
}

function describe(errors: NonNullable<GraphQLBody<unknown>['errors']>): string {
  return errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ');
}
