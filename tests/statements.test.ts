import { seedBulkArticles } from '../seeds/bulk';
import { seedDemoContent } from '../seeds/demo';
import { CommuneHomeDocument, ProvinceDashboardDocument } from './generated/operations';
import { startTestServer, TestServer } from './helpers/testServer';

let server: TestServer;
beforeAll(async () => {
  // Reads of the visit counters' stored rollups are reused for a minute here, so that "warm" is warm.
  server = await startTestServer({ visits: { buffer: { snapshotTtlMs: 60_000 } } });
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
  await seedBulkArticles(server.db.dataSource, { articles: 20000 });
}, 120_000);
afterAll(() => server.close());

/**
 * The shared caches (units, and content for anonymous readers) would answer part of a query from
 * memory: the batching is measured on cold requests, as after a start or an edit.
 */
beforeEach(() => server.emptyCaches());

/** The CONTRACT.md benchmark queries are in tests/operations. */
describe('SQL statements per request do not grow with the rows returned', () => {
  it('province-dashboard costs the same for Ninh Bình (8 districts) as for Hà Nội (30)', async () => {
    const ninhBinh = await server.gql(ProvinceDashboardDocument, { code: '37' });
    server.emptyCaches();
    const haNoi = await server.gql(ProvinceDashboardDocument, { code: '01' });
    expect(ninhBinh.errors).toBeUndefined();
    expect(ninhBinh.data?.province?.districts).toHaveLength(8);
    expect(haNoi.data?.province?.districts).toHaveLength(30);
    expect(haNoi.data!.province!.districts.filter((d) => d.articles.nodes.length > 0).length).toBeGreaterThan(20);
    // province; its districts; every district's 5 newest with their sources (one UNION ALL); every district's visit counter.
    expect(ninhBinh.statements).toBe(4);
    expect(haNoi.statements).toBe(4);
  });

  it('commune-home costs a small fixed number', async () => {
    const res = await server.gql(CommuneHomeDocument, { code: '14620' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.commune?.articles.nodes.length).toBeGreaterThan(0);
    // commune; its district and province (one batch); its feed page with sources; origins not yet loaded; its visit counter.
    expect(res.statements).toBe(5);
  });

  it('feeds leave article bodies out, and fetch them in one statement for the page when asked', async () => {
    const without = await server.gql('{ articles(unit: "37", first: 20) { nodes { id title } } }');
    server.emptyCaches();
    const withBodies = await server.gql('{ articles(unit: "37", first: 20) { nodes { id title body } } }');
    expect(withBodies.statements).toBe(without.statements + 1);
    const nodes = withBodies.data.articles.nodes as { id: string; body: string }[];
    const rows: { id: number; body: string }[] = await server.db.dataSource.query('SELECT id, body FROM articles WHERE id IN (?)', [nodes.map((n) => Number(n.id))]);
    const stored = new Map(rows.map((r) => [String(r.id), r.body]));
    for (const n of nodes) expect(n.body).toBe(stored.get(n.id));
    expect(nodes.every((n) => n.body.length > 0)).toBe(true);
  });

  it('a page of 100 articles with everything hanging off them costs what a page of 1 does', async () => {
    const query = `query($first: Int) { articles(unit: "37", first: $first) { totalCount nodes { id topics source { name } origin { code parent { code } }
      publications { unit { code } } related(first: 3) { id source { name } } } } }`;
    const one = await server.gql(query, { first: 1 });
    server.emptyCaches();
    const hundred = await server.gql(query, { first: 100 });
    expect(hundred.data.articles.nodes).toHaveLength(100);
    expect(one.errors).toBeUndefined();
    expect(hundred.statements).toBeLessThanOrEqual(one.statements + 1);
    expect(hundred.statements).toBeLessThanOrEqual(12);
  });
});

describe('warm: the shared caches and the reused counter reads answer everything', () => {
  it('commune-home costs no statement once its unit, feed page, sources and stored counter are in memory', async () => {
    const cold = await server.gql(CommuneHomeDocument, { code: '14620' });
    const warm = await server.gql(CommuneHomeDocument, { code: '14620' });
    expect(cold.statements).toBe(5);
    expect(warm.statements).toBe(0);
    expect(warm.data).toEqual(cold.data);
  });

  it('province-dashboard costs no statement when warm', async () => {
    const cold = await server.gql(ProvinceDashboardDocument, { code: '01' });
    const warm = await server.gql(ProvinceDashboardDocument, { code: '01' });
    expect(cold.statements).toBe(4);
    expect(warm.statements).toBe(0);
    expect(warm.data).toEqual(cold.data);
  });
});
