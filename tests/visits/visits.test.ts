import mysql from 'mysql2/promise';
import { seedDemoContent } from '../../seeds/demo';
import { insertArticles } from '../helpers/fixtures';
import { startGatewayProcess } from '../helpers/gatewayProcess';
import { RECORD_VISIT } from '../helpers/operations';
import { VisitTargets } from '../../src/modules/visits/visitTargets';
import { dropDatabase, throwawayDatabaseUrl } from '../helpers/testDatabase';
import { serveTestDatabase, startTestServer, TestServer } from '../helpers/testServer';

/**
 * Visit counters end to end: recordVisit, VisitStats and Article.views through HTTP, against the
 * real rollup tables. One gateway with a hand-set clock and a 20 ms flush interval (flushes run all
 * the time, so every read below races them); tests use different units so they do not mix.
 *
 * recordVisit counts on the unit in force today with the code: the map of 2025-07-01, whose
 * communes are right under their province ('14620' is Xã Phát Diệm, id '14620@2025-07-01', under
 * '37@2025-07-01' the new Tỉnh Ninh Bình). Reads by code without `on` read the same units; the old
 * units ('14620' Thị trấn Phát Diệm, '376' Huyện Kim Sơn, '37' the old Ninh Bình) keep their own
 * counters, which nothing here adds to.
 */

const STATS = `query($code: ID!, $incl: Boolean) { unit(code: $code) { visits(includeDescendants: $incl) { total today online } } }`;
const DAILY = `query($code: ID!, $incl: Boolean, $from: Date!, $to: Date!) { unit(code: $code) { visits(includeDescendants: $incl) { daily(from: $from, to: $to) { date visits } } } }`;

/**
 * 10:00 in Vietnam on 10 April 2026, after every demo article: the map of 2025-07-01 is in force by
 * this clock (which recordVisit goes by) as by the real one (which reads without `on` go by).
 */
const START = Date.parse('2026-04-10T03:00:00Z');
/** Ids of units of today's map (the map of 2025-07-01): Xã Phát Diệm and the new Tỉnh Ninh Bình. */
const PHAT_DIEM = '14620@2025-07-01';
const NINH_BINH = '37@2025-07-01';
const clock = { at: START, now() { return this.at; } };

let server: TestServer;
/** Codes of communes of today's Ninh Bình (37) other than Phát Diệm (14620) that no test has used yet: each test takes its own. */
let unused: string[];
/** The id of the unit in force today with each code of `unused`. */
const idOf = new Map<string, string>();
const take = (n = 1) => {
  expect(unused.length).toBeGreaterThanOrEqual(n);
  return unused.splice(0, n);
};
let shownOnPhatDiem: number[];
let notShownOnPhatDiem: number;
let scheduled: number;
/** A demo article shown only on the old Thị trấn Phát Diệm (id '14620'): Xã Phát Diệm shows it as the keeper of its archive. */
let onOldPhatDiemOnly: number;
/** A commune of today's Hà Nội, far from every unit the tests visit. */
let farAway: string;

async function visit(unitCode: string, visitorId: string, articleId: number | string | null = null) {
  const res = await server.gql(RECORD_VISIT, { unitCode, visitorId, articleId: articleId === null ? null : String(articleId) });
  return res;
}

async function counted(unitCode: string, visitorId: string, articleId: number | null = null): Promise<boolean> {
  const res = await visit(unitCode, visitorId, articleId);
  expect(res.errors).toBeUndefined();
  return res.data.recordVisit;
}

async function stats(code: string, includeDescendants = false): Promise<{ total: number; today: number; online: number }> {
  const res = await server.gql(STATS, { code, incl: includeDescendants });
  expect(res.errors).toBeUndefined();
  return res.data.unit.visits;
}

/** A unit's all-time counts as MySQL has them: archived total plus the recent days. */
async function storedIn(db: TestServer['db']['dataSource'], code: string): Promise<{ own: number; subtree: number }> {
  const [row] = await db.query(
    `SELECT COALESCE(SUM(own), 0) AS own, COALESCE(SUM(subtree), 0) AS subtree FROM (
       SELECT own, subtree FROM visit_totals WHERE unit_id = ? UNION ALL SELECT own, subtree FROM visit_days_recent WHERE unit_id = ?) t`,
    [code, code],
  );
  return { own: Number(row.own), subtree: Number(row.subtree) };
}
const stored = (code: string) => storedIn(server.db.dataSource, code);

/** Waits for a flush that starts after this call, so everything recorded before is in MySQL. */
const flushed = () => server.app.visits.buffer.flush();

