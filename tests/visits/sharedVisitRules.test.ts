import { randomBytes } from 'node:crypto';
import { createClient } from '@redis/client';
import { connectRedis, RedisClient } from '../../src/db/redis';
import { mulberry32 } from '../../seeds/mulberry32';
import { VisitAbuseRule } from '../../src/modules/visits/admission/abuseRule';
import { SharedVisitRules, TRIM_EVERY_MS } from '../../src/modules/visits/admission/sharedVisitRules';
import { VisitorsOnline } from '../../src/modules/visits/admission/visitorsOnline';
import { VisitToAdmit } from '../../src/modules/visits/admission/visitAdmission';
import { CuttableProxy } from '../helpers/cuttableProxy';
import { TEST_REDIS_URL as REDIS_URL } from '../helpers/requiredServices';
import { waitFor } from '../helpers/waitFor';

/**
 * The abuse rule and 'online' as several gateways share them in Redis (sharedVisitRules.ts) must
 * decide exactly as one process does in memory (abuseRule.ts, visitorsOnline.ts), whatever the
 * batching, and keep Redis's memory bounded. Each test has its own key namespace in the shared Redis.
 */
const HOUR = Date.UTC(2025, 3, 1, 3);

let client: RedisClient;
let namespace: string;

beforeAll(async () => {
  client = createClient({ url: REDIS_URL }) as RedisClient;
  await client.connect();
});

afterAll(async () => {
  await client.quit();
});

beforeEach(() => {
  namespace = `lienthong:test-shared-rules-${randomBytes(4).toString('hex')}`;
});

afterEach(async () => {
  // The namespace and any made from it (a test may use two).
  const keys = await client.keys(`${namespace}*`);
  if (keys.length > 0) await client.del(keys);
});

function rules(keyNamespace = namespace, { perAddressLimit = Infinity, maxOnline = 500_000 } = {}) {
  const abuse = new VisitAbuseRule({ perAddressLimit });
  const online = new VisitorsOnline({ maxEntries: maxOnline });
  return { abuse, online, shared: new SharedVisitRules({ client, namespace: keyNamespace }, abuse, online) };
}

interface Visit {
  visitor: string;
  /** The client address (addressKey()); 'a' unless a test says otherwise. */
  address?: string;
  lineage: string[];
  article: number | null;
  now: number;
}

const toAdmit = (v: Visit): VisitToAdmit => ({ unitCode: v.lineage[0], lineage: v.lineage, article: v.article, visitor: v.visitor, address: v.address ?? 'a', now: v.now });

/** What one process decides in memory, visit by visit. */
function inMemory(abuse: VisitAbuseRule, online: VisitorsOnline, visit: Visit): boolean {
  const seen = () => online.seen(visit.lineage, visit.visitor, visit.now);
  return abuse.admit(toAdmit(visit), { seen, commit: () => true });
}

const admit = (shared: SharedVisitRules, v: Visit) => shared.admit(toAdmit(v));

