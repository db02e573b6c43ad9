import { seedDemoContent } from '../../seeds/demo';
import { openDatabase } from '../../src/db/database';
import { DataBounds, readDataBounds, readExactBounds, storeExactBounds } from '../../src/plugins/dataBounds';
import { CREATE_ARTICLE, CREATE_SOURCE, SYNDICATE, UPDATE_ARTICLE } from '../helpers/operations';
import { createTestDatabase, TestDatabase } from '../helpers/testDatabase';
import { serveTestDatabase, TestServer } from '../helpers/testServer';
import { createKey } from '../helpers/testEnvironment';
import { waitFor } from '../helpers/waitFor';

/**
 * Issue #30 (2): the data bounds the cost estimate multiplies by follow writes at once in the
 * writing process and within a second in another one (same database, no Redis), and a full read
 * of the data racing a write never leaves them below what the write added. Gateway B has a pool of
 * its own, as another process would: it learns of A's writes only through MySQL.
 */
let db: TestDatabase;
let a: TestServer;
let b: TestServer;
let admin: string;
/** Seven demo articles: the syndication is theirs. */
let articleIds: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.transaction((m) => seedDemoContent(m));
  admin = await createKey(db.dataSource, { role: 'admin', label: 'data bounds test' });
  articleIds = (await db.dataSource.query('SELECT id FROM articles ORDER BY id LIMIT 7')).map((r: { id: number }) => String(r.id));
  a = await serveTestDatabase(db);
  const pool = await openDatabase(db.url, 4);
  b = await serveTestDatabase({ url: db.url, dataSource: pool, drop: () => pool.destroy() });
}, 60_000);

afterAll(async () => {
  await b?.close();
  await a?.close();
});

/** The query: every unit an article is shown on, each unit's articles, and every unit those are shown on. */
const ATTACK = `query Attack($id: ID!) { article(id: $id) { publications { unit { articles(first: 7) { nodes { publications { unit { code fullName path } } } } } } } }`;

/** `article` gives the query's variable: remembered estimates ignore it, kept answers do not (B keeps its own, told of no edit). */
async function attack(server: TestServer, article = articleIds[0]): Promise<{ status: number; cost: number; limit?: string }> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: ATTACK, variables: { id: article } }),
  });
  const body = (await res.json()) as { errors?: { extensions?: { limit?: string; actual?: number } }[] };
  const refusal = body.errors?.[0]?.extensions;
  return { status: res.status, cost: refusal?.actual ?? Number(res.headers.get('x-query-cost')), limit: refusal?.limit };
}

async function syndicate(articles: string[], targetCodes: string[]): Promise<number> {
  const res = await a.gqlWithKey(admin, SYNDICATE, { input: { articleIds: articles, targetCodes, includeDescendants: true } });
  expect(res.errors).toBeUndefined();
  return res.data.syndicate.changed;
}

/** The bounds of `server` that are below the data's now (none, if it follows every write). */
async function below(server: TestServer): Promise<Partial<DataBounds>> {
  const exact = await readDataBounds(db.dataSource);
  const current = server.app.dataBounds.current();
  return Object.fromEntries(Object.entries(exact).filter(([name, n]) => current[name as keyof DataBounds] < n));
}