beforeAll(async () => {
  // Every call here comes from 127.0.0.1: the limit per address is tested in visitInflation.test.ts.
  server = await startTestServer({ clock, visits: { buffer: { flushIntervalMs: 20 } }, config: { visitsPerAddressPerMinute: Infinity } });
  const db = server.db.dataSource;
  const communes: { id: string; code: string }[] = await db.query("SELECT id, code FROM units WHERE parent_id = ? AND code <> '14620' ORDER BY code", [NINH_BINH]);
  unused = communes.map((r) => r.code);
  for (const r of communes) idOf.set(r.code, r.id);
  [{ code: farAway }] = await db.query("SELECT code FROM units WHERE parent_id = '01@2025-07-01' ORDER BY code LIMIT 1");
  await db.transaction((m) => seedDemoContent(m));
  [{ id: onOldPhatDiemOnly }] = await db.query(
    "SELECT article_id AS id FROM publications GROUP BY article_id HAVING MIN(unit_id) = '14620' AND MAX(unit_id) = '14620' ORDER BY article_id LIMIT 1",
  );
  // Fixtures name unit ids: these are articles of the old Thị trấn Phát Diệm (shown on the old Kim
  // Sơn and Ninh Bình), which Xã Phát Diệm and the new Ninh Bình show as the keepers of their archives.
  const at = new Date('2024-06-01T03:00:00Z');
  shownOnPhatDiem = await insertArticles(
    db,
    Array.from({ length: 12 }, (_, i) => ({ title: `Tin Phát Diệm số ${i + 1}`, origin: '14620', publishedAt: at, shownOn: i === 0 ? ['376', '37'] : [] })),
  );
  [notShownOnPhatDiem] = await insertArticles(db, [{ title: 'Tin Hà Nội', origin: '001', publishedAt: at }]);
  [scheduled] = await insertArticles(db, [{ title: 'Tin sắp đăng', origin: '14620', publishedAt: new Date('2030-01-01T00:00:00Z') }]);
}, 180_000);
afterAll(() => server.close());

describe('recordVisit', () => {
  it('counts at once in every counter of the lineage (today\'s commune, then its province: no district), and the same after the flush', async () => {
    const [commune] = take();
    const province = await stats('37', true);
    expect(await counted(commune, 'lineage-a')).toBe(true);
    expect(await counted(commune, 'lineage-b')).toBe(true);
    expect(await counted('37', 'lineage-c')).toBe(true);

    const expectAll = async () => {
      expect(await stats(commune)).toEqual({ total: 2, today: 2, online: 2 });
      expect(await stats(commune, true)).toEqual({ total: 2, today: 2, online: 2 });
      // The province's own portal had one visit; its subtree three.
      expect(await stats('37')).toMatchObject({ total: 1, today: 1, online: 1 });
      expect((await stats('37', true)).total).toBe(province.total + 3);
    };
    await expectAll();
    await flushed();
    expect(await stored(idOf.get(commune)!)).toEqual({ own: 2, subtree: 2 });
    expect(await stored(NINH_BINH)).toEqual({ own: 1, subtree: province.total + 3 });
    // The first visits of the file: rows of exactly the lineage of today's units, none of the old
    // Kim Sơn district, the old Ninh Bình or the old unit with the commune's code.
    const units = await server.db.dataSource.query('SELECT DISTINCT unit_id FROM visit_days_recent ORDER BY unit_id');
    expect(units.map((r: { unit_id: string }) => r.unit_id)).toEqual([idOf.get(commune)!, NINH_BINH].sort());
    await expectAll();
  });

  it('counts an article view with the visit, in Article.views at once', async () => {
    const id = shownOnPhatDiem[0];
    const viewsOf = async () => (await server.gql(`{ article(id: "${id}") { views } }`)).data.article.views;
    expect(await viewsOf()).toBe(0);
    expect(await counted('14620', 'reader-1', id)).toBe(true);
    expect(await counted('37', 'reader-1', id)).toBe(true); // also shown on the old Ninh Bình, whose archive the new one keeps
    expect(await viewsOf()).toBe(2);
    await flushed();
    const [row] = await server.db.dataSource.query('SELECT views FROM articles WHERE id = ?', [id]);
    expect(Number(row.views)).toBe(2);
    const days = await server.db.dataSource.query("SELECT DATE_FORMAT(day, '%Y-%m-%d') AS day, views FROM article_view_days WHERE article_id = ?", [id]);
    expect(days.map((d: { day: string; views: string }) => [d.day, Number(d.views)])).toEqual([['2026-04-10', 2]]);
    expect(await viewsOf()).toBe(2);
    // MOST_VIEWED sorts on the stored count.
    const top = await server.gql('{ commune(code: "14620") { articles(orderBy: MOST_VIEWED, first: 1) { nodes { id views } } } }');
    expect(top.data.commune.articles.nodes).toEqual([{ id: String(id), views: 2 }]);
  });

  it('an article of the old Thị trấn Phát Diệm\'s archive is counted on Xã Phát Diệm, which shows it; the old unit\'s counters do not move', async () => {
    const id = onOldPhatDiemOnly;
    // Shown on the old unit only, and on the new one through its history.
    const shownOn = await server.db.dataSource.query('SELECT unit_id FROM publications WHERE article_id = ?', [id]);
    expect(shownOn.map((r: { unit_id: string }) => r.unit_id)).toEqual(['14620']);
    const feeds = await server.gql('{ commune(code: "14620") { id own: articles(history: false, first: 50) { nodes { id } } all: articles(first: 50) { nodes { id } } } }');
    expect(feeds.data.commune.id).toBe(PHAT_DIEM);
    expect(feeds.data.commune.own.nodes.map((n: { id: string }) => n.id)).not.toContain(String(id));
    expect(feeds.data.commune.all.nodes.map((n: { id: string }) => n.id)).toContain(String(id));

    const OLD = `{ commune(code: "14620", on: "2025-06-30") { id visits { total today online } subtree: visits(includeDescendants: true) { total } }
      district(code: "376", on: "2025-06-30") { visits(includeDescendants: true) { total } }
      province(code: "37", on: "2025-06-30") { visits(includeDescendants: true) { total } } }`;
    const old = async () => (await server.gql(OLD)).data;
    const oldBefore = await old();
    expect(oldBefore.commune.id).toBe('14620');
    const viewsOf = async () => (await server.gql(`{ article(id: "${id}") { views } }`)).data.article.views;
    const before = { own: await stats('14620'), subtree: await stats('37', true), views: await viewsOf(), stored: await stored(PHAT_DIEM) };

    expect(await counted('14620', 'archive-reader', id)).toBe(true);
    expect(await stats('14620')).toEqual({ total: before.own.total + 1, today: before.own.today + 1, online: before.own.online + 1 });
    expect((await stats('37', true)).total).toBe(before.subtree.total + 1);
    expect(await viewsOf()).toBe(before.views + 1);
    expect(await old()).toEqual(oldBefore);
    await flushed();
    expect(await stored(PHAT_DIEM)).toEqual({ own: before.stored.own + 1, subtree: before.stored.subtree + 1 });
    expect(await stored('14620')).toEqual({ own: 0, subtree: 0 });
    expect(await old()).toEqual(oldBefore);
  });
});

