import { insertArticles, minutesAfter } from './helpers/fixtures';
import { ancestorsOrSelf, childrenOf, expectedFeed, ModelArticle, Scope } from './helpers/feedModel';
import { startTestServer, TestServer } from './helpers/testServer';
import { mulberry32 } from '../seeds/mulberry32';

const KINDS = ['NEWS', 'ANNOUNCEMENT', 'LEGAL_DOCUMENT'] as const;
const TOPICS = ['Cải cách hành chính', 'Chính phủ số', 'Nông thôn mới', 'Đất đai'];
// Two provinces: Ninh Bình (37, with Kim Sơn 376 and Phát Diệm 14620) and Hà Nội (01).
const UNITS = ['37', '01', '001', ...childrenOf('37'), ...childrenOf('376'), ...childrenOf('001'), '14620'];

let server: TestServer;
let articles: ModelArticle[] = [];
let sourceIds: number[] = [];
const now = new Date();

const FEED = `query Feed($unit: ID, $scope: FeedScope, $first: Int, $after: String, $orderBy: ArticleOrder, $filter: ArticleFilter) {
  articles(unit: $unit, scope: $scope, first: $first, after: $after, orderBy: $orderBy, filter: $filter) {
    totalCount edges { cursor node { id } } nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

async function feed(vars: Record<string, unknown>) {
  const res = await server.gql(FEED, vars);
  expect(res.errors).toBeUndefined();
  return res.data.articles;
}

/** Walks a feed page by page, returning every id seen in order. */
async function walk(vars: Record<string, unknown>, pageSize: number, between?: (page: number) => Promise<void>): Promise<number[]> {
  const ids: number[] = [];
  let after: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const conn = await feed({ ...vars, first: pageSize, after });
    ids.push(...conn.nodes.map((n: { id: string }) => Number(n.id)));
    expect(conn.edges.map((e: any) => e.node.id)).toEqual(conn.nodes.map((n: any) => n.id));
    expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
    if (!conn.pageInfo.hasNextPage) return ids;
    after = conn.pageInfo.endCursor;
    if (between) await between(page);
  }
  throw new Error('feed did not end');
}

beforeAll(async () => {
  server = await startTestServer();
  const db = server.db.dataSource;
  for (const name of ['Báo Ninh Bình', 'Báo Hà Nội Mới', 'Báo Chính phủ']) {
    const r = await db.query('INSERT INTO sources (name, created_at) VALUES (?, ?)', [name, now]);
    sourceIds.push(Number(r.insertId));
  }
  const rnd = mulberry32(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const fixtures = [];
  for (let i = 0; i < 240; i++) {
    const origin = pick(UNITS);
    const shownOn = [...new Set([origin, ...Array.from({ length: Math.floor(rnd() * 4) }, () => pick(UNITS))])];
    // A few share a timestamp, so the id tie-break is exercised; a few are scheduled for the future.
    const publishedAt = i % 40 === 39 ? new Date(now.getTime() + 86400_000 * (1 + (i % 3))) : minutesAfter(Math.floor(i / 3));
    fixtures.push({
      title: `Tin ${i} về cải cách hành chính`,
      origin,
      shownOn,
      publishedAt,
      kind: pick(KINDS),
      topics: TOPICS.filter(() => rnd() < 0.35),
      sourceId: rnd() < 0.8 ? pick(sourceIds) : null,
    });
  }
  const ids = await insertArticles(db, fixtures);
  articles = fixtures.map((f, i) => ({ id: ids[i], publishedAt: f.publishedAt, shownOn: f.shownOn, kind: f.kind, topics: f.topics, sourceId: f.sourceId, views: Math.floor(rnd() * 5) }));
  for (const a of articles) await db.query('UPDATE articles SET views = ? WHERE id = ?', [a.views, a.id]);
});
afterAll(() => server.close());

describe('feeds', () => {
  const cases: [string, Scope][] = [];
  for (const unit of ['14620', '376', '37', '01', '001', childrenOf('376')[1]]) for (const scope of ['UNIT', 'SUBTREE', 'LINEAGE'] as Scope[]) cases.push([unit, scope]);

  it.each(cases)('unit %s, scope %s: every visible article of the feed once, newest first, with its total', async (unit, scope) => {
    const expected = expectedFeed(articles, { unit, scope, now });
    expect(expected.length).toBeGreaterThan(0);
    const conn = await feed({ unit, scope, first: 100 });
    expect(conn.nodes.map((n: any) => Number(n.id))).toEqual(expected.slice(0, 100));
    expect(conn.totalCount).toBe(expected.length);
  });

  it('shows a syndicated article once in a subtree that holds several of its copies', async () => {
    const copies = articles.find((a) => a.publishedAt <= now && a.shownOn.filter((u) => ancestorsOrSelf(u).includes('37')).length >= 2)!;
    expect(copies).toBeDefined();
    const ids = await walk({ unit: '37', scope: 'SUBTREE' }, 100);
    expect(ids.filter((id) => id === copies.id)).toHaveLength(1);
  });

  it('unit feeds are the same through the unit field and Query.articles', async () => {
    const res = await server.gql(`{ commune(code: "14620") { articles(first: 100) { nodes { id } totalCount } } district(code: "376") { articles(scope: SUBTREE, first: 100) { nodes { id } } } }`);
    expect(res.data.commune.articles.nodes.map((n: any) => Number(n.id))).toEqual(expectedFeed(articles, { unit: '14620', scope: 'UNIT', now }).slice(0, 100));
    expect(res.data.district.articles.nodes.map((n: any) => Number(n.id))).toEqual(expectedFeed(articles, { unit: '376', scope: 'SUBTREE', now }).slice(0, 100));
  });

  it('lists all visible articles without a unit', async () => {
    const conn = await feed({ first: 100 });
    const expected = expectedFeed(articles, { now });
    expect(conn.totalCount).toBe(expected.length);
    expect(conn.nodes.map((n: any) => Number(n.id))).toEqual(expected.slice(0, 100));
  });

  it('gives an empty feed for a unit that does not exist', async () => {
    const conn = await feed({ unit: '99999' });
    expect(conn).toMatchObject({ totalCount: 0, nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});

describe('pagination', () => {
  it.each([
    ['37', 'SUBTREE', 'NEWEST', 7],
    ['37', 'SUBTREE', 'OLDEST', 9],
    ['14620', 'LINEAGE', 'NEWEST', 4],
    [null, 'SUBTREE', 'OLDEST', 25],
    ['01', 'SUBTREE', 'MOST_VIEWED', 6],
    ['376', 'UNIT', 'MOST_VIEWED', 1],
  ])('walking unit %s %s %s in pages of %i returns each article exactly once, in order', async (unit, scope, orderBy, size) => {
    const ids = await walk({ unit, scope, orderBy }, size as number);
    expect(ids).toEqual(expectedFeed(articles, { unit: unit ?? undefined, scope: scope as Scope, now, order: orderBy as any }));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('RELEVANCE without a search is NEWEST', async () => {
    const conn = await feed({ unit: '37', scope: 'SUBTREE', orderBy: 'RELEVANCE', first: 50 });
    expect(conn.nodes.map((n: any) => Number(n.id))).toEqual(expectedFeed(articles, { unit: '37', scope: 'SUBTREE', now }).slice(0, 50));
  });

  it('first: 0 returns no articles but says whether there are some', async () => {
    const conn = await feed({ unit: '37', scope: 'SUBTREE', first: 0 });
    expect(conn.nodes).toEqual([]);
    expect(conn.pageInfo.hasNextPage).toBe(true);
  });

  it('keeps every article present at the start exactly once while articles are being added', async () => {
    const before = expectedFeed(articles, { unit: '37', scope: 'SUBTREE', now });
    let added = 0;
    const ids = await walk({ unit: '37', scope: 'SUBTREE' }, 10, async (page) => {
      // Newer than everything, and dated into the part of the feed not read yet.
      const [newest, older] = await insertArticles(server.db.dataSource, [
        { title: `Tin mới ${page}`, origin: '376', publishedAt: new Date(now.getTime() - 1000 * (page + 1)) },
        { title: `Tin cũ ${page}`, origin: '14620', publishedAt: minutesAfter(-10 - page) },
      ]);
      added += 2;
      void newest;
      void older;
    });
    expect(added).toBeGreaterThan(4);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => before.includes(id))).toEqual(before);
    // Articles dated before the cursor show up in pages still to come; newer ones do not.
    expect(ids.filter((id) => !before.includes(id)).length).toBeGreaterThan(0);
    // Leave the shared fixture world as it was.
    await server.db.dataSource.query('DELETE FROM articles WHERE title LIKE ?', ['Tin mới %']);
    await server.db.dataSource.query('DELETE FROM articles WHERE title LIKE ?', ['Tin cũ %']);
  });
});

describe('filters', () => {
  const filtered = (unit: string, scope: Scope, filter: Record<string, unknown>) => walk({ unit, scope, filter }, 100);

  it('kinds: any of them', async () => {
    const ids = await filtered('37', 'SUBTREE', { kinds: ['ANNOUNCEMENT', 'LEGAL_DOCUMENT'] });
    expect(ids).toEqual(expectedFeed(articles, { unit: '37', scope: 'SUBTREE', now, where: (a) => a.kind !== 'NEWS' }));
  });

  it('topics: any of them, by name or by slug', async () => {
    const expected = expectedFeed(articles, { unit: '01', scope: 'SUBTREE', now, where: (a) => a.topics.includes('Đất đai') || a.topics.includes('Chính phủ số') });
    expect(await filtered('01', 'SUBTREE', { topics: ['Đất đai', 'Chính phủ số'] })).toEqual(expected);
    expect(await filtered('01', 'SUBTREE', { topics: ['dat-dai', 'CHÍNH PHỦ SỐ'] })).toEqual(expected);
    expect(await filtered('01', 'SUBTREE', { topics: ['không có chủ đề này'] })).toEqual([]);
  });

  it('sourceIds, and the date range [publishedAfter, publishedBefore)', async () => {
    const from = minutesAfter(20);
    const to = minutesAfter(50);
    const ids = await filtered('14620', 'LINEAGE', {
      sourceIds: [String(sourceIds[0]), String(sourceIds[2])],
      publishedAfter: from.toISOString(),
      publishedBefore: to.toISOString().replace('Z', '+00:00'),
    });
    expect(ids).toEqual(
      expectedFeed(articles, {
        unit: '14620', scope: 'LINEAGE', now,
        where: (a) => (a.sourceId === sourceIds[0] || a.sourceId === sourceIds[2]) && a.publishedAt >= from && a.publishedAt < to,
      }),
    );
  });

  it('counts only what the filter lets through', async () => {
    const conn = await feed({ unit: '37', scope: 'UNIT', filter: { kinds: ['NEWS'] }, first: 1 });
    expect(conn.totalCount).toBe(expectedFeed(articles, { unit: '37', scope: 'UNIT', now, where: (a) => a.kind === 'NEWS' }).length);
  });

  it('an empty list is the same as no filter', async () => {
    expect(await filtered('376', 'SUBTREE', { kinds: [], topics: [] })).toEqual(expectedFeed(articles, { unit: '376', scope: 'SUBTREE', now }));
  });
});

describe('articles not yet published', () => {
  const scheduled = () => articles.filter((a) => a.publishedAt > now);

  it('are in no feed, and article() and related do not return them', async () => {
    expect(scheduled().length).toBeGreaterThan(0);
    const everything = await walk({}, 100);
    for (const a of scheduled()) {
      expect(everything).not.toContain(a.id);
      const res = await server.gql(`query($id: ID) { article(id: $id) { id } }`, { id: String(a.id) });
      expect(res.data.article).toBeNull();
    }
    const visible = articles.find((a) => a.publishedAt <= now && a.topics.length > 0)!;
    const res = await server.gql(`query($id: ID) { article(id: $id) { related(first: 20) { id publishedAt } } }`, { id: String(visible.id) });
    for (const r of res.data.article.related) expect(new Date(r.publishedAt).getTime()).toBeLessThanOrEqual(Date.now());
  });
});

describe('bad input', () => {
  const code = (res: { errors?: any[] }) => res.errors?.map((e) => e.extensions?.code);

  it.each([-1, 101, 1000000])('first: %i is BAD_USER_INPUT on every feed', async (first) => {
    expect(code(await server.gql(FEED, { first }))).toEqual(['BAD_USER_INPUT']);
    expect(code(await server.gql(`query($first: Int) { commune(code: "14620") { articles(first: $first) { totalCount } } }`, { first }))).toEqual(['BAD_USER_INPUT']);
    expect(code(await server.gql(`query($first: Int) { sources { articles(first: $first) { totalCount } } }`, { first }))).toEqual(['BAD_USER_INPUT']);
  });

  it.each(['nonsense', 'WyJORVdFU1QiXQ', Buffer.from('["NEWEST",1,"x",null]').toString('base64url'), "' OR 1=1 --", 'a'.repeat(500), ''])(
    'a malformed cursor %p is BAD_USER_INPUT naming `after`',
    async (after) => {
      const res = await server.gql(FEED, { unit: '37', after });
      expect(code(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].extensions!.field).toBe('after');
      expect(res.errors![0].message).not.toMatch(/select|from|sql|table/i);
    },
  );

  it('a cursor of one order is refused for another', async () => {
    const first = await feed({ unit: '37', scope: 'SUBTREE', first: 2 });
    const res = await server.gql(FEED, { unit: '37', scope: 'SUBTREE', orderBy: 'OLDEST', after: first.pageInfo.endCursor });
    expect(code(res)).toEqual(['BAD_USER_INPUT']);
  });

  it('filters that cannot mean anything are refused: a malformed source id, an empty date range, a bad date', async () => {
    expect(code(await server.gql(FEED, { filter: { sourceIds: ['abc'] } }))).toEqual(['BAD_USER_INPUT']);
    expect(code(await server.gql(FEED, { filter: { publishedAfter: '2024-01-02T00:00:00+07:00', publishedBefore: '2024-01-01T00:00:00+07:00' } }))).toEqual(['BAD_USER_INPUT']);
    expect(code(await server.gql(FEED, { filter: { publishedAfter: '2024-13-45' } }))).toEqual(['BAD_USER_INPUT']);
    expect(code(await server.gql(FEED, { filter: { publishedAfter: '2024-01-01T00:00:00' } }))).toEqual(['BAD_USER_INPUT']);
  });
});
