import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FastifyInstance } from 'fastify';
import { defaultFieldResolver, isObjectType } from 'graphql';
import { Context } from '../../src/context';
import { subgraphSchema } from '../../src/federation';
import { DEFAULT_ANSWER_MAX_BYTES } from '../../src/plugins/executionBudget';
import { createServer } from '../../src/server';
import { insertArticles, minutesAfter } from '../helpers/fixtures';
import { serveTestDatabase, startTestServer, TestServer } from '../helpers/testServer';
import { createKey } from '../helpers/testEnvironment';

/** Small, so that a test waits little; a portal's page answers in a fraction of it. */
const DEADLINE_MS = 300;
/** What "answered at its deadline" allows on top: a round trip, Apollo, a loaded shared machine. */
const SLACK_MS = 700;
/** The small server's answer limit: room for a handful of 1,000-character bodies. */
const SMALL_LIMIT = 20_000;

/** Deadline tests: a short deadline, and neither the cost nor the answer's size stops what they send. */
let server: TestServer;
/** The defaults for the answer's size and the deadline: the attacks of issue 30. Its log is kept in `logLines`. */
let bounded: { app: FastifyInstance; url: string };
const logLines: string[] = [];
/** An answer limit of SMALL_LIMIT bytes. */
let small: TestServer;

/** Called as each resolver starts (the guard has let it through), while a test listens. */
let onResolverStart: ((field: string, ctx: Context) => void) | null = null;

/**
 * Every resolver of the schema tells onResolverStart when it starts. Installed before the first
 * server is built, so the execution guard wraps these: what they see is what the guard let start.
 */
function listenToResolverStarts(): void {
  for (const type of Object.values(subgraphSchema().getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      const name = `${type.name}.${field.name}`;
      field.resolve = (source, args, ctx: Context, info) => {
        onResolverStart?.(name, ctx);
        return resolve(source, args, ctx, info);
      };
    }
  }
}

/** An article shown on a few communes, and each commune's page of articles. */
let nestedArticleId: number;
/** An article with an ASCII body of 1,000 characters, and one with the largest body an editor may write. */
let asciiArticleId: number;
let hugeArticleId: number;
const HUGE_BODY_CHARACTERS = 500_000;

