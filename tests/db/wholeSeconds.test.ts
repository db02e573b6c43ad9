import { MysqlQueryRunner } from 'typeorm/driver/mysql/MysqlQueryRunner';
import { seedDemoContent } from '../../seeds/demo';
import { RECORD_VISIT } from '../helpers/operations';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/**
 * Every instant the gateway writes into a DATETIME column is a whole second (src/db/datetime.ts).
 * MariaDB, which these tests run on, truncates a fraction; MySQL 8 rounds it (10:00:00.600 is stored
 * 10:00:01), which would store an article created "now" in the future there. So what is checked is
 * what we bind: no Date parameter of any statement the writes send has milliseconds, and what is
 * stored is what the caller was answered.
 */
let server: TestServer;
let env: TestEnvironment;
let admin: string;
const bound: { sql: string; dates: Date[] }[] = [];
let spy: jest.SpyInstance;

const datesIn = (value: unknown): Date[] => (value instanceof Date ? [value] : Array.isArray(value) ? value.flatMap(datesIn) : []);

beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
  admin = (await env.asAdmin()).key;
  const query = MysqlQueryRunner.prototype.query;
  spy = jest.spyOn(MysqlQueryRunner.prototype, 'query').mockImplementation(function (this: MysqlQueryRunner, sql: string, parameters?: unknown[], ...rest: unknown[]) {
    if (/^\s*(INSERT|UPDATE|REPLACE)\b/i.test(sql)) bound.push({ sql, dates: datesIn(parameters ?? []) });
    return (query as (...args: unknown[]) => Promise<unknown>).call(this, sql, parameters, ...rest);
  } as typeof query);
});
afterAll(async () => {
  spy.mockRestore();
  await server.close();
});

/** The writes' Date parameters that have a fraction of a second, with their statements; audit_log.at is DATETIME(3) and keeps it. */
const fractional = () => bound.filter(({ sql }) => !/^\s*INSERT INTO audit_log\b/.test(sql)).flatMap(({ sql, dates }) => dates.filter((d) => d.getMilliseconds() !== 0).map((d) => `${d.toISOString()} in ${sql.slice(0, 60)}`));

it('createArticle, updateArticle, createSource, syndicate and a visit flush bind whole seconds only', async () => {
  // Milliseconds of the request's own clock are not chosen here: several writes make a fraction all but certain.
  const created = await server.gqlWithKey(admin, 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id publishedAt updatedAt } }', {
    input: { originCode: '14620', title: 'Bài viết đăng ngay', body: '<p>Nội dung.</p>' },
  });
  expect(created.errors).toBeUndefined();
  const scheduled = await server.gqlWithKey(admin, 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id publishedAt } }', {
    input: { originCode: '14620', title: 'Bài viết hẹn giờ', body: '<p>Nội dung.</p>', publishedAt: '2025-08-05T09:30:00.600+07:00' },
  });
  expect(scheduled.data.createArticle.publishedAt).toBe('2025-08-05T09:30:00+07:00');
  const id = created.data.createArticle.id;
  const updated = await server.gqlWithKey(admin, 'mutation($id: ID!, $input: UpdateArticleInput!) { updateArticle(id: $id, input: $input) { publishedAt updatedAt } }', {
    id,
    input: { title: 'Bài viết đã sửa', publishedAt: '2025-08-06T10:00:00.999+07:00' },
  });
  expect(updated.data.updateArticle.publishedAt).toBe('2025-08-06T10:00:00+07:00');
  expect((await server.gqlWithKey(admin, 'mutation { createSource(input: { name: "Báo mới đây" }) { id } }')).errors).toBeUndefined();
  const syndicated = await server.gqlWithKey(admin, 'mutation($input: SyndicationInput!) { syndicate(input: $input) { changed } }', { input: { articleIds: [id], targetCodes: ['14623'] } });
  expect(syndicated.data.syndicate.changed).toBe(1);
  expect((await server.gql(RECORD_VISIT, { unitCode: '14620', visitorId: 'whole-seconds', articleId: null })).data.recordVisit).toBe(true);
  await server.app.visits.buffer.flush();

  expect(bound.length).toBeGreaterThan(8);
  expect(fractional()).toEqual([]);

  // What is stored is what was answered.
  const [row] = await server.db.dataSource.query('SELECT published_at, updated_at FROM articles WHERE id = ?', [id]);
  expect({ publishedAt: row.published_at.toISOString(), updatedAt: row.updated_at.toISOString() }).toEqual({
    publishedAt: new Date(updated.data.updateArticle.publishedAt).toISOString(),
    updatedAt: new Date(updated.data.updateArticle.updatedAt).toISOString(),
  });
});
