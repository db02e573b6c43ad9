import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createClient } from '@redis/client';
import { FastifyInstance } from 'fastify';
import { OperationDefinitionNode, parse } from 'graphql';
import { CachePolicies, POLICIES_PER_OPERATION } from '../../src/cache/cachePolicy';
import { DocumentPlans } from '../../src/plugins/documentPlan';
import { subgraphSchema } from '../../src/federation';
import { createCaches } from '../../src/cache/caches';
import { LocalContentChanges } from '../../src/cache/contentChanges';
import { Article } from '../../src/modules/articles/article.entity';
import { createServer } from '../../src/server';
import { createTestDatabase, TestDatabase } from '../helpers/testDatabase';
import { TEST_REDIS_URL as REDIS_URL } from '../helpers/requiredServices';
import { createKey, createKeyRecord } from '../helpers/testEnvironment';
import { waitFor } from '../helpers/waitFor';

/**
 * What one caller could make the gateway keep, repeated: audit rows and log lines, cache-policy
 * memos, persisted queries in memory and in Redis. Each stays within its bound.
 * (Metric series: tests/http/server.test.ts; deep JSON: tests/http/malformed.test.ts.)
 */

const REFUSAL_LINE = 'mutation refused without a valid key (not audited)';

let db: TestDatabase;
let app: FastifyInstance;
let url: string;
const logged: any[] = [];
let admin: { key: string; id: number };
let editor: string;
/** The gateway's clock, which the refusal log goes by: moved past its interval instead of slept through. */
const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };

beforeAll(async () => {
  db = await createTestDatabase();
  const stream = { write: (line: string) => void logged.push(JSON.parse(line)) };
  // Without the response cache, the heap below grows only by what the policies keep.
  app = await createServer({ config: { production: false, responseCache: false }, dataSource: db.dataSource, logger: { level: 'warn', stream }, clock });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  const made = await createKeyRecord(db.dataSource, { role: 'admin', label: 'floods admin' });
  admin = { key: made.key, id: made.record.id };
  editor = await createKey(db.dataSource, { role: 'editor', unitCode: '14620', label: 'floods editor' });
});
afterAll(async () => {
  await app.close();
  await db.drop();
});