describe('bad input counts nothing', () => {
  it.each([
    ['an unknown unit', { unitCode: '99998', visitorId: 'v' }, 'unitCode'],
    ['a code that cannot be a unit', { unitCode: 'abc', visitorId: 'v' }, 'unitCode'],
    ['an empty visitorId', { unitCode: '37', visitorId: '' }, 'visitorId'],
    ['a visitorId of 129 characters', { unitCode: '37', visitorId: 'x'.repeat(129) }, 'visitorId'],
    ['a visitorId with a control character', { unitCode: '37', visitorId: 'a\u0007b' }, 'visitorId'],
    ['a visitorId with a line break', { unitCode: '37', visitorId: 'a\nb' }, 'visitorId'],
    ['an articleId that is not an id', { unitCode: '37', visitorId: 'v', articleId: 'x' }, 'articleId'],
    ['an unknown article', { unitCode: '37', visitorId: 'v', articleId: '4000000000' }, 'articleId'],
  ])('%s is BAD_USER_INPUT', async (_what, vars, field) => {
    const before = server.app.visits.buffer.bufferedVisits;
    const res = await server.gql(RECORD_VISIT, { articleId: null, ...vars });
    // Refused before any field runs (recordVisitChecks.ts): HTTP 400, no data.
    expect([res.status, res.data]).toEqual([400, undefined]);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(server.app.visits.buffer.bufferedVisits).toBe(before);
  });

  it('a code whose unit has ended (Huyện Kim Sơn, Xã Kim Chính now in Xã Phát Diệm) is BAD_USER_INPUT and counts nothing, on it or on its successor', async () => {
    const COUNTERS = `{ kimSon: district(code: "376") { id visits { total online } subtree: visits(includeDescendants: true) { total } }
      kimChinh: commune(code: "14659") { id visits { total online } }
      phatDiem: commune(code: "14620") { visits { total online } }
      province(code: "37") { visits(includeDescendants: true) { total online } } }`;
    const counters = async () => (await server.gql(COUNTERS)).data;
    const before = await counters();
    // Without `on`, the last units that had the codes: the ended ones.
    expect([before.kimSon.id, before.kimChinh.id]).toEqual(['376', '14659']);
    const buffered = server.app.visits.buffer.bufferedVisits;
    for (const unitCode of ['376', '14659']) {
      const res = await visit(unitCode, 'after-the-merger');
      expect([res.status, res.data]).toEqual([400, undefined]);
      expect(res.errors?.[0]).toMatchObject({ message: expect.stringMatching(/there is no unit with code/), extensions: { code: 'BAD_USER_INPUT', field: 'unitCode' } });
    }
    expect(server.app.visits.buffer.bufferedVisits).toBe(buffered);
    expect(await counters()).toEqual(before);
    await flushed();
    expect(await counters()).toEqual(before);
  });

  it('an article not shown on the unit, or not yet published, is BAD_USER_INPUT and counts nothing', async () => {
    const onlineBefore = (await stats('14620')).online;
    const totalBefore = (await stats('14620', true)).total;
    for (const articleId of [notShownOnPhatDiem, scheduled]) {
      const res = await visit('14620', 'nosy', articleId);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'articleId' });
      expect(res.errors?.[0].message).toMatch(articleId === scheduled ? /no article/ : /not shown on unit 14620/);
    }
    expect(await stats('14620')).toMatchObject({ online: onlineBefore });
    expect((await stats('14620', true)).total).toBe(totalBefore);
    // The article that is shown on the (old) province is fine on the province.
    expect(await counted('37', 'nosy', shownOnPhatDiem[0])).toBe(true);
  });
});

