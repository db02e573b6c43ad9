import { foldVietnamese } from '../../src/common/vietnameseText';
import { indexArticles } from '../../src/modules/articles/search/searchIndex';
import { NEW_MAP_FROM, OLD_MAP_UNTIL } from '../../seeds/vnAdmin';
import { expectedFeed, historyOf, ModelArticle, Scope } from '../helpers/feedModel';
import { ArticleFixture, insertArticles, minutesAfter } from '../helpers/fixtures';
import { CREATE_ARTICLE, DELETE_ARTICLE, UPDATE_ARTICLE } from '../helpers/operations';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

let server: TestServer;
let env: TestEnvironment;
const now = new Date();
/** Fixture articles by name, with the text the model searches. */
const named: Record<string, number> = {};
const model: (ModelArticle & { text: string })[] = [];
/** Units are named by id, as the model names them: '14620' the old Thị trấn Phát Diệm, '14620@2025-07-01' Xã Phát Diệm. */
const PHAT_DIEM = `14620@${NEW_MAP_FROM}`;
const BINH_MINH = `14623@${NEW_MAP_FROM}`;
const NINH_BINH = `37@${NEW_MAP_FROM}`;
/** Xã Chất Bình, which took over 14629 (where the large result sets are) whole. */
const CHAT_BINH = `14653@${NEW_MAP_FROM}`;

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
  // "chuyển đổi số" on the new map and on units whose archive a new unit keeps (its history).
  cdsPhatDiem: { title: 'Chuyển đổi số trong thôn xóm', origin: PHAT_DIEM, publishedAt: minutesAfter(110) },
  cdsKimChinh: { title: 'Tập huấn chuyển đổi số', origin: '14659', publishedAt: minutesAfter(120) },
  // On three units of Xã Phát Diệm's history: once in its feed.
  cdsShared: { title: 'Chuyển đổi số trong nông nghiệp', origin: '14662', publishedAt: minutesAfter(130), shownOn: ['14620', PHAT_DIEM] },
  cdsHaNam: { title: 'Hội thảo chuyển đổi số', origin: '35', publishedAt: minutesAfter(140) },
  cdsNinhBinh: { title: 'Kế hoạch chuyển đổi số năm nay', origin: NINH_BINH, publishedAt: minutesAfter(150), shownOn: ['36'] },
  cdsBinhMinh: { title: 'Chuyển đổi số ở Bình Minh', origin: BINH_MINH, publishedAt: minutesAfter(160) },
  cdsKimSon: { title: 'Phổ biến chuyển đổi số', origin: '376', publishedAt: minutesAfter(170) },
};

const SEARCH = `query($unit: ID, $on: Date, $history: Boolean, $scope: FeedScope, $orderBy: ArticleOrder, $first: Int, $after: String, $filter: ArticleFilter) {
  articles(unit: $unit, on: $on, history: $history, scope: $scope, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`;

/** Query.articles names a unit by code and day: an old unit's id is its code on 2025-06-30, a new one's `code@day`. */
function byCode(id: string): { unit: string; on: string } {
  const [code, from] = id.split('@');
  return { unit: code, on: from ?? OLD_MAP_UNTIL };
}

/** A search, in a unit's feed when `unit` (a unit id, see byCode) is given. */
async function search(text: string, vars: Record<string, unknown> = {}) {
  const { filter, unit, ...rest } = vars as { filter?: Record<string, unknown>; unit?: string };
  const res = await server.gql(SEARCH, { first: 100, ...rest, ...(unit ? byCode(unit) : {}), filter: { ...filter, search: text } });
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
  server = (env = await createTestEnvironment()).server;
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
  const cases: [string, Scope, string, boolean][] = [];
  for (const unit of ['14620', '376', '37', '01']) for (const scope of ['UNIT', 'SUBTREE', 'LINEAGE'] as Scope[]) cases.push([unit, scope, 'cai cach hanh chinh', true]);
  cases.push(['37', 'SUBTREE', 'duong', true], ['14620', 'LINEAGE', 'co so', true], ['14620', 'UNIT', 'chuyen doi so', true]);
  // New units, with and without the feeds of their history.
  for (const unit of [PHAT_DIEM, NINH_BINH, BINH_MINH]) for (const scope of ['UNIT', 'SUBTREE', 'LINEAGE'] as Scope[]) for (const history of [true, false]) cases.push([unit, scope, 'chuyen doi so', history]);
  cases.push([PHAT_DIEM, 'UNIT', 'cai cach hanh chinh', true], [PHAT_DIEM, 'UNIT', 'cai cach hanh chinh', false], [NINH_BINH, 'SUBTREE', 'duong', true]);

  it.each(cases)('unit %s scope %s: %s (history %s)', async (unit, scope, query, history) => {
    const expected = expectedFeed(model, { unit, scope, history, now, where: (a) => matches((a as any).text, query) });
    const res = await search(query, { unit, scope, history });
    expect(res.ids).toEqual(expected);
    expect(res.total).toBe(expected.length);
  });

  it('the fixtures make history matter: the new units find their predecessors\' articles, each once', async () => {
    const found = (unit: string, scope: Scope, history: boolean) => expectedFeed(model, { unit, scope, history, now, where: (a) => matches((a as any).text, 'chuyen doi so') });
    expect(found(PHAT_DIEM, 'UNIT', true)).toEqual([named.cdsShared, named.cdsKimChinh, named.cdsPhatDiem]);
    expect(found(PHAT_DIEM, 'UNIT', false)).toEqual([named.cdsShared, named.cdsPhatDiem]);
    expect(found(NINH_BINH, 'SUBTREE', true)).toEqual([named.cdsKimSon, named.cdsBinhMinh, named.cdsNinhBinh, named.cdsHaNam, named.cdsShared, named.cdsKimChinh, named.cdsPhatDiem]);
    expect(found(NINH_BINH, 'SUBTREE', false)).toEqual([named.cdsBinhMinh, named.cdsNinhBinh, named.cdsShared, named.cdsPhatDiem]);
    expect(historyOf(PHAT_DIEM)).toEqual(expect.arrayContaining(['14620', '14659', '14662']));
  });

  it('combines with the other filters', async () => {
    const res = await search('cải cách hành chính', { unit: '37', scope: 'SUBTREE', filter: { publishedAfter: minutesAfter(15).toISOString() } });
    expect(res.ids).toEqual([named.scattered, named.summaryPhrase]);
    const today = await search('chuyển đổi số', { unit: NINH_BINH, scope: 'SUBTREE', filter: { publishedAfter: minutesAfter(135).toISOString() } });
    expect(today.ids).toEqual([named.cdsKimSon, named.cdsBinhMinh, named.cdsNinhBinh, named.cdsHaNam]);
  });
});