describe('abuse rule in Redis', () => {
  it('refuses a repeat of the same page within 30 s, and counts it again from 30 s on', async () => {
    const { shared } = rules();
    const visit = (article: number | null, now: number) => admit(shared, { visitor: 'v', lineage: ['14620', '1462', '37'], article, now });
    expect(await visit(7, HOUR)).toBe(true);
    expect(await visit(7, HOUR + 29_999)).toBe(false);
    expect(await visit(null, HOUR + 29_999)).toBe(true);
    expect(await visit(8, HOUR + 29_999)).toBe(true);
    expect(await visit(7, HOUR + 30_000)).toBe(true);
  });

  it('counts at most 10 visits per visitor and unit per minute, and a repeat window outlives its minute', async () => {
    const { shared } = rules();
    const visit = (article: number, now: number, unit = '14620') => admit(shared, { visitor: 'v', lineage: [unit], article, now });
    const first = await Promise.all(Array.from({ length: 12 }, (_, i) => visit(i + 1, HOUR + i * 1000)));
    expect(first).toEqual([...Array(10).fill(true), false, false]);
    expect(await visit(20, HOUR + 59_999)).toBe(false);
    // Another unit has its own minute.
    expect(await visit(20, HOUR + 59_999, '14623')).toBe(true);
    // A new minute from HOUR + 60 s: pages counted in the first one are out of their 30 s.
    expect(await visit(10, HOUR + 60_000)).toBe(true);
    expect(await visit(11, HOUR + 60_001)).toBe(true);
    // Page 21, counted at 110 s, is still in its repeat window in the next minute (from 120 s).
    expect(await visit(21, HOUR + 110_000)).toBe(true);
    expect(await visit(21, HOUR + 125_000)).toBe(false);
    expect(await visit(22, HOUR + 125_000)).toBe(true);
    expect(await visit(21, HOUR + 140_000)).toBe(true);
  });

  it('keeps one small hash per visitor and unit, expiring with its longest window', async () => {
    const { shared } = rules();
    const visit = (article: number, now: number) => admit(shared, { visitor: 'v', lineage: ['14620'], article, now });
    for (let i = 0; i < 10; i++) await visit(i, HOUR + i);
    const [key] = await client.keys(`${namespace}:visits:rule:*`);
    expect(await client.hLen(key)).toBe(12);
    const ttl = await client.pTTL(key);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // A new minute drops the pages whose repeat window has ended: the hash does not grow with time.
    await visit(100, HOUR + 60_000);
    expect((await client.hKeys(key)).sort()).toEqual(['count', 'p:100', 'until']);
    expect(await client.hGet(key, 'count')).toBe('1');
  });

  it('decides exactly as one process does in memory, visit by visit and in batches', async () => {
    const random = mulberry32(7);
    const lineages = [['14620', '1462', '37'], ['14623', '1462', '37'], ['1462', '37']];
    const visits: Visit[] = [];
    let now = HOUR;
    for (let i = 0; i < 1500; i++) {
      now += Math.floor(random() * 400);
      visits.push({
        visitor: `v${Math.floor(random() * 4)}`,
        lineage: lineages[Math.floor(random() * lineages.length)],
        article: random() < 0.3 ? null : Math.floor(random() * 15),
        now,
      });
    }
    const memory = rules();
    const expected = visits.map((v) => inMemory(memory.abuse, memory.online, v));
    // Both outcomes must be frequent for the comparison to mean something.
    expect(expected.filter(Boolean).length).toBeGreaterThan(300);
    expect(expected.filter((x) => !x).length).toBeGreaterThan(300);

    const oneByOne = rules().shared;
    const sequential: boolean[] = [];
    for (const v of visits) sequential.push(await admit(oneByOne, v));
    expect(sequential).toEqual(expected);

    // The same visits in bursts decided together (one script call per burst), in order.
    const batched = rules(`${namespace}-batched`).shared;
    const together: boolean[] = [];
    for (let i = 0; i < visits.length; i += 37) together.push(...(await Promise.all(visits.slice(i, i + 37).map((v) => admit(batched, v)))));
    expect(together).toEqual(expected);
  });

  it('with a limit per address, decides and counts online exactly as one process does in memory', async () => {
    const random = mulberry32(13);
    const lineages = [['14620', '1462', '37'], ['14623', '1462', '37'], ['1462', '37']];
    const units = ['14620', '14623', '1462', '37'];
    const options = { perAddressLimit: 5 };
    const memory = rules(namespace, options);
    const { shared } = rules(namespace, options);
    const asked = units.flatMap((unitCode) => [false, true].map((includeDescendants) => ({ unitId: unitCode, includeDescendants })));
    let now = HOUR;
    const decided = { memory: [] as boolean[], redis: [] as boolean[] };
    for (let step = 0; step < 60; step++) {
      now += Math.floor(random() * 6_000);
      // Bursts decided together; visitorIds mostly new (a script inventing them), from three addresses.
      const burst: Visit[] = Array.from({ length: 1 + Math.floor(random() * 12) }, () => ({
        visitor: random() < 0.8 ? `new-${Math.floor(random() * 1e9)}` : `v${Math.floor(random() * 3)}`,
        address: `10.0.0.${Math.floor(random() * 3)}`,
        lineage: lineages[Math.floor(random() * lineages.length)],
        article: random() < 0.5 ? null : Math.floor(random() * 5),
        now,
      }));
      decided.memory.push(...burst.map((v) => inMemory(memory.abuse, memory.online, v)));
      decided.redis.push(...(await Promise.all(burst.map((v) => admit(shared, v)))));
      expect(await shared.onlineCounts(asked, now)).toEqual(asked.map((u) => memory.online.count(u.unitId, u.includeDescendants, now)));
    }
    expect(decided.redis).toEqual(decided.memory);
    // The address limit must have refused often, and let many through.
    expect(decided.memory.filter(Boolean).length).toBeGreaterThan(80);
    expect(decided.memory.filter((x) => !x).length).toBeGreaterThan(80);
    // One small key per (unit, address), expiring with its minute.
    const addressKeys = await client.keys(`${namespace}:visits:addr:*`);
    expect(addressKeys.length).toBeLessThanOrEqual(units.length * 3);
    for (const key of addressKeys) expect(await client.pTTL(key)).toBeLessThanOrEqual(60_000);
  });

  it('gives a released visit back to its address too', async () => {
    const { shared } = rules(namespace, { perAddressLimit: 1 });
    const visit = (visitor: string, now: number) => admit(shared, { visitor, lineage: ['14620'], article: null, now });
    expect(await visit('first', HOUR)).toBe(true);
    expect(await visit('second', HOUR + 1)).toBe(false);
    await shared.release(toAdmit({ visitor: 'first', lineage: ['14620'], article: null, now: HOUR }));
    expect(await visit('second', HOUR + 2)).toBe(true);
    expect(await visit('third', HOUR + 3)).toBe(false);
  });

  it('forgets a released visit, so it can be counted again', async () => {
    const { shared } = rules();
    const visit = { visitor: 'v', lineage: ['14620'], article: 3, now: HOUR };
    expect(await admit(shared, visit)).toBe(true);
    await shared.release(toAdmit(visit));
    expect(await admit(shared, { ...visit, now: HOUR + 1 })).toBe(true);
    expect(await admit(shared, { ...visit, now: HOUR + 2 })).toBe(false);
    const [key] = await client.keys(`${namespace}:visits:rule:*`);
    expect(await client.hGet(key, 'count')).toBe('1');
  });
});