describe('the abuse rule', () => {
  it('counts one visit per visitor, unit and page per 30 seconds', async () => {
    const [unit] = take();
    expect(await counted(unit, 'reloader')).toBe(true);
    expect(await counted(unit, 'reloader')).toBe(false);
    clock.at += 29_000;
    expect(await counted(unit, 'reloader')).toBe(false);
    expect(await counted(unit, 'someone-else')).toBe(true);
    clock.at += 1_000;
    expect(await counted(unit, 'reloader')).toBe(true);
    expect((await stats(unit)).total).toBe(3);
  });

  it('counts at most 10 visits per visitor and unit per minute, whatever the pages', async () => {
    const pages = [null, ...shownOnPhatDiem.slice(0, 11)];
    const results: boolean[] = [];
    for (const page of pages) results.push(await counted('14620', 'crawler', page));
    expect(results).toEqual([...Array(10).fill(true), false, false]);
    // Hammering the same pages adds nothing either.
    for (const page of pages) expect(await counted('14620', 'crawler', page)).toBe(false);
    clock.at += 60_000;
    expect(await counted('14620', 'crawler', shownOnPhatDiem[11])).toBe(true);
    // Other visitors and other units are not affected.
    expect(await counted('14620', 'reader-2')).toBe(true);
    expect(await counted('37', 'crawler')).toBe(true);
  });

  it('one visitor hammering a unit concurrently is counted once', async () => {
    const [unit] = take();
    const answers = await Promise.all(Array.from({ length: 50 }, () => counted(unit, 'hammer')));
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect((await stats(unit)).total).toBe(1);
  });
});

describe('exact counts under concurrency', () => {
  it('50 concurrent clients: N counted calls add exactly N, served and stored, while flushes run', async () => {
    const communes = take(10);
    const pairs = shownOnPhatDiem.map((id) => ({ unit: '14620', id }));
    // Every call counts on one of these, in its own portal's counter.
    const visited = ['14620', ...communes];
    const visitedIds = [PHAT_DIEM, ...communes.map((c) => idOf.get(c)!)];
    const base = { province: await stats('37', true), communes: await ownTotals(visited), views: await views(shownOnPhatDiem) };
    await flushed();
    const storedBase = await stored(NINH_BINH);
    const storedCommunes = await storedOwn(visitedIds);

    let accepted = 0;
    let acceptedViews = 0;
    let reads: number[] = [];
    let loading = true;
    // Reads racing the flushes must never go back (a visit counted twice, then once) or skip.
    const reader = (async () => {
      while (loading) reads.push((await stats('37', true)).total);
    })();
    await Promise.all(
      Array.from({ length: 50 }, async (_, client) => {
        for (let i = 0; i < 30; i++) {
          // Every 10th call repeats the client's previous one: the rule refuses it.
          const k = i % 10 === 9 ? i - 1 : i;
          const article = k % 3 === 0 ? pairs[(client + k) % pairs.length] : null;
          const unit = article ? article.unit : communes[(client * 7 + k) % communes.length];
          if (await counted(unit, `client-${client}-${k}`, article && article.id)) {
            accepted++;
            if (article) acceptedViews++;
          }
        }
      }),
    );
    loading = false;
    await reader;
    expect(accepted).toBe(50 * 27);
    expect(reads.length).toBeGreaterThan(3);
    for (let i = 1; i < reads.length; i++) expect(reads[i]).toBeGreaterThanOrEqual(reads[i - 1]);

    expect((await stats('37', true)).total).toBe(base.province.total + accepted);
    expect(await ownTotals(visited)).toBe(base.communes + accepted);
    expect(await views(shownOnPhatDiem)).toBe(base.views + acceptedViews);
    await flushed();
    expect((await stored(NINH_BINH)).subtree).toBe(storedBase.subtree + accepted);
    expect(await storedOwn(visitedIds)).toBe(storedCommunes + accepted);
    expect((await stats('37', true)).total).toBe(base.province.total + accepted);
  });
});

