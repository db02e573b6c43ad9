import { foldVietnamese } from '../src/common/vietnameseText';
import { indexArticles } from '../src/modules/articles/search/searchIndex';
import { ApiKeyService } from '../src/modules/keys/apiKey.service';
import { expectedFeed, ModelArticle, Scope } from './helpers/feedModel';
import { ArticleFixture, insertArticles, minutesAfter } from './helpers/fixtures';
import { CREATE_ARTICLE, DELETE_ARTICLE, UPDATE_ARTICLE } from './helpers/operations';
import { startTestServer, TestServer } from './helpers/testServer';

let server: TestServer;
const now = new Date();
/** Fixture articles by name, with the text the model searches. */
const named: Record<string, number> = {};
const model: (ModelArticle & { text: string })[] = [];

const FIXTURES: Record<string, ArticleFixture & { body?: string }> = {
  titlePhrase: { title: 'Hội nghị cải cách hành chính năm 2024', origin: '14620', publishedAt: minutesAfter(10), shownOn: ['14623'] },
  summaryPhrase: { title: 'Tổng kết công tác năm', summary: 'Đẩy mạnh cải cách hành chính ở cơ sở', origin: '376', publishedAt: minutesAfter(20) },
  scattered: { title: 'Cải thiện cách làm việc', summary: 'Hành động của chính quyền', origin: '37', publishedAt: minutesAfter(30) },
  chinhPhuSo: { title: 'Xây dựng Chính phủ số', origin: '01', publishedAt: minutesAfter(40) },
  dienTu: { title: 'Thanh toán điện tử tại bộ phận một cửa', origin: '001', publishedAt: minutesAfter(50) },
  xa: { title: 'Ủy ban nhân dân xã ban hành kế hoạch', origin: '14623', publishedAt: minutesAfter(60) },
  duongDiacritic: { title: 'Nâng cấp đường giao thông nông thôn', origin: '14620', publishedAt: minutesAfter(70) },
  duongPlain: { title: 'Tuyên dương cá nhân xuất sắc', origin: '14620', publishedAt: minutesAfter(80) },
  duongD: { title: 'Đương nhiệm chủ tịch', origin: '376', publishedAt: minutesAfter(90) },
  bodyOnly: { title: 'Tin ngắn', body: '<p>Hoàn thiện <b>cơ sở</b> dữ liệu dân cư &amp; đất đai</p>', origin: '37', publishedAt: minutesAfter(100) },
  future: { title: 'Cải cách hành chính sắp tới', origin: '14620', publishedAt: new Date(now.getTime() + 86400_000) },
};

const SEARCH = `query($unit: ID, $scope: FeedScope, $orderBy: ArticleOrder, $first: Int, $after: String, $filter: ArticleFilter) {
  articles(unit: $unit, scope: $scope, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`;

async function search(text: string, vars: Record<string, unknown> = {}) {
  const { filter, ...rest } = vars as { filter?: Record<string, unknown> };
  const res = await server.gql(SEARCH, { first: 100, ...rest, filter: { ...filter, search: text } });
  expect(res.errors).toBeUndefined();
  return { ids: res.data.articles.nodes.map((n: any) => Number(n.id)) as number[], total: res.data.articles.totalCount as number, page: res.data.articles };
}

async function walk(text: string, vars: Record<string, unknown>, size: number): Promise<number[]> {
  const ids: number[] = [];
  let after: string | null = null;
  for (let i = 0; i < 500; i++) {
    const { ids: page, page: conn } = await search(text, { ...vars, first: size, after });
    ids.push(...page);
    if (!conn.pageInfo.hasNextPage) return ids;
    after = conn.pageInfo.endCursor;
  }
  throw new Error('did not end');
}

/** The contract's rule, on the model: every folded query syllable is a folded syllable of the text. */
const matches = (text: string, query: string) => {
  const words = new Set(foldVietnamese(text).split(' '));
  return foldVietnamese(query).split(' ').every((w) => words.has(w));
};

beforeAll(async () => {
  server = await startTestServer();
  const names = Object.keys(FIXTURES);
  const ids = await insertArticles(server.db.dataSource, names.map((n) => FIXTURES[n]));
  names.forEach((n, i) => (named[n] = ids[i]));
  for (const [n, f] of Object.entries(FIXTURES)) {
    // insertArticles writes the title as the body unless the fixture has its own.
    if (f.body) {
      await server.db.dataSource.query('UPDATE articles SET body = ? WHERE id = ?', [f.body, named[n]]);
      await server.db.dataSource.transaction((m) => indexArticles(m, [named[n]]));
    }
    model.push({ id: named[n], publishedAt: f.publishedAt, shownOn: [f.origin, ...(f.shownOn ?? [])], kind: 'NEWS', topics: [], sourceId: null, views: 0, text: `${f.title} ${f.summary ?? ''} ${(f.body ?? f.title).replace(/<[^>]+>/g, ' ').replace('&amp;', '&')}` });
  }
});
afterAll(() => server.close());

