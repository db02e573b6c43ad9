import mysql from 'mysql2/promise';
import { insertArticles } from './helpers/fixtures';
import { startGatewayProcess } from './helpers/gatewayProcess';
import { RECORD_VISIT } from './helpers/operations';
import { dropDatabase, throwawayDatabaseUrl } from './helpers/testDatabase';
import { serveTestDatabase, startTestServer, TestServer } from './helpers/testServer';

/**
 * Visit counters end to end: recordVisit, VisitStats and Article.views through HTTP, against the
 * real rollup tables. One gateway with a hand-set clock and a 20 ms flush interval (flushes run all
 * the time, so every read below races them); tests use different units so they do not mix.
 */

const STATS = `query($code: ID!, $incl: Boolean) { unit(code: $code) { visits(includeDescendants: $incl) { total today online } } }`;
const DAILY = `query($code: ID!, $incl: Boolean, $from: Date!, $to: Date!) { unit(code: $code) { visits(includeDescendants: $incl) { daily(from: $from, to: $to) { date visits } } } }`;

/** 10:00 in Vietnam, after every demo article. */
const START = Date.parse('2025-03-10T03:00:00Z');
const clock = { at: START, now() { return this.at; } };

let server: TestServer;
/** Communes of Kim Sơn (376, in Ninh Bình 37) other than Phát Diệm (14620) that no test has used yet: each test takes its own. */
let unused: string[];
const take = (n = 1) => {
  expect(unused.length).toBeGreaterThanOrEqual(n);
  return unused.splice(0, n);
};
let shownOnPhatDiem: number[];
let notShownOnPhatDiem: number;
let scheduled: number;

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
  unused = (await db.query("SELECT code FROM units WHERE parent_id = '376' AND code <> '14620' ORDER BY code")).map((r: { code: string }) => r.code);
  const at = new Date('2024-06-01T03:00:00Z');
  shownOnPhatDiem = await insertArticles(
    db,
    Array.from({ length: 12 }, (_, i) => ({ title: `Tin Phát Diệm số ${i + 1}`, origin: '14620', publishedAt: at, shownOn: i === 0 ? ['376', '37'] : [] })),
  );
  [notShownOnPhatDiem] = await insertArticles(db, [{ title: 'Tin Hà Nội', origin: '001', publishedAt: at }]);
  [scheduled] = await insertArticles(db, [{ title: 'Tin sắp đăng', origin: '14620', publishedAt: new Date('2030-01-01T00:00:00Z') }]);
}, 120_000);
afterAll(() => server.close());

