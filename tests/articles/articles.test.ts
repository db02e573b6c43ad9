import { seedDemoContent } from '../../seeds/demo';
import { insertArticles, minutesAfter } from '../helpers/fixtures';
import { startTestServer, TestServer } from '../helpers/testServer';

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

/** A stored instant as the API writes it: Vietnam's time, to the second. */
const inVietnam = (d: Date) => `${new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 19)}+07:00`;

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

  it('answers, by slug and by id alike, what the database holds for the article', async () => {
    // Read straight from the tables, not through the gateway's services: both lookups must match it.
    const db = server.db.dataSource;
    const [row] = await db.query(
      `SELECT a.id, a.slug, a.title, a.summary, a.body, a.kind, a.source_url, a.published_at, a.updated_at, a.origin_id, s.id AS source_id, s.name AS source_name, s.url AS source_url_of_source
       FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE a.slug = ?`,
      [PAGE_ARTICLE_SLUG],
    );
    const topics = (await db.query('SELECT tp.name FROM article_topics t JOIN topics tp ON tp.id = t.topic_id WHERE t.article_id = ?', [row.id])).map((r: { name: string }) => r.name);
    const publications = await db.query('SELECT p.unit_id, p.is_origin, p.published_at, u.code FROM publications p JOIN units u ON u.id = p.unit_id WHERE p.article_id = ?', [row.id]);
    const [origin] = await db.query('SELECT code, full_name FROM units WHERE id = ?', [row.origin_id]);
    const expected = {
      id: String(row.id),
      slug: row.slug,
      title: row.title,
      summary: row.summary,
      body: row.body,
      kind: row.kind,
      sourceUrl: row.source_url,
      publishedAt: inVietnam(row.published_at),
      updatedAt: inVietnam(row.updated_at),
      source: row.source_id === null ? null : { id: String(row.source_id), name: row.source_name, url: row.source_url_of_source },
      origin: { __typename: 'Commune', code: origin.code, fullName: origin.full_name },
    };
    expect(topics.length).toBeGreaterThan(0);
    expect(publications.length).toBeGreaterThan(0);
    for (const vars of [{ slug: PAGE_ARTICLE_SLUG }, { id: String(row.id) }]) {
      const res = await server.gql(ARTICLE, vars);
      expect(res.errors).toBeUndefined();
      const { topics: gotTopics, publications: gotPublications, related: _related, ...rest } = res.data.article;
      expect(rest).toEqual(expected);
      expect([...gotTopics].sort()).toEqual([...topics].sort());
      const asServed = (p: { isOrigin: boolean; publishedAt: string; unit: { code: string } }) => `${p.unit.code} ${p.isOrigin} ${p.publishedAt}`;
      expect(gotPublications.map(asServed).sort()).toEqual(
        publications.map((p: { code: string; is_origin: number; published_at: Date }) => `${p.code} ${p.is_origin === 1} ${inVietnam(p.published_at)}`).sort(),
      );
    }
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
  it('lists sources and each one pages through its own visible articles, newest first', async () => {
    const db = server.db.dataSource;
    // The demo has no scheduled article: a source of the test's own, with two visible and one
    // scheduled (a day ahead of the server's clock), says the source feed leaves the future out.
    const { insertId } = await db.query('INSERT INTO sources (name, created_at) VALUES (?, ?)', ['Báo Lịch Công Tác', new Date()]);
    const sourceId = Number(insertId);
    const [older, newer, scheduled] = await insertArticles(db, [
      { title: 'Lịch công tác tuần 1', origin: '14620', publishedAt: minutesAfter(10), sourceId },
      { title: 'Lịch công tác tuần 2', origin: '14620', publishedAt: minutesAfter(20), sourceId },
      { title: 'Lịch công tác tuần sau', origin: '14620', publishedAt: new Date(Date.now() + 86400_000), sourceId },
    ]);
    const requestedAt = new Date();
    const res = await server.gql(`{ sources { id name url articles(first: 100) { totalCount nodes { id publishedAt source { id } } } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.sources.map((s: any) => s.name)).toEqual(expect.arrayContaining(['Báo Ninh Bình', 'Báo Lịch Công Tác']));
    const mine = res.data.sources.find((s: any) => s.id === String(sourceId));
    expect(mine.articles).toEqual({
      totalCount: 2,
      nodes: [[newer, minutesAfter(20)], [older, minutesAfter(10)]].map(([id, at]) => ({ id: String(id), publishedAt: inVietnam(at as Date), source: { id: String(sourceId) } })),
    });
    expect(mine.articles.nodes.map((n: any) => n.id)).not.toContain(String(scheduled));
    // Every source against its rows in the table, in order.
    for (const s of res.data.sources) {
      const rows = await db.query('SELECT id FROM articles WHERE source_id = ? AND published_at <= ? ORDER BY published_at DESC, id DESC', [s.id, requestedAt]);
      const expected = rows.map((r: { id: number }) => String(r.id));
      expect({ source: s.name, totalCount: s.articles.totalCount, ids: s.articles.nodes.map((a: any) => a.id) }).toEqual({ source: s.name, totalCount: expected.length, ids: expected.slice(0, 100) });
      for (const a of s.articles.nodes) expect(a.source).toEqual({ id: s.id });
    }
  });

  it('finds one source by id, null for an unknown one', async () => {
    const [{ id }] = await server.db.dataSource.query("SELECT id FROM sources WHERE name = 'Báo Ninh Bình'");
    const res = await server.gql(`query($a: ID!, $b: ID!) { a: source(id: $a) { name } b: source(id: $b) { name } }`, { a: String(id), b: '424242' });
    expect(res.data).toEqual({ a: { name: 'Báo Ninh Bình' }, b: null });
  });
});
