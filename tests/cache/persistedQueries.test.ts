import { createHash, randomBytes } from 'node:crypto';
import { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { createClient } from '@redis/client';
import { FastifyInstance } from 'fastify';
import { createPersistedQueryStore, PERSISTED_QUERY_TTL_SECONDS, PersistedQueryBounds } from '../../src/cache/responseCache';
import { ConfigError, DEFAULT_PERSISTED_QUERIES_MAX, DEFAULT_PERSISTED_QUERIES_MAX_TOTAL_BYTES, DEFAULT_PERSISTED_QUERY_MAX_BYTES, loadConfig } from '../../src/config';
import { RedisClient } from '../../src/db/redis';
import { createServer } from '../../src/server';
import { TEST_REDIS_URL } from '../helpers/requiredServices';
import { createTestDatabase, TestDatabase } from '../helpers/testDatabase';
import { waitFor } from '../helpers/waitFor';

/**
 * Automatic persisted queries cannot grow memory or Redis without bound: anyone may register any
 * number of distinct texts (3,000 of 65 KB were 197 MB of Redis, kept 24 h), so the store holds at
 * most PERSISTED_QUERIES_MAX of them and PERSISTED_QUERIES_MAX_TOTAL_BYTES of text, the oldest going
 * first, and a query registered after a flood is kept like any other. In Redis every key it writes
 * has a TTL (evictable under volatile-lru, as docs/operations.md asks). Each test has its own key
 * namespace in the shared Redis.
 */

const DEFAULT_BOUNDS: PersistedQueryBounds = {
  maxEntryBytes: DEFAULT_PERSISTED_QUERY_MAX_BYTES,
  maxEntries: DEFAULT_PERSISTED_QUERIES_MAX,
  maxTotalBytes: DEFAULT_PERSISTED_QUERIES_MAX_TOTAL_BYTES,
};
const silent = { warn() {} };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The n-th distinct query text of a flood, `bytes` long. */
const floodText = (n: number, bytes: number) => {
  const head = `{ __typename } # ${n} `;
  return head + 'x'.repeat(bytes - head.length);
};

let redis: RedisClient;
let namespace: string;

beforeAll(async () => {
  redis = createClient({ url: TEST_REDIS_URL }) as RedisClient;
  await redis.connect();
});
afterAll(async () => {
  await redis.quit();
});
beforeEach(() => {
  namespace = `lienthong:test-apq-${randomBytes(4).toString('hex')}`;
});
afterEach(async () => {
  const keys = await ourKeys();
  if (keys.length > 0) await redis.del(keys);
});

async function ourKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of redis.scanIterator({ MATCH: `${namespace}:*`, COUNT: 1000 })) keys.push(...batch);
  return keys;
}

/** Of `texts` (Apollo's keys: apq:<sha256>), those the store still has, and their bytes. */
async function kept(store: KeyValueCache<string>, texts: string[]): Promise<{ entries: number; bytes: number; newest: boolean[] }> {
  const found = await Promise.all(texts.map((text) => store.get(`apq:${sha256(text)}`)));
  const present = found.filter((text): text is string => text !== undefined);
  return { entries: present.length, bytes: present.reduce((sum, text) => sum + Buffer.byteLength(text), 0), newest: found.slice(-3).map((text) => text !== undefined) };
}

/** Stores `texts` as Apollo does, `concurrency` at a time, spread over `stores` (gateways sharing one Redis). */
async function register(stores: KeyValueCache<string>[], texts: string[], concurrency = 16): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < texts.length; i = next++) await stores[i % stores.length].set(`apq:${sha256(texts[i])}`, texts[i], { ttl: PERSISTED_QUERY_TTL_SECONDS });
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** What Redis holds under the namespace: entries, their bytes as Redis counts them, and keys without a TTL. */
async function inRedis(): Promise<{ entries: number; memoryBytes: number; withoutTtl: string[]; sizesTotal: number; entryBytes: number }> {
  const keys = await ourKeys();
  const entries = keys.filter((key) => /:apq:[0-9a-f]{64}$/.test(key));
  const memory = await Promise.all(keys.map(async (key) => Number(await redis.memoryUsage(key)) || 0));
  const ttls = await Promise.all(keys.map((key) => redis.pTTL(key)));
  const lengths = await Promise.all(entries.map((key) => redis.strLen(key)));
  return {
    entries: entries.length,
    memoryBytes: memory.reduce((a, b) => a + b, 0),
    withoutTtl: keys.filter((_, i) => ttls[i] < 0),
    sizesTotal: Number(await redis.hGet(`${namespace}:apq-sizes`, 'total')),
    entryBytes: lengths.reduce((a, b) => a + b, 0),
  };
}