beforeAll(async () => {
  listenToResolverStarts();
  server = await startTestServer({
    config: {
      requestTimeouts: { queryMs: DEADLINE_MS, mutationMs: DEADLINE_MS },
      queryLimits: { maxDepth: 12, maxAliases: 50, maxCost: 1_000_000_000 },
      answerMaxBytes: 256 * 1024 * 1024,
    },
  });
  const app = await createServer({ config: { production: false }, dataSource: server.db.dataSource, logger: { level: 'warn', stream: { write: (line: string) => logLines.push(line) } } });
  bounded = { app, url: await app.listen({ port: 0, host: '127.0.0.1' }) };
  small = await serveTestDatabase(server.db, { config: { answerMaxBytes: SMALL_LIMIT } });
  const db = server.db.dataSource;
  const communes: string[] = (await db.query("SELECT id FROM units WHERE level = 'COMMUNE' AND valid_to IS NULL ORDER BY id LIMIT 5")).map((r: { id: string }) => r.id);
  [nestedArticleId] = await insertArticles(db, [{ title: 'Bài đăng trên nhiều xã', origin: communes[0], publishedAt: minutesAfter(0), shownOn: communes }]);
  [asciiArticleId, hugeArticleId] = await insertArticles(db, [
    { title: 'Ascii article for size checks', origin: communes[0], publishedAt: minutesAfter(100), topics: ['size-check'] },
    { title: 'Bài có nội dung rất dài', origin: communes[0], publishedAt: minutesAfter(101) },
  ]);
  await db.query('UPDATE articles SET body = ? WHERE id = ?', [`<p>${'x'.repeat(993)}</p>`, asciiArticleId]);
  // Vietnamese text: V8 holds it two bytes a character, UTF-8 sends it in ~1.3.
  await db.query('UPDATE articles SET body = ? WHERE id = ?', ['Nội dung. '.repeat(HUGE_BODY_CHARACTERS / 10), hugeArticleId]);
}, 180_000);
afterAll(async () => {
  await small?.app.close();
  await bounded?.app.close();
  await server?.close();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  cacheControl: string | null;
  requestId: string | null;
  statements: number;
  ms: number;
  /** The body as sent. */
  text: string;
  body: { data?: any; errors?: { message: string; path?: unknown; extensions?: Record<string, any> }[] };
}

async function post(on: { url: string }, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(`${on.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    cacheControl: res.headers.get('cache-control'),
    requestId: res.headers.get('x-request-id'),
    statements: Number(res.headers.get('x-sql-statements')),
    ms: Date.now() - started,
    text,
    body: JSON.parse(text),
  };
}

/** One error, no data: the deadline, retryable, with the request's id. */
function expectStoppedAtDeadline(answer: Answer): void {
  expect(answer.status).toBe(503);
  expect(answer.retryAfter).toBe('1');
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors![0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', reason: 'DEADLINE', deadlineMs: DEADLINE_MS, retryable: true, requestId: answer.requestId });
  expect(answer.body.errors![0].message).toMatch(/deadline of 300 ms.*ask for less/);
}

/** One error, no data: the answer's size, with the limit and the request's id. */
function expectRefusedForSize(answer: Answer, max: number): void {
  expect(answer.status).toBe(400);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors).toHaveLength(1);
  const [error] = answer.body.errors!;
  expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'ANSWER_TOO_LARGE', limit: 'answerBytes', max, requestId: answer.requestId });
  expect(error.extensions!.actual).toBeGreaterThan(max);
  expect(error.message).toContain(`larger than ${max} bytes`);
}

/** Issue 30's query: every unit an article is shown on, each unit's page of articles, and every unit each of those is shown on. */
const nestedQuery = () => `{ article(id: "${nestedArticleId}") { publications { unit { articles(first: 7) { nodes { publications { unit { code fullName path } } } } } } } }`;

/**
 * The same kind of nesting over data every request finds in the process's unit cache: for each of
 * Hà Nội's 126 communes every commune of its province, eight times over (127,000 units, ~9 MB):
 * seconds of work with no SQL at all.
 */
const UNIT_TREE = `{ ${Array.from({ length: 8 }, (_, i) => `a${i}: province(code: "01") { communes { province { communes { code fullName path } } } }`).join(' ')} }`;

describe('the deadline stops execution itself', () => {
  it('once the deadline has passed no resolver starts, and the request answers one 503 DEADLINE', async () => {
    const started: string[] = [];
    onResolverStart = (field, ctx) => {
      started.push(field);
      // The deadline passes as the first unit of the article's publications starts, its siblings still to come.
      if (field === 'Publication.unit') ctx.sql.deadline = { ...ctx.sql.deadline!, at: Date.now() };
    };
    const answer = await post(server, nestedQuery()).finally(() => (onResolverStart = null));
    expect(started).toEqual(['Query.article', 'Article.publications', 'Publication.unit']);
    expectStoppedAtDeadline(answer);
  });

  it('a query over cached data that would resolve millions of fields without SQL is stopped at its deadline', async () => {
    // Reads the units it needs into the cache: a few statements, well within the deadline.
    const warm = await post(server, '{ province(code: "01") { communes { province { code } } } }');
    expect(warm.status).toBe(200);
    const answer = await post(server, UNIT_TREE);
    expectStoppedAtDeadline(answer);
    expect(answer.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(answer.statements).toBe(0);
  });
});

/** `_entities` asking for one article `copies` times over (a router's representations, sent by anyone). */
async function entities(on: { url: string }, id: number, copies: number, selection = 'body'): Promise<Answer> {
  const representations = Array.from({ length: copies }, () => ({ __typename: 'Article', id: String(id) }));
  return post(on, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Article { ${selection} } } }`, { r: representations });
}

describe('the size of an answer is bounded', () => {
  /** Every kind of value an answer holds: strings, a null, a number, an enum, a DateTime, lists of strings and of objects, __typename. */
  const EVERY_KIND = '__typename id title slug kind publishedAt summary topics views body publications { unit { code } }';
  /** Copies of the ASCII article, after a top-level alias `padding` characters longer than `p`: the answer's length, byte by byte. */
  const COPIES = 12;
  const padded = (padding: number) =>
    `query($r: [_Any!]!) { p${'a'.repeat(padding)}: __typename _entities(representations: $r) { ... on Article { ${EVERY_KIND} } } }`;

  it('an answer of exactly the limit is sent whole; one byte more is refused with one error', async () => {
    const copies = { r: Array.from({ length: COPIES }, () => ({ __typename: 'Article', id: String(asciiArticleId) })) };
    const shortest = await post(bounded, padded(0), copies);
    expect(shortest.status).toBe(200);
    const base = Buffer.byteLength(shortest.text);
    expect(base).toBeLessThan(SMALL_LIMIT);
    const exact = padded(SMALL_LIMIT - base);
    const over = padded(SMALL_LIMIT - base + 1);
    const [exactWhole, overWhole] = [await post(bounded, exact, copies), await post(bounded, over, copies)];
    expect(Buffer.byteLength(exactWhole.text)).toBe(SMALL_LIMIT);
    expect(Buffer.byteLength(overWhole.text)).toBe(SMALL_LIMIT + 1);

    const atLimit = await post(small, exact, copies);
    expect(atLimit.status).toBe(200);
    expect(atLimit.text).toBe(exactWhole.text);
    expectRefusedForSize(await post(small, over, copies), SMALL_LIMIT);
  });

  it('a refusal is never kept, here or by a CDN: the same query asked again is worked on again', async () => {
    const [first, again] = [await entities(small, asciiArticleId, 40), await entities(small, asciiArticleId, 40)];
    expectRefusedForSize(first, SMALL_LIMIT);
    expectRefusedForSize(again, SMALL_LIMIT);
    expect(again.requestId).not.toBe(first.requestId);
    expect(first.cacheControl).toBe('no-store');
  });
});

// A full collection on demand (jest's node has no --expose-gc of its own).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The process's memory in use (JS heap and buffers), sampled while `work` runs: the most it reached above where it started. */
async function memoryRise<T>(work: () => Promise<T>): Promise<{ result: T; riseMb: number }> {
  const inUse = () => {
    const { heapUsed, external } = process.memoryUsage();
    return heapUsed + external;
  };
  // Garbage of earlier tests is collected first; garbage this work makes counts, collected or not.
  gc();
  const before = inUse();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, inUse())), 2);
  try {
    const result = await work();
    peak = Math.max(peak, inUse());
    return { result, riseMb: (peak - before) / 1024 / 1024 };
  } finally {
    clearInterval(sampler);
  }
}

