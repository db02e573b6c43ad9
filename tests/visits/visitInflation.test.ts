import { createClient } from '@redis/client';
import { RedisClient } from '../../src/db/redis';
import { insertArticles } from '../helpers/fixtures';
import { startTestServer, TestServer } from '../helpers/testServer';
import { TEST_REDIS_URL as REDIS_URL } from '../helpers/requiredServices';

/**
 * One caller cannot inflate the visit counters (#13): one request counts at most one visit per
 * unit whatever its aliases; a client address counts at most VISITS_PER_ADDRESS_PER_MINUTE visits per
 * unit per minute (its address from X-Forwarded-For only through a trusted proxy); a refused request
 * counts nothing; the Redis online sets are capped as the in-memory maps are. Each against the
 * whole gateway, in memory and with Redis, with a hand-set clock that jumps 6 minutes before every
 * test (every window and every online visitor of the test before has ended).
 */
/**
 * 10:00 in Vietnam on 10 April 2026: the map of 2025-07-01 is in force by this clock (which
 * recordVisit goes by) as by the real one (which reads without `on` go by).
 */
const START = Date.parse('2026-04-10T03:00:00Z');
/** The new Tỉnh Ninh Bình, the province of every commune visited here. */
const NINH_BINH = '37@2025-07-01';
const PER_ADDRESS = 5;
const MAX_ONLINE = 30;

type Stats = { total: number; online: number; subtree: number };

async function post(server: TestServer, body: object, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, any>; errors?: { message: string; path?: string[]; extensions: Record<string, any> }[] } };
}

async function statsOf(server: TestServer, units: string[]): Promise<Stats[]> {
  const res = await server.gql(`{ ${units.map((u, i) => `u${i}: unit(code: "${u}") { own: visits { total online } sub: visits(includeDescendants: true) { total } }`).join(' ')} }`);
  expect(res.errors).toBeUndefined();
  return units.map((_, i) => ({ total: res.data[`u${i}`].own.total, online: res.data[`u${i}`].own.online, subtree: res.data[`u${i}`].sub.total }));
}

/** The change in each unit's counters over `act`. */
async function delta(server: TestServer, units: string[], act: () => Promise<unknown>): Promise<Stats[]> {
  const before = await statsOf(server, units);
  await act();
  const after = await statsOf(server, units);
  return after.map((a, i) => ({ total: a.total - before[i].total, online: a.online - before[i].online, subtree: a.subtree - before[i].subtree }));
}

const visitField = (alias: string, unit: string, visitor: string, article?: number | string) =>
  `${alias}: recordVisit(unitCode: "${unit}", visitorId: "${visitor}"${article === undefined ? '' : `, articleId: "${article}"`})`;

let run = 0;
/** A visitorId no test has used. */
const fresh = (what: string) => `${what}-${++run}-${Math.random().toString(36).slice(2, 8)}`;

