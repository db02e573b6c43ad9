import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/**
 * The portal's only way to the gateway: one POST per page render, no retries (a reader waiting for
 * a page is better served by the 503 page at once than by a slow one), nothing from the gateway's
 * own code (a province copies this folder and keeps only the HTTP API between them).
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

export class Gateway {
  private readonly printed = new WeakMap<object, string>();

  constructor(
    readonly endpoint: string,
    /** Past this the page is a 503; above the gateway's own 5 s deadline, so that it speaks first. */
    private readonly timeoutMs = 8000,
  ) {}

  async query<T, V extends Record<string, unknown>>(document: TypedDocumentNode<T, V>, variables: V): Promise<GatewayAnswer<T>> {
    let response: Response;
    let body: GraphQLBody<T>;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        body: JSON.stringify({ query: this.print(document), variables }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = (await response.json()) as GraphQLBody<T>;
    } catch (error) {
      // Refused, reset, timed out, or not JSON (a proxy's error page): nothing a reader can fix.
      throw new GatewayUnavailable(`cannot reach ${this.endpoint}: ${(error as Error).message}`, { cause: error });
    }
    const errors = body.errors ?? [];
    if (response.status >= 500) throw new GatewayUnavailable(`HTTP ${response.status} from ${this.endpoint}: ${describe(errors)}`);
    if (errors.some((e) => e.extensions?.code === 'BAD_USER_INPUT')) throw new GatewayRefusedInput(describe(errors));
    // Any other error means this portal's queries and the gateway disagree (a newer schema, limits):
    // the reader can do nothing about it, the log says what it was.
    if (errors.length > 0 || !body.data) throw new GatewayUnavailable(`HTTP ${response.status} from ${this.endpoint}: ${describe(errors) || 'no data'}`);
    return { data: body.data, cacheControl: response.headers.get('cache-control') };
  }

  private print(document: TypedDocumentNode<unknown, any>): string {
    let text = this.printed.get(document);
    if (text === undefined) this.printed.set(document, (text = print(document)));
    return text;
  }
}

function describe(errors: NonNullable<GraphQLBody<unknown>['errors']>): string {
  return errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ');
}
