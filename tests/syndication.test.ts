import { ApiKeyService } from '../src/modules/keys/apiKey.service';
import { childrenOf } from './helpers/feedModel';
import { insertArticles, minutesAfter } from './helpers/fixtures';
import { startTestServer, TestServer } from './helpers/testServer';

let server: TestServer;
let admin: string;
let kimSon: string;

beforeAll(async () => {
  server = await startTestServer();
  const keys = new ApiKeyService(server.db.dataSource);
  admin = (await keys.create({ role: 'admin', label: 'admin' })).key;
  kimSon = (await keys.create({ role: 'editor', unitCode: '376', label: 'Kim Sơn' })).key;
});
afterAll(() => server.close());

const RESULT = 'requested changed unchanged rejectedPairs rejected { articleId targetCode reason }';
const call = async (key: string, op: 'syndicate' | 'withdraw', input: Record<string, unknown>) => {
  const res = await server.gqlWithKey(key, `mutation($input: SyndicationInput!) { ${op}(input: $input) { ${RESULT} } }`, { input });
  return { ...res, result: res.data?.[op] };
};
const shownOn = async (id: number) => (await server.db.dataSource.query('SELECT unit_id FROM publications WHERE article_id = ? ORDER BY unit_id', [id])).map((r: any) => r.unit_id);
const subtreeOf = async (id: number) => (await server.db.dataSource.query('SELECT unit_id FROM subtree_feed WHERE article_id = ? ORDER BY unit_id', [id])).map((r: any) => r.unit_id);
const counts = async () => (await server.db.dataSource.query('SELECT (SELECT COUNT(*) FROM publications) p, (SELECT COUNT(*) FROM subtree_feed) s'))[0];
const article = async (origin = '14620', title = 'Tin') => (await insertArticles(server.db.dataSource, [{ title, origin, publishedAt: minutesAfter(Math.floor(Math.random() * 1000)) }]))[0];

