import { seedBulkArticles } from '../../seeds/bulk';
import { seedUnits } from '../../seeds/units';
import { historyOf } from '../helpers/feedModel';
import { insertArticles, minutesAfter } from '../helpers/fixtures';
import { CREATE_ARTICLE, DELETE_ARTICLE, SYNDICATE, UPDATE_ARTICLE, WITHDRAW } from '../helpers/operations';
import { createTestEnvironment, KeyedClient, TestEnvironment } from '../helpers/testEnvironment';

/**
 * Issue #33: a unit's feed with history is kept as a table, history_feed
 * (src/modules/articles/derivedFeeds.ts), so that a page of it is one index range. Whatever is
 * written (through the API, as fixtures, in bulk) and after the map is loaded again, the table holds
 * exactly what the contract's rule says, checked against the in-memory model (tests/helpers/
 * feedModel.ts): for each unit that keeps other units' archives, each article shown on it or on one
 * of them, once, at the article's place in time.
 */

let env: TestEnvironment;
let admin: KeyedClient;

beforeAll(async () => {
  env = await createTestEnvironment();
  admin = await env.asAdmin();
}, 120_000);
afterAll(() => env?.close());

/** history_feed as the model says it must be, and as it is: "unit article sort_at" lines, sorted. */
async function expectedAndActual(): Promise<{ expected: string[]; actual: string[] }> {
  const db = env.dataSource;
  const units: { id: string }[] = await db.query('SELECT id FROM units');
  const publications: { unit_id: string; article_id: number; sort_at: Date }[] = await db.query('SELECT unit_id, article_id, sort_at FROM publications');
  const byUnit = new Map<string, { article_id: number; sort_at: Date }[]>();
  for (const p of publications) byUnit.set(p.unit_id, [...(byUnit.get(p.unit_id) ?? []), p]);
  const expected = new Set<string>();
  for (const { id } of units) {
    const members = historyOf(id);
    if (members.length < 2) continue;
    for (const member of members) for (const p of byUnit.get(member) ?? []) expected.add(`${id} ${p.article_id} ${p.sort_at.toISOString()}`);
  }
  const rows: { unit_id: string; article_id: number; sort_at: Date }[] = await db.query('SELECT unit_id, article_id, sort_at FROM history_feed');
  return { expected: [...expected].sort(), actual: rows.map((r) => `${r.unit_id} ${r.article_id} ${r.sort_at.toISOString()}`).sort() };
}

async function expectHistoryFeedAsTheModelSays(): Promise<void> {
  const { expected, actual } = await expectedAndActual();
  expect(actual.length).toBe(expected.length);
  expect(actual).toEqual(expected);
}

describe('history_feed', () => {
  it('is what the rule says after articles on the old map, writes through the API, a map loaded again and a bulk load', async () => {
    // The old map: Thị trấn Phát Diệm, Huyện Kim Sơn (a district: no successor keeps its archive
    // whole), Tỉnh Ninh Bình, Xã Kim Chính; and a commune of today's map.
    const ids = await insertArticles(env.dataSource, [
      { title: 'Tin thị trấn Phát Diệm', origin: '14620', publishedAt: minutesAfter(1) },
      { title: 'Tin huyện Kim Sơn', origin: '376', publishedAt: minutesAfter(2), shownOn: ['14620', '14623'] },
      { title: 'Tin tỉnh Ninh Bình cũ', origin: '37', publishedAt: minutesAfter(3) },
      { title: 'Tin xã Phát Diệm mới', origin: '14620@2025-07-01', publishedAt: minutesAfter(4) },
    ]);
    const { expected } = await expectedAndActual();
    // The new Xã Phát Diệm keeps Thị trấn Phát Diệm's article (the model says so, and the table too).
    expect(expected).toContain(`14620@2025-07-01 ${ids[0]} ${minutesAfter(1).toISOString()}`);
    await expectHistoryFeedAsTheModelSays();

    const created = await admin.gql(CREATE_ARTICLE, { input: { originCode: '14620', title: 'Tin mới của xã', body: '<p>Nội dung</p>' } });
    expect(created.errors).toBeUndefined();
    const newId = created.data.createArticle.id;
    const neighbour = (await env.dataSource.query("SELECT code FROM units WHERE parent_id = (SELECT parent_id FROM units WHERE id = '14620@2025-07-01') AND valid_to IS NULL AND code <> '14620' ORDER BY code LIMIT 1"))[0].code;
    for (const [mutation, input] of [
      [SYNDICATE, { articleIds: [String(ids[0]), newId], targetCodes: [neighbour] }],
      [WITHDRAW, { articleIds: [String(ids[1])], targetCodes: ['14620'] }],
    ] as const) {
      const res = await admin.gql(mutation, { input });
      expect(res.errors).toBeUndefined();
    }
    await expectHistoryFeedAsTheModelSays();
    // An article moved in time moves in every feed that holds it; a deleted one leaves them all.
    expect((await admin.gql(UPDATE_ARTICLE, { id: String(ids[0]), input: { publishedAt: '2024-03-01T08:00:00+07:00' } })).errors).toBeUndefined();
    expect((await admin.gql(DELETE_ARTICLE, { id: String(ids[2]) })).errors).toBeUndefined();
    await expectHistoryFeedAsTheModelSays();

    // The map loaded again (as after a map step): every history rebuilt from the successions.
    await env.dataSource.query('DELETE FROM history_feed');
    await env.dataSource.transaction((m) => seedUnits(m));
    await expectHistoryFeedAsTheModelSays();

    const bulk = await seedBulkArticles(env.dataSource, { articles: 2000, seed: 33, end: '2025-07-10' });
    expect(bulk.articles).toBe(2000);
    await expectHistoryFeedAsTheModelSays();
    // Some of them are in history feeds: the check above was not of an empty table.
    expect((await expectedAndActual()).actual.length).toBeGreaterThan(1000);
  });
});