/** The sum of the units' own totals, as served. */
async function ownTotals(codes: string[]): Promise<number> {
  const res = await server.gql(`{ ${codes.map((code, i) => `u${i}: unit(code: "${code}") { visits { total } }`).join(' ')} }`);
  expect(res.errors).toBeUndefined();
  return Object.values(res.data as Record<string, { visits: { total: number } }>).reduce((sum, u) => sum + u.visits.total, 0);
}

/** The sum of the units' own all-time counts, as MySQL has them. */
async function storedOwn(ids: string[]): Promise<number> {
  let sum = 0;
  for (const id of ids) sum += (await stored(id)).own;
  return sum;
}

async function views(ids: number[]): Promise<number> {
  const res = await server.gql(`{ ${ids.map((id) => `a${id}: article(id: "${id}") { views }`).join(' ')} }`);
  expect(res.errors).toBeUndefined();
  return Object.values(res.data as Record<string, { views: number }>).reduce((sum, a) => sum + a.views, 0);
}

describe('days, online and subtrees', () => {
  it('today turns over at midnight in Vietnam (17:00 UTC); daily lists every day, zeros included', async () => {
    const [unit] = take();
    // The clock only goes forward in this file (as a real one does).
    {
      clock.at = Date.parse('2026-05-01T16:59:59Z'); // 23:59:59 on 1 May in Vietnam
      expect(await counted(unit, 'night-1')).toBe(true);
      expect(await counted(unit, 'night-2')).toBe(true);
      expect(await stats(unit)).toMatchObject({ total: 2, today: 2 });
      clock.at = Date.parse('2026-05-01T17:00:00Z'); // midnight: 2 May
      expect(await stats(unit)).toMatchObject({ total: 2, today: 0 });
      expect(await counted(unit, 'night-3')).toBe(true);
      expect(await stats(unit)).toMatchObject({ total: 3, today: 1 });

      const daily = async () => (await server.gql(DAILY, { code: unit, from: '2026-04-30', to: '2026-05-03' })).data.unit.visits.daily;
      const expected = [
        { date: '2026-04-30', visits: 0 },
        { date: '2026-05-01', visits: 2 },
        { date: '2026-05-02', visits: 1 },
        { date: '2026-05-03', visits: 0 },
      ];
      expect(await daily()).toEqual(expected);
      await flushed();
      expect(await daily()).toEqual(expected);
      const rows = (table: string) =>
        server.db.dataSource
          .query(`SELECT DATE_FORMAT(day, '%Y-%m-%d') AS day, own FROM ${table} WHERE unit_id = ? ORDER BY day`, [idOf.get(unit)])
          .then((r: { day: string; own: string }[]) => r.map((x) => [x.day, Number(x.own)]));
      expect(await rows('visit_days_recent')).toEqual([['2026-05-01', 2], ['2026-05-02', 1]]);

      // Two days on, the first flush of the day archives the days before yesterday: nothing changes for readers.
      clock.at = Date.parse('2026-05-03T17:00:00Z'); // midnight: 4 May
      await flushed();
      expect(await rows('visit_days_recent')).toEqual([]);
      expect(await rows('visit_days')).toEqual([['2026-05-01', 2], ['2026-05-02', 1]]);
      expect(await stored(idOf.get(unit)!)).toEqual({ own: 3, subtree: 3 });
      expect(await daily()).toEqual(expected);
      expect(await stats(unit)).toMatchObject({ total: 3, today: 0 });
      expect(await counted(unit, 'night-4')).toBe(true);
      expect(await stats(unit)).toMatchObject({ total: 4, today: 1 });
    }
  });

  it('daily: one day, a whole (leap) year, and refusals', async () => {
    // A day no other test visits: the province's own portal has exactly the two visits made here.
    clock.at = Date.parse('2026-05-05T03:00:00Z');
    const day = async () => (await server.gql(DAILY, { code: '37', from: '2026-05-05', to: '2026-05-05' })).data.unit.visits.daily;
    expect(await day()).toEqual([{ date: '2026-05-05', visits: 0 }]);
    expect(await counted('37', 'one-day-1')).toBe(true);
    expect(await counted('37', 'one-day-2')).toBe(true);
    expect(await day()).toEqual([{ date: '2026-05-05', visits: 2 }]);
    await flushed();
    expect(await day()).toEqual([{ date: '2026-05-05', visits: 2 }]);
    const year = await server.gql(DAILY, { code: '37', incl: true, from: '2024-01-01', to: '2024-12-31' });
    expect(year.data.unit.visits.daily).toHaveLength(366);
    expect(year.data.unit.visits.daily[59]).toEqual({ date: '2024-02-29', visits: 0 });

    const refused = async (from: string, to: string) => (await server.gql(DAILY, { code: '37', from, to })).errors?.[0];
    expect(await refused('2024-01-01', '2025-01-01')).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/at most 366 days/) });
    expect(await refused('2025-03-10', '2025-03-09')).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/before/) });
    expect(await refused('2025-02-29', '2025-03-01')).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await refused('10/03/2025', '2025-03-11')).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('online counts distinct visitors of the last 5 minutes, the subtree without double counting', async () => {
    const [a, b] = ['14620', ...take()];
    const t0 = clock.at + 3_600_000; // an hour on: earlier tests' visitors are gone
    clock.at = t0;
    expect((await stats('37', true)).online).toBe(0);
    await counted(a, 'online-1');
    await counted(a, 'online-2');
    await counted(b, 'online-1'); // the same person on a neighbouring commune
    expect((await stats(a)).online).toBe(2);
    expect((await stats(b)).online).toBe(1);
    expect((await stats('37', true)).online).toBe(2);
    expect((await stats('37')).online).toBe(0);

    clock.at = t0 + 4 * 60_000;
    await counted(a, 'online-2'); // seen again: still one visitor
    clock.at = t0 + 5 * 60_000;
    expect((await stats(a)).online).toBe(1);
    expect((await stats(b)).online).toBe(0);
    expect((await stats('37', true)).online).toBe(1);
    clock.at = t0 + 9 * 60_000;
    expect((await stats('37', true)).online).toBe(0);
    // Memory is given back, not only hidden.
    expect(server.app.visits.online.size).toBe(0);
  });

  it('includeDescendants sums the whole subtree, whatever its depth (a commune under a district, beside communes right under their province)', async () => {
    const db = server.db.dataSource;
    // Today's map has no districts: a made-up one in Ninh Bình, in force since the map, with a commune under it.
    await db.query(
      `INSERT INTO units (id, code, level, type, name, full_name, slug, path, parent_id, province_id, valid_from, valid_to, search_name) VALUES
       ('99900@2025-07-01', '99900', 'DISTRICT', 'huyen', 'Thử', 'Huyện Thử', 'thu', 'Huyện Thử, Tỉnh Ninh Bình', ?, ?, '2025-07-01', NULL, 'huyen thu'),
       ('99901@2025-07-01', '99901', 'COMMUNE', 'xa', 'Thử', 'Xã Thử', 'thu', 'Xã Thử, Huyện Thử, Tỉnh Ninh Bình', '99900@2025-07-01', ?, '2025-07-01', NULL, 'xa thu')`,
      [NINH_BINH, NINH_BINH, NINH_BINH],
    );
    await db.query(
      `INSERT INTO unit_closure (ancestor_id, descendant_id, depth) VALUES
       ('99900@2025-07-01', '99900@2025-07-01', 0), (?, '99900@2025-07-01', 1),
       ('99901@2025-07-01', '99901@2025-07-01', 0), ('99900@2025-07-01', '99901@2025-07-01', 1), (?, '99901@2025-07-01', 2)`,
      [NINH_BINH, NINH_BINH],
    );
    const [flat] = take();
    const before = { province: await stats('37', true), provinceOwn: await stats('37'), district: await stats('99900', true) };
    expect(await counted('99901', 'deep-1')).toBe(true);
    expect(await counted('37', 'deep-1')).toBe(true);
    expect(await counted(flat, 'deep-1')).toBe(true);

    const province = await stats('37', true);
    expect(province.total - before.province.total).toBe(3);
    expect((await stats('37')).total - before.provinceOwn.total).toBe(1);
    expect((await stats('99900', true)).total - before.district.total).toBe(1);
    expect(await stats('99900')).toMatchObject({ total: 0, today: 0, online: 0 });
    expect(await stats('99901', true)).toMatchObject({ total: 1, today: 1, online: 1 });
    expect(await server.gql(`{ deep: commune(code: "99901") { district { code } } flat: commune(code: "${flat}") { district { code } province { visits { total } } } }`)).toMatchObject({
      data: { deep: { district: { code: '99900' } }, flat: { district: null, province: { visits: { total: before.provinceOwn.total + 1 } } } },
    });
    await flushed();
    expect((await stored(NINH_BINH)).subtree).toBe(province.total);
    expect(await stored('99900@2025-07-01')).toEqual({ own: 0, subtree: before.district.total + 1 });
  });
});