describe('search: large result sets', () => {
  /** The matches, modelled: 300 on 14629 (old, kept by Xã Chất Bình), 60 on Xã Chất Bình itself. */
  const matching: ModelArticle[] = [];
  beforeAll(async () => {
    // 300 matches, then 1,200 newer non-matching articles, so the newest-first walk must fall back
    // from the window to the index; and matches share timestamps, so ids break ties.
    const at = (i: number) => minutesAfter(200 + Math.floor(i / 4));
    const many = await insertArticles(server.db.dataSource, Array.from({ length: 300 }, (_, i) => ({ title: `Cải cách thủ tục số ${i}`, origin: '14629', publishedAt: at(i) })));
    await insertArticles(server.db.dataSource, Array.from({ length: 1200 }, (_, i) => ({ title: `Tin khác ${i}`, origin: '14629', publishedAt: minutesAfter(1000 + i) })));
    // Among them, on the new unit: its feed with history merges both.
    const later = Array.from({ length: 60 }, (_, i) => 5 * i + 2);
    const onNew = await insertArticles(server.db.dataSource, later.map((i) => ({ title: `Cải cách thủ tục mới ${i}`, origin: CHAT_BINH, publishedAt: at(i) })));
    const modelOf = (id: number, publishedAt: Date, unit: string): ModelArticle => ({ id, publishedAt, shownOn: [unit], kind: 'NEWS', topics: [], sourceId: null, views: 0 });
    matching.push(...many.map((id, i) => modelOf(id, at(i), '14629')), ...onNew.map((id, k) => modelOf(id, at(later[k]), CHAT_BINH)));
  }, 120_000);

  it.each([
    ['376', 'SUBTREE', 'NEWEST', 7, true],
    ['376', 'SUBTREE', 'OLDEST', 13, true],
    ['376', 'SUBTREE', 'RELEVANCE', 11, true],
    [CHAT_BINH, 'UNIT', 'NEWEST', 9, true],
    [CHAT_BINH, 'UNIT', 'OLDEST', 12, true],
    [CHAT_BINH, 'UNIT', 'RELEVANCE', 10, true],
    [CHAT_BINH, 'UNIT', 'NEWEST', 7, false],
  ] as [string, Scope, string, number, boolean][])('walks every match of %s %s once, in order (%s, pages of %i, history %s)', async (unit, scope, orderBy, size, history) => {
    const expected = expectedFeed(matching, { unit, scope, history, now, order: orderBy === 'RELEVANCE' ? 'NEWEST' : (orderBy as any) });
    expect(expected.length).toBeGreaterThanOrEqual(60);
    const ids = await walk('cai cach thu tuc', { unit, scope, history, orderBy }, size);
    expect(ids).toHaveLength(expected.length);
    expect(new Set(ids)).toEqual(new Set(expected));
    if (orderBy !== 'RELEVANCE') expect(ids).toEqual(expected);
  });
});

describe('search stays current', () => {
  it('finds an article as soon as it is created or edited, and not once deleted', async () => {
    const { key } = await env.asAdmin();
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
      // A unit: its feed, in order. Huyện Kim Sơn has no predecessors, so history changes nothing here but
      // the estimate, which multiplies every feed by the largest history (bounds fresh by now: refused).
      await search('cai cach thu tuc', { unit: '376', scope: 'SUBTREE', first: 5, history: false });
    } finally {
      db.query = query;
    }
    // The plans with the statistics a live database has: InnoDB recomputes them in the background
    // after the 1,500 inserts above, and EXPLAIN right after may still see a table of a few rows.
    await query('ANALYZE TABLE articles, article_search, subtree_feed');
    const plans: { sql: string; rows: any[] }[] = [];
    for (const [sql, params] of statements.filter(([s]) => s.includes('article_search'))) plans.push({ sql, rows: await query(`EXPLAIN ${sql}`, params) });
    const indexPlan = plans.find((p) => p.sql.includes('MATCH('))!;
    expect(indexPlan.rows.some((r) => r.table === 's' && r.type === 'fulltext')).toBe(true);
    const scanPlan = plans.find((p) => p.sql.includes('subtree_feed') && !p.sql.includes('MATCH('))!;
    expect(scanPlan.rows.some((r) => r.table === 'f' && r.type === 'range' && r.key === 'PRIMARY')).toBe(true);
    for (const p of plans) for (const r of p.rows) expect(r.table === 'a' && r.type === 'ALL').toBe(false);
  });
});
