import { createHash, randomBytes } from 'node:crypto';
import { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { vietnamDay } from '../common/vietnamDay';
import { EarlyAnswer, Found, Lesson } from '../common/earlyAnswer';
import { StatementTally } from '../db/statementCounter';
import { CachePolicies } from './cachePolicy';
import { ContentChanges } from './contentChanges';
import { EVERYTHING, Tag } from './contentTags';
import { TagIndex } from './tagIndex';
import { edgeHeaders } from './edgeTags';
import { TAGGED_CONTENT_MAX_AGE } from './cacheHints';
import { Clock, systemClock } from '../common/clock';

/**
 * Kept answers: the body an anonymous query was answered with, sent again as it was to the next
 * request that asks the same, before Apollo's request pipeline (parsing, validation, plugins,
 * execution) runs at all. On a portal's home page that pipeline, not MySQL, is most of an answer's
 * cost (docs/benchmarks.md).
 *
 * Every rule of caching is here, for both ways an answer is made:
 * - What is kept: an anonymous query (no Authorization header: key holders see scheduled articles)
 *   whose fields' @cacheControl hints allow it (cachePolicy.ts, visit counters left out), answered
 *   without errors, while its hints allow any caching (a maxAge, public).
 * - Under what: the day in Vietnam (a code names today's unit), the Accept header (it picks the
 *   content type), the operation name, the variables and the query text (sent, or known by its APQ
 *   hash).
 * - Until when: an answer carries the tags of what it read (cache/contentTags.ts), and a change
 *   that touches one, in any process, drops it (contentChanges.ts); an answer whose read overlapped
 *   such a change is not kept at all. So it is kept longer than its maxAge (what browsers, whom no
 *   change reaches, may keep it for): up to KeptAnswersOptions.maxAge, or its own if longer.
 * - Visit counters ('Lượt truy cập', 'Hôm nay', Article.views) are never kept: the body is kept
 *   split around them, and each answer reads them afresh (buffered visits included, stored ones
 *   reused for at most a second), so it says what running the query would say.
 * - What is sent: the bytes Apollo sent, checked when kept (the body rebuilt from its parts must be
 *   them), with their Content-Type and Cache-Control, and `age: 0`: it is as current as executing
 *   the query now would make it (nothing it read changed), so a browser may keep it for its max-age.
 *
 * Each process keeps its own (in memory, bounded), so a kept answer costs no round trip.
 */

/** An answer as kept: its body around its counters, and what each counter counts, in the order they appear. */
interface Kept {
  /** The body as sent, split around its counters: one more part than counters. */
  parts: string[];
  counters: Reading[];
  contentType: string;
  cacheControl: string | undefined;
  operationName: string | null;
  tags: readonly Tag[];
}

/** An answer executed for a key: kept once Fastify is about to send it and its bytes check out. */
interface Prepared {
  parts: string[];
  counters: Reading[];
  /** The counters' values in the executed answer: the parts joined with them must be the body sent. */
  values: number[];
  ttlMs: number;
  operationName: string | null;
  tags: readonly Tag[];
}

/** What a request asks, as the key of its answer. */
export interface Lookup extends Found<Kept> {
  key: string;
  text: string;
  /** ContentChanges' mark when the request came: a change since to what its answer read keeps it from being kept. */
  mark: number;
}

/** ~50 MB of answers per process; one answer is at most a page of 100 articles with their bodies. */
const MAX_BYTES = 50 * 1024 * 1024;
const MAX_ANSWER_BYTES = 5 * 1024 * 1024;
/** What one tag of a kept answer costs besides its characters, rounded up: its string, its entries in the answer and in the index (measured: ~88 bytes in all for 22 characters). */
const TAG_OVERHEAD_BYTES = 100;
/** Query texts by APQ hash, for requests that send the hash alone: those of kept answers (~10 MB). */
const MAX_TEXT_BYTES = 10 * 1024 * 1024;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A value an answer shows that is read afresh for each answer (the visit counters,
 * modules/visits/liveCounters.ts): where it is; the rest of it says what to read.
 */
export interface LiveValue {
  /** Response keys (aliases included) and list indexes from the root to the value. */
  path: (string | number)[];
}

/** Reads live values afresh, in the order asked, within the request's statement tally. */
export interface LiveValues<Reading> {
  read(readings: Reading[], tally: StatementTally): Promise<number[]>;
}

/** What a live value reads: the value without its place. */
type Reading = object;

function joined(parts: string[], values: number[]): string {
  let body = parts[0];
  for (let i = 0; i < values.length; i++) body += values[i] + parts[i + 1];
  return body;
}

export interface KeptAnswersOptions {
  /** Seconds an answer is kept at most, unless its own maxAge is longer. Default TAGGED_CONTENT_MAX_AGE. */
  maxAge?: number;
  /** How long the edges may keep an answer (edgeTags.ts); null (default): no edge is purged. */
  edgeMaxAge?: number | null;
  /** What answers' lifetimes go by (tests let an hour pass without waiting it). Default: the system clock. */
  clock?: Clock;
}

export class KeptAnswers implements EarlyAnswer<Kept> {
  readonly operationType = 'query';
  readonly cacheHit = true;
  private readonly answers: LRUCache<string, Kept>;
  /** The tags of each kept answer. */
  private readonly tags = new TagIndex<string>();
  /** Requests that found the same being executed and waited for its answer (tests watch it). */
  readonly stats = { waits: 0 };
  /** Keys whose answer, one that may be kept, is being executed now: settled when that request is over. */
  private readonly executing = new Map<string, Promise<void>>();
  private readonly edgeMaxAge: number | null;
  private readonly maxAge: number;
  // Bounded by size, not count: one caller's long texts must not grow it past its share.
  private readonly texts = new LRUCache<string, string>({ maxSize: MAX_TEXT_BYTES, maxEntrySize: MAX_ANSWER_BYTES, sizeCalculation: (text) => text.length });
  /** Stands in a counter's place while its answer is split (a NUL and a nonce: no text can hold it by chance). */
  private readonly token = `\u0000${randomBytes(8).toString('hex')}:`;

  constructor(
    private readonly changes: ContentChanges,
    private readonly policies: CachePolicies,
    private readonly live: LiveValues<Reading>,
    options: KeptAnswersOptions = {},
  ) {
    this.edgeMaxAge = options.edgeMaxAge ?? null;
    this.maxAge = options.maxAge ?? TAGGED_CONTENT_MAX_AGE;
    this.answers = new LRUCache<string, Kept>({
      maxSize: MAX_BYTES,
      maxEntrySize: MAX_ANSWER_BYTES,
      // Its tags count too (with their place in the index): a small answer may have read thousands of units.
      sizeCalculation: (kept, key) => key.length + kept.parts.reduce((n, part) => n + part.length, 0) + kept.tags.reduce((n, tag) => n + tag.length + TAG_OVERHEAD_BYTES, 0),
      noDisposeOnSet: true,
      dispose: (_, key) => this.tags.delete(key),
      perf: options.clock ?? systemClock,
    });
    changes.onChange((tags) => this.drop(tags));
  }

  /**
   * The key of an anonymous request's answer, and the answer when one is kept; null for a request
   * that cannot be kept (a key holder's, a federation router's asking for traces, a batch, or one
   * whose text is not known here).
   */
  lookup(request: FastifyRequest): Lookup | null {
    const headers = request.headers;
    if (headers.authorization !== undefined || headers['apollo-federation-include-trace'] !== undefined) return null;
    const params = request.method === 'GET' ? getParams(request.query) : request.body;
    if (params === null || typeof params !== 'object' || Array.isArray(params)) return null;
    const { query, operationName, variables, extensions } = params as Record<string, unknown>;
    const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
    const known = typeof hash === 'string' ? this.texts.get(hash) : undefined;
    // With both, Apollo checks that they agree: a pair not seen here goes to Apollo.
    const text = typeof query === 'string' ? (hash === undefined || known === query ? query : undefined) : known;
    if (text === undefined || (operationName != null && typeof operationName !== 'string')) return null;
    const key = [vietnamDay(Date.now()), headers.accept ?? '', operationName ?? '', JSON.stringify(variables ?? {}), text].join('\n');
    const hit = this.answers.get(key);
    const executing = hit ? undefined : this.executing.get(key);
    if (executing) this.stats.waits++;
    return { key, text, mark: this.changes.mark(), hit, executing };
  }

  /** The answer `lookup` found, its counters read afresh; null when they cannot be read (MySQL down): executing says so, or answers if it can. */
  async answer(kept: Kept, request: FastifyRequest, reply: FastifyReply, tally: StatementTally): Promise<string | null> {
    const values = kept.counters.length ? await this.live.read(kept.counters, tally).catch(() => null) : [];
    if (values === null) return null;
    const body = kept.counters.length ? joined(kept.parts, values) : kept.parts[0];
    void reply.header('content-type', kept.contentType).header('age', '0');
    if (kept.cacheControl !== undefined) void reply.header('cache-control', kept.cacheControl);
    for (const [name, value] of edgeHeaders(request.method, kept.cacheControl, kept.tags, this.edgeMaxAge)) void reply.header(name, value);
    return body;
  }

  /** The request is executed: its counters are noted, and its answer kept under the lookup's key if it may be. */
  learn({ key, text, mark }: Lookup): Lesson {
    const { policies, token, answers, texts, changes, tags: index, maxAge, executing } = this;
    let ttlMs = 0;
    let prepared: Prepared | undefined;
    /** Settles `executing`'s entry when this request registered it. */
    let over: (() => void) | undefined;
    return {
      didResolveOperation({ document, operation, request, metrics, contextValue }) {
        if (operation?.operation !== 'query') return;
        metrics.responseCacheHit = false;
        const policy = policies.of(document, operation, request.variables ?? {});
        const allowed = policy && (policy.withoutCounters ?? policy.hint);
        if (!allowed?.maxAge || allowed.scope === 'PRIVATE') return;
        ttlMs = Math.max(allowed.maxAge, maxAge) * 1000;
        contextValue.liveCounters = [];
        // Those who ask the same meanwhile wait for this answer rather than executing it too.
        if (!executing.has(key)) executing.set(key, new Promise<void>((resolve) => (over = resolve)));
      },
      willSendResponse({ response, contextValue: ctx, operationName }) {
        const counters = ctx.liveCounters;
        if (!ttlMs || !counters || !ctx.answerTags || response.body.kind !== 'single') return;
        const { data, errors, extensions } = response.body.singleResult;
        if (errors || extensions || !data) return;
        prepared = { ...split(data, counters, token), ttlMs, operationName: operationName ?? null, tags: [...ctx.answerTags] };
      },
      learnt: () =>
        prepared && {
          bodies: [joined(prepared.parts, prepared.values)],
          keep(reply) {
            const { parts, counters, ttlMs, operationName, tags } = prepared!;
            // What it read changed (or is changing) since the request came: it may show the old.
            if (!changes.unchangedSince(mark, tags)) return;
            const cacheControl = reply.getHeader('cache-control');
            answers.set(
              key,
              {
                parts,
                counters,
                contentType: String(reply.getHeader('content-type')),
                cacheControl: cacheControl === undefined ? undefined : String(cacheControl),
                operationName,
                tags,
              },
              { ttl: ttlMs },
            );
            if (answers.has(key)) index.set(key, tags);
            texts.set(sha256(text), text);
          },
        },
      finished() {
        if (!over) return;
        executing.delete(key);
        over();
      },
    };
  }

  /** A change touched these tags: the answers that read them go. */
  private drop(tags: ReadonlySet<Tag>): void {
    if (tags.has(EVERYTHING)) return this.clear();
    for (const key of this.tags.keysWith(tags)) this.answers.delete(key);
  }

  /** Forgets every answer (tests measure executed requests with it). */
  clear(): void {
    this.answers.clear();
    this.tags.clear();
  }
}

/** GET's parameters as a POST body: variables and extensions are JSON in the query string. */
function getParams(query: unknown): Record<string, unknown> | null {
  const q = query as Record<string, unknown>;
  try {
    return {
      query: q.query,
      operationName: q.operationName,
      variables: typeof q.variables === 'string' ? JSON.parse(q.variables) : q.variables,
      extensions: typeof q.extensions === 'string' ? JSON.parse(q.extensions) : q.extensions,
    };
  } catch {
    return null;
  }
}

/**
 * The body Apollo sends for `data` (JSON and a newline), split where the counters are, with the
 * counters in the order they appear. The counters are swapped for tokens and put back.
 */
function split(data: Record<string, unknown>, counters: LiveValue[], token: string): { parts: string[]; counters: Reading[]; values: number[] } {
  const places = counters.map(({ path }) => {
    let parent: any = data;
    for (const key of path.slice(0, -1)) parent = parent[key];
    return { parent, key: path[path.length - 1] };
  });
  const values = places.map(({ parent, key }) => parent[key] as number);
  places.forEach(({ parent, key }, i) => (parent[key] = `${token}${i}`));
  const text = JSON.stringify({ data }) + '\n';
  places.forEach(({ parent, key }, i) => (parent[key] = values[i]));
  const quoted = JSON.stringify(token).slice(0, -1);
  const parts: string[] = [];
  const order: number[] = [];
  let from = 0;
  for (let at = text.indexOf(quoted); at !== -1; at = text.indexOf(quoted, from)) {
    parts.push(text.slice(from, at));
    const end = text.indexOf('"', at + quoted.length);
    order.push(Number(text.slice(at + quoted.length, end)));
    from = end + 1;
  }
  parts.push(text.slice(from));
  return {
    parts,
    counters: order.map((i) => {
      const { path, ...reading } = counters[i];
      void path;
      return reading;
    }),
    values: order.map((i) => values[i]),
  };
}