describe('SQL statements', () => {
  // The map until 2025-06-30, which had districts.
  const DASHBOARD = 'query($code: ID!) { province(code: $code, on: "2025-06-30") { districts { code visits(includeDescendants: true) { total today online } } } }';

  // Cold, as after a start: the shared unit cache would otherwise answer the first two statements.
  beforeEach(() => server.emptyCaches());

  it('a province dashboard of every district with its subtree counter costs the same for Ninh Bình\'s 7 districts as for Hà Nội\'s 30', async () => {
    const districtsOf = async (province: string) => Number((await server.db.dataSource.query('SELECT COUNT(*) AS n FROM units WHERE parent_id = ?', [province]))[0].n);
    const sizes = [await districtsOf('37'), await districtsOf('01')];
    expect(sizes[1]).toBeGreaterThanOrEqual(4 * sizes[0]);
    const ninhBinh = await server.gql(DASHBOARD, { code: '37' });
    server.emptyCaches();
    const haNoi = await server.gql(DASHBOARD, { code: '01' });
    expect(ninhBinh.errors).toBeUndefined();
    expect(ninhBinh.data.province.districts).toHaveLength(sizes[0]);
    expect(haNoi.data.province.districts).toHaveLength(sizes[1]);
    // province; its districts; every district's counters (one statement).
    expect(ninhBinh.statements).toBe(3);
    expect(haNoi.statements).toBe(3);
  });

  it('daily for every district is one more statement', async () => {
    const query = 'query($code: ID!) { province(code: $code, on: "2025-06-30") { districts { visits(includeDescendants: true) { total daily(from: "2025-03-01", to: "2025-03-31") { visits } } } } }';
    expect((await server.gql(query, { code: '37' })).statements).toBe(4);
    server.emptyCaches();
    expect((await server.gql(query, { code: '01' })).statements).toBe(4);
  });

  it('recordVisit sends no SQL once the unit and the article are known', async () => {
    // Every unit's lineage was loaded once, with the first visit; an article not seen for a while
    // on a unit is one statement.
    expect((await visit(farAway, 'cold')).statements).toBe(0);
    expect((await visit('14620', 'cold', shownOnPhatDiem[3])).statements).toBe(1);
    const home = await visit(farAway, 'warm');
    const article = await visit('14620', 'warm', shownOnPhatDiem[3]);
    expect([home.data.recordVisit, article.data.recordVisit]).toEqual([true, true]);
    expect([home.statements, article.statements]).toEqual([0, 0]);
  });
});