describe('recordVisit', () => {
  it('counts at once in every counter of the lineage, and the same after the flush', async () => {
    const [commune] = take();
    expect(await counted(commune, 'lineage-a')).toBe(true);
    expect(await counted(commune, 'lineage-b')).toBe(true);
    expect(await counted('376', 'lineage-c')).toBe(true);

    const expectAll = async () => {
      expect(await stats(commune)).toEqual({ total: 2, today: 2, online: 2 });
      expect(await stats(commune, true)).toEqual({ total: 2, today: 2, online: 2 });
      // The district's own portal had one visit; its subtree three.
      expect(await stats('376')).toMatchObject({ total: 1, today: 1, online: 1 });
      expect((await stats('376', true)).total).toBeGreaterThanOrEqual(3);
    };
    await expectAll();
    await flushed();
    expect(await stored(commune)).toEqual({ own: 2, subtree: 2 });
    await expectAll();
  });

  it('counts an article view with the visit, in Article.views at once', async () => {
    const id = shownOnPhatDiem[0];
    const viewsOf = async () => (await server.gql(`{ article(id: "${id}") { views } }`)).data.article.views;
    expect(await viewsOf()).toBe(0);
    expect(await counted('14620', 'reader-1', id)).toBe(true);
    expect(await counted('376', 'reader-1', id)).toBe(true); // also shown on its district
    expect(await viewsOf()).toBe(2);
    await flushed();
    const [row] = await server.db.dataSource.query('SELECT views FROM articles WHERE id = ?', [id]);
    expect(Number(row.views)).toBe(2);
    const days = await server.db.dataSource.query("SELECT DATE_FORMAT(day, '%Y-%m-%d') AS day, views FROM article_view_days WHERE article_id = ?", [id]);
    expect(days.map((d: { day: string; views: string }) => [d.day, Number(d.views)])).toEqual([['2025-03-10', 2]]);
    expect(await viewsOf()).toBe(2);
    // MOST_VIEWED sorts on the stored count.
    const top = await server.gql('{ commune(code: "14620") { articles(orderBy: MOST_VIEWED, first: 1) { nodes { id views } } } }');
    expect(top.data.commune.articles.nodes).toEqual([{ id: String(id), views: 2 }]);
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
    // The article that is shown on the district is fine there.
    expect(await counted('376', 'nosy', shownOnPhatDiem[0])).toBe(true);
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
    expect(await counted('376', 'crawler')).toBe(true);
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
    const base = { province: await stats('37', true), district: await stats('376', true), views: await views(shownOnPhatDiem) };
    await flushed();
    const storedBase = await stored('37');
    const storedDistrict = await stored('376');

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
    expect((await stats('376', true)).total).toBe(base.district.total + accepted);
    expect(await views(shownOnPhatDiem)).toBe(base.views + acceptedViews);
    await flushed();
    expect((await stored('37')).subtree).toBe(storedBase.subtree + accepted);
    expect((await stored('376')).subtree).toBe(storedDistrict.subtree + accepted);
    expect((await stats('37', true)).total).toBe(base.province.total + accepted);
  });
});

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
      clock.at = Date.parse('2025-04-01T16:59:59Z'); // 23:59:59 on 1 April in Vietnam
      expect(await counted(unit, 'night-1')).toBe(true);
      expect(await counted(unit, 'night-2')).toBe(true);
      expect(await stats(unit)).toMatchObject({ total: 2, today: 2 });
      clock.at = Date.parse('2025-04-01T17:00:00Z'); // midnight: 2 April
      expect(await stats(unit)).toMatchObject({ total: 2, today: 0 });
      expect(await counted(unit, 'night-3')).toBe(true);
      expect(await stats(unit)).toMatchObject({ total: 3, today: 1 });

      const daily = async () => (await server.gql(DAILY, { code: unit, from: '2025-03-31', to: '2025-04-03' })).data.unit.visits.daily;
      const expected = [
        { date: '2025-03-31', visits: 0 },
        { date: '2025-04-01', visits: 2 },
        { date: '2025-04-02', visits: 1 },
        { date: '2025-04-03', visits: 0 },
      ];
      expect(await daily()).toEqual(expected);
      await flushed();
      expect(await daily()).toEqual(expected);
      const rows = (table: string) =>
        server.db.dataSource
          .query(`SELECT DATE_FORMAT(day, '%Y-%m-%d') AS day, own FROM ${table} WHERE unit_id = ? ORDER BY day`, [unit])
          .then((r: { day: string; own: string }[]) => r.map((x) => [x.day, Number(x.own)]));
      expect(await rows('visit_days_recent')).toEqual([['2025-04-01', 2], ['2025-04-02', 1]]);

      // Two days on, the first flush of the day archives the days before yesterday: nothing changes for readers.
      clock.at = Date.parse('2025-04-03T17:00:00Z'); // midnight: 4 April
      await flushed();
      expect(await rows('visit_days_recent')).toEqual([]);
      expect(await rows('visit_days')).toEqual([['2025-04-01', 2], ['2025-04-02', 1]]);
      expect(await stored(unit)).toEqual({ own: 3, subtree: 3 });
      expect(await daily()).toEqual(expected);
      expect(await stats(unit)).toMatchObject({ total: 3, today: 0 });
      expect(await counted(unit, 'night-4')).toBe(true);
      expect(await stats(unit)).toMatchObject({ total: 4, today: 1 });
    }
  });

  it('daily: one day, a whole (leap) year, and refusals', async () => {
    const one = await server.gql(DAILY, { code: '37', from: '2025-03-10', to: '2025-03-10' });
    expect(one.data.unit.visits.daily).toEqual([{ date: '2025-03-10', visits: expect.any(Number) }]);
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
    expect((await stats('376', true)).online).toBe(0);
    await counted(a, 'online-1');
    await counted(a, 'online-2');
    await counted(b, 'online-1'); // the same person on a neighbouring commune
    expect((await stats(a)).online).toBe(2);
    expect((await stats(b)).online).toBe(1);
    expect((await stats('376', true)).online).toBe(2);
    expect((await stats('376')).online).toBe(0);
    expect((await stats('37', true)).online).toBe(2);

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

  it('includeDescendants sums the whole subtree, whatever its depth (a commune directly under its province)', async () => {
    const db = server.db.dataSource;
    // The 2025 map has no districts: a commune right under Ninh Bình.
    await db.query(
      `INSERT INTO units (code, level, type, name, full_name, slug, path, parent_id, province_id, search_name)
       VALUES ('99901', 'COMMUNE', 'xa', 'Thử', 'Xã Thử', 'thu', 'Xã Thử, Tỉnh Ninh Bình', '37', '37', 'xa thu')`,
    );
    await db.query("INSERT INTO unit_closure (ancestor_id, descendant_id, depth) VALUES ('99901', '99901', 0), ('37', '99901', 1)");
    const before = { province: await stats('37', true), provinceOwn: await stats('37'), district: await stats('376', true) };
    expect(await counted('99901', 'flat-1')).toBe(true);
    expect(await counted('37', 'flat-1')).toBe(true);
    expect(await counted(take()[0], 'flat-1')).toBe(true);

    const province = await stats('37', true);
    expect(province.total - before.province.total).toBe(3);
    expect((await stats('37')).total - before.provinceOwn.total).toBe(1);
    expect((await stats('376', true)).total - before.district.total).toBe(1);
    expect(await stats('99901', true)).toMatchObject({ total: 1, today: 1, online: 1 });
    expect(await server.gql('{ commune(code: "99901") { district { code } province { visits { total } } } }')).toMatchObject({
      data: { commune: { district: null, province: { visits: { total: before.provinceOwn.total + 1 } } } },
    });
    await flushed();
    expect((await stored('37')).subtree).toBe(province.total);
  });
});