describe('syndicate', () => {
  it('shows the articles on the targets, in their feeds and their ancestors’ SUBTREE feeds, and is idempotent', async () => {
    const [a, b] = [await article(), await article('376')];
    const first = await call(admin, 'syndicate', { articleIds: [String(a), String(b)], targetCodes: ['14623', '001'] });
    expect(first.result).toEqual({ requested: 4, changed: 4, unchanged: 0, rejectedPairs: 0, rejected: [] });
    expect(await shownOn(a)).toEqual(['001', '14620', '14623']);
    expect(await subtreeOf(a)).toEqual(['001', '01', '14620', '14623', '37', '376']);
    const feed = await server.gql(`{ commune(code: "14623") { articles(first: 100) { nodes { id } } } province(code: "01") { articles(scope: SUBTREE, first: 100) { nodes { id } } } }`);
    expect(feed.data.commune.articles.nodes.map((n: any) => Number(n.id))).toEqual(expect.arrayContaining([a, b]));
    expect(feed.data.province.articles.nodes.map((n: any) => Number(n.id))).toEqual(expect.arrayContaining([a, b]));

    const before = await counts();
    const again = await call(admin, 'syndicate', { articleIds: [String(a), String(b)], targetCodes: ['14623', '001'] });
    expect(again.result).toEqual({ requested: 4, changed: 0, unchanged: 4, rejectedPairs: 0, rejected: [] });
    expect(await counts()).toEqual(before);
  });

  it('counts a pair naming the origin as unchanged', async () => {
    const a = await article();
    expect((await call(admin, 'syndicate', { articleIds: [String(a)], targetCodes: ['14620', '14623'] })).result).toMatchObject({ requested: 2, changed: 1, unchanged: 1 });
  });

  it('expands includeDescendants to every unit below each target', async () => {
    const a = await article('37');
    const units = 1 + childrenOf('376').length;
    const res = await call(admin, 'syndicate', { articleIds: [String(a)], targetCodes: ['376'], includeDescendants: true });
    expect(res.result).toEqual({ requested: units, changed: units, unchanged: 0, rejectedPairs: 0, rejected: [] });
    expect(await shownOn(a)).toEqual(['37', '376', ...childrenOf('376')].sort());
  });

  it('dry run: reports exactly what a real call would, and writes nothing', async () => {
    const a = await article();
    const input = { articleIds: [String(a), '999999'], targetCodes: ['376', '99999'], includeDescendants: true };
    const before = await counts();
    const dry = await call(admin, 'syndicate', { ...input, dryRun: true });
    expect(await counts()).toEqual(before);
    expect(await shownOn(a)).toEqual(['14620']);
    const real = await call(admin, 'syndicate', input);
    expect(real.result).toEqual(dry.result);
    expect(real.result.changed).toBe(childrenOf('376').length); // every unit of Kim Sơn but the origin
  });

  it('applies what it can and rejects missing articles, missing units and targets outside the editor’s subtree', async () => {
    const a = await article('14620');
    const other = childrenOf('376').find((c) => c !== '14620' && c !== '14623')!;
    const res = await call(kimSon, 'syndicate', { articleIds: [String(a), '999999', 'abc'], targetCodes: ['14623', '37', other, '99999', '1; DROP TABLE units'] });
    // 3 articles named × 5 targets named = 15 pairs; only the existing article to the two communes applies.
    expect(res.result).toMatchObject({ requested: 15, changed: 2, unchanged: 0, rejectedPairs: 13 });
    expect(res.result.rejected).toEqual(
      expect.arrayContaining([
        { articleId: '999999', targetCode: null, reason: 'there is no such article' },
        { articleId: 'abc', targetCode: null, reason: 'there is no such article' },
        { articleId: null, targetCode: '99999', reason: 'there is no such unit' },
        { articleId: null, targetCode: '1; DROP TABLE units', reason: 'there is no such unit' },
        { articleId: null, targetCode: '37', reason: expect.stringMatching(/outside unit 376/) },
      ]),
    );
    expect(await shownOn(a)).toEqual(['14620', '14623', other].sort());
  });

  it('lets an editor fan out below a province only within its own district', async () => {
    const a = await article('376');
    const res = await call(kimSon, 'syndicate', { articleIds: [String(a)], targetCodes: ['37'], includeDescendants: true });
    const inside = 1 + childrenOf('376').length;
    expect(res.result.changed).toBe(inside - 1); // 376 itself is the origin: unchanged
    expect(res.result.unchanged).toBe(1);
    expect(res.result.rejected).toEqual([{ articleId: null, targetCode: '37', reason: expect.stringMatching(/^\d+ of the \d+ units of 37's subtree are outside unit 376/) }]);
    expect((await shownOn(a)).every((code: string) => code === '376' || childrenOf('376').includes(code))).toBe(true);
  });

  it('refuses more than 100,000 pairs with BAD_USER_INPUT and writes nothing', async () => {
    const a = await article();
    const before = await counts();
    // 9 articles × every unit of the country (11,367) = 102,303 pairs after expansion.
    const provinces = (await server.db.dataSource.query("SELECT code FROM units WHERE level = 'PROVINCE'")).map((r: any) => r.code);
    const res = await call(admin, 'syndicate', { articleIds: [String(a), ...Array.from({ length: 8 }, (_, i) => String(900000 + i))], targetCodes: provinces, includeDescendants: true });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(res.errors?.[0].message).toMatch(/102303 article-unit pairs; at most 100000/);
    expect(await counts()).toEqual(before);
  });

  it('applies exactly 100,000 pairs in one call', async () => {
    const ids = await insertArticles(server.db.dataSource, Array.from({ length: 10 }, (_, i) => ({ title: `Lô ${i}`, origin: '01', publishedAt: minutesAfter(i) })));
    const communes = (await server.db.dataSource.query("SELECT code FROM units WHERE level = 'COMMUNE' ORDER BY code LIMIT 10000")).map((r: any) => r.code);
    const res = await call(admin, 'syndicate', { articleIds: ids.map(String), targetCodes: communes });
    expect(res.result).toEqual({ requested: 100000, changed: 100000, unchanged: 0, rejectedPairs: 0, rejected: [] });
    const [{ n }] = await server.db.dataSource.query('SELECT COUNT(*) AS n FROM publications WHERE article_id IN (?) AND is_origin = 0', [ids]);
    expect(Number(n)).toBe(100000);
    const withdrawn = await call(admin, 'withdraw', { articleIds: ids.map(String), targetCodes: communes });
    expect(withdrawn.result).toMatchObject({ requested: 100000, changed: 100000 });
  }, 120_000);
});

describe('withdraw', () => {
  it('removes the pairs, keeps ancestors that still have the article below them, and is idempotent', async () => {
    const a = await article('14620');
    await call(admin, 'syndicate', { articleIds: [String(a)], targetCodes: ['14623', '001'] });
    const first = await call(admin, 'withdraw', { articleIds: [String(a)], targetCodes: ['14623', '001'] });
    expect(first.result).toEqual({ requested: 2, changed: 2, unchanged: 0, rejectedPairs: 0, rejected: [] });
    expect(await shownOn(a)).toEqual(['14620']);
    // Hà Nội no longer has it anywhere below it; Kim Sơn and Ninh Bình still do (through Phát Diệm).
    expect(await subtreeOf(a)).toEqual(['14620', '37', '376']);
    const again = await call(admin, 'withdraw', { articleIds: [String(a)], targetCodes: ['14623', '001'] });
    expect(again.result).toEqual({ requested: 2, changed: 0, unchanged: 2, rejectedPairs: 0, rejected: [] });
  });

  it('never withdraws an article from its origin, even with includeDescendants', async () => {
    const a = await article('14620');
    await call(admin, 'syndicate', { articleIds: [String(a)], targetCodes: ['376', '14623'] });
    const res = await call(admin, 'withdraw', { articleIds: [String(a)], targetCodes: ['376'], includeDescendants: true });
    const units = 1 + childrenOf('376').length;
    expect(res.result).toEqual({
      requested: units,
      changed: 2,
      unchanged: units - 3,
      rejectedPairs: 1,
      rejected: [{ articleId: String(a), targetCode: '14620', reason: 'an article is never withdrawn from its origin' }],
    });
    expect(await shownOn(a)).toEqual(['14620']);
  });

  it('lets an editor withdraw only within its subtree; dry run changes nothing', async () => {
    const a = await article('01');
    await call(admin, 'syndicate', { articleIds: [String(a)], targetCodes: ['14623', '37'] });
    const before = await counts();
    const dry = await call(kimSon, 'withdraw', { articleIds: [String(a)], targetCodes: ['14623', '37'], dryRun: true });
    expect(dry.result).toMatchObject({ requested: 2, changed: 1, rejectedPairs: 1 });
    expect(await counts()).toEqual(before);
    const real = await call(kimSon, 'withdraw', { articleIds: [String(a)], targetCodes: ['14623', '37'] });
    expect(real.result).toEqual(dry.result);
    expect(await shownOn(a)).toEqual(['01', '37']);
  });
});

describe('audit of syndication', () => {
  it('records applied calls with their counts, dry runs as such, and refusals', async () => {
    const rows = await server.db.dataSource.query("SELECT operation, outcome, error_code, detail, arguments FROM audit_log WHERE operation IN ('syndicate', 'withdraw') ORDER BY id");
    expect(rows.some((r: any) => r.outcome === 'applied' && /^dry run: requested \d+, changed \d+/.test(r.detail))).toBe(true);
    expect(rows.some((r: any) => r.outcome === 'applied' && /^requested 100000, changed 100000/.test(r.detail))).toBe(true);
    expect(rows.some((r: any) => r.outcome === 'refused' && r.error_code === 'BAD_USER_INPUT')).toBe(true);
    // The 100,000-pair call is summarised, not stored whole.
    expect(Math.max(...rows.map((r: any) => r.arguments.length))).toBeLessThanOrEqual(4001);
  });
});
