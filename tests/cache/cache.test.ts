import { createHash } from 'node:crypto';
import { seedDemoContent } from '../../seeds/demo';
import { LocalContentChanges } from '../../src/cache/contentChanges';
import { DataCache } from '../../src/cache/dataCache';
import { CREATE_SOURCE, DELETE_ARTICLE, SYNDICATE, UPDATE_ARTICLE, WITHDRAW } from '../helpers/operations';
import { startTestServer, TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

let server: TestServer;
let env: TestEnvironment;
let admin: string;
beforeAll(async () => {
  // Counter reads are not reused here, so a statement count says what the caches saved.
  server = (env = await createTestEnvironment({ visits: { buffer: { snapshotTtlMs: 0 } } })).server;
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
  admin = (await env.asAdmin()).key;
}, 60_000);
afterAll(() => server.close());

interface Answer {
  status: number;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
  statements: number;
  cacheControl: string | null;
  /** Set by the response cache on a hit: seconds since the response was cached. */
  age: string | null;
}

async function send(target: TestServer, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${target.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return {
    status: res.status,
    body: (await res.json()) as Answer['body'],
    statements: Number(res.headers.get('x-sql-statements')),
    cacheControl: res.headers.get('cache-control'),
    age: res.headers.get('age'),
  };
}

const query = (text: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => send(server, { query: text, variables }, headers);
const withKey = (text: string, variables?: Record<string, unknown>) => query(text, variables, { authorization: `Bearer ${admin}` });

const FEED = 'query Feed($code: ID!) { commune(code: $code) { articles(first: 5) { nodes { id title source { name } } } } }';
const titles = (a: Answer) => (a.body.data.commune.articles.nodes as { title: string }[]).map((n) => n.title);

const CREATE = 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id title } }';
const article = (title: string, extra: Record<string, unknown> = {}) => ({ input: { originCode: '14620', title, summary: 'Tóm tắt.', body: '<p>Nội dung.</p>', ...extra } });

describe('cache hints (Cache-Control)', () => {
  it('units are long, feeds short, visit counters never, key holders private', async () => {
    expect((await query('{ province(code: "37") { fullName districts { code } } }')).cacheControl).toBe('max-age=3600, public');
    expect((await query(FEED, { code: '14620' })).cacheControl).toBe('max-age=30, public');
    expect((await query('{ source(id: "1") { name } }')).cacheControl).toBe('max-age=300, public');
    // One counter makes the whole response uncacheable.
    expect((await query('{ commune(code: "14620") { fullName visits { total } } }')).cacheControl).toBe('no-store');
    expect((await query('{ articles(first: 1) { nodes { title views } } }')).cacheControl).toBe('no-store');
    expect((await withKey(FEED, { code: '14620' })).cacheControl).toBe('private, no-store');
  });
});

describe('response cache', () => {
  it('answers a repeated anonymous query from memory, with no SQL, and the same data', async () => {
    const first = await query(FEED, { code: '14623' });
    const second = await query(FEED, { code: '14623' });
    expect(first.statements).toBeGreaterThan(0);
    expect(first.age).toBeNull();
    expect(second.statements).toBe(0);
    expect(second.age).not.toBeNull();
    expect(second.body).toEqual(first.body);
    // Other variables are another entry.
    expect((await query(FEED, { code: '14632' })).age).toBeNull();
  });

  it('shows an edit to the very next reader: create, update, syndicate, withdraw, delete', async () => {
    await query(FEED, { code: '14620' });
    expect((await query(FEED, { code: '14620' })).age).not.toBeNull();

    const created = await withKey(CREATE, article('Phát Diệm mở lớp tập huấn dịch vụ công trực tuyến'));
    expect(created.body.errors).toBeUndefined();
    const id = created.body.data.createArticle.id as string;
    let after = await query(FEED, { code: '14620' });
    expect(after.age).toBeNull();
    expect(titles(after)[0]).toBe('Phát Diệm mở lớp tập huấn dịch vụ công trực tuyến');

    await withKey(UPDATE_ARTICLE, { id, input: { title: 'Phát Diệm mở lớp tập huấn Đề án 06' } });
    expect(titles(await query(FEED, { code: '14620' }))[0]).toBe('Phát Diệm mở lớp tập huấn Đề án 06');

    expect(titles(await query(FEED, { code: '14623' }))).not.toContain('Phát Diệm mở lớp tập huấn Đề án 06');
    await withKey(SYNDICATE, { input: { articleIds: [id], targetCodes: ['14623'] } });
    expect(titles(await query(FEED, { code: '14623' }))[0]).toBe('Phát Diệm mở lớp tập huấn Đề án 06');
    await withKey(WITHDRAW, { input: { articleIds: [id], targetCodes: ['14623'] } });
    expect(titles(await query(FEED, { code: '14623' }))).not.toContain('Phát Diệm mở lớp tập huấn Đề án 06');

    await withKey(DELETE_ARTICLE, { id });
    after = await query(FEED, { code: '14620' });
    expect(titles(after)).not.toContain('Phát Diệm mở lớp tập huấn Đề án 06');
  });

  it('shows a new source at once', async () => {
    const SOURCES = '{ sources { name } }';
    await query(SOURCES);
    expect((await query(SOURCES)).age).not.toBeNull();
    await withKey(CREATE_SOURCE, { input: { name: 'Cổng thông tin điện tử huyện Kim Sơn' } });
    const after = await query(SOURCES);
    expect(after.age).toBeNull();
    expect(after.body.data.sources.map((s: { name: string }) => s.name)).toContain('Cổng thông tin điện tử huyện Kim Sơn');
  });

  it('refreshes the shared feed cache under uncacheable responses too (a home page with its counter)', async () => {
    const HOME = '{ commune(code: "14620") { visits { total } articles(first: 3) { nodes { title } } } }';
    await query(HOME);
    const warm = await query(HOME);
    expect(warm.statements).toBe(1); // only the counter (this server reads it every time)
    await withKey(CREATE, article('Thị trấn Phát Diệm ra quân vệ sinh môi trường'));
    const after = await query(HOME);
    expect(after.body.data.commune.articles.nodes[0].title).toBe('Thị trấn Phát Diệm ra quân vệ sinh môi trường');
  });

  it('keeps cached answers through dry runs and refused mutations (they change nothing)', async () => {
    await query(FEED, { code: '14632' });
    expect((await query(FEED, { code: '14632' })).age).not.toBeNull();
    await withKey('mutation { syndicate(input: { articleIds: ["1"], targetCodes: ["14632"], dryRun: true }) { changed } }');
    const refused = await query(CREATE, article('Không có khoá'));
    expect(refused.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const bad = await query(CREATE, article('Khoá sai'), { authorization: 'Bearer lt_1_nope' });
    expect(bad.status).toBe(401);
    expect((await query(FEED, { code: '14632' })).age).not.toBeNull();
  });

  it('never serves key holders from it, nor anonymous readers what key holders see', async () => {
    const scheduled = await withKey(CREATE, article('Lịch tiếp công dân tháng tới', { publishedAt: '2099-01-01T08:00:00+07:00' }));
    expect(scheduled.body.errors).toBeUndefined();
    const editor1 = await withKey(FEED, { code: '14620' });
    const editor2 = await withKey(FEED, { code: '14620' });
    expect(titles(editor1)[0]).toBe('Lịch tiếp công dân tháng tới');
    expect(editor2.age).toBeNull();
    expect(editor2.statements).toBeGreaterThan(0);
    const public1 = await query(FEED, { code: '14620' });
    const public2 = await query(FEED, { code: '14620' });
    expect(titles(public1)).not.toContain('Lịch tiếp công dân tháng tới');
    expect(public2.age).not.toBeNull();
    expect(titles(await withKey(FEED, { code: '14620' }))[0]).toBe('Lịch tiếp công dân tháng tới');
  });

  it('caches GET queries too (what a CDN would send)', async () => {
    const url = `${server.url}/graphql?query=${encodeURIComponent('{ province(code: "01") { fullName } }')}`;
    const get = () => fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    const first = await get();
    const second = await get();
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('max-age=3600, public');
    expect(second.headers.get('age')).not.toBeNull();
    expect(await second.json()).toEqual({ data: { province: { fullName: 'Thành phố Hà Nội' } } });
  });

  it('counts hits and misses, loader batch sizes and shared-cache lookups in /metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const value = (pattern: RegExp) => Number(text.match(pattern)?.[1] ?? NaN);
    expect(value(/^lienthong_response_cache_total\{result="hit"\} (\d+)/m)).toBeGreaterThanOrEqual(8);
    expect(value(/^lienthong_response_cache_total\{result="miss"\} (\d+)/m)).toBeGreaterThanOrEqual(8);
    expect(value(/^lienthong_dataloader_batch_size_count\{loader="feed_page"\} (\d+)/m)).toBeGreaterThan(0);
    // Units are looked up by code (the unit in force today with it) through their own shared cache.
    expect(value(/^lienthong_data_cache_lookups_total\{cache="units_by_code",result="hit"\} (\d+)/m)).toBeGreaterThan(0);
  });
});

describe('automatic persisted queries', () => {
  // Today 14620 is Xã Phát Diệm (until 2025-06-30 it was Thị trấn Phát Diệm).
  const text = '{ commune(code: "14620") { fullName } }';
  const hash = createHash('sha256').update(text).digest('hex');
  const persisted = { persistedQuery: { version: 1, sha256Hash: hash } };

  it('asks for the query once, then answers by hash alone (POST and GET)', async () => {
    const unknown = await send(server, { extensions: persisted });
    expect(unknown.body.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await send(server, { query: text, extensions: persisted });
    expect(registered.body).toEqual({ data: { commune: { fullName: 'Xã Phát Diệm' } } });
    const byHash = await send(server, { extensions: persisted });
    expect(byHash.body).toEqual(registered.body);
    const get = await fetch(`${server.url}/graphql?extensions=${encodeURIComponent(JSON.stringify(persisted))}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(await get.json()).toEqual(registered.body);
  });

  it('refuses a query that does not match its hash', async () => {
    const wrong = await send(server, { query: '{ province(code: "01") { fullName } }', extensions: persisted });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(wrong.body.errors?.[0].message).toMatch(/does not match/);
  });
});

describe('RESPONSE_CACHE=off', () => {
  let uncached: TestServer;
  beforeAll(async () => {
    uncached = await startTestServer({ config: { responseCache: false } });
    await uncached.db.dataSource.transaction((m) => seedDemoContent(m));
  }, 60_000);
  afterAll(() => uncached.close());

  it('executes every query: content comes from MySQL each time (units stay cached)', async () => {
    const first = await send(uncached, { query: FEED, variables: { code: '14620' } });
    const second = await send(uncached, { query: FEED, variables: { code: '14620' } });
    expect(second.age).toBeNull();
    expect(second.body).toEqual(first.body);
    // The feed page (with its sources); the commune and its history (whose feeds it gathers) come from the unit caches.
    expect(second.statements).toBe(1);
    // The first time: the commune by its code, its history, the feed page.
    expect(first.statements).toBe(3);
    expect(second.cacheControl).toBe('max-age=30, public');
  });

  it('lets requests that need one feed page at the same moment share its read', async () => {
    const alone = await send(uncached, { query: FEED, variables: { code: '14620' } });
    expect(alone.statements).toBe(1);
    const feedPages = uncached.app.caches.feedPages;
    const sharedBefore = feedPages.stats.shared;
    // Holds the feed read in MySQL until every request has asked for the page (Xã Phát Diệm's feed
    // with history: its own table).
    const lock = uncached.db.dataSource.createQueryRunner();
    await lock.connect();
    await lock.query('LOCK TABLES history_feed WRITE');
    const burst = Array.from({ length: 6 }, () => send(uncached, { query: FEED, variables: { code: '14620' } }));
    for (const giveUpAt = Date.now() + 3000; feedPages.stats.shared - sharedBefore < 5 && Date.now() < giveUpAt; ) await new Promise((r) => setTimeout(r, 10));
    await lock.query('UNLOCK TABLES');
    await lock.release();
    const answers = await Promise.all(burst);
    expect(answers.map((a) => a.body)).toEqual(Array(6).fill(alone.body));
    // One read for all six (each alone costs one).
    expect(answers.map((a) => a.statements).sort()).toEqual([0, 0, 0, 0, 0, 1]);
    expect(feedPages.stats.shared - sharedBefore).toBe(5);
    const metrics = await (await fetch(`${uncached.url}/metrics`)).text();
    expect(metrics).toContain(`lienthong_data_cache_lookups_total{cache="feed_pages",result="shared"} ${feedPages.stats.shared}\n`);
  });
});

describe('shared reads (cache/dataCache.ts)', () => {
  const deferred = <T>() => {
    let resolve!: (value: T) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };

  it('never gives a request that began after a content change a read from before it', async () => {
    const changes = new LocalContentChanges();
    const cache = new DataCache<string, string>('test', { max: 10, ttlMs: 60_000, changes, keyTags: (key) => [`tag-of-${key}`] });
    const before = deferred<Map<string, string>>();
    const first = cache.getMany(['page'], () => before.promise);
    await (await changes.begin(['tag-of-page'])).done();
    const reads: string[][] = [];
    const second = cache.getMany(['page'], async (keys) => (reads.push(keys), new Map([['page', 'after the change']])));
    before.resolve(new Map([['page', 'before the change']]));
    expect((await first).get('page')).toBe('before the change');
    expect((await second).get('page')).toBe('after the change');
    expect(reads).toEqual([['page']]);
    // Nor is the read from before the change kept.
    expect((await cache.getMany(['page'], async () => new Map())).get('page')).toBe('after the change');
  });

  it('drops exactly the entries whose tags a change touches, and keeps nothing read while a change is under way', async () => {
    const changes = new LocalContentChanges();
    const cache = new DataCache<string, string>('test', { max: 10, ttlMs: 60_000, changes, keyTags: (key) => [`tag-of-${key}`], valueTags: (value) => [`shows-${value}`] });
    const read = (value: string) => async (keys: string[]) => new Map(keys.map((k) => [k, `${k}:${value}`]));
    await cache.getMany(['a', 'b'], read('1'));
    await (await changes.begin(['tag-of-a'])).done();
    expect([...(await cache.getMany(['a', 'b'], read('2')))]).toEqual([['b', 'b:1'], ['a', 'a:2']]);
    // A tag of what the value shows drops it too.
    await (await changes.begin(['shows-b:1'])).done();
    expect((await cache.getMany(['b'], read('3'))).get('b')).toBe('b:3');
    // Read while a change of its tag is begun and not done: not kept.
    const pending = await changes.begin(['tag-of-a']);
    await cache.getMany(['a'], read('4'));
    expect((await cache.getMany(['a'], read('5'))).get('a')).toBe('a:5');
    await pending.done();
    expect((await cache.getMany(['a'], read('6'))).get('a')).toBe('a:6');
    expect((await cache.getMany(['a', 'b'], read('7'))).get('a')).toBe('a:6');
  });

  it('lets the read it waits for fail while its own read is still under way, without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const cache = new DataCache<string, string>('test', { max: 10, ttlMs: 60_000 });
      const failing = deferred<Map<string, string>>();
      const first = cache.getMany(['a'], () => failing.promise).catch((error: Error) => error.message);
      const ownRead = deferred<Map<string, string>>();
      const second = cache.getMany(['a', 'b'], (keys) => (keys.includes('b') ? ownRead.promise : Promise.resolve(new Map(keys.map((k) => [k, `${k} read`])))));
      failing.reject(new Error('deadline of the first request'));
      // Node reports a rejection nobody handles once its queue of promise callbacks is empty.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      ownRead.resolve(new Map([['b', 'b read']]));
      expect(await first).toBe('deadline of the first request');
      expect([...(await second)]).toEqual([['b', 'b read'], ['a', 'a read']]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('reads a key itself when the read it waited for fails, and keeps nothing with keepsValues: false', async () => {
    const cache = new DataCache<string, string>('test', { max: 10, ttlMs: 60_000, keepsValues: false });
    const failing = deferred<Map<string, string>>();
    const first = cache.getMany(['a'], () => failing.promise);
    let ownReads = 0;
    const second = cache.getMany(['a', 'b'], async (keys) => (ownReads++, new Map(keys.map((k) => [k, `${k} read`]))));
    failing.reject(new Error('deadline of the first request'));
    await expect(first).rejects.toThrow('deadline of the first request');
    expect([...(await second)]).toEqual([['b', 'b read'], ['a', 'a read']]);
    // 'b' at once, 'a' after the shared read failed.
    expect(ownReads).toBe(2);
    expect(cache.stats).toEqual({ hits: 0, misses: 2, shared: 1 });
    const again = await cache.getMany(['a'], async (keys) => new Map(keys.map((k) => [k, 'read again'])));
    expect(again.get('a')).toBe('read again');
  });
});