describe('SQL statements', () => {
  const DASHBOARD = 'query($code: ID!) { province(code: $code) { districts { code visits(includeDescendants: true) { total today online } } } }';

  // Cold, as after a start: the shared unit cache would otherwise answer the first two statements.
  beforeEach(() => server.emptyCaches());

  it('a province dashboard of every district with its subtree counter costs the same for 8 districts as for 30', async () => {
    const ninhBinh = await server.gql(DASHBOARD, { code: '37' });
    server.emptyCaches();
    const haNoi = await server.gql(DASHBOARD, { code: '01' });
    expect(ninhBinh.errors).toBeUndefined();
    expect(ninhBinh.data.province.districts).toHaveLength(8);
    expect(haNoi.data.province.districts).toHaveLength(30);
    // province; its districts; every district's counters (one statement).
    expect(ninhBinh.statements).toBe(3);
    expect(haNoi.statements).toBe(3);
  });

  it('daily for every district is one more statement', async () => {
    const query = 'query($code: ID!) { province(code: $code) { districts { visits(includeDescendants: true) { total daily(from: "2025-03-01", to: "2025-03-31") { visits } } } } }';
    expect((await server.gql(query, { code: '37' })).statements).toBe(4);
    server.emptyCaches();
    expect((await server.gql(query, { code: '01' })).statements).toBe(4);
  });

  it('recordVisit sends no SQL once the unit and the article are known', async () => {
    // Every unit's lineage was loaded once, with the first visit; an article not seen for a while
    // on a unit is one statement.
    expect((await visit('00001', 'cold')).statements).toBe(0);
    expect((await visit('14620', 'cold', shownOnPhatDiem[3])).statements).toBe(1);
    const home = await visit('00001', 'warm');
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
    const renewing = await visit('14620', 'renewal-2', article);
    expect([renewing.data.recordVisit, renewing.statements]).toEqual([true, 0]);
    await new Promise((resolve) => setTimeout(resolve, 400)); // renewals are gathered for 100 ms
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
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: RECORD_VISIT, variables: { unitCode: '14620', visitorId: `term-${i}` } }) })
            .then((r) => r.json() as Promise<{ data: { recordVisit: boolean } }>),
        ),
      );
      expect(answers.every((a) => a.data.recordVisit)).toBe(true);
      // At once: the 500 ms flush timer has most likely not run.
      expect(await gateway.stop()).toBe(0);
      const conn = await mysql.createConnection(url);
      try {
        const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT own FROM visit_days_recent WHERE unit_id = '14620'");
        expect(rows.reduce((sum, r) => sum + Number(r.own), 0)).toBe(20);
      } finally {
        await conn.end();
      }
    } finally {
      gateway.child.kill('SIGKILL');
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
      expect((await storedIn(db, '37')).subtree).toBe(1);

      // 14620, 376, 37: 6 rows. Each new commune of Kim Sơn adds 2 (its day and total): 20 rows hold 7 communes.
      const communes: string[] = (await db.query("SELECT code FROM units WHERE parent_id = '376' AND code <> '14620' ORDER BY code")).map((r: { code: string }) => r.code);
      const answers: boolean[] = [];
      for (const code of communes.slice(0, 10)) answers.push(await record(code, 'spread'));
      expect(answers).toEqual([...Array(7).fill(true), false, false, false]);
      expect(counter.stats.refusedAtBound).toBe(3);
      accepted += 7;
      // Visits to rows already buffered are still counted.
      expect(await record('14620', 'still-fits')).toBe(true);
      accepted++;
      expect(counter.bufferedRows).toBeLessThanOrEqual(20);

      await db.query('RENAME TABLE visit_flush_marks_away TO visit_flush_marks');
      await counter.flush();
      expect(counter.bufferedVisits).toBe(0);
      expect((await storedIn(db, '37')).subtree).toBe(accepted);
      const [days] = await db.query("SELECT SUM(subtree) AS n FROM visit_days_recent WHERE unit_id = '37'");
      expect(Number(days.n)).toBe(accepted);
      const res = await other.gql('{ province(code: "37") { visits(includeDescendants: true) { total today } } }');
      expect(res.data.province.visits).toEqual({ total: accepted, today: accepted });
    } finally {
      await db.query('RENAME TABLE visit_flush_marks_away TO visit_flush_marks').catch(() => undefined);
      await other.close();
    }
  });
});