const post = async (body: unknown, headers: Record<string, string> = {}, to = url) => {
  const res = await fetch(`${to}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
};
const auditRows = async () => Number((await db.dataSource.query('SELECT COUNT(*) AS n FROM audit_log'))[0].n);
const aliasedSources = (n: number) => `mutation { ${Array.from({ length: n }, (_, i) => `s${i}: createSource(input: { name: "Nguồn ${i}" }) { id }`).join(' ')} }`;

describe('audit that cannot be flooded', () => {
  it.each([
    ['a malformed key, 500 aliased mutations', { authorization: 'Bearer nope' }, 500],
    ['a malformed key, 50 aliased mutations', { authorization: 'Bearer nope' }, 50],
    ['an unknown key, 50 aliased mutations', { authorization: `Bearer lt_0123456789abcdef_${'A'.repeat(43)}` }, 50],
    ['no key, 50 aliased mutations', {}, 50],
  ])('%s: refused, and not one audit row', async (_name, headers, fields) => {
    const before = await auditRows();
    const res = await post({ query: aliasedSources(fields) }, headers);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.data?.s0 ?? null).toBeNull();
    // An audit row is written before its mutation's answer is sent (auditTrail.ts awaits it).
    expect(await auditRows()).toBe(before);
    expect(Number((await db.dataSource.query('SELECT COUNT(*) AS n FROM sources'))[0].n)).toBe(0);
  });

  it('logs refusals without a valid key at most once a second, each line counting those it left out', async () => {
    clock.offsetMs += 1100; // a fresh interval: the cases above were logged too
    const start = logged.length;
    const lines = () => logged.slice(start).filter((l) => l.msg === REFUSAL_LINE);
    for (let i = 0; i < 30; i++) await post({ query: aliasedSources(3) }, { authorization: 'Bearer nope' });
    // Refused in well under a second each: the first is logged, most of the rest only counted.
    expect(lines().length).toBeLessThanOrEqual(3);
    expect(lines()[0]).toMatchObject({ level: 40, operation: 'createSource,createSource,createSource', errorCode: 'UNAUTHENTICATED', detail: 'the key sent is malformed' });
    clock.offsetMs += 1100;
    await post({ query: aliasedSources(1) }, { authorization: 'Bearer nope' });
    const all = lines();
    expect(all.at(-1)).toMatchObject({ operation: 'createSource' });
    // Every refusal is a line or counted in the next one (the first line counts the cases above).
    expect(all.length + all.slice(1).reduce((sum, l) => sum + l.suppressedSincePrevious, 0)).toBe(31);
    // What the caller sent stays out of the log.
    expect(JSON.stringify(all)).not.toContain('Nguồn');
  });

  it("still audits key holders' mutations field by field, applied or refused", async () => {
    const before = await auditRows();
    const ok = await post({ query: aliasedSources(2) }, { authorization: `Bearer ${admin.key}` });
    expect(ok.body.errors).toBeUndefined();
    const forbidden = await post({ query: 'mutation { createArticle(input: { originCode: "37", title: "Ngoài quyền", body: "<p>x</p>" }) { id } }' }, { authorization: `Bearer ${editor}` });
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const rows = await db.dataSource.query('SELECT key_id, operation, outcome, error_code FROM audit_log ORDER BY id');
    expect(rows.length).toBe(before + 3);
    expect(rows.slice(-3)).toEqual([
      { key_id: admin.id, operation: 'createSource', outcome: 'applied', error_code: null },
      { key_id: admin.id, operation: 'createSource', outcome: 'applied', error_code: null },
      { key_id: expect.any(Number), operation: 'createArticle', outcome: 'refused', error_code: 'FORBIDDEN' },
    ]);
  });
});

describe('bounded memory', () => {
  // What is left after a full collection (jest's node has no --expose-gc of its own).
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const heapUsed = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };

  it(`keeps at most ${POLICIES_PER_OPERATION} cache policies per operation, whatever @include values callers send`, () => {
    const BITS = 16;
    const document = parse(`query Combinations(${Array.from({ length: BITS }, (_, i) => `$v${i}: Boolean!`).join(', ')}) { ${Array.from({ length: BITS }, (_, i) => `f${i}: __typename @include(if: $v${i})`).join(' ')} }`);
    const operation = document.definitions[0] as OperationDefinitionNode;
    // The gateway's policies for one parsed query, asked as its requests ask them (server.ts), without HTTP in between.
    const policies = new CachePolicies(new DocumentPlans(subgraphSchema()));
    const ask = (from: number, to: number) => {
      for (let n = from; n < to; n++) expect(policies.of(document, operation, Object.fromEntries(Array.from({ length: BITS }, (_, b) => [`v${b}`, ((n >> b) & 1) === 1])))).not.toBeNull();
    };
    ask(0, 1_000);
    const before = heapUsed();
    ask(1_000, 13_000);
    // One policy kept per combination was ~0.5 KB each: ~6 MB more here. Bounded, under 1 MB.
    expect(heapUsed() - before).toBeLessThan(2.5 * 1024 * 1024);
  });

  it('bounds the shared feed-page cache by the articles its pages hold, not only by their number', async () => {
    const caches = createCaches(new LocalContentChanges(), { content: true });
    const article = (id: number) => ({ id, title: `Bài ${id}`, summary: 'Tóm tắt '.repeat(20), sourceId: null }) as unknown as Article;
    // Each page a feed of its own (its key's tags, as the feed loader gives them).
    const tags = (key: string) => [`shown:${key}`];
    // 2,000 distinct pages of 100 articles (any caller can ask for them: other units, cursors, filters).
    for (let n = 0; n < 2_000; n++) {
      await caches.feedPages.getMany([`page ${n}`], async ([key]) => new Map([[key, { articles: Array.from({ length: 100 }, (_, i) => article(n * 100 + i)), hasNextPage: true }]]), tags);
    }
    let held = 0;
    for (let n = 0; n < 2_000; n++) {
      const found = await caches.feedPages.getMany([`page ${n}`], async () => new Map(), tags);
      held += found.get(`page ${n}`)?.articles.length ?? 0;
    }
    // All 200,000 were kept before (20,000 pages of 100: ~3 GB of heap); now ~100 MB worth.
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(60_000);
  });

  const bigQuery = (i: number) => `{ __typename } # ${i} ${'x'.repeat(1_900_000)}`;
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const persisted = (sha256Hash: string, query?: string) => ({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } });

  it('executes a persisted query over PERSISTED_QUERY_MAX_BYTES but does not keep it; smaller ones are kept', async () => {
    const big = bigQuery(0);
    const registered = await post(persisted(sha256(big), big));
    expect(registered).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    // (its length, not the 1.9 MB text, in a failure message)
    expect((await app.responses.get(`apq:${sha256(big)}`))?.length).toBeUndefined();
    const byHash = await post(persisted(sha256(big)));
    expect(byHash.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const small = '{ provinces { code } }';
    await post(persisted(sha256(small), small));
    const again = await post(persisted(sha256(small)));
    expect(again.status).toBe(200);
    expect(again.body.data.provinces.length).toBeGreaterThan(0);
  });

  it('keeps Redis from growing with big persisted-query registrations', async () => {
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    const shared = await createServer({ config: { production: false, redisUrl: REDIS_URL }, dataSource: db.dataSource });
    const sharedUrl = await shared.listen({ port: 0, host: '127.0.0.1' });
    const namespace = `lienthong:${String(db.dataSource.options.database)}`;
    const ours = async () => {
      const keys: string[] = [];
      for await (const batch of redis.scanIterator({ MATCH: `${namespace}*`, COUNT: 1000 })) keys.push(...batch);
      const bytes = await Promise.all(keys.map(async (k) => Number(await redis.memoryUsage(k)) || 0));
      return { keys, bytes: bytes.reduce((a, b) => a + b, 0) };
    };
    try {
      for (let i = 1; i <= 20; i++) {
        const query = bigQuery(i);
        const res = await post(persisted(sha256(query), query), {}, sharedUrl);
        expect(res.status).toBe(200);
      }
      const small = '{ sources { id } }';
      await post(persisted(sha256(small), small), {}, sharedUrl);
      // Apollo stores persisted queries without waiting: wait for the small one to land.
      const smallKey = `${namespace}:apq:${sha256(small)}`;
      await waitFor('the small persisted query in Redis', async () => (await redis.exists(smallKey)) > 0, 5000);
      const { keys, bytes } = await ours();
      // 20 × 1.9 MB were 38 MB of Redis; now only the small query (and the content version) are there.
      expect(bytes).toBeLessThan(100_000);
      expect(keys.filter((k) => k.includes(':apq:'))).toEqual([expect.stringContaining(sha256(small))]);
    } finally {
      await shared.close();
      const { keys } = await ours();
      if (keys.length > 0) await redis.del(keys);
      await redis.quit();
    }
  }, 60_000);
});