describe('online in Redis', () => {
  it('counts as one process does in memory, own portal and subtree, as visitors come and go', async () => {
    const random = mulberry32(11);
    const lineages = [['14620', '1462', '37'], ['14623', '1462', '37'], ['1462', '37'], ['37']];
    const units = ['14620', '14623', '1462', '37'];
    const memory = rules();
    const { shared } = rules();
    let now = HOUR;
    for (let step = 0; step < 40; step++) {
      now += Math.floor(random() * 40_000);
      const burst = Array.from({ length: 1 + Math.floor(random() * 20) }, () => ({
        visitor: `v${Math.floor(random() * 30)}`,
        lineage: lineages[Math.floor(random() * lineages.length)],
        article: null,
        now,
      }));
      for (const v of burst) inMemory(memory.abuse, memory.online, v);
      await Promise.all(burst.map((v) => admit(shared, v)));
      const asked = units.flatMap((unitCode) => [false, true].map((includeDescendants) => ({ unitId: unitCode, includeDescendants })));
      expect(await shared.onlineCounts(asked, now)).toEqual(asked.map((u) => memory.online.count(u.unitId, u.includeDescendants, now)));
    }
  });

  it('caps each set at the in-memory bound, dropping the least recently seen, and counts as memory does', async () => {
    const options = { maxOnline: 50 };
    const memory = rules(namespace, options);
    const { shared } = rules(namespace, options);
    // A province's own portal: the in-memory maps then hold that one unit, as the Redis sets do.
    const visits: Visit[] = Array.from({ length: 130 }, (_, i) => ({ visitor: `flood-${i}`, lineage: ['37'], article: null, now: HOUR + i * 10 }));
    const asked = [{ unitId: '37', includeDescendants: false }, { unitId: '37', includeDescendants: true }];
    for (let i = 0; i < visits.length; i += 20) {
      const burst = visits.slice(i, i + 20);
      for (const v of burst) inMemory(memory.abuse, memory.online, v);
      await Promise.all(burst.map((v) => admit(shared, v)));
      const now = burst[burst.length - 1].now;
      const expected = asked.map((u) => memory.online.count(u.unitId, u.includeDescendants, now));
      expect(expected).toEqual(Array(2).fill(Math.min(i + burst.length, 50)));
      expect(await shared.onlineCounts(asked, now)).toEqual(expected);
    }
    for (const kind of ['own', 'subtree']) {
      const key = `${namespace}:visits:online:${kind}:37`;
      expect(await client.zCard(key)).toBe(50);
      expect(await client.zRange(key, 0, 0)).toEqual(['flood-80']);
    }
  });

  it('trims who left and sets an expiry, at most every TRIM_EVERY_MS per set', async () => {
    const { shared } = rules();
    const key = `${namespace}:visits:online:subtree:37`;
    await Promise.all(Array.from({ length: 50 }, (_, i) => admit(shared, { visitor: `early${i}`, lineage: ['37'], article: null, now: HOUR })));
    expect(await client.zCard(key)).toBe(50);
    const ttl = await client.pTTL(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5 * 60_000 + TRIM_EVERY_MS);
    // Six minutes on: the early visitors have left, and the next visit trims them.
    const later = HOUR + 6 * 60_000;
    await admit(shared, { visitor: 'late', lineage: ['37'], article: null, now: later });
    expect(await client.zRange(key, 0, -1)).toEqual(['late']);
    // Within TRIM_EVERY_MS of that trim, visits add without trimming: the set may hold visitors who
    // left, but the count never includes them.
    await client.zAdd(key, { score: later - 10 * 60_000, value: 'left long ago' });
    await admit(shared, { visitor: 'late2', lineage: ['37'], article: null, now: later + 1000 });
    await admit(shared, { visitor: 'late3', lineage: ['37'], article: null, now: later + 20_000 });
    expect(await client.zScore(key, 'left long ago')).not.toBeNull();
    expect(await shared.onlineCounts([{ unitId: '37', includeDescendants: true }], later + 5 * 60_000 + 10_000)).toEqual([1]);
    // From TRIM_EVERY_MS on, the next visit trims again.
    await admit(shared, { visitor: 'late4', lineage: ['37'], article: null, now: later + TRIM_EVERY_MS });
    expect(await client.zScore(key, 'left long ago')).toBeNull();
  });

  it('trims a set in the next batch when the batch that was to trim it failed', async () => {
    const redis = new URL(REDIS_URL);
    const proxy = new CuttableProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    await proxy.up();
    const viaProxy = await connectRedis(`redis://127.0.0.1:${proxy.port}`, { warn: () => undefined });
    try {
      const shared = new SharedVisitRules({ client: viaProxy, namespace }, new VisitAbuseRule(), new VisitorsOnline());
      await proxy.cut();
      await expect(admit(shared, { visitor: 'a', lineage: ['37'], article: null, now: HOUR })).rejects.toThrow();
      await proxy.up();
      await waitFor('Redis through the proxy again', async () => Boolean(await viaProxy.ping().catch(() => null)), 10_000);
      await admit(shared, { visitor: 'b', lineage: ['37'], article: null, now: HOUR + 1000 });
      // The set was created by this batch: without the trim it would never expire.
      expect(await client.pTTL(`${namespace}:visits:online:subtree:37`)).toBeGreaterThan(0);
    } finally {
      await viaProxy.quit().catch(() => undefined);
      await proxy.cut();
    }
  });
});
