import { seedDemoContent } from '../seeds/demo';
import { insertArticles, minutesAfter } from './helpers/fixtures';
import { startTestServer, TestServer } from './helpers/testServer';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
});
afterAll(() => server.close());

const PAGE_ARTICLE_SLUG = 'hoi-nghi-truc-tuyen-toan-quoc-trien-khai-nhiem-vu-cai-cach-hanh-chinh-nhung-thang-cuoi-nam-2023';
const ARTICLE = `query($id: ID, $slug: String) { article(id: $id, slug: $slug) {
  id slug title summary body kind topics publishedAt updatedAt sourceUrl
  source { id name url } origin { __typename code fullName }
  publications { isOrigin publishedAt unit { code } }
  related(first: 5) { id }
} }`;

describe('article', () => {
  it('finds the seed page article by slug and by id, with its source, origin and topics', async () => {
    const bySlug = await server.gql(ARTICLE, { slug: PAGE_ARTICLE_SLUG });
    const a = bySlug.data.article;
    expect(a).toMatchObject({
      slug: PAGE_ARTICLE_SLUG,
      title: 'Hội nghị trực tuyến toàn quốc triển khai nhiệm vụ cải cách hành chính những tháng cuối năm 2023',
      kind: 'NEWS',
      publishedAt: '2023-12-08T09:30:00+07:00',
      source: { name: 'Báo Ninh Bình' },
      origin: { __typename: 'Commune', code: '14620', fullName: 'Thị trấn Phát Diệm' },
    });
    expect(a.topics).toContain('Cải cách hành chính');
    const byId = await server.gql(ARTICLE, { id: a.id });
    expect(byId.data.article).toEqual(a);
  });

  it('lists publications with the origin first', async () => {
    const rows: { id: number }[] = await server.db.dataSource.query('SELECT article_id AS id FROM publications GROUP BY article_id HAVING COUNT(*) >= 3');
    expect(rows.length).toBeGreaterThan(0);
    for (const { id } of rows) {
      const res = await server.gql(ARTICLE, { id: String(id) });
      const pubs = res.data.article.publications;
      expect(pubs[0]).toMatchObject({ isOrigin: true, unit: { code: res.data.article.origin.code } });
      expect(pubs.slice(1).every((p: any) => !p.isOrigin)).toBe(true);
      const [{ n }] = await server.db.dataSource.query('SELECT COUNT(*) AS n FROM publications WHERE article_id = ?', [id]);
      expect(pubs).toHaveLength(Number(n));
    }
  });

  it('answers null for ids and slugs that name nothing', async () => {
    for (const vars of [{ id: '999999' }, { id: 'abc' }, { id: '-1' }, { id: '99999999999999999999' }, { slug: 'khong-co-bai-nay' }, { slug: "x' OR '1'='1" }]) {
      const res = await server.gql(ARTICLE, vars);
      expect(res.errors).toBeUndefined();
      expect(res.data.article).toBeNull();
    }
  });

  it('wants exactly one of id and slug', async () => {
    for (const vars of [{}, { id: '1', slug: PAGE_ARTICLE_SLUG }]) {
      const res = await server.gql(ARTICLE, vars);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('related', () => {
  it('never returns the article itself, for any demo article and any size', async () => {
    const ids: { id: number }[] = await server.db.dataSource.query('SELECT id FROM articles');
    const res = await server.gql(`{ ${ids.map(({ id }) => `a${id}: article(id: "${id}") { id related(first: 20) { id } }`).join(' ')} }`);
    for (const a of Object.values<any>(res.data)) {
      expect(a.related.map((r: any) => r.id)).not.toContain(a.id);
      expect(new Set(a.related.map((r: any) => r.id)).size).toBe(a.related.length);
    }
  });

  it('ranks by shared topics, then newest, then fills with the newest of the same origin', async () => {
    const db = server.db.dataSource;
    const [x, threeShared, oneSharedNewer, twoShared, sameOriginNewest, sameOriginOlder] = await insertArticles(db, [
      { title: 'Gốc', origin: '00004', publishedAt: minutesAfter(100), topics: ['Chủ đề A', 'Chủ đề B', 'Chủ đề C'] },
      { title: 'Ba chủ đề', origin: '00001', publishedAt: minutesAfter(10), topics: ['Chủ đề A', 'Chủ đề B', 'Chủ đề C'] },
      { title: 'Một chủ đề mới', origin: '00001', publishedAt: minutesAfter(90), topics: ['Chủ đề C'] },
      { title: 'Hai chủ đề', origin: '00001', publishedAt: minutesAfter(20), topics: ['Chủ đề A', 'Chủ đề C'] },
      { title: 'Cùng nơi mới', origin: '00004', publishedAt: minutesAfter(80) },
      { title: 'Cùng nơi cũ', origin: '00004', publishedAt: minutesAfter(5) },
    ]);
    const res = await server.gql(`query($id: ID) { article(id: $id) { r3: related(first: 3) { id } r5: related(first: 5) { id } r20: related(first: 20) { id } r0: related(first: 0) { id } } }`, { id: String(x) });
    const ids = (list: any[]) => list.map((r) => Number(r.id));
    expect(ids(res.data.article.r3)).toEqual([threeShared, twoShared, oneSharedNewer]);
    expect(ids(res.data.article.r5)).toEqual([threeShared, twoShared, oneSharedNewer, sameOriginNewest, sameOriginOlder]);
    expect(ids(res.data.article.r20)).toEqual([threeShared, twoShared, oneSharedNewer, sameOriginNewest, sameOriginOlder]);
    expect(res.data.article.r0).toEqual([]);
  });

  it('refuses first outside 0..20', async () => {
    const res = await server.gql(`{ article(slug: "${PAGE_ARTICLE_SLUG}") { related(first: 21) { id } } }`);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('sources', () => {
  it('lists sources and each one pages through its own articles, newest first', async () => {
    const res = await server.gql(`{ sources { id name url articles(first: 100) { totalCount nodes { id publishedAt source { id } } } } }`);
    expect(res.data.sources.map((s: any) => s.name)).toContain('Báo Ninh Bình');
    for (const s of res.data.sources) {
      const [{ n }] = await server.db.dataSource.query('SELECT COUNT(*) AS n FROM articles WHERE source_id = ? AND published_at <= NOW()', [s.id]);
      expect(s.articles.totalCount).toBe(Number(n));
      expect(s.articles.nodes.every((a: any) => a.source.id === s.id)).toBe(true);
      const times = s.articles.nodes.map((a: any) => new Date(a.publishedAt).getTime());
      expect(times).toEqual([...times].sort((p, q) => q - p));
    }
  });

  it('finds one source by id, null for an unknown one', async () => {
    const [{ id }] = await server.db.dataSource.query("SELECT id FROM sources WHERE name = 'Báo Ninh Bình'");
    const res = await server.gql(`query($a: ID!, $b: ID!) { a: source(id: $a) { name } b: source(id: $b) { name } }`, { a: String(id), b: '424242' });
    expect(res.data).toEqual({ a: { name: 'Báo Ninh Bình' }, b: null });
  });
});
