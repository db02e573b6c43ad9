import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/**
 * A deliberately small GraphQL-over-HTTP client for batch jobs: typed documents from codegen,
 * printed once and POSTed as JSON with Node's own fetch (no HTTP client dependency), with
 * retries for failures that may go away by themselves.
 */

export interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * transient: worth another attempt (the network, an overloaded or restarting gateway, a database hiccup).
 * permanent: the same request would fail again (bad key, bad input, a query the schema refuses).
 */
export type FailureKind = 'transient' | 'permanent';

export class GraphQLRequestError extends Error {
  /** The first GraphQL error code, when the gateway sent one. */
  readonly code: string | null;
  /** The HTTP status, when a response arrived at all. */
  readonly status: number | null;
  /** How long the gateway asked us to wait (Retry-After), if it did. */
  readonly retryAfterMs: number | null;

  constructor(
    message: string,
    readonly kind: FailureKind,
    details: { code?: string | null; status?: number | null; retryAfterMs?: number | null } = {},
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.code = details.code ?? null;
    this.status = details.status ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
  }
}

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Delay before the second try; it doubles before each further one. */
  baseDelayMs: number;
  /** No single wait is longer than this, Retry-After included. */
  maxDelayMs: number;
}

export interface GraphQLClientOptions {
  url: string;
  apiKey?: string;
  retry?: Partial<RetryPolicy>;
  /** A request that takes longer is abandoned and counts as a transient failure. */
  timeoutMs?: number;
  /** Told about every retry, e.g. to print it; the job goes on after it. */
  onRetry?: (info: { operation: string; attempt: number; attempts: number; delayMs: number; error: GraphQLRequestError }) => void;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * `http://host:4000` and `http://host:4000/graphql` name the same endpoint; a gateway mounted under
 * a prefix (`https://portal.gov.vn/lienthong`) gets `/graphql` appended too.
 */
export function graphqlEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`LIENTHONG_URL is not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`LIENTHONG_URL must be http:// or https://, got ${JSON.stringify(url)}`);
  const path = parsed.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/graphql')) parsed.pathname = `${path}/graphql`;
  return parsed.toString();
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so many jobs
 * failing at once (a gateway restart) do not all come back in the same millisecond.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Seconds or an HTTP date; null when absent or unreadable. */
function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

function describeErrors(errors: GraphQLErrorBody[]): string {
  return errors.map((e) => (e.extensions?.code ? `${e.extensions.code}: ${e.message}` : e.message)).join('; ');
}

export class GraphQLClient {
  readonly endpoint: string;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly printed = new WeakMap<object, string>();

  constructor(private readonly options: GraphQLClientOptions) {
    this.endpoint = graphqlEndpoint(options.url);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  /**
   * Runs one operation, retrying transient failures. Resolves with `data`; rejects with a
   * GraphQLRequestError whose kind says whether giving up was our choice or the request's fault.
   * Only idempotent operations belong here: a retried mutation whose first answer was lost in
   * transit runs twice (harmless for syndicate, whose second run finds everything unchanged).
   */
  async request<TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<TData> {
    const query = this.print(document);
    const operation = operationName(document);
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.once(query, operation, variables)) as TData;
      } catch (error) {
        const failure = error instanceof GraphQLRequestError ? error : new GraphQLRequestError(String(error), 'permanent');
        if (failure.kind === 'permanent') throw failure;
        if (attempt >= this.retry.attempts) {
          throw new GraphQLRequestError(`${operation} failed ${attempt} times, giving up; last: ${failure.message}`, 'transient', failure);
        }
        let delayMs = backoffDelay(attempt, this.retry);
        // A gateway that says how long to wait knows better than our guess (within reason).
        if (failure.retryAfterMs !== null) delayMs = Math.min(this.retry.maxDelayMs, Math.max(delayMs, failure.retryAfterMs));
        this.options.onRetry?.({ operation, attempt, attempts: this.retry.attempts, delayMs, error: failure });
        await (this.options.sleep ?? sleep)(delayMs);
      }
    }
  }

  private print(document: TypedDocumentNode<unknown, any>): string {
    let text = this.printed.get(document);
    if (text === undefined) this.printed.set(document, (text = print(document)));
    return text;
  }

  /** One HTTP round trip, its outcome classified. */
  private async once(query: string, operationName: string, variables: Record<string, unknown>): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;

    let res: Response;
    let text: string;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, operationName, variables }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (error) {
      // Refused connections, resets, DNS failures and our own timeout all land here: try again.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const detail = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new GraphQLRequestError(`cannot reach ${this.endpoint} (${detail})`, 'transient');
    }

    let body: { data?: unknown; errors?: GraphQLErrorBody[] } | null = null;
    try {
      body = JSON.parse(text);
    } catch {
      // A proxy's HTML error page, say; the status decides below.
    }
    const errors = Array.isArray(body?.errors) && body.errors.length > 0 ? body.errors : null;

    if (res.status >= 500 || res.status === 429) {
      throw new GraphQLRequestError(`HTTP ${res.status} from ${this.endpoint}${errors ? `: ${describeErrors(errors)}` : ''}`, 'transient', {
        code: errors?.[0]?.extensions?.code,
        status: res.status,
        retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
      });
    }
    if (errors) {
      const codes = errors.map((e) => e.extensions?.code ?? null);
      // Only an internal error (a database hiccup behind the gateway) is worth repeating. The other
      // codes of CONTRACT.md (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND,
      // GRAPHQL_VALIDATION_FAILED, GRAPHQL_PARSE_FAILED), and codes we do not know, would fail the
      // same way again. A failed mutation changes nothing (CONTRACT.md), so repeating one is safe.
      const transient = codes.every((c) => c === 'INTERNAL_SERVER_ERROR');
      throw new GraphQLRequestError(describeErrors(errors), transient ? 'transient' : 'permanent', { code: codes.find((c) => c !== null), status: res.status });
    }
    if (res.status >= 400) throw new GraphQLRequestError(`HTTP ${res.status} from ${this.endpoint}: ${text.slice(0, 200)}`, 'permanent', { status: res.status });
    if (!body || body.data == null) throw new GraphQLRequestError(`${this.endpoint} did not answer like a GraphQL endpoint (HTTP ${res.status})`, 'permanent', { status: res.status });
    return body.data;
  }
}

function operationName(document: TypedDocumentNode<unknown, any>): string {
  for (const definition of document.definitions) {
    if (definition.kind === 'OperationDefinition' && definition.name) return definition.name.value;
  }
  return 'operation';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