describe('search: what matches', () => {
  it('finds the same articles however the contract example is typed, all words required', async () => {
    const plain = await search('cai cach hanh chinh');
    expect((await search('CẢI CÁCH HÀNH CHÍNH')).ids).toEqual(plain.ids);
    expect((await search('cải cách hành chính')).ids).toEqual(plain.ids);
    expect(new Set(plain.ids)).toEqual(new Set([named.titlePhrase, named.summaryPhrase, named.scattered]));
    expect(plain.total).toBe(3);
  });

  it('finds "Chính phủ số" for chinh phu so and "điện tử" for dien tu (đ ≡ d)', async () => {
    expect((await search('chinh phu so')).ids).toEqual([named.chinhPhuSo]);
    expect((await search('dien tu')).ids).toEqual([named.dienTu]);
  });

  it('searches two-letter syllables and stopword-like ones (xã, ủy, cơ sở, là)', async () => {
    expect((await search('xã')).ids).toEqual([named.xa]);
    expect((await search('uy ban')).ids).toEqual([named.xa]);
    expect(new Set((await search('cơ sở')).ids)).toEqual(new Set([named.bodyOnly, named.summaryPhrase]));
  });

  it('finds words that are only in the body, HTML and entities aside', async () => {
    expect((await search('du lieu dan cu')).ids).toEqual([named.bodyOnly]);
    expect((await search('dat dai')).ids).toEqual([named.bodyOnly]);
    expect((await search('amp')).ids).toEqual([]);
  });

  it('returns nothing, with totalCount 0, when nothing matches', async () => {
    const res = await search('không có bài nào như thế này');
    expect(res).toMatchObject({ ids: [], total: 0 });
  });

  it('keeps scheduled articles out', async () => {
    expect((await search('sắp tới')).ids).toEqual([]);
  });
});

describe('search: ranking', () => {
  it('RELEVANCE puts a title phrase above a summary phrase above scattered words', async () => {
    expect((await search('cải cách hành chính', { orderBy: 'RELEVANCE' })).ids).toEqual([named.titlePhrase, named.summaryPhrase, named.scattered]);
  });

  it('ranks exactly those diacritics first: đường, dương and đương are different words', async () => {
    const all = [named.duongDiacritic, named.duongPlain, named.duongD];
    expect(new Set((await search('duong')).ids)).toEqual(new Set(all));
    expect((await search('đường', { orderBy: 'RELEVANCE' })).ids[0]).toBe(named.duongDiacritic);
    expect((await search('dương', { orderBy: 'RELEVANCE' })).ids[0]).toBe(named.duongPlain);
    expect((await search('Đương', { orderBy: 'RELEVANCE' })).ids[0]).toBe(named.duongD);
  });

  it('without a search, RELEVANCE is NEWEST', async () => {
    const res = await server.gql('{ a: articles(orderBy: RELEVANCE, first: 5) { nodes { id } } b: articles(first: 5) { nodes { id } } }');
    expect(res.data.a).toEqual(res.data.b);
  });
});

describe('search within feeds', () => {
  const cases: [string, Scope, string][] = [];
  for (const unit of ['14620', '376', '37', '01']) for (const scope of ['UNIT', 'SUBTREE', 'LINEAGE'] as Scope[]) cases.push([unit, scope, 'cai cach hanh chinh']);
  cases.push(['37', 'SUBTREE', 'duong'], ['14620', 'LINEAGE', 'co so']);

  it.each(cases)('unit %s scope %s: %s', async (unit, scope, query) => {
    const expected = expectedFeed(model, { unit, scope, now, where: (a) => matches((a as any).text, query) });
    const res = await search(query, { unit, scope });
    expect(res.ids).toEqual(expected);
    expect(res.total).toBe(expected.length);
  });

  it('combines with the other filters', async () => {
    const res = await search('cải cách hành chính', { unit: '37', scope: 'SUBTREE', filter: { publishedAfter: minutesAfter(15).toISOString() } });
    expect(res.ids).toEqual([named.scattered, named.summaryPhrase]);
  });
});

