import { createHash } from 'node:crypto';
import { seedDemoContent } from '../../seeds/demo';
import { GatewayProcess, startGatewayProcess } from '../helpers/gatewayProcess';
import { CREATE_ARTICLE, RECORD_VISIT } from '../helpers/operations';
import { createTestDatabase, TestDatabase } from '../helpers/testDatabase';
import { TEST_REDIS_URL as REDIS_URL } from '../helpers/requiredServices';
import { createKey } from '../helpers/testEnvironment';

/**
 * Two real gateway processes over one database and one Redis, as behind a load balancer: counts,
 * the abuse rule, online visitors, cache invalidation and persisted queries agree whichever process
 * a call lands on.
 */
type Gateway = GatewayProcess;

let db: TestDatabase;
let a: Gateway;
let b: Gateway;
let key: string;
/** A commune of today's Ninh Bình no other test visits. */
let quiet: string;

const startGateway = () =>
  // Every call comes from 127.0.0.1: the limit per address is tested in visitInflation.test.ts.
  startGatewayProcess({ DATABASE_URL: db.url, REDIS_URL, LOG_LEVEL: 'warn', NODE_ENV: 'development', VISITS_PER_ADDRESS_PER_MINUTE: 'off' });

beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.transaction((m) => seedDemoContent(m));
  key = await createKey(db.dataSource, { role: 'admin', unitCode: null, label: 'multi-process test' });
  [{ code: quiet }] = await db.dataSource.query("SELECT code FROM units WHERE parent_id = '37@2025-07-01' AND code NOT IN ('14620', '14623') ORDER BY code LIMIT 1");
  const started = await Promise.allSettled([startGateway(), startGateway()]);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    // The one that did start must not outlive the suite.
    await Promise.all(started.map((s) => s.status === 'fulfilled' && s.value.stop()));
    throw failed.reason;
  }
  [a, b] = started.map((s) => (s as PromiseFulfilledResult<Gateway>).value);
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db.drop();
});

interface Answer {
  data?: any;
  errors?: { message: string; extensions?: Record<string, any> }[];
  age: string | null;
}

async function send(gateway: Gateway, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { ...((await res.json()) as object), age: res.headers.get('age') };
}

const gql = (gateway: Gateway, query: string, variables?: Record<string, unknown>) => send(gateway, { query, variables });
const record = (gateway: Gateway, unit: string, visitor: string, article: string | null = null) =>
  gql(gateway, RECORD_VISIT, { unitCode: unit, visitorId: visitor, articleId: article }).then((r) => {
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data.recordVisit as boolean;
  });
const COUNTER = 'query($code: ID!) { unit(code: $code) { visits { total today online } subtree: visits(includeDescendants: true) { total online } } }';
const counter = async (gateway: Gateway, code: string) => (await gql(gateway, COUNTER, { code })).data.unit;

/** Each process flushes its own buffer every 500 ms: wait until both have. */
async function settled<T>(read: () => Promise<T>, expected: T): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (JSON.stringify(value) === JSON.stringify(expected) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('two gateway processes, one database, one Redis', () => {
  it('add up every accepted recordVisit exactly, whichever process took it', async () => {
    // Xã Phát Diệm, today's unit with the code, right under today's Ninh Bình.
    const before = { ...(await counter(a, '14620')), province: (await counter(a, '37')).subtree.total };
    const calls = Array.from({ length: 400 }, (_, i) => record(i % 2 === 0 ? a : b, '14620', `reader-${i}`));
    const accepted = (await Promise.all(calls)).filter(Boolean).length;
    expect(accepted).toBe(400);
    const expected = before.visits.total + accepted;
    // Each process shows its own buffered visits at once and the other's once that one has flushed.
    expect(await settled(async () => (await counter(a, '14620')).visits.total, expected)).toBe(expected);
    expect(await settled(async () => (await counter(b, '14620')).visits.total, expected)).toBe(expected);
    // The province's subtree counter has them too, seen from either process.
    const province = await settled(async () => (await counter(a, '37')).subtree.total, before.province + accepted);
    expect(province).toBe(before.province + accepted);
    expect(await settled(async () => (await counter(b, '37')).subtree.total, province)).toBe(province);
  });

  it('apply the abuse rule across processes: a repeat on the other process is not counted', async () => {
    expect(await record(a, '14623', 'reloader')).toBe(true);
    expect(await record(b, '14623', 'reloader')).toBe(false);
    expect(await record(a, '14623', 'reloader')).toBe(false);
    // At most 10 counted visits per visitor and unit a minute, however they are spread (over Xã
    // Phát Diệm's own articles and those of the archives it keeps).
    const articles: string[] = (await gql(a, '{ unit(code: "14620") { articles(first: 12, scope: UNIT) { nodes { id } } } }')).data.unit.articles.nodes.map((n: { id: string }) => n.id);
    expect(articles.length).toBeGreaterThanOrEqual(11);
    const verdicts: boolean[] = [];
    for (const [i, id] of articles.slice(0, 11).entries()) verdicts.push(await record(i % 2 === 0 ? a : b, '14620', 'crawler', id));
    expect(verdicts.filter(Boolean)).toHaveLength(10);
    expect(verdicts[10]).toBe(false);
  });

  it('count a visitor online once, whichever processes it visited through', async () => {
    for (let i = 0; i < 5; i++) await record(a, quiet, `online-${i}`);
    for (let i = 3; i < 9; i++) await record(b, quiet, `online-${i}`);
    const fromA = await counter(a, quiet);
    const fromB = await counter(b, quiet);
    expect(fromA.visits.online).toBe(9);
    expect(fromB.visits.online).toBe(9);
    expect(fromB.subtree.online).toBe(9);
  });

  it('show an edit made through one process to readers of the other at once', async () => {
    const FEED = '{ commune(code: "14620") { articles(first: 3) { nodes { title } } } }';
    await gql(b, FEED);
    expect((await gql(b, FEED)).age).not.toBeNull(); // cached on B (in Redis)
    const created = await send(
      a,
      { query: CREATE_ARTICLE, variables: { input: { originCode: '14620', title: 'Phát Diệm công bố thủ tục hành chính mới', summary: 'Tóm tắt.', body: '<p>Nội dung.</p>' } } },
      { authorization: `Bearer ${key}` },
    );
    expect(created.errors).toBeUndefined();
    const onB = await gql(b, FEED);
    expect(onB.age).toBeNull();
    expect(onB.data.commune.articles.nodes[0].title).toBe('Phát Diệm công bố thủ tục hành chính mới');
    // The home page with its counter is never a cached response; its feed comes from B's own shared cache.
    const home = await gql(b, '{ commune(code: "14620") { visits { total } articles(first: 1) { nodes { title } } } }');
    expect(home.data.commune.articles.nodes[0].title).toBe('Phát Diệm công bố thủ tục hành chính mới');
  });

  it('share persisted queries: registered through one process, used by hash through the other', async () => {
    const text = '{ province(code: "37") { fullName } }';
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(text).digest('hex') };
    expect((await send(b, { extensions: { persistedQuery } })).errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    await send(a, { query: text, extensions: { persistedQuery } });
    // Apollo registers a persisted query without waiting for the store: A may answer before Redis has it.
    let byHash = await send(b, { extensions: { persistedQuery } });
    for (const deadline = Date.now() + 2000; byHash.data === undefined && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 20));
      byHash = await send(b, { extensions: { persistedQuery } });
    }
    expect(byHash.data).toEqual({ province: { fullName: 'Tỉnh Ninh Bình' } });
  });
});