describe('issue 30: many copies of an article with a 500,000-character body', () => {
  /**
   * A request holds a few times ANSWER_MAX_BYTES at most (docs/limits.md); the samples also count
   * what it left for the collector, which a loaded machine collects later. Without the limit, 1,000
   * copies rose by 3.9 GB.
   */
  const BOUND_MB = (8 * DEFAULT_ANSWER_MAX_BYTES) / 1024 / 1024;

  it.each([1000, 2000])('%i copies are refused quickly with one error, memory staying bounded', async (copies) => {
    const { result, riseMb } = await memoryRise(() => entities(bounded, hugeArticleId, copies));
    expectRefusedForSize(result, DEFAULT_ANSWER_MAX_BYTES);
    expect(result.ms).toBeLessThan(3000);
    expect(riseMb).toBeLessThan(BOUND_MB);
    // One JSON line says it, with the request's id.
    const lines = logLines.map((line) => JSON.parse(line)).filter((line) => line.requestId === result.requestId);
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: 'GraphQL answer refused: larger than ANSWER_MAX_BYTES', maxBytes: DEFAULT_ANSWER_MAX_BYTES })]);
  });

  it('three requests of 800 copies at once are each refused, memory staying bounded', async () => {
    const { result, riseMb } = await memoryRise(() => Promise.all([1, 2, 3].map(() => entities(bounded, hugeArticleId, 800))));
    for (const answer of result) expectRefusedForSize(answer, DEFAULT_ANSWER_MAX_BYTES);
    expect(riseMb).toBeLessThan(3 * BOUND_MB);
  });

  it('a few copies, under the limit, are answered whole', async () => {
    const answer = await entities(bounded, hugeArticleId, 3);
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data._entities.map((a: { body: string }) => a.body.length)).toEqual([HUGE_BODY_CHARACTERS, HUGE_BODY_CHARACTERS, HUGE_BODY_CHARACTERS]);
  });
});

describe('a mutation whose answer is too large', () => {
  it('answers its one error, and its write, which ran, stays written (docs/limits.md)', async () => {
    const admin = await createKey(server.db.dataSource, { role: 'admin', label: 'answer bounds' });
    const title = `Bài viết dài ${Date.now()}`;
    const res = await fetch(`${small.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({
        query: 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id body } }',
        variables: { input: { originCode: '14620', title, body: `<p>${'x'.repeat(SMALL_LIMIT)}</p>` } },
      }),
    });
    const body = (await res.json()) as Answer['body'];
    expect(res.status).toBe(400);
    // createArticle is non-null: the refused body nulls it, and with it `data`.
    expect(body).toEqual({ data: null, errors: [expect.objectContaining({ extensions: expect.objectContaining({ reason: 'ANSWER_TOO_LARGE', max: SMALL_LIMIT }) })] });
    // ... and says so, so that it is not taken for "nothing changed".
    expect(body.errors![0].message).toContain('A write that had completed before the stop stays applied');
    expect(await server.db.dataSource.query('SELECT COUNT(*) AS n FROM articles WHERE title = ?', [title])).toEqual([{ n: 1 }]);
  });
});

describe('an answer that cannot be sent', () => {
  it("is still JSON with the request's id, and its cause is a JSON log line", async () => {
    // What V8 throws when an answer's JSON outgrows its longest string (2,000 copies did, before the limit).
    const stringify = JSON.stringify;
    const unlucky = jest.spyOn(JSON, 'stringify').mockImplementation((value: unknown, ...rest: unknown[]) => {
      if ((value as { data?: { unlucky?: unknown } } | null)?.data?.unlucky !== undefined) throw new RangeError('Invalid string length');
      return (stringify as (value: unknown, ...rest: unknown[]) => string)(value, ...rest);
    });
    const linesBefore = logLines.length;
    const answer = await post(bounded, '{ unlucky: __typename }').finally(() => unlucky.mockRestore());
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: answer.requestId } }] });
    const lines = logLines.slice(linesBefore).map((line) => JSON.parse(line));
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, msg: 'a GraphQL answer could not be serialized', err: expect.objectContaining({ message: 'Invalid string length' }) }));
  });
});
