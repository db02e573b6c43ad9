import { readVnAdminMaps } from '../../seeds/vnAdmin';
import { childrenOf } from '../helpers/feedModel';
import { insertArticles, minutesAfter } from '../helpers/fixtures';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/**
 * Targets are named by code and mean the unit in force today (the map from 2025-07-01); the
 * database names units by id. Fixture articles name their origin by id: '14620' is Thị trấn Phát
 * Diệm (ended 2025-06-30), '14620@2025-07-01' Xã Phát Diệm, which '14620' names in a write today.
 */
const PHAT_DIEM = '14620@2025-07-01'; // Xã Phát Diệm: Thị trấn Phát Diệm, Xã Kim Chính and Xã Thượng Kiệm merged
const BINH_MINH = '14623@2025-07-01'; // Xã Bình Minh
const NINH_BINH = '37@2025-07-01'; // the new Tỉnh Ninh Bình: the old Hà Nam, Nam Định and Ninh Bình
const HA_NOI = '01@2025-07-01';
const BA_DINH = '00004@2025-07-01'; // Phường Ba Đình, Hà Nội

const maps = readVnAdminMaps();
/** The codes of the units the old unit `id` went into, from the map files (not the database). */
const successorCodes = (id: string): string[] =>
  maps.successions
    .filter((s) => s.fromId === id)
    .map((s) => maps.units.find((u) => u.id === s.toId)!.code)
    .sort();

let server: TestServer;
let env: TestEnvironment;
let admin: string;
let ninhBinh: string;
let phatDiem: string;

beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  admin = (await env.asAdmin()).key;
  ninhBinh = (await env.asEditor('37')).key;
  phatDiem = (await env.asEditor('14620')).key;
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
/** A fixture article; `origin` is a unit id ('14620': Thị trấn Phát Diệm, of the map that ended). */
const article = async (origin = '14620', title = 'Tin') => (await insertArticles(server.db.dataSource, [{ title, origin, publishedAt: minutesAfter(Math.floor(Math.random() * 1000)) }]))[0];
const codeOf = (id: string) => maps.units.find((u) => u.id === id)!.code;