describe('the check that an article is shown on a unit', () => {
  it('is renewed in the background while the page keeps being visited, so no visit waits for it', async () => {
    const article = shownOnPhatDiem[4];
    await visit('14620', 'renewal-0'); // every unit's lineage is in memory from here on
    expect((await visit('14620', 'renewal-1', article)).statements).toBe(1);
    // In the second half of its 30 s: answered from memory, and read again in the background.
    clock.at += 25_000;
    // The background read is a promise the request does not wait for: the test takes it to wait for it.
    const keepPair = jest.spyOn(VisitTargets.prototype as unknown as { keepPair(...args: unknown[]): Promise<unknown> }, 'keepPair');
    try {
      const renewing = await visit('14620', 'renewal-2', article);
      expect([renewing.data.recordVisit, renewing.statements]).toEqual([true, 0]);
      expect(keepPair).toHaveBeenCalledTimes(1);
      await expect(keepPair.mock.results[0].value).resolves.toEqual({ kind: 'shown', visibleFrom: Date.parse('2024-06-01T03:00:00Z') });
    } finally {
      keepPair.mockRestore();
    }
    // Past the first read's 30 s, the renewed one answers.
    clock.at += 10_000;
    const renewed = await visit('14620', 'renewal-3', article);
    expect([renewed.data.recordVisit, renewed.statements]).toEqual([true, 0]);
    // Unvisited for a whole 30 s, it is read again on the next visit.
    clock.at += 31_000;
    expect((await visit('14620', 'renewal-4', article)).statements).toBe(1);
  });
});

