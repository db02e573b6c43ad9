import { print } from 'graphql';
import { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { seedBulkArticles } from '../../seeds/bulk';
import { seedDemoContent } from '../../seeds/demo';
import { DEFAULT_QUERY_LIMITS } from '../../src/plugins/queryLimits';
import { CommuneHomeDocument, ProvinceDashboardDocument, ProvinceDashboardTodayDocument, SearchDocument } from '../generated/operations';
import { startTestServer, TestServer } from '../helpers/testServer';

let server: TestServer;
beforeAll(async () => {
  // Reads of the visit counters' stored rollups are reused for a minute here, so that "warm" is warm.
  // Statements are measured here, not admission (limits.test.ts): the page of 100 with everything
  // hanging off it costs about 1.2 million at 20,000 articles, which the bounds count from the seed on.
  server = await startTestServer({
    visits: { buffer: { snapshotTtlMs: 60_000 } },
    config: { queryLimits: { ...DEFAULT_QUERY_LIMITS, maxCost: 100_000_000 } },
  });
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
  await seedBulkArticles(server.db.dataSource, { articles: 20000 });
}, 120_000);
afterAll(() => server.close());

/**
 * The shared caches (units, and content for anonymous readers) would answer part of a query from
 * memory: the batching is measured on cold requests, as after a start or an edit.
 */
beforeEach(() => server.emptyCaches());

/** The map the benchmark's commune-home, province-dashboard and search read (scripts/bench/reads.ts). */
const ON = '2025-06-30';

/** An operation's text with its unit feeds (`feed`, as written in it) read without history, as v1 read them. */
function withoutHistory(document: TypedDocumentNode<any, any>, feed: string): string {
  const text = print(document);
  const changed = text.replace(feed, `${feed.slice(0, -1)}, history: false)`);
  if (changed === text) throw new Error(`${feed} is not in the operation`);
  return changed;
}

/** The CONTRACT.md benchmark queries are in tests/operations. */
describe('SQL statements per request do not grow with the rows returned', () => {
  it('province-dashboard on 2025-06-30 costs the same for Ninh Bình (7 districts) as for Hà Nội (30)', async () => {
    const ninhBinh = await server.gql(ProvinceDashboardDocument, { code: '37', on: ON });
    server.emptyCaches();
    const haNoi = await server.gql(ProvinceDashboardDocument, { code: '01', on: ON });
    expect(ninhBinh.errors).toBeUndefined();
    // Ninh Bình's 8 districts of 2024 were 7 by 2025-06-30 (Thành phố Hoa Lư).
    expect(ninhBinh.data?.province?.districts).toHaveLength(7);
    expect(haNoi.data?.province?.districts).toHaveLength(30);
    expect(haNoi.data!.province!.districts.filter((d) => d.articles.nodes.length > 0).length).toBeGreaterThan(20);
    // province; its districts; their histories (one statement for all; the old map's units have no
    // predecessors); every district's 5 newest with their sources (one UNION ALL); every district's visit counter.
    expect(ninhBinh.statements).toBe(5);
    expect(haNoi.statements).toBe(5);
  });

  it("province-dashboard-today costs as little for the new Tỉnh Ninh Bình's 129 communes, each with its predecessors' articles", async () => {
    const res = await server.gql(ProvinceDashboardTodayDocument, { code: '37' });
    expect(res.errors).toBeUndefined();
    const communes = res.data!.province!.communes;
    expect(communes).toHaveLength(129);
    // The articles are on the old map's units: the communes' feeds have them through history.
    expect(communes.filter((c) => c.articles.nodes.length > 0).length).toBeGreaterThan(100);
    // province; its communes (through the closure: there are no districts); their histories (one
    // statement for all 129); every commune's 5 newest from its own and its predecessors' feeds with
    // their sources (one UNION ALL); every commune's visit counter.
    expect(res.statements).toBe(5);
  });

  it('the new province (129 communes) costs what the old one (7 districts) did without history, plus at most one statement for history', async () => {
    const old = await server.gql(withoutHistory(ProvinceDashboardDocument, 'articles(first: 5)'), { code: '37', on: ON });
    server.emptyCaches();
    const today = await server.gql(ProvinceDashboardTodayDocument, { code: '37' });
    expect(old.errors).toBeUndefined();
    expect(old.data.province.districts).toHaveLength(7);
    expect(today.data?.province?.communes).toHaveLength(129);
    // province; its districts; their 5 newest (one UNION ALL); their visit counters: as in v1.
    expect(old.statements).toBe(4);
    expect(today.statements).toBeLessThanOrEqual(old.statements + 1);
  });

  it('commune-home on 2025-06-30 costs a small fixed number', async () => {
    const res = await server.gql(CommuneHomeDocument, { code: '14620', on: ON });
    expect(res.errors).toBeUndefined();
    expect(res.data?.commune?.fullName).toBe('Thị trấn Phát Diệm');
    const nodes = res.data!.commune!.articles.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    // The page's articles come from the commune, its district or its province: already loaded.
    for (const n of nodes) expect(['14620', '376', '37']).toContain(n.origin.code);
    // commune; its district and province (one batch); its history (none: an old unit); its feed page with sources; its visit counter.
    expect(res.statements).toBe(5);
  });

  it("commune-home-today (Xã Phát Diệm, with its predecessors' articles) costs a small fixed number", async () => {
    const res = await server.gql(CommuneHomeDocument, { code: '14620' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.commune).toMatchObject({ fullName: 'Xã Phát Diệm', district: null, province: { fullName: 'Tỉnh Ninh Bình' } });
    const nodes = res.data!.commune!.articles.nodes;
    expect(nodes).toHaveLength(10);
    // The page's articles come from units this page did not load (the old Thị trấn Phát Diệm, its old
    // district and province …): they ride along with the page, as the sources do.
    expect(nodes.some((n) => n.origin.code !== '14620')).toBe(true);
    // commune; its province (no district); its history (old 14620, 14659, 14662); its visit counter;
    // its feed page from the four units' feeds with sources and origins (one UNION ALL).
    expect(res.statements).toBe(5);
  });

  it('commune-home-today and province-dashboard-today cost what commune-home and province-dashboard cost on the old map', async () => {
    const count = async (document: TypedDocumentNode<any, any>, variables: Record<string, unknown>) => {
      server.emptyCaches();
      const res = await server.gql(document, variables);
      expect(res.errors).toBeUndefined();
      return res.statements;
    };
    expect(await count(CommuneHomeDocument, { code: '14620' })).toBe(await count(CommuneHomeDocument, { code: '14620', on: ON }));
    expect(await count(ProvinceDashboardTodayDocument, { code: '37' })).toBe(await count(ProvinceDashboardDocument, { code: '37', on: ON }));
  });

  it('search on 2025-06-30 costs a small fixed number', async () => {
    const res = await server.gql(SearchDocument, { search: 'cai cach hanh chinh', province: '37', on: ON });
    expect(res.errors).toBeUndefined();
    expect(res.data?.articles.nodes).toHaveLength(10);
    // province; its history; where the search window of the subtree's newest rows ends; the page of matches with sources.
    expect(res.statements).toBe(4);
  });

  it('history adds at most one statement to a feed, however many feeds and predecessors', async () => {
    const cases: { query: string; variables: Record<string, unknown>; articles: (data: any) => number }[] = [
      // The new province's subtree: its own and the old Ninh Bình's, Hà Nam's and Nam Định's.
      {
        query: 'query($history: Boolean) { articles(unit: "37", first: 20, history: $history) { nodes { id title source { name } } } }',
        variables: {},
        articles: (data) => data.articles.nodes.length,
      },
      // Xã Phát Diệm's feed: its own and old 14620's, 14659's and 14662's.
      {
        query: 'query($history: Boolean) { commune(code: "14620") { articles(first: 10, history: $history) { nodes { id title source { name } } } } }',
        variables: {},
        articles: (data) => data.commune.articles.nodes.length,
      },
      // 129 feeds, 533 units' feeds with their predecessors.
      {
        query: print(ProvinceDashboardTodayDocument).replace('articles(first: 5)', 'articles(first: 5, history: $history)').replace('$code: ID!', '$code: ID!, $history: Boolean'),
        variables: { code: '37' },
        articles: (data) => data.province.communes.reduce((n: number, c: any) => n + c.articles.nodes.length, 0),
      },
    ];
    for (const { query, variables, articles } of cases) {
      server.emptyCaches();
      const without = await server.gql(query, { ...variables, history: false });
      server.emptyCaches();
      const withHistory = await server.gql(query, { ...variables, history: true });
      expect(without.errors).toBeUndefined();
      expect(withHistory.errors).toBeUndefined();
      expect(articles(withHistory.data)).toBeGreaterThan(articles(without.data));
      expect(withHistory.statements - without.statements).toBeLessThanOrEqual(1);
    }
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
    const query = `query($first: Int, $on: Date) { articles(unit: "37", on: $on, first: $first) { totalCount nodes { id topics source { name } origin { code parent { code } }
      publications { unit { code } } related(first: 3) { id source { name } } } } }`;
    // On the 2025-06-30 map, where the newest article's origin and its parent are not loaded yet either.
    // (Today's newest in 37 is written by Xã Phát Diệm, whose province the lookup of 37 has loaded.)
    const one = await server.gql(query, { first: 1, on: ON });
    server.emptyCaches();
    const hundred = await server.gql(query, { first: 100, on: ON });
    expect(hundred.data.articles.nodes).toHaveLength(100);
    expect(one.errors).toBeUndefined();
    expect(hundred.statements).toBeLessThanOrEqual(one.statements + 1);
    expect(hundred.statements).toBeLessThanOrEqual(12);
    // Today, with the new province's history (its feed and the old Ninh Bình's, Hà Nam's and Nam Định's): no more.
    server.emptyCaches();
    const today = await server.gql(query, { first: 100 });
    expect(today.errors).toBeUndefined();
    expect(today.data.articles.nodes).toHaveLength(100);
    expect(today.statements).toBeLessThanOrEqual(12);
  });
});

describe('warm: the shared caches and the reused counter reads answer everything', () => {
  it('commune-home costs no statement once its unit, feed page, sources and stored counter are in memory', async () => {
    const cold = await server.gql(CommuneHomeDocument, { code: '14620', on: ON });
    const warm = await server.gql(CommuneHomeDocument, { code: '14620', on: ON });
    expect(cold.statements).toBe(5);
    expect(warm.statements).toBe(0);
    expect(warm.data).toEqual(cold.data);
  });

  it('commune-home-today costs no statement when warm, its history included', async () => {
    const cold = await server.gql(CommuneHomeDocument, { code: '14620' });
    const warm = await server.gql(CommuneHomeDocument, { code: '14620' });
    expect(cold.statements).toBe(5);
    expect(warm.statements).toBe(0);
    expect(warm.data).toEqual(cold.data);
  });

  it('province-dashboard costs no statement when warm', async () => {
    const cold = await server.gql(ProvinceDashboardDocument, { code: '01', on: ON });
    const warm = await server.gql(ProvinceDashboardDocument, { code: '01', on: ON });
    expect(cold.statements).toBe(5);
    expect(warm.statements).toBe(0);
    expect(warm.data).toEqual(cold.data);
  });

  it('province-dashboard-today costs no statement when warm', async () => {
    const cold = await server.gql(ProvinceDashboardTodayDocument, { code: '37' });
    const warm = await server.gql(ProvinceDashboardTodayDocument, { code: '37' });
    expect(cold.errors).toBeUndefined();
    expect(warm.statements).toBe(0);
    expect(warm.data).toEqual(cold.data);
  });
});