describe('syndicate', () => {
  it('shows the articles on the targets, in their feeds and their ancestors’ SUBTREE feeds, and is idempotent', async () => {
    const [a, b] = [await article(), await article('376')];
    const first = await call(admin, 'syndicate', { articleIds: [String(a), String(b)], targetCodes: ['14623', '00004'] });
    expect(first.result).toEqual({ requested: 4, changed: 4, unchanged: 0, rejectedPairs: 0, rejected: [] });
    expect(await shownOn(a)).toEqual([BA_DINH, '14620', BINH_MINH]);
    // The old origin's ancestors (Huyện Kim Sơn, the old Ninh Bình) and the new targets' (Hà Nội, the new Ninh Bình).
    expect(await subtreeOf(a)).toEqual([BA_DINH, HA_NOI, '14620', BINH_MINH, '37', '376', NINH_BINH]);
    const feed = await server.gql(`{ commune(code: "14623") { articles(first: 100) { nodes { id } } } province(code: "01") { articles(scope: SUBTREE, first: 100) { nodes { id } } } }`);
    expect(feed.data.commune.articles.nodes.map((n: any) => Number(n.id))).toEqual(expect.arrayContaining([a, b]));
    expect(feed.data.province.articles.nodes.map((n: any) => Number(n.id))).toEqual(expect.arrayContaining([a, b]));

    const before = await counts();
    const again = await call(admin, 'syndicate', { articleIds: [String(a), String(b)], targetCodes: ['14623', '00004'] });
    expect(again.result).toEqual({ requested: 4, changed: 0, unchanged: 4, rejectedPairs: 0, rejected: [] });
    expect(await counts()).toEqual(before);
  });

  it('counts a pair naming the origin as unchanged', async () => {
    const a = await article(PHAT_DIEM);
    expect((await call(admin, 'syndicate', { articleIds: [String(a)], targetCodes: ['14620', '14623'] })).result).toMatchObject({ requested: 2, changed: 1, unchanged: 1 });
    // '14620' names today's Xã Phát Diệm, not Thị trấn Phát Diệm, where an older article was written.
    const old = await article('14620');
    expect((await call(admin, 'syndicate', { articleIds: [String(old)], targetCodes: ['14620'] })).result).toMatchObject({ requested: 1, changed: 1, unchanged: 0 });
    expect(await shownOn(old)).toEqual(['14620', PHAT_DIEM]);
  });

  it('expands includeDescendants to every unit below each target', async () => {
    // Written by the old Ninh Bình, which is not in the new one's subtree.
    const a = await article('37');
    const units = 1 + childrenOf(NINH_BINH).length;
    const res = await call(admin, 'syndicate', { articleIds: [String(a)], targetCodes: ['37'], includeDescendants: true });
    expect(res.result).toEqual({ requested: units, changed: units, unchanged: 0, rejectedPairs: 0, rejected: [] });
    expect(await shownOn(a)).toEqual(['37', NINH_BINH, ...childrenOf(NINH_BINH)].sort());
  });

  it('dry run: reports exactly what a real call would, and writes nothing', async () => {
    const a = await article(PHAT_DIEM);
    const input = { articleIds: [String(a), '999999'], targetCodes: ['37', '376', '99999'], includeDescendants: true };
    // Worked out from the map, not from the gateway: 2 articles named × (the new Ninh Bình and its
    // communes, plus the two codes that name no unit in force) pairs. The article goes to every unit
    // of the province but its origin; every pair of the missing article, and the article with the
    // ended and the unknown unit, is rejected.
    const province = 1 + childrenOf(NINH_BINH).length;
    const expected = {
      requested: 2 * (province + 2),
      changed: province - 1,
      unchanged: 1,
      rejectedPairs: province + 2 + 2,
      rejected: [
        { articleId: '999999', targetCode: null, reason: 'there is no such article' },
        { articleId: null, targetCode: '376', reason: `unit 376 ended on 2025-06-30; its successors: ${successorCodes('376').join(', ')}` },
        { articleId: null, targetCode: '99999', reason: 'there is no such unit' },
      ],
    };
    const before = await counts();
    const dry = await call(admin, 'syndicate', { ...input, dryRun: true });
    expect(dry.result).toEqual(expected);
    expect(await counts()).toEqual(before);
    expect(await shownOn(a)).toEqual([PHAT_DIEM]);
    const real = await call(admin, 'syndicate', input);
    expect(real.result).toEqual(expected);
    expect(await shownOn(a)).toEqual([NINH_BINH, ...childrenOf(NINH_BINH)].sort());
  });

  it('applies what it can and rejects missing articles, missing units and targets outside the editor’s subtree', async () => {
    const a = await article(PHAT_DIEM);
    const other = childrenOf(NINH_BINH).find((c) => c !== PHAT_DIEM && c !== BINH_MINH)!;
    const res = await call(ninhBinh, 'syndicate', { articleIds: [String(a), '999999', 'abc'], targetCodes: ['14623', '01', codeOf(other), '99999', '1; DROP TABLE units'] });
    // 3 articles named × 5 targets named = 15 pairs; only the existing article to the two communes applies.
    expect(res.result).toMatchObject({ requested: 15, changed: 2, unchanged: 0, rejectedPairs: 13 });
    expect(res.result.rejected).toEqual(
      expect.arrayContaining([
        { articleId: '999999', targetCode: null, reason: 'there is no such article' },
        { articleId: 'abc', targetCode: null, reason: 'there is no such article' },
        { articleId: null, targetCode: '99999', reason: 'there is no such unit' },
        { articleId: null, targetCode: '1; DROP TABLE units', reason: 'there is no such unit' },
        { articleId: null, targetCode: '01', reason: expect.stringMatching(/outside unit 37 \(Tỉnh Ninh Bình\)/) },
      ]),
    );
    expect(await shownOn(a)).toEqual([PHAT_DIEM, BINH_MINH, other].sort());
  });

  it('lets an editor fan out below a province only within its own commune', async () => {
    // One article of the archive Xã Phát Diệm keeps (Thị trấn Phát Diệm's), one of its own.
    const [old, own] = [await article('14620'), await article(PHAT_DIEM)];
    const res = await call(phatDiem, 'syndicate', { articleIds: [String(old), String(own)], targetCodes: ['37'], includeDescendants: true });
    const province = 1 + childrenOf(NINH_BINH).length;
    const inside = 1 + childrenOf(PHAT_DIEM).length; // the commune alone
    expect(res.result).toMatchObject({ requested: 2 * province, changed: 1, unchanged: 1, rejectedPairs: 2 * (province - inside) }); // own: PHAT_DIEM is its origin
    expect(res.result.rejected).toEqual([
      { articleId: null, targetCode: '37', reason: `${province - inside} of the ${province} units of 37's subtree are outside unit 14620 (Xã Phát Diệm), which this key may write to` },
    ]);
    expect(await shownOn(old)).toEqual(['14620', PHAT_DIEM]);
    expect(await shownOn(own)).toEqual([PHAT_DIEM]);
  });

  it('rejects targets that have ended, naming their successors, and changes nothing', async () => {
    // Huyện Kim Sơn went into 8 communes; Xã Kim Chính whole into Xã Phát Diệm.
    expect(successorCodes('14659')).toEqual(['14620']);
    expect(successorCodes('376').length).toBeGreaterThan(1);
    const a = await article(PHAT_DIEM);
    const before = await counts();
    // An editor of the new province keeps Huyện Kim Sơn's archive, yet may not syndicate to it either.
    for (const key of [admin, ninhBinh]) {
      const res = await call(key, 'syndicate', { articleIds: [String(a)], targetCodes: ['376', '14659'], includeDescendants: true });
      expect(res.errors).toBeUndefined();
      expect(res.result).toMatchObject({ requested: 2, changed: 0, unchanged: 0, rejectedPairs: 2 });
      expect(res.result.rejected).toHaveLength(2);
      expect(res.result.rejected).toEqual(
        expect.arrayContaining(
          (['376', '14659'] as const).map((code) => ({
            articleId: null,
            targetCode: code,
            reason: expect.stringMatching(new RegExp(`^unit ${code} ended on 2025-06-30; .*${successorCodes(code).join(', ')}$`)),
          })),
        ),
      );
    }
    expect(await counts()).toEqual(before);
    expect(await shownOn(a)).toEqual([PHAT_DIEM]);
  });

  it('refuses more than 100,000 pairs with BAD_USER_INPUT and writes nothing', async () => {
    const a = await article();
    const before = await counts();
    // 30 articles × every unit in force today (34 provinces, 3,321 communes) = 100,650 pairs after expansion.
    const provinces = (await server.db.dataSource.query("SELECT code FROM units WHERE level = 'PROVINCE' AND valid_to IS NULL")).map((r: any) => r.code);
    expect(provinces).toHaveLength(34);
    const res = await call(admin, 'syndicate', { articleIds: [String(a), ...Array.from({ length: 29 }, (_, i) => String(900000 + i))], targetCodes: provinces, includeDescendants: true });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(res.errors?.[0].message).toMatch(/100650 article-unit pairs; at most 100000/);
    expect(await counts()).toEqual(before);
  });

  it('applies exactly 100,000 pairs in one call', async () => {
    // 40 articles × 2,500 communes in force today.
    const ids = await insertArticles(server.db.dataSource, Array.from({ length: 40 }, (_, i) => ({ title: `Lô ${i}`, origin: '01', publishedAt: minutesAfter(i) })));
    const communes = (await server.db.dataSource.query("SELECT code FROM units WHERE level = 'COMMUNE' AND valid_to IS NULL ORDER BY code LIMIT 2500")).map((r: any) => r.code);
    expect(communes).toHaveLength(2500);
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
    await call(admin, 'syndicate', { articleIds: [String(a)], targetCodes: ['14623', '00004'] });
    const first = await call(admin, 'withdraw', { articleIds: [String(a)], targetCodes: ['14623', '00004'] });
    expect(first.result).toEqual({ requested: 2, changed: 2, unchanged: 0, rejectedPairs: 0, rejected: [] });
    expect(await shownOn(a)).toEqual(['14620']);
    // Hà Nội and the new Ninh Bình no longer have it anywhere below them; Kim Sơn and the old Ninh Bình still do (through Phát Diệm).
    expect(await subtreeOf(a)).toEqual(['14620', '37', '376']);
    const again = await call(admin, 'withdraw', { articleIds: [String(a)], targetCodes: ['14623', '00004'] });
    expect(again.result).toEqual({ requested: 2, changed: 0, unchanged: 2, rejectedPairs: 0, rejected: [] });
  });

  it('never withdraws an article from its origin, even with includeDescendants', async () => {
    const a = await article(PHAT_DIEM);
    await call(admin, 'syndicate', { articleIds: [String(a)], targetCodes: ['37', '14623'] });
    const res = await call(admin, 'withdraw', { articleIds: [String(a)], targetCodes: ['37'], includeDescendants: true });
    const units = 1 + childrenOf(NINH_BINH).length;
    expect(res.result).toEqual({
      requested: units,
      changed: 2,
      unchanged: units - 3,
      rejectedPairs: 1,
      rejected: [{ articleId: String(a), targetCode: '14620', reason: 'an article is never withdrawn from its origin' }],
    });
    expect(await shownOn(a)).toEqual([PHAT_DIEM]);
  });

  it('lets an editor withdraw only within its subtree; dry run changes nothing', async () => {
    const a = await article('01');
    await call(admin, 'syndicate', { articleIds: [String(a)], targetCodes: ['14620', '37'] });
    const shown = ['01', PHAT_DIEM, NINH_BINH];
    expect(await shownOn(a)).toEqual(shown);
    // Xã Phát Diệm's editor may take it off its own commune, not off the province above it.
    const expected = {
      requested: 2,
      changed: 1,
      unchanged: 0,
      rejectedPairs: 1,
      rejected: [{ articleId: null, targetCode: '37', reason: 'unit 37 is outside unit 14620 (Xã Phát Diệm), which this key may write to' }],
    };
    const before = await counts();
    const dry = await call(phatDiem, 'withdraw', { articleIds: [String(a)], targetCodes: ['14620', '37'], dryRun: true });
    expect(dry.result).toEqual(expected);
    expect(await counts()).toEqual(before);
    expect(await shownOn(a)).toEqual(shown);
    const real = await call(phatDiem, 'withdraw', { articleIds: [String(a)], targetCodes: ['14620', '37'] });
    expect(real.result).toEqual(expected);
    expect(await shownOn(a)).toEqual(['01', NINH_BINH]);
  });

  it('may name units that have ended: the unit in force today with the code, else the last that had it', async () => {
    // Shown, before the map changed, on Thị trấn Phát Diệm (14620), Xã Kim Chính (14659), Xã Thượng Kiệm (14662) and
    // Xã Cồn Thoi (14689), which all ended on 2025-06-30. The publications are written as the gateway stores them, not by syndicate.
    const [a] = await insertArticles(server.db.dataSource, [{ title: 'Tin cũ của Thị trấn Bình Minh', origin: '14623', publishedAt: minutesAfter(7), shownOn: ['14620', '14659', '14662', '14689'] }]);
    expect(await shownOn(a)).toEqual(['14620', '14623', '14659', '14662', '14689']);

    // '14620' names today's Xã Phát Diệm, where the article is not: nothing to withdraw, and Thị trấn Phát Diệm keeps it.
    expect((await call(admin, 'withdraw', { articleIds: [String(a)], targetCodes: ['14620'] })).result).toEqual({ requested: 1, changed: 0, unchanged: 1, rejectedPairs: 0, rejected: [] });
    expect(await shownOn(a)).toEqual(['14620', '14623', '14659', '14662', '14689']);

    // '14659' was only ever Xã Kim Chính.
    expect((await call(admin, 'withdraw', { articleIds: [String(a)], targetCodes: ['14659'] })).result).toEqual({ requested: 1, changed: 1, unchanged: 0, rejectedPairs: 0, rejected: [] });
    expect(await shownOn(a)).toEqual(['14620', '14623', '14662', '14689']);
    expect(await subtreeOf(a)).toEqual(['14620', '14623', '14662', '14689', '37', '376']);

    // Xã Phát Diệm's editor keeps Xã Thượng Kiệm's archive, not Xã Cồn Thoi's (it went into Xã Bình Minh).
    const editor = await call(phatDiem, 'withdraw', { articleIds: [String(a)], targetCodes: ['14662', '14689'] });
    expect(editor.result).toEqual({
      requested: 2,
      changed: 1,
      unchanged: 0,
      rejectedPairs: 1,
      rejected: [{ articleId: null, targetCode: '14689', reason: `unit 14689 is outside unit 14620 (Xã Phát Diệm), which this key may write to` }],
    });
    expect(await shownOn(a)).toEqual(['14620', '14623', '14689']);

    // The whole of the ended Huyện Kim Sơn, the origin excepted.
    const units = 1 + childrenOf('376').length;
    expect((await call(admin, 'withdraw', { articleIds: [String(a)], targetCodes: ['376'], includeDescendants: true })).result).toEqual({
      requested: units,
      changed: 2,
      unchanged: units - 3,
      rejectedPairs: 1,
      rejected: [{ articleId: String(a), targetCode: '14623', reason: 'an article is never withdrawn from its origin' }],
    });
    expect(await shownOn(a)).toEqual(['14623']);
    expect(await subtreeOf(a)).toEqual(['14623', '37', '376']);
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
