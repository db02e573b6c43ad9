import { createHash } from 'node:crypto';
import { createClient } from '@redis/client';
import { seedDemoContent } from '../../seeds/demo';
import { CuttableProxy } from '../helpers/cuttableProxy';
import { CREATE_ARTICLE } from '../helpers/operations';
import { createTestDatabase } from '../helpers/testDatabase';
import { serveTestDatabase, TestServer } from '../helpers/testServer';
import { TEST_REDIS_URL } from '../helpers/requiredServices';
import { createKey } from '../helpers/testEnvironment';

/**
 * Redis going away under a gateway started with REDIS_URL: requests keep working (cache misses, the
 * process's own abuse rule and online count), edits are not reported as failed and show at once on
 * this process, and the shared state is used again once Redis is back. The shared Redis stays up
 * for the other suites: the gateway reaches it through a proxy this test cuts.
 */
const REDIS = new URL(TEST_REDIS_URL);

let proxy: CuttableProxy;
let server: TestServer;
let key: string;

beforeAll(async () => {
  proxy = new CuttableProxy({ host: REDIS.hostname, port: Number(REDIS.port || 6379) });
  await proxy.up();
  const db = await createTestDatabase();
  await db.dataSource.transaction((m) => seedDemoContent(m));
  key = await createKey(db.dataSource, { role: 'admin', unitCode: null, label: 'redis outage test' });
  server = await serveTestDatabase(db, { config: { redisUrl: `redis://127.0.0.1:${proxy.port}` } });
}, 60_000);

afterAll(async () => {
  await server.close();
  await proxy.cut();
});

async function send(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, age: res.headers.get('age'), body: (await res.json()) as { data?: any; errors?: { extensions?: Record<string, unknown> }[] } };
}

const FEED = '{ commune(code: "14620") { articles(first: 3) { nodes { title } } } }';
const RECORD = 'mutation($visitor: String!) { recordVisit(unitCode: "14623", visitorId: $visitor) }';
const record = async (visitor: string) => (await send({ query: RECORD, variables: { visitor } })).body.data?.recordVisit;
const online = async () => (await send({ query: '{ unit(code: "14623") { visits { online } } }' })).body.data.unit.visits.online as number;

describe('Redis outage under a running gateway', () => {
  it('uses Redis while it is up', async () => {
    await send({ query: FEED });
    expect((await send({ query: FEED })).age).not.toBeNull();
    expect(await record('before')).toBe(true);
    expect(await record('before')).toBe(false);
    expect(await online()).toBe(1);
  });

  it('decides concurrent visits together, in order: one visitor\'s 20 simultaneous calls count once', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => record('all at once')));
    expect(results.filter((r) => r === true)).toHaveLength(1);
    expect(results.filter((r) => r === false)).toHaveLength(19);
    // Others in the same batches are decided on their own.
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => record(`together ${i}`)));
    expect(many.every((r) => r === true)).toBe(true);
  });

  it('keeps answering while Redis is unreachable: kept answers, local rules, edits shown at once', async () => {
    await proxy.cut();
    const feed = await send({ query: FEED });
    expect(feed.status).toBe(200);
    expect(feed.body.errors).toBeUndefined();
    // Answers are kept in each process's memory: the one kept before the outage still serves.
    expect(feed.age).not.toBeNull();

    // The process's own abuse rule and online count decide meanwhile.
    expect(await record('during')).toBe(true);
    expect(await record('during')).toBe(false);
    expect(await online()).toBe(1);

    const created = await send(
      { query: CREATE_ARTICLE, variables: { input: { originCode: '14620', title: 'Phát Diệm họp dân về quy hoạch khu dân cư', summary: 'Tóm tắt.', body: '<p>Nội dung.</p>' } } },
      { authorization: `Bearer ${key}` },
    );
    expect(created.body.errors).toBeUndefined();
    expect((await send({ query: FEED })).body.data.commune.articles.nodes[0].title).toBe('Phát Diệm họp dân về quy hoạch khu dân cư');

    // Persisted queries are unknown, not an error: the client sends the query again.
    const text = '{ province(code: "37") { fullName } }';
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(text).digest('hex') };
    const byHash = await send({ extensions: { persistedQuery } });
    expect(byHash.body.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await send({ query: text, extensions: { persistedQuery } })).body.data).toEqual({ province: { fullName: 'Tỉnh Ninh Bình' } });
  });

  it('uses Redis again once it is back, without a restart', async () => {
    await proxy.up();
    // Persisted queries are kept in Redis: one found by its hash says Redis answers again.
    const text = '{ province(code: "36") { fullName } }';
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(text).digest('hex') };
    const deadline = Date.now() + 10_000;
    let back = false;
    while (!back && Date.now() < deadline) {
      await send({ query: text, extensions: { persistedQuery } });
      back = (await send({ extensions: { persistedQuery } })).body.errors === undefined;
      if (!back) await new Promise((r) => setTimeout(r, 200));
    }
    expect(back).toBe(true);
    // The shared rule again: a visitor counted before the outage is still in its window there.
    expect(await record('before')).toBe(false);
    expect(await record('after')).toBe(true);
  });

  it('applies the shared rule after Redis forgot its scripts (as after a Redis restart)', async () => {
    const admin = createClient({ url: REDIS.toString() });
    await admin.connect();
    try {
      const ruleKeys = async () => (await admin.keys(`lienthong:${String(server.db.dataSource.options.database)}:visits:rule:14623:*`)).length;
      const before = await ruleKeys();
      await admin.scriptFlush();
      expect(await record('after a script flush')).toBe(true);
      expect(await record('after a script flush')).toBe(false);
      // Decided in Redis, not by this process's fallback rule.
      expect(await ruleKeys()).toBe(before + 1);
    } finally {
      await admin.quit();
    }
  });
});
