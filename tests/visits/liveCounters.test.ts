import { seedDemoContent } from '../../seeds/demo';
import { CREATE_ARTICLE, RECORD_VISIT } from '../helpers/operations';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

// Responses that show visit counters are kept all but the counters, which every request reads afresh.
let server: TestServer;
let env: TestEnvironment;
const STARTED_AT = Date.now();
let admin: string;
let shownOnPhatDiem: string;
beforeAll(async () => {
  // Counter reads are not reused here (snapshotTtlMs 0): a kept response reads them with one statement.
  // The visit counters' clock stands still: `online` (5 minutes) cannot lapse between two reads compared exactly.
  server = (env = await createTestEnvironment({ clock: { now: () => STARTED_AT }, visits: { buffer: { snapshotTtlMs: 0 } } })).server;
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
  admin = (await env.asAdmin()).key;
  shownOnPhatDiem = (await server.gql('{ commune(code: "14620") { articles(first: 1) { nodes { id } } } }')).data.commune.articles.nodes[0].id;
}, 60_000);
afterAll(() => server.close());

interface Answer {
  data: any;
  errors?: { extensions?: Record<string, unknown> }[];
  statements: number;
  cacheControl: string | null;
  /** Set on a response that was kept: seconds since. */
  age: string | null;
}

async function query(text: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: text, variables }) });
  const body = (await res.json()) as { data: any; errors?: Answer['errors'] };
  return { ...body, statements: Number(res.headers.get('x-sql-statements')), cacheControl: res.headers.get('cache-control'), age: res.headers.get('age') };
}
const withKey = (text: string, variables?: Record<string, unknown>) => query(text, variables, { authorization: `Bearer ${admin}` });
const visit = async (unitCode: string, visitorId: string, articleId?: string) => {
  const res = await query(RECORD_VISIT, { unitCode, articleId, visitorId });
  expect(res.data.recordVisit).toBe(true);
};

const HOME = `query Home($code: ID!) {
  commune(code: $code) {
    name district { name } province { name }
    visits { total today }
    articles(first: 5) { nodes { id title source { name } } }
  }
}`;

describe('a home page with its counter', () => {
  it('is answered from the kept response with the counters read afresh, and stays uncacheable for clients', async () => {
    const first = await query(HOME, { code: '14620' });
    expect(first.errors).toBeUndefined();
    expect(first.age).toBeNull();
    const kept = await query(HOME, { code: '14620' });
    expect(kept.age).not.toBeNull();
    expect(kept.data).toEqual(first.data);
    expect(kept.statements).toBe(1); // the counters, nothing else
    expect(kept.cacheControl).toBe('no-store');

    await visit('14620', 'live-home-1');
    await visit('14620', 'live-home-2');
    const after = await query(HOME, { code: '14620' });
    expect(after.age).not.toBeNull();
    expect(after.data.commune.visits).toEqual({ total: first.data.commune.visits.total + 2, today: first.data.commune.visits.today + 2 });
    expect(after.data.commune.articles).toEqual(first.data.commune.articles);
  });

  it('shows an edit to the very next reader', async () => {
    await query(HOME, { code: '14620' });
    expect((await query(HOME, { code: '14620' })).age).not.toBeNull();
    const created = await withKey(CREATE_ARTICLE, {
      input: { originCode: '14620', title: 'Phát Diệm tổ chức ngày hội chuyển đổi số', summary: 'Tóm tắt.', body: '<p>Nội dung.</p>' },
    });
    expect(created.errors).toBeUndefined();
    const after = await query(HOME, { code: '14620' });
    expect(after.age).toBeNull();
    expect(after.data.commune.articles.nodes[0].title).toBe('Phát Diệm tổ chức ngày hội chuyển đổi số');
  });

  it('is never kept for key holders, who always get the query run', async () => {
    await withKey(HOME, { code: '14623' });
    const again = await withKey(HOME, { code: '14623' });
    expect(again.age).toBeNull();
    expect(again.statements).toBeGreaterThan(1);
    expect(again.cacheControl).toBe('private, no-store');
  });
});

describe('counters anywhere in a response', () => {
  // Aliases, lists, own and subtree counts, online, and views, in one query. Today's Ninh Bình has
  // its communes right under it; the old one (read on its last day) its districts.
  const DASHBOARD = `{
    province(code: "37") {
      code
      all: visits(includeDescendants: true) { sum: total today online }
      communes {
        code
        own: visits { total }
        subtree: visits(includeDescendants: true) { total today }
        articles(first: 2) { nodes { id views } }
      }
    }
    old: province(code: "37", on: "2025-06-30") { districts { code subtree: visits(includeDescendants: true) { total } } }
    commune(code: "14620") { mine: articles(first: 3) { nodes { id seen: views } } }
  }`;

  it('reads every one afresh, equal to what running the query gives', async () => {
    const base = (await query(DASHBOARD)).data;
    await visit('14620', 'live-dashboard-1', shownOnPhatDiem);
    await visit('14623', 'live-dashboard-2');
    const kept = await query(DASHBOARD);
    expect(kept.errors).toBeUndefined();
    expect(kept.age).not.toBeNull();
    // Key holders' requests always run the query.
    const run = await withKey(DASHBOARD);
    expect(run.age).toBeNull();
    expect(kept.data).toEqual(run.data);
    // Exactly the two visits, by two visitors new today, and the one view, where they count: on
    // today's two communes and their province, not on the old units.
    const expected = structuredClone(base);
    const commune = (code: string) => expected.province.communes.find((c: { code: string }) => c.code === code);
    for (const code of ['14620', '14623']) {
      commune(code).own.total += 1;
      commune(code).subtree.total += 1;
      commune(code).subtree.today += 1;
    }
    expected.province.all.sum += 2;
    expected.province.all.today += 2;
    expected.province.all.online += 2;
    for (const node of [...expected.commune.mine.nodes, ...commune('14620').articles.nodes]) if (node.id === shownOnPhatDiem) 'seen' in node ? node.seen++ : node.views++;
    expect(kept.data).toEqual(expected);
    expect(expected.commune.mine.nodes.map((n: { id: string }) => n.id)).toContain(shownOnPhatDiem);
    expect(expected.old.districts.find((d: { code: string }) => d.code === '376').subtree.total).toBe(0);
  });

  it('a response with daily counts is not kept (they are a list of days, run every time)', async () => {
    const DAILY = '{ commune(code: "14620") { name visits { daily(from: "2025-01-01", to: "2025-01-03") { date visits } } } }';
    await query(DAILY);
    const again = await query(DAILY);
    expect(again.errors).toBeUndefined();
    expect(again.age).toBeNull();
  });

  it('a response with errors is not kept', async () => {
    const BROKEN = '{ commune(code: "14620") { visits { total } } articles(first: 1000) { totalCount } }';
    expect((await query(BROKEN)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await query(BROKEN)).age).toBeNull();
  });

  it('responses without counters are the response cache\'s, as before', async () => {
    const UNITS = '{ commune(code: "14620") { name } }';
    await query(UNITS);
    const again = await query(UNITS);
    expect(again.age).not.toBeNull();
    expect(again.cacheControl).toBe('max-age=3600, public');
  });
});
