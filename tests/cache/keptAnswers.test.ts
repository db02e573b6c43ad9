import { createHash } from 'node:crypto';
import { FastifyInstance } from 'fastify';
import { seedDemoContent } from '../../seeds/demo';
import { CONTENT_MAX_AGE, TAGGED_CONTENT_MAX_AGE } from '../../src/cache/cacheHints';
import { createServer } from '../../src/server';
import { RECORD_VISIT } from '../helpers/operations';
import { createTestDatabase, TestDatabase } from '../helpers/testDatabase';
import { createKey } from '../helpers/testEnvironment';
import { waitFor } from '../helpers/waitFor';

/**
 * Kept answers (src/cache/keptAnswers.ts) are served before Apollo runs: what a hit sends must be
 * what executing the query sends, byte for byte, and a hit must be logged and counted as any answer.
 */

let db: TestDatabase;
let app: FastifyInstance;
let url: string;
let admin: string;
const written: string[] = [];
const requestLines = () => written.map((line) => JSON.parse(line)).filter((l) => l.msg === 'request');

beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.transaction((m) => seedDemoContent(m));
  admin = await createKey(db.dataSource, { role: 'admin', unitCode: null, label: 'kept answers test' });
  app = await createServer({
    config: { production: false },
    dataSource: db.dataSource,
    // Counter reads not reused: a hit reads them with one statement, as executing would.
    visits: { buffer: { snapshotTtlMs: 0 } },
    logger: { level: 'info', stream: { write: (line: string) => void written.push(line) } },
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);
afterAll(async () => {
  await app.close();
  await db.drop();
});

interface Sent {
  status: number;
  text: string;
  headers: Headers;
  kept: boolean;
}

async function post(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Sent> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text(), headers: res.headers, kept: res.headers.get('age') !== null };
}

async function get(params: Record<string, unknown>): Promise<Sent> {
  const search = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const res = await fetch(`${url}/graphql?${search}`);
  return { status: res.status, text: await res.text(), headers: res.headers, kept: res.headers.get('age') !== null };
}

const HOME = `query CommuneHome($code: ID!) {
  commune(code: $code) {
    fullName
    visits { total today online }
    articles(first: 5) { nodes { id title views source { name } } }
  }
}`;
const DASHBOARD = `query ProvinceDashboard($code: ID!, $on: Date) {
  province(code: $code, on: $on) {
    fullName
    all: visits(includeDescendants: true) { total }
    own: visits { total today }
    districts { code visits { total } articles(first: 2) { nodes { title views } } }
  }
}`;
const FEED = 'query Feed($code: ID!) { commune(code: $code) { articles(first: 5) { nodes { id title source { name } } } } }';

const visit = async (unitCode: string, visitorId: string) => {
  const res = await post({ query: RECORD_VISIT, variables: { unitCode, visitorId } });
  expect(JSON.parse(res.text).data.recordVisit).toBe(true);
};

/** The answer executed (no kept answers), then the same request answered from the kept one. */
async function executedThenKept(send: () => Promise<Sent>): Promise<[Sent, Sent]> {
  app.keptAnswers!.clear();
  const executed = await send();
  const kept = await send();
  expect(executed.kept).toBe(false);
  expect(kept.kept).toBe(true);
  return [executed, kept];
}

