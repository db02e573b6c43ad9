import { insertArticles, minutesAfter } from '../helpers/fixtures';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/** A mutation that answers with an error has changed nothing; dates the database cannot keep are refused. */

let server: TestServer;
let env: TestEnvironment;
let admin: string;

beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  admin = (await env.asAdmin()).key;
});
afterAll(() => server.close());

const CREATE = 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id slug publishedAt } }';
const UPDATE = 'mutation($id: ID!, $input: UpdateArticleInput!) { updateArticle(id: $id, input: $input) { id publishedAt } }';

const count = async (table: string) => Number((await server.db.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
const snapshot = async () => Promise.all(['articles', 'publications', 'subtree_feed', 'article_topics', 'topics', 'article_search'].map(count));
const lastAudit = async () => (await server.db.dataSource.query('SELECT operation, outcome, error_code FROM audit_log ORDER BY id DESC LIMIT 1'))[0];
const input = (title: string, extra: Record<string, unknown> = {}) => ({ originCode: '14620', title, body: '<p>Nội dung.</p>', topics: ['Lịch xa'], ...extra });

describe('publishedAt the database cannot keep or no reader would see', () => {
  it.each(['9999-12-31T23:59:59Z', '9999-12-31T00:00:01Z', '9999-12-31T08:00:00+07:00'])(
    'refuses createArticle with publishedAt %s as BAD_USER_INPUT and leaves nothing behind, its slug free',
    async (publishedAt) => {
      const title = `Lịch tiếp dân ${publishedAt}`;
      const before = await snapshot();
      const res = await server.gqlWithKey(admin, CREATE, { input: input(title, { publishedAt }) });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.publishedAt' });
      expect(res.status).toBeLessThan(500);
      expect(res.data?.createArticle ?? null).toBeNull();
      expect(await snapshot()).toEqual(before);
      expect(await lastAudit()).toEqual({ operation: 'createArticle', outcome: 'refused', error_code: 'BAD_USER_INPUT' });

      // The slug it would have taken is still free: the same title now gets it, with no -2.
      const ok = await server.gqlWithKey(admin, CREATE, { input: input(title) });
      expect(ok.errors).toBeUndefined();
      expect(ok.data.createArticle.slug).not.toMatch(/-2$/);
    },
  );

  it('accepts the latest instant every key holder sees, and answers with the article', async () => {
    const res = await server.gqlWithKey(admin, CREATE, { input: input('Bài hẹn giờ xa nhất', { publishedAt: '9999-12-31T00:00:00Z' }) });
    expect(res.errors).toBeUndefined();
    expect(res.data.createArticle.publishedAt).toBe('9999-12-31T07:00:00+07:00');
    const [row] = await server.db.dataSource.query('SELECT published_at FROM articles WHERE id = ?', [Number(res.data.createArticle.id)]);
    expect(row.published_at.toISOString()).toBe('9999-12-31T00:00:00.000Z');
  });

  it('refuses updateArticle to a publishedAt past that as BAD_USER_INPUT and changes nothing', async () => {
    const [id] = await insertArticles(server.db.dataSource, [{ title: 'Tin cũ', origin: '14620', publishedAt: minutesAfter(5) }]);
    const row = async () => (await server.db.dataSource.query('SELECT title, published_at, updated_at FROM articles WHERE id = ?', [id]))[0];
    const publications = async () => server.db.dataSource.query('SELECT unit_id, published_at, sort_at FROM publications WHERE article_id = ? ORDER BY unit_id', [id]);
    const [articleBefore, publicationsBefore, snapshotBefore] = [await row(), await publications(), await snapshot()];
    const res = await server.gqlWithKey(admin, UPDATE, { id: String(id), input: { title: 'Tin mới', publishedAt: '9999-12-31T23:59:59Z' } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.publishedAt' });
    expect(await row()).toEqual(articleBefore);
    expect(await publications()).toEqual(publicationsBefore);
    expect(await snapshot()).toEqual(snapshotBefore);
    expect(await lastAudit()).toEqual({ operation: 'updateArticle', outcome: 'refused', error_code: 'BAD_USER_INPUT' });
    // and the article is still there for its editor
    const read = await server.gqlWithKey(admin, `{ article(id: "${id}") { title } }`);
    expect(read.data.article).toEqual({ title: 'Tin cũ' });
  });
});

describe('impossible DateTimes', () => {
  const impossible = [
    '2024-02-30T00:00:00Z',
    '2023-02-29T10:00:00+07:00',
    '2024-04-31T08:00:00+07:00',
    '2024-13-01T00:00:00Z',
    '2024-00-10T00:00:00Z',
    '2024-01-00T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T23:60:00Z',
    '2024-01-01T23:59:60Z',
    '2024-01-01T10:00:00+24:00',
    '2024-01-01T10:00:00+07:60',
  ];

  it.each(impossible)('refuses %s as a variable (BAD_USER_INPUT, HTTP 400) and writes nothing', async (publishedAt) => {
    const before = await snapshot();
    const res = await server.gqlWithKey(admin, CREATE, { input: input(`Ngày không có ${publishedAt}`, { publishedAt }) });
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/DateTime/);
    expect(await snapshot()).toEqual(before);
  });

  it.each(impossible)('refuses %s as a literal (GRAPHQL_VALIDATION_FAILED, HTTP 400) and writes nothing', async (publishedAt) => {
    const before = await snapshot();
    const res = await server.gqlWithKey(
      admin,
      `mutation { createArticle(input: { originCode: "14620", title: "Ngày không có", body: "<p>x</p>", publishedAt: "${publishedAt}" }) { id } }`,
    );
    expect(res.status).toBe(400);
    // graphql-js reports a literal the scalar refuses while validating the document, as graphql-scalars' do.
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0].message).toMatch(/DateTime/);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['2024-02-29T00:00:00Z', '2024-02-29T07:00:00+07:00'],
    ['2024-12-31T23:59:59.25+07:00', '2024-12-31T23:59:59+07:00'],
    ['2024-03-01T06:59:00+07:00', '2024-03-01T06:59:00+07:00'],
  ])('still takes the real instant %s', async (publishedAt, shown) => {
    const res = await server.gqlWithKey(admin, CREATE, { input: input(`Ngày có thật ${publishedAt}`, { publishedAt }) });
    expect(res.errors).toBeUndefined();
    expect(res.data.createArticle.publishedAt).toBe(shown);
  });
});

describe('lengths checked on what is stored', () => {
  // 913 characters typed; each 'ứ' is 6 once percent-encoded, so it is over 1,000 stored.
  const longUrl = `https://baoninhbinh.example/tin-tuc/${'ứ'.repeat(913 - 'https://baoninhbinh.example/tin-tuc/'.length)}`;

  it('refuses a sourceUrl that fits as typed but not once percent-encoded, on create and update, writing nothing', async () => {
    expect(longUrl).toHaveLength(913);
    const before = await snapshot();
    const created = await server.gqlWithKey(admin, CREATE, { input: input('Bài có đường dẫn dài', { sourceUrl: longUrl }) });
    expect(created.status).toBeLessThan(500);
    expect(created.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.sourceUrl' });
    expect(await snapshot()).toEqual(before);

    const [id] = await insertArticles(server.db.dataSource, [{ title: 'Tin có nguồn', origin: '14620', publishedAt: minutesAfter(6) }]);
    const stored = async () => (await server.db.dataSource.query('SELECT source_url, updated_at FROM articles WHERE id = ?', [id]))[0];
    const was = await stored();
    const updated = await server.gqlWithKey(admin, UPDATE, { id: String(id), input: { sourceUrl: longUrl } });
    expect(updated.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.sourceUrl' });
    expect(await stored()).toEqual(was);

    // The longest that fits as stored is accepted.
    const fits = `https://baoninhbinh.example/${'a'.repeat(1000 - 'https://baoninhbinh.example/'.length)}`;
    const ok = await server.gqlWithKey(admin, UPDATE, { id: String(id), input: { sourceUrl: fits } });
    expect(ok.errors).toBeUndefined();
    expect((await stored()).source_url).toBe(fits);
  });
});