describe('restarts and outages', () => {
  it('a graceful restart (app.close) loses nothing, with 50 clients recording through it', async () => {
    const first = await startTestServer({ visits: { buffer: { flushIntervalMs: 60_000 } }, config: { visitsPerAddressPerMinute: Infinity } });
    let accepted = 0;
    let refused = 0;
    let failed = 0;
    let closing: Promise<void> | null = null;
    await Promise.all(
      Array.from({ length: 50 }, async (_, client) => {
        for (let i = 0; i < 40; i++) {
          if (client === 0 && i === 20) closing = first.app.close();
          try {
            const res = await first.gql(RECORD_VISIT, { unitCode: '14620', visitorId: `r-${client}-${i}` });
            if (res.status !== 200) failed++; // 503 while closing: not counted
            else if (res.data?.recordVisit === true) accepted++;
            else refused++;
          } catch {
            failed++; // the server had stopped taking connections: not counted
          }
        }
      }),
    );
    await closing;
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBe(0);
    expect(failed).toBeGreaterThan(0);
    // Nothing was flushed by the timer: everything came from close().
    const second = await serveTestDatabase(first.db);
    try {
      const res = await second.gql('{ commune(code: "14620") { visits { total today } } province(code: "37") { visits(includeDescendants: true) { total } } }');
      expect(res.data).toEqual({ commune: { visits: { total: accepted, today: accepted } }, province: { visits: { total: accepted } } });
      expect(await first.db.dataSource.query('SELECT * FROM visit_flush_marks')).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('npm start: SIGTERM writes the buffered visits before the process exits 0', async () => {
    const url = throwawayDatabaseUrl();
    const gateway = await startGatewayProcess({ DATABASE_URL: url, LOG_LEVEL: 'warn' });
    // The table every flush writes last is the test's until the signal has gone: a flush the timer
    // starts before then waits for it, so at the signal no visit is in MySQL, whatever the timer did.
    const holder = await mysql.createConnection(url);
    const reader = await mysql.createConnection(url);
    const own = async () => {
      const [rows] = await reader.query<mysql.RowDataPacket[]>('SELECT own FROM visit_days_recent WHERE unit_id = ?', [PHAT_DIEM]);
      return rows.reduce((sum, r) => sum + Number(r.own), 0);
    };
    try {
      await holder.query('LOCK TABLES visit_flush_marks WRITE');
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: RECORD_VISIT, variables: { unitCode: '14620', visitorId: `term-${i}` } }) })
            .then((r) => r.json() as Promise<{ data: { recordVisit: boolean } }>),
        ),
      );
      expect(answers.every((a) => a.data.recordVisit)).toBe(true);
      expect(await own()).toBe(0);
      gateway.child.kill('SIGTERM');
      await holder.query('UNLOCK TABLES');
      expect(await gateway.exited).toBe(0);
      expect(await own()).toBe(20);
    } finally {
      gateway.child.kill('SIGKILL');
      await holder.end();
      await reader.end();
      await dropDatabase(url);
    }
  });

  it('a flush that fails keeps the visits buffered and retries; at the bound new rows are refused, and said so', async () => {
    // Flushes only when the test says, so that what is in memory at each step is known.
    const other = await startTestServer({ visits: { buffer: { flushIntervalMs: 3_600_000, maxBufferedRows: 20 } } });
    const db = other.db.dataSource;
    const counter = other.app.visits.buffer;
    const record = async (unitCode: string, visitorId: string) => (await other.gql(RECORD_VISIT, { unitCode, visitorId })).data?.recordVisit;
    try {
      expect(await record('14620', 'before')).toBe(true);
      await counter.flush();
      // The last table a flush writes goes away: every flush now fails after writing the others, and is rolled back.
      await db.query('RENAME TABLE visit_flush_marks TO visit_flush_marks_away');
      let accepted = 1;
      for (let i = 0; i < 5; i++) if (await record('14620', `during-${i}`)) accepted++;
      for (let attempt = 1; attempt <= 3; attempt++) {
        await counter.flush();
        expect(counter.stats.failedFlushes).toBe(attempt);
        expect(counter.bufferedVisits).toBe(5);
      }
      // Nothing of the failed flushes stayed in MySQL (each was one transaction, rolled back).
      expect((await storedIn(db, NINH_BINH)).subtree).toBe(1);

      // Xã Phát Diệm and Ninh Bình: 4 rows. Each new commune of Ninh Bình adds 2 (its day and total): 20 rows hold 8 communes.
      const communes: string[] = (await db.query("SELECT code FROM units WHERE parent_id = ? AND code <> '14620' ORDER BY code", [NINH_BINH])).map((r: { code: string }) => r.code);
      const answers: boolean[] = [];
      for (const code of communes.slice(0, 11)) answers.push(await record(code, 'spread'));
      expect(answers).toEqual([...Array(8).fill(true), false, false, false]);
      expect(counter.stats.refusedAtBound).toBe(3);
      accepted += 8;
      // Visits to rows already buffered are still counted.
      expect(await record('14620', 'still-fits')).toBe(true);
      accepted++;
      expect(counter.bufferedRows).toBeLessThanOrEqual(20);

      await db.query('RENAME TABLE visit_flush_marks_away TO visit_flush_marks');
      await counter.flush();
      expect(counter.bufferedVisits).toBe(0);
      expect((await storedIn(db, NINH_BINH)).subtree).toBe(accepted);
      const [days] = await db.query('SELECT SUM(subtree) AS n FROM visit_days_recent WHERE unit_id = ?', [NINH_BINH]);
      expect(Number(days.n)).toBe(accepted);
      const res = await other.gql('{ province(code: "37") { visits(includeDescendants: true) { total today } } }');
      expect(res.data.province.visits).toEqual({ total: accepted, today: accepted });
    } finally {
      await db.query('RENAME TABLE visit_flush_marks_away TO visit_flush_marks').catch(() => undefined);
      await other.close();
    }
  });
});