describe.each([
  ['in memory', undefined],
  ['with Redis', REDIS_URL],
])('%s', (_mode, redisUrl) => {
  const clock = { at: START, now() { return this.at; } };
  let server: TestServer;
  let redis: RedisClient | null = null;
  let namespace: string;
  /** Codes of communes of today's Ninh Bình (37) other than Phát Diệm that no test has used yet: each test takes its own. */
  let unused: string[];
  /** The id of the unit in force today with each code of `unused`. */
  const idOf = new Map<string, string>();
  const take = (n = 1) => {
    expect(unused.length).toBeGreaterThanOrEqual(n);
    return unused.splice(0, n);
  };
  /** An article of the old Thị trấn Phát Diệm (14620), shown on Xã Phát Diệm (which keeps its archive) only. */
  let onPhatDiem: number;

  beforeAll(async () => {
    server = await startTestServer({
      clock,
      // The test's requests come from 127.0.0.1, a proxy that says who its clients are.
      config: { redisUrl, trustProxy: ['127.0.0.1'], visitsPerAddressPerMinute: PER_ADDRESS },
      visits: { online: { maxEntries: MAX_ONLINE }, buffer: { flushIntervalMs: 50 } },
    });
    namespace = `lienthong:${String(server.db.dataSource.options.database)}`;
    if (redisUrl) {
      redis = createClient({ url: redisUrl }) as RedisClient;
      await redis.connect();
    }
    const communes: { id: string; code: string }[] = await server.db.dataSource.query(
      "SELECT id, code FROM units WHERE parent_id = ? AND level = 'COMMUNE' AND code <> '14620' ORDER BY code",
      [NINH_BINH],
    );
    unused = communes.map((r) => r.code);
    for (const r of communes) idOf.set(r.code, r.id);
    [onPhatDiem] = await insertArticles(server.db.dataSource, [{ title: 'Tin Phát Diệm', origin: '14620', publishedAt: new Date('2024-06-01T03:00:00Z') }]);
  }, 120_000);

  afterAll(async () => {
    await server.close();
    if (redis) {
      const keys = await redis.keys(`${namespace}:*`);
      if (keys.length > 0) await redis.del(keys);
      await redis.quit();
    }
  });

  beforeEach(() => {
    clock.at += 6 * 60_000;
  });

  describe('one request', () => {
    it('counts at most one visit per unit, whatever its aliases (50 visitorIds on one unit count 1, online 1)', async () => {
      const [unit] = take();
      const fields = Array.from({ length: 50 }, (_, i) => visitField(`v${i}`, unit, fresh('alias')));
      let res!: Awaited<ReturnType<typeof post>>;
      const [change] = await delta(server, [unit], async () => (res = await post(server, { query: `mutation { ${fields.join(' ')} }` }, { 'x-forwarded-for': '198.51.100.1' })));
      expect(res.status).toBe(200);
      expect(Object.values(res.body.data!)).toEqual([true, ...Array(49).fill(false)]);
      expect(change).toEqual({ total: 1, online: 1, subtree: 1 });
    });

    it('one per unit through fragments and inline fragments too; other units count their own', async () => {
      const [a, b] = take(2);
      const query = `mutation { ...A ... on Mutation { ${visitField('b1', b, fresh('frag'))} ${visitField('a2', a, fresh('frag'))} } ${visitField('b2', b, fresh('frag'))} }
        fragment A on Mutation { ${visitField('a1', a, fresh('frag'))} ${visitField('a3', a, fresh('frag'))} }`;
      let res!: Awaited<ReturnType<typeof post>>;
      const change = await delta(server, [a, b], async () => (res = await post(server, { query }, { 'x-forwarded-for': '198.51.100.2' })));
      expect(res.body.data).toEqual({ a1: true, a3: false, b1: true, a2: false, b2: false });
      expect(change).toEqual([{ total: 1, online: 1, subtree: 1 }, { total: 1, online: 1, subtree: 1 }]);
    });
  });

  describe('a refused request counts nothing', () => {
    it.each([
      ['an unknown unit', () => visitField('v9', '99998', fresh('bad')), 'unitCode'],
      ['a unit that has ended (Huyện Kim Sơn, until 2025-06-30)', () => visitField('v9', '376', fresh('bad')), 'unitCode'],
      ['an article not shown on the unit', () => visitField('v9', 'SECOND', fresh('bad'), onPhatDiem), 'articleId'],
      ['an unknown article', () => visitField('v9', 'SECOND', fresh('bad'), 4_000_000_000), 'articleId'],
      ['an empty visitorId', () => visitField('v9', 'SECOND', ''), 'visitorId'],
    ])('ten recordVisit fields, the last with %s: BAD_USER_INPUT (HTTP 400) and not one counted', async (_what, bad, field) => {
      const units = take(10);
      const fields = units.slice(0, 9).map((unit, i) => visitField(`v${i}`, unit, fresh('batch')));
      const query = `mutation { ${fields.join(' ')} ${bad().replace('SECOND', units[9])} }`;
      let res!: Awaited<ReturnType<typeof post>>;
      const change = await delta(server, [...units, '37'], async () => (res = await post(server, { query }, { 'x-forwarded-for': '198.51.100.3' })));
      // Served counters include what is still buffered: nothing was added anywhere in the lineage.
      expect(change).toEqual(Array(11).fill({ total: 0, online: 0, subtree: 0 }));
      expect(res.status).toBe(400);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors![0]).toMatchObject({ path: ['v9'], extensions: { code: 'BAD_USER_INPUT', field } });
    });

    it('arguments and @include come from the variables: the bad field refuses the request only when it is included', async () => {
      const units = take(4);
      const query = `mutation($visitor: String!, $bad: String!, $withBad: Boolean!) {
        ${units.slice(0, 3).map((unit, i) => `v${i}: recordVisit(unitCode: "${unit}", visitorId: $visitor)`).join(' ')}
        v3: recordVisit(unitCode: "${units[3]}", visitorId: $bad) @include(if: $withBad)
      }`;
      const send = (withBad: boolean) => post(server, { query, variables: { visitor: fresh('vars'), bad: 'x'.repeat(129), withBad } }, { 'x-forwarded-for': '198.51.100.4' });
      let refused!: Awaited<ReturnType<typeof post>>;
      expect(await delta(server, units, async () => (refused = await send(true)))).toEqual(Array(4).fill({ total: 0, online: 0, subtree: 0 }));
      expect([refused.status, refused.body.errors![0].path, refused.body.errors![0].extensions.field]).toEqual([400, ['v3'], 'visitorId']);
      let accepted!: Awaited<ReturnType<typeof post>>;
      const change = await delta(server, units, async () => (accepted = await send(false)));
      expect(accepted.body).toEqual({ data: { v0: true, v1: true, v2: true } });
      expect(change.map((c) => c.total)).toEqual([1, 1, 1, 0]);
    });

    it('recordVisit with another mutation in one request is refused whole: BAD_USER_INPUT, nothing counted, nothing else run', async () => {
      const [unit] = take();
      const query = `mutation { ${visitField('v', unit, fresh('mixed'))} deleteArticle(id: "${onPhatDiem}") }`;
      let res!: Awaited<ReturnType<typeof post>>;
      const [change] = await delta(server, [unit], async () => (res = await post(server, { query }, { 'x-forwarded-for': '198.51.100.5' })));
      expect(change).toEqual({ total: 0, online: 0, subtree: 0 });
      expect(res.status).toBe(400);
      expect(res.body.errors![0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors![0].message).toMatch(/recordVisit cannot share a request with other mutations \(here deleteArticle\)/);
      // __typename is not a mutation: a visit may ask for it.
      const typename = await post(server, { query: `mutation { __typename ${visitField('v', unit, fresh('mixed'))} }` }, { 'x-forwarded-for': '198.51.100.5' });
      expect(typename.body).toEqual({ data: { __typename: 'Mutation', v: true } });
    });
  });

  describe('a client address', () => {
    const visitFrom = async (address: string, unit: string, article?: number) => {
      const res = await post(server, { query: `mutation { ${visitField('v', unit, fresh('addr'), article)} }` }, { 'x-forwarded-for': address });
      expect(res.body.errors).toBeUndefined();
      return res.body.data!.v as boolean;
    };

    it(`counts at most ${PER_ADDRESS} visits per unit per minute, whatever the visitorIds, and is not online beyond them`, async () => {
      const [unit, other] = take(2);
      const answers: boolean[] = [];
      const [change] = await delta(server, [unit], async () => {
        for (let i = 0; i < PER_ADDRESS + 3; i++) answers.push(await visitFrom('203.0.113.7', unit));
      });
      expect(answers).toEqual([...Array(PER_ADDRESS).fill(true), false, false, false]);
      expect(change).toEqual({ total: PER_ADDRESS, online: PER_ADDRESS, subtree: PER_ADDRESS });
      // Its visits to another unit, and another address's to this one, still count.
      expect(await visitFrom('203.0.113.7', other)).toBe(true);
      expect(await visitFrom('203.0.113.8', unit)).toBe(true);
      // The left of a chain is the client's own claim: only the address the trusted proxy saw counts.
      expect(await visitFrom('192.0.2.1, 203.0.113.7', unit)).toBe(false);
      // A minute after its first counted visit, the address counts again.
      clock.at += 60_000;
      expect(await visitFrom('203.0.113.7', unit)).toBe(true);
    });

    it('an IPv6 client is counted by its /64', async () => {
      const [unit] = take();
      for (let i = 0; i < PER_ADDRESS; i++) expect(await visitFrom(`2001:db8:1:2::${i + 1}`, unit)).toBe(true);
      expect(await visitFrom('2001:db8:1:2:abcd:ef::9', unit)).toBe(false);
      expect(await visitFrom('2001:db8:1:3::1', unit)).toBe(true);
    });

    it(`online stays exact below the cap of ${MAX_ONLINE} visitors per unit${redisUrl ? ', and every Redis set is capped at it' : ''}`, async () => {
      const [unit] = take();
      const address = (i: number) => `203.0.113.${100 + Math.floor(i / PER_ADDRESS)}`;
      for (let i = 0; i < 20; i++) expect(await visitFrom(address(i), unit)).toBe(true);
      expect((await statsOf(server, [unit]))[0]).toMatchObject({ total: 20, online: 20 });
      for (let i = 20; i < 50; i++) {
        clock.at += 10;
        expect(await visitFrom(address(i), unit)).toBe(true);
      }
      // Every visit counted; online holds the latest visitors only.
      expect((await statsOf(server, [unit]))[0]).toMatchObject({ total: 50, online: MAX_ONLINE });
      if (redis) {
        // The sets of the unit's lineage, by unit id: the commune, then its province (today's map has no districts).
        const id = idOf.get(unit)!;
        for (const key of [`own:${id}`, `subtree:${id}`, `subtree:${NINH_BINH}`]) {
          expect([key, await redis.zCard(`${namespace}:visits:online:${key}`)]).toEqual([key, MAX_ONLINE]);
        }
      }
    });
  });
});

describe('by default', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  }, 120_000);
  afterAll(() => server.close());

  it('an address counts at most 60 visits per unit per minute, and X-Forwarded-For is not believed (no proxy trusted)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 70 }, (_, i) =>
        post(server, { query: `mutation { ${visitField('v', '14620', `default-${i}`)} }` }, { 'x-forwarded-for': `203.0.113.${i}` }).then((r) => r.body.data!.v as boolean),
      ),
    );
    expect(answers.filter(Boolean)).toHaveLength(60);
    expect((await statsOf(server, ['14620']))[0]).toMatchObject({ total: 60, online: 60 });
  });
});
