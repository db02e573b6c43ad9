import { insertArticles, minutesAfter } from '../helpers/fixtures';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/**
 * Identifiers a caller sends (unit codes, slugs, operation names) are checked in their exact
 * alphabet before any SQL: the ascii_bin columns pad spaces ('14623 ' = '14623') and refuse
 * non-ASCII text with "Illegal mix of collations", so a loose value was either stored or a 500.
 */

let server: TestServer;
let env: TestEnvironment;
let adminKey: string;
let editorKey: string;
let slug: string;

beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  const db = server.db.dataSource;
  const [id] = await insertArticles(db, [{ title: 'Thị trấn Bình Minh ra mắt tổ công nghệ số', origin: '14623', publishedAt: minutesAfter(1) }]);
  slug = (await db.query('SELECT slug FROM articles WHERE id = ?', [id]))[0].slug;
  adminKey = (await env.asAdmin()).key;
  editorKey = (await env.asEditor('14623')).key;
});
afterAll(() => server.close());

const CREATE = 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id origin { code } } }';
const articleCount = async () => Number((await server.db.dataSource.query('SELECT COUNT(*) AS n FROM articles'))[0].n);
const PROVINCE_FEED = '{ province(code: "37") { articles(scope: SUBTREE) { nodes { origin { code } } } } }';

const LOOSE_CODES = ['14623 ', ' 14623', '14623\n', '１４６２３', 'ü', '', '1462'.padEnd(300, '3')];
const LOOSE_SLUGS = ['tin-tức', 'Tin-Tuc', 'tin tuc', 'tin--tuc', 'a'.repeat(201), 'ü'.repeat(300)];
const LOOSE_OPERATIONS = ['ü', 'create article', 'x'.repeat(65), ''];

describe('unit codes', () => {
  it('refuses createArticle at a code with spaces or anything but 2 to 5 ASCII digits as BAD_USER_INPUT, stores nothing, and feeds still read', async () => {
    const before = await articleCount();
    for (const originCode of LOOSE_CODES) {
      for (const key of [editorKey, adminKey]) {
        const res = await server.gqlWithKey(key, CREATE, { input: { originCode, title: 'x', body: '<p>x</p>' } });
        expect({ originCode, status: res.status, error: res.errors?.[0]?.extensions }).toMatchObject({ originCode, status: 200, error: { code: 'BAD_USER_INPUT', field: 'input.originCode' } });
      }
    }
    expect(await articleCount()).toBe(before);
    const feed = await server.gql(PROVINCE_FEED);
    expect(feed.errors).toBeUndefined();
    expect(feed.data.province.articles.nodes.map((n: { origin: { code: string } }) => n.origin.code)).toEqual(['14623']);

    const exact = await server.gqlWithKey(editorKey, CREATE, { input: { originCode: '14623', title: 'Bài đúng mã', body: '<p>x</p>' } });
    expect(exact.errors).toBeUndefined();
    expect(exact.data.createArticle.origin.code).toBe('14623');
  });
});

describe('slugs', () => {
  it('article(slug) outside the slug alphabet is null, as for any unknown article, and spoils no alias beside it', async () => {
    for (const bad of LOOSE_SLUGS) {
      const res = await server.gql('query($bad: String!, $good: String!) { bad: article(slug: $bad) { slug } good: article(slug: $good) { slug } }', { bad, good: slug });
      expect({ bad, status: res.status, errors: res.errors, data: res.data }).toEqual({ bad, status: 200, errors: undefined, data: { bad: null, good: { slug } } });
    }
  });
});

describe('audit operations', () => {
  it('auditLog(operation) that is no mutation name is BAD_USER_INPUT, not a 500; a mutation name still filters', async () => {
    for (const operation of LOOSE_OPERATIONS) {
      const res = await server.gqlWithKey(adminKey, 'query($op: String!) { auditLog(operation: $op) { id } }', { op: operation });
      expect({ operation, status: res.status, error: res.errors?.[0]?.extensions }).toMatchObject({ operation, status: 200, error: { code: 'BAD_USER_INPUT', field: 'operation' } });
    }
    const res = await server.gqlWithKey(adminKey, '{ auditLog(operation: "createArticle") { operation } }');
    expect(res.errors).toBeUndefined();
    expect(res.data.auditLog.length).toBeGreaterThan(0);
    expect(res.data.auditLog.every((e: { operation: string }) => e.operation === 'createArticle')).toBe(true);
  });
});