describe('search: large result sets', () => {
  let many: number[] = [];
  beforeAll(async () => {
    // 300 matches, then 1,200 newer non-matching articles, so the newest-first walk must fall back
    // from the window to the index; and matches share timestamps, so ids break ties.
    many = await insertArticles(server.db.dataSource, Array.from({ length: 300 }, (_, i) => ({ title: `Cải cách thủ tục số ${i}`, origin: '14629', publishedAt: minutesAfter(200 + Math.floor(i / 4)) })));
    await insertArticles(server.db.dataSource, Array.from({ length: 1200 }, (_, i) => ({ title: `Tin khác ${i}`, origin: '14629', publishedAt: minutesAfter(1000 + i) })));
  }, 120_000);

  it.each([
    ['NEWEST', 7],
    ['OLDEST', 13],
    ['RELEVANCE', 11],
  ])('walks every match once, in order (%s, pages of %i)', async (orderBy, size) => {
    const ids = await walk('cai cach thu tuc', { unit: '376', scope: 'SUBTREE', orderBy }, size as number);
    expect(new Set(ids).size).toBe(300);
    expect(new Set(ids)).toEqual(new Set(many));
    if (orderBy !== 'RELEVANCE') {
      const byTime = expectedFeed(
        many.map((id, i) => ({ id, publishedAt: minutesAfter(200 + Math.floor(i / 4)), shownOn: ['14629'], kind: 'NEWS', topics: [], sourceId: null, views: 0 })),
        { now, order: orderBy as any },
      );
      expect(ids).toEqual(byTime);
    }
  });
});

describe('search stays current', () => {
  it('finds an article as soon as it is created or edited, and not once deleted', async () => {
    const keys = new ApiKeyService(server.db.dataSource);
    const { key } = await keys.create({ role: 'admin', label: 'search test' });
    const created = await server.gqlWithKey(key, CREATE_ARTICLE, { input: { originCode: '14620', title: 'Quảng bá làng nghề cói', body: '<p>Sản phẩm thủ công</p>' } });
    const id = Number(created.data.createArticle.id);
    expect((await search('lang nghe coi')).ids).toEqual([id]);
    await server.gqlWithKey(key, UPDATE_ARTICLE, { id: String(id), input: { title: 'Quảng bá sản phẩm', body: '<p>Chiếu cói Kim Sơn</p>' } });
    expect((await search('lang nghe')).ids).toEqual([]);
    expect((await search('chieu coi kim son')).ids).toEqual([id]);
    await server.gqlWithKey(key, DELETE_ARTICLE, { id: String(id) });
    expect((await search('chieu coi kim son')).ids).toEqual([]);
  });
});

describe('search: bad input', () => {
  const code = (res: { errors?: any[] }) => res.errors?.map((e) => e.extensions?.code);

  it.each(['', '   ', '\t\n', 'a'.repeat(201)])('refuses %p as BAD_USER_INPUT', async (text) => {
    expect(code(await server.gql(SEARCH, { filter: { search: text } }))).toEqual(['BAD_USER_INPUT']);
  });

  it.each([
    ["' OR 1=1 --", []],
    ['cai"; DROP TABLE articles; --', []],
    ['+cải -cách "hành" ~chính', 'cai cach hanh chinh'],
    ['(cải) <cách> @hành* chính~', 'cai cach hanh chinh'],
    ['cải cách hành chính @2', []], // "2" is a word too, and no article has it
    ['🇻🇳🎉', []],
    ['cải\u0000cách hành chính', 'cai cach hanh chinh'],
    ['%', []],
    ['_', []],
    ["\\'", []],
  ])('treats %p as text, never as syntax', async (text, same) => {
    const res = await server.gql(SEARCH, { filter: { search: text } });
    expect(res.errors).toBeUndefined();
    const ids = res.data.articles.nodes.map((n: any) => Number(n.id));
    if (Array.isArray(same)) expect(ids).toEqual(same);
    else expect(ids).toEqual((await search(same)).ids);
  });
});

describe('search uses the index', () => {
  it('EXPLAIN: across all articles a rare word goes to the FULLTEXT index; within a unit the feed index range is read; never all articles', async () => {
    const db = server.db.dataSource;
    const statements: [string, unknown[]][] = [];
    const query = db.query.bind(db);
    db.query = (async (sql: string, params?: unknown[]) => {
      statements.push([sql, params ?? []]);
      return query(sql, params);
    }) as typeof db.query;
    try {
      await search('chinh phu so'); // all articles, rare: the window of the newest falls short, then the index
      await search('cai cach thu tuc', { unit: '376', scope: 'SUBTREE', first: 5 }); // a unit: its feed, in order
    } finally {
      db.query = query;
    }
    const plans: { sql: string; rows: any[] }[] = [];
    for (const [sql, params] of statements.filter(([s]) => s.includes('article_search'))) plans.push({ sql, rows: await query(`EXPLAIN ${sql}`, params) });
    const indexPlan = plans.find((p) => p.sql.includes('MATCH('))!;
    expect(indexPlan.rows.some((r) => r.table === 's' && r.type === 'fulltext')).toBe(true);
    const scanPlan = plans.find((p) => p.sql.includes('subtree_feed') && !p.sql.includes('MATCH('))!;
    expect(scanPlan.rows.some((r) => r.table === 'f' && r.type === 'range' && r.key === 'PRIMARY')).toBe(true);
    for (const p of plans) for (const r of p.rows) expect(r.table === 'a' && r.type === 'ALL').toBe(false);
  });
});