describe('a kept answer is the executed one, byte for byte', () => {
  it.each([
    ['a feed (no counters)', FEED, { code: '14620' }],
    ["a home page with its counters and articles' views", HOME, { code: '14620' }],
    ['a dashboard with counters under aliases and in lists', DASHBOARD, { code: '37', on: '2025-06-30' }],
  ])('%s', async (_name, query, variables) => {
    const [executed, kept] = await executedThenKept(() => post({ query, variables }));
    expect(JSON.parse(executed.text).errors).toBeUndefined();
    expect(kept.text).toBe(executed.text);
    for (const header of ['content-type', 'cache-control']) expect(kept.headers.get(header)).toBe(executed.headers.get(header));
    expect(kept.headers.get('x-request-id')).not.toBe(executed.headers.get('x-request-id'));
  });

  it('with its counters read afresh: equal to executing the query after the visits', async () => {
    await executedThenKept(() => post({ query: DASHBOARD, variables: { code: '37', on: '2025-06-30' } }));
    await visit('14620', 'kept-1');
    await visit('14623', 'kept-2');
    const kept = await post({ query: DASHBOARD, variables: { code: '37', on: '2025-06-30' } });
    expect(kept.kept).toBe(true);
    app.keptAnswers!.clear();
    const executed = await post({ query: DASHBOARD, variables: { code: '37', on: '2025-06-30' } });
    expect(executed.kept).toBe(false);
    expect(kept.text).toBe(executed.text);
  });

  it('by GET, and by its APQ hash alone (POST and GET)', async () => {
    const variables = { code: '14623' };
    const [executed] = await executedThenKept(() => post({ query: HOME, variables }));
    const hash = createHash('sha256').update(HOME).digest('hex');
    const persistedQuery = { version: 1, sha256Hash: hash };
    for (const sent of [await get({ query: HOME, variables }), await post({ variables, extensions: { persistedQuery } }), await get({ variables, extensions: { persistedQuery } })]) {
      expect({ kept: sent.kept, text: sent.text }).toEqual({ kept: true, text: executed.text });
    }
  });

  it('not for a hash that does not match the text sent, nor for other variables, nor for another Accept', async () => {
    await executedThenKept(() => post({ query: FEED, variables: { code: '14620' } }));
    const wrongHash = await post({ query: FEED, variables: { code: '14620' }, extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } });
    expect(wrongHash.kept).toBe(false);
    expect(JSON.parse(wrongHash.text).errors[0]).toMatchObject({ message: expect.stringMatching(/does not match/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(wrongHash.status).toBe(400);
    expect((await post({ query: FEED, variables: { code: '14623' } })).kept).toBe(false);
    const graphqlResponse = await post({ query: FEED, variables: { code: '14620' } }, { accept: 'application/graphql-response+json' });
    expect(graphqlResponse.kept).toBe(false);
    expect(graphqlResponse.headers.get('content-type')).toContain('application/graphql-response+json');
  });
});

describe('what a kept answer never does', () => {
  it('is never sent to a key holder, and a key holder’s answer is never kept', async () => {
    await executedThenKept(() => post({ query: FEED, variables: { code: '14620' } }));
    const holder = await post({ query: FEED, variables: { code: '14620' } }, { authorization: `Bearer ${admin}` });
    expect(holder.kept).toBe(false);
    expect(holder.headers.get('cache-control')).toBe('private, no-store');
    app.keptAnswers!.clear();
    await post({ query: FEED, variables: { code: '14620' } }, { authorization: `Bearer ${admin}` });
    expect((await post({ query: FEED, variables: { code: '14620' } })).kept).toBe(false);
  });

  it('outlives no edit: the next reader after a change gets the query executed', async () => {
    await executedThenKept(() => post({ query: FEED, variables: { code: '14620' } }));
    const created = await post(
      {
        query: 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }',
        variables: { input: { originCode: '14620', title: 'Tin giữ lại rồi sửa', summary: 'Tóm tắt.', body: '<p>Nội dung.</p>' } },
      },
      { authorization: `Bearer ${admin}` },
    );
    const id = JSON.parse(created.text).data.createArticle.id;
    const next = await post({ query: FEED, variables: { code: '14620' } });
    expect(next.kept).toBe(false);
    expect(JSON.parse(next.text).data.commune.articles.nodes[0].id).toBe(id);
  });
});

describe('a burst on a page whose answer is not kept (yet, or any more)', () => {
  it('executes it once: who asks the same meanwhile waits for that answer and is sent it', async () => {
    const kept = app.keptAnswers!;
    const body = { query: FEED, variables: { code: '14632' } };
    // The first request's feed read is held in MySQL while the others come.
    const lock = db.dataSource.createQueryRunner();
    await lock.connect();
    try {
      await lock.query('LOCK TABLES history_feed WRITE, publications WRITE');
      const first = post(body);
      await waitFor('the first request waiting in MySQL', async () => {
        const waiting: { Info: string | null }[] = await lock.query("SELECT INFO AS Info FROM information_schema.PROCESSLIST WHERE STATE LIKE 'Waiting for table%'");
        return waiting.some((p) => /history_feed|publications/.test(p.Info ?? ''));
      });
      const waitsBefore = kept.stats.waits;
      const others = Array.from({ length: 5 }, () => post(body));
      await waitFor('the others waiting for its answer', () => kept.stats.waits - waitsBefore === 5);
      await lock.query('UNLOCK TABLES');
      const [executed, ...sent] = await Promise.all([first, ...others]);
      expect(executed.kept).toBe(false);
      expect(sent.map((s) => s.kept)).toEqual(Array(5).fill(true));
      expect(sent.map((s) => s.text)).toEqual(Array(5).fill(executed.text));
      expect(sent.map((s) => s.headers.get('x-sql-statements'))).toEqual(Array(5).fill('0'));
    } finally {
      await lock.query('UNLOCK TABLES').catch(() => undefined);
      await lock.release();
    }
  });
});

describe('how long an answer is kept', () => {
  it('past its max-age, since every change to what it read drops it; TAGGED_CONTENT_MAX_AGE at most', async () => {
    let now = Date.now();
    const clocked = await createServer({ config: { production: false }, dataSource: db.dataSource, clock: { now: () => now } });
    const at = await clocked.listen({ port: 0, host: '127.0.0.1' });
    try {
      const ask = async () => {
        const res = await fetch(`${at}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: FEED, variables: { code: '14620' } }) });
        return { age: res.headers.get('age'), cacheControl: res.headers.get('cache-control') };
      };
      expect(await ask()).toEqual({ age: null, cacheControl: `max-age=${CONTENT_MAX_AGE}, public` });
      now += (CONTENT_MAX_AGE + 1) * 1000;
      // As current as executing it now: a browser may keep it its max-age from now.
      expect(await ask()).toEqual({ age: '0', cacheControl: `max-age=${CONTENT_MAX_AGE}, public` });
      now += TAGGED_CONTENT_MAX_AGE * 1000;
      expect((await ask()).age).toBeNull();
    } finally {
      await clocked.close();
    }
  });
});

describe('a kept answer is logged and counted', () => {
  const scrape = async () => (await fetch(`${url}/metrics`)).text();
  const sample = (text: string, series: string) => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.slice(series.length + 1) ?? 0);

  it('in the request log and in /metrics, as an executed answer is', async () => {
    await executedThenKept(() => post({ query: HOME, variables: { code: '14620' } }));
    const before = await scrape();
    const kept = await post({ query: HOME, variables: { code: '14620' } });
    expect(kept.kept).toBe(true);
    const after = await scrape();
    expect(sample(after, 'lienthong_response_cache_total{result="hit"}') - sample(before, 'lienthong_response_cache_total{result="hit"}')).toBe(1);
    const requests = 'lienthong_graphql_requests_total{operation="CommuneHome",outcome="ok"}';
    expect(sample(after, requests) - sample(before, requests)).toBe(1);
    const durations = 'lienthong_graphql_request_duration_seconds_count{operation="CommuneHome"}';
    expect(sample(after, durations) - sample(before, durations)).toBe(1);
    const line = requestLines().find((l) => l.requestId === kept.headers.get('x-request-id'));
    expect(line).toMatchObject({ method: 'POST', path: '/graphql', status: 200, operation: 'CommuneHome', type: 'query', sql: Number(kept.headers.get('x-sql-statements')), errors: [], keyId: null });
  });
});