describe.each(['memory', 'Redis'] as const)('the persisted-query store in %s', (where) => {
  const store = (bounds: PersistedQueryBounds) => createPersistedQueryStore(where === 'Redis' ? { client: redis, namespace } : null, bounds, silent);

  it('keeps at most PERSISTED_QUERIES_MAX_TOTAL_BYTES of 3,000 distinct 65 KB texts (the default bounds), the newest; a query stored after them hits', async () => {
    // Two gateways sharing the Redis (in memory: one process).
    const stores = where === 'Redis' ? [store(DEFAULT_BOUNDS), store(DEFAULT_BOUNDS)] : [store(DEFAULT_BOUNDS)];
    const flood = Array.from({ length: 3_000 }, (_, n) => floodText(n, 65_000));
    await register(stores, flood);
    const legit = 'query CommuneHome($code: ID!) { commune(code: $code) { fullName } }';
    await register(stores, [legit]);

    expect(await stores[0].get(`apq:${sha256(legit)}`)).toBe(legit);
    const { entries, bytes, newest } = await kept(stores[0], flood);
    // 195 MB were kept before.
    expect(bytes).toBeLessThanOrEqual(DEFAULT_BOUNDS.maxTotalBytes);
    expect(bytes).toBeGreaterThan(DEFAULT_BOUNDS.maxTotalBytes - 2 * 65_000);
    expect(entries).toBeLessThan(DEFAULT_BOUNDS.maxTotalBytes / 65_000);
    expect(newest).toEqual([true, true, true]);
    if (where === 'Redis') {
      const held = await inRedis();
      expect(held.entries).toBe(entries + 1);
      // Redis's own overhead per key is a few hundred bytes.
      expect(held.memoryBytes).toBeLessThan(DEFAULT_BOUNDS.maxTotalBytes + 1024 * 1024);
      expect(held.withoutTtl).toEqual([]);
      expect(held.sizesTotal).toBe(held.entryBytes);
    }
  }, 120_000);

  it('keeps at most PERSISTED_QUERIES_MAX texts, the newest, however small', async () => {
    const bounds = { ...DEFAULT_BOUNDS, maxEntries: 100 };
    const stores = where === 'Redis' ? [store(bounds), store(bounds)] : [store(bounds)];
    const flood = Array.from({ length: 3_000 }, (_, n) => floodText(n, 200));
    await register(stores, flood);

    const { entries, newest } = await kept(stores[0], flood);
    expect(entries).toBe(100);
    expect(newest).toEqual([true, true, true]);
    if (where === 'Redis') {
      const held = await inRedis();
      expect(held.entries).toBe(100);
      expect(held.sizesTotal).toBe(held.entryBytes);
      expect(await redis.zCard(`${namespace}:apq-index`)).toBe(100);
    }
  }, 60_000);
});

describe.each(['memory', 'Redis'] as const)('a gateway keeping persisted queries in %s', (where) => {
  const BOUNDS = { persistedQueriesMax: 100, persistedQueriesMaxTotalBytes: 256 * 1024 };
  let db: TestDatabase;
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createServer({ config: { production: false, redisUrl: where === 'Redis' ? TEST_REDIS_URL : undefined, ...BOUNDS }, dataSource: db.dataSource });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });
  beforeEach(() => {
    // The gateway's own namespace (lienthong:<database>), emptied after the test.
    namespace = `lienthong:${String(db.dataSource.options.database)}`;
  });

  const registerOverHttp = async (texts: string[]) => {
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < texts.length; i = next++) {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: texts[i], extensions: { persistedQuery: { version: 1, sha256Hash: sha256(texts[i]) } } }),
        });
        expect(res.status).toBe(200);
        await res.text();
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  };
  /** Apollo stores a registration after answering it: waits until the store has `text`. */
  const stored = (text: string) => waitFor('the registration to be stored', async () => (await app.responses.get(`apq:${sha256(text)}`)) !== undefined);

  it('is bounded in number and bytes by PERSISTED_QUERIES_MAX and PERSISTED_QUERIES_MAX_TOTAL_BYTES; a portal query registered after a flood is answered by its hash', async () => {
    const small = Array.from({ length: 500 }, (_, n) => floodText(n, 1_000));
    await registerOverHttp(small);
    await stored(small[small.length - 1]);
    expect((await kept(app.responses, small)).entries).toBeLessThanOrEqual(BOUNDS.persistedQueriesMax);

    const large = Array.from({ length: 40 }, (_, n) => floodText(500 + n, 16 * 1024));
    await registerOverHttp(large);
    await stored(large[large.length - 1]);
    expect((await kept(app.responses, [...small, ...large])).bytes).toBeLessThanOrEqual(BOUNDS.persistedQueriesMaxTotalBytes);
    if (where === 'Redis') expect((await inRedis()).entries).toBeLessThanOrEqual(BOUNDS.persistedQueriesMax);

    const legit = '{ provinces { code name } }';
    await registerOverHttp([legit]);
    await stored(legit);
    const byHash = await fetch(`${url}/graphql?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(legit) } }))}`);
    expect(byHash.status).toBe(200);
    expect(((await byHash.json()) as { data: { provinces: unknown[] } }).data.provinces.length).toBeGreaterThan(0);
  }, 120_000);
});

describe('settings', () => {
  it('reads PERSISTED_QUERIES_MAX and PERSISTED_QUERIES_MAX_TOTAL_BYTES', () => {
    expect(loadConfig({})).toMatchObject({ persistedQueriesMax: 10_000, persistedQueriesMaxTotalBytes: 16 * 1024 * 1024 });
    expect(loadConfig({ PERSISTED_QUERIES_MAX: '500', PERSISTED_QUERIES_MAX_TOTAL_BYTES: '1048576' })).toMatchObject({ persistedQueriesMax: 500, persistedQueriesMaxTotalBytes: 1_048_576 });
  });

  it('refuses a total smaller than one text may be, in one line', () => {
    const env = { PERSISTED_QUERY_MAX_BYTES: '65536', PERSISTED_QUERIES_MAX_TOTAL_BYTES: '4096' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow('PERSISTED_QUERIES_MAX_TOTAL_BYTES (4096) must be at least PERSISTED_QUERY_MAX_BYTES (65536)');
  });
});