describe('data bounds after a syndication (issue #30, 2)', () => {
  let syndicatedAt: number;
  let exactAfter: number;

  it('price the query by the syndication in the writing process at once, without a read of the data', async () => {
    // Priced and remembered under the bounds before the syndication, by both gateways.
    for (const server of [a, b]) expect(await attack(server)).toMatchObject({ status: 200, limit: undefined });
    const before = a.app.dataBounds.revision();

    expect(await syndicate(articleIds, ['01', '79'])).toBe(2_072);
    syndicatedAt = Date.now();
    exactAfter = (await readDataBounds(db.dataSource)).publicationsPerArticle;

    expect(a.app.dataBounds.revision()).not.toBe(before);
    expect(a.app.dataBounds.current().publicationsPerArticle).toBeGreaterThanOrEqual(exactAfter);
    const refused = await attack(a);
    expect(refused).toMatchObject({ status: 400, limit: 'cost' });
    expect(refused.cost).toBeGreaterThan(1_000_000);
  });

  it('price it so in another process within about a second, with no Redis between them', async () => {
    await waitFor('B to learn the new publications-per-article bound', () => b.app.dataBounds.current().publicationsPerArticle >= exactAfter, 5_000);
    // Each process reads the shared bounds every second.
    expect(Date.now() - syndicatedAt).toBeLessThan(3_000);
    expect(await attack(b, articleIds[1])).toMatchObject({ status: 400, limit: 'cost' });
  });

  it('never fall below a write when a full read of the data races it', async () => {
    // A full read that began before the write and is stored after it commits.
    const reading = await readExactBounds(db.dataSource);
    expect(await syndicate(articleIds.slice(0, 1), ['37'])).toBeGreaterThan(0);
    const exact = await readDataBounds(db.dataSource);
    expect(reading.exact.publicationsPerArticle).toBeLessThan(exact.publicationsPerArticle);
    expect(await storeExactBounds(db.dataSource, reading)).toBe(true);

    for (const server of [a, b]) {
      await server.app.dataBounds.poll();
      expect(server.app.dataBounds.current().publicationsPerArticle).toBeGreaterThanOrEqual(exact.publicationsPerArticle);
      expect(server.app.dataBounds.current().articlesPerTopic).toBeGreaterThanOrEqual(exact.articlesPerTopic);
    }
    // A read no write raced gives the exact bounds back, to every process.
    await a.app.dataBounds.refresh();
    await b.app.dataBounds.poll();
    expect(a.app.dataBounds.current()).toEqual(exact);
    expect(b.app.dataBounds.current()).toEqual(exact);
  });

  it('follow every write that adds rows, each for one statement more', async () => {
    const write = async (query: string, variables: Record<string, unknown>) => {
      const res = await a.gqlWithKey(admin, query, variables);
      expect(res.errors).toBeUndefined();
      expect(await below(a)).toEqual({});
      return res;
    };
    // Bounds each write raises in the data: the source with most articles, the topic with most.
    const [{ source_id: biggestSource }] = await db.dataSource.query('SELECT source_id FROM articles WHERE source_id IS NOT NULL GROUP BY source_id ORDER BY COUNT(*) DESC LIMIT 1');
    const [{ name: biggestTopic }] = await db.dataSource.query('SELECT t.name FROM article_topics f JOIN topics t ON t.id = f.topic_id GROUP BY t.id ORDER BY COUNT(*) DESC LIMIT 1');
    const source = (await write(CREATE_SOURCE, { input: { name: 'Báo Thử Giới Hạn' } })).data.createSource.id;
    const topics = [biggestTopic, ...Array.from({ length: 9 }, (_, i) => `Giới hạn ${i + 1}`)];
    const created = await write(CREATE_ARTICLE, { input: { originCode: '14620', title: 'Bài mười chủ đề', body: '<p>Nội dung.</p>', topics, sourceId: source } });
    const id = created.data.createArticle.id;
    await write(UPDATE_ARTICLE, { id, input: { sourceId: String(biggestSource) } });

    // Syndicating again what is already there adds nothing, and costs two statements less: the
    // bounds' growth, and the tags of what it changed (modules/articles/articleChanges.ts).
    const input = { articleIds: [id], targetCodes: ['37'], includeDescendants: true };
    const first = await write(SYNDICATE, { input });
    const again = await write(SYNDICATE, { input });
    expect([first.data.syndicate.changed > 0, again.data.syndicate.changed]).toEqual([true, 0]);
    expect(first.statements - again.statements).toBe(2);
  });
});
