import { FastifyInstance } from 'fastify';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { createServer } from '../../src/server';
import { insertArticles } from '../helpers/fixtures';
import { RECORD_VISIT } from '../helpers/operations';
import { createTestDatabase, TestDatabase } from '../helpers/testDatabase';
import { CuttableProxy } from '../helpers/cuttableProxy';
import { createKey } from '../helpers/testEnvironment';

/**
 * MySQL going away and coming back under a running gateway. The shared MariaDB stays up (other
 * suites use it): the gateway reaches it through a TCP proxy this test cuts and restores.
 */

/**
 * Units and (for anonymous readers) content are cached in memory and may answer during an outage,
 * which is right; so every request below names a unit or article it never named before, and
 * needs MySQL.
 */
const UNIT_QUERY = 'query($code: ID!) { unit(code: $code) { fullName } }';
const COUNTS_QUERY = 'query($code: ID!) { unit(code: $code) { visits { total } } }';
/** A home page: kept by the gateway all but its counter, which is read afresh (cache/liveCounters.ts). */
const HOME_QUERY = 'query($code: ID!) { unit(code: $code) { fullName visits { total today } } }';
const KEYED_MUTATION = 'mutation { deleteArticle(id: "999999") }';

let db: TestDatabase;
const CLOCK_AT = Date.now();
/**
 * How far the process's own time (Date.now, which the reuse of counter reads goes by) is ahead of
 * the real one: a test lets time pass by adding to it, only ever forward, as real time goes.
 */
let timeShift = 0;
const realNow = Date.now.bind(Date);
let proxy: CuttableProxy;
let proxied: DataSource;
let app: FastifyInstance;
let url: string;
let adminKey: string;
/** Unit codes and article ids not asked for yet: each is taken once. */
let unitCodes: string[];
let articleIds: string[];
const freshUnit = () => unitCodes.shift()!;
const freshArticle = () => articleIds.shift()!;

interface Answer {
  status: number;
  retryAfter: string | null;
  text: string;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(query: string, variables: Record<string, unknown> = {}, key?: string): Promise<Answer> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text, body: JSON.parse(text) };
}

/** The requests the outage must fail cleanly and recovery must serve again: reads, a keyed read, writes. */
const requests: [string, () => Promise<Answer>][] = [
  ['a public query', () => post(UNIT_QUERY, { code: freshUnit() })],
  ['a visit counter query', () => post(COUNTS_QUERY, { code: freshUnit() })],
  ['a query with an API key', () => post(UNIT_QUERY, { code: freshUnit() }, adminKey)],
  ['a mutation with an API key', () => post(KEYED_MUTATION, {}, adminKey)],
  // Checking that a page never visited is shown on the unit needs MySQL.
  ['recordVisit of a page not checked yet', () => post(RECORD_VISIT, { unitCode: '14620', articleId: freshArticle(), visitorId: 'reader' })],
];

/** The unit's own visits as MySQL has them (through the test's direct connection, not the proxy). */
async function storedOwnVisits(id: string): Promise<number> {
  const [row] = await db.dataSource.query(
    `SELECT COALESCE(SUM(own), 0) AS own FROM (
       SELECT own FROM visit_totals WHERE unit_id = ? UNION ALL SELECT own FROM visit_days_recent WHERE unit_id = ?) t`,
    [id, id],
  );
  return Number(row.own);
}

beforeAll(async () => {
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + timeShift);
  db = await createTestDatabase();
  const publishedAt = new Date('2024-06-01T03:00:00Z');
  // Articles of the old Thị trấn Phát Diệm, shown on today's Xã Phát Diệm (which keeps its archive).
  articleIds = (await insertArticles(db.dataSource, [1, 2, 3].map((n) => ({ title: `Tin Phát Diệm số ${n}`, origin: '14620', publishedAt })))).map(String);
  // Codes, not units: the two maps share many codes, and a code asked for once is cached.
  unitCodes = (await db.dataSource.query("SELECT DISTINCT code FROM units WHERE code <> '14620' ORDER BY code LIMIT 300")).map((r: { code: string }) => r.code);
  adminKey = await createKey(db.dataSource, { role: 'admin', label: 'outage test' });

  const mysqlUrl = new URL(db.url);
  proxy = new CuttableProxy({ host: mysqlUrl.hostname, port: Number(mysqlUrl.port || 3306) });
  await proxy.up();
  mysqlUrl.host = `127.0.0.1:${proxy.port}`;
  proxied = createDataSource({ databaseUrl: mysqlUrl.toString(), poolSize: 4 });
  await proxied.initialize();
  // Flushes only when the test says, so that each one's outcome is known; the visit counters' clock
  // stands still, so all the visits below are on one day.
  app = await createServer({ config: { production: false }, dataSource: proxied, clock: { now: () => CLOCK_AT }, visits: { buffer: { flushIntervalMs: 3_600_000 } } });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
}, 120_000);

afterAll(async () => {
  // Whatever failed, MySQL comes back so the last flush can be written and nothing waits for it.
  await proxy?.up();
  await app?.close();
  if (proxied?.isInitialized) await proxied.destroy();
  await proxy.cut();
  await db?.drop();
  jest.restoreAllMocks();
});

describe('MySQL outage and recovery', () => {
  it('serves normally through the proxy', async () => {
    for (const [, send] of requests) {
      const answer = await send();
      expect(answer.body.errors).toBeUndefined();
      expect(answer.status).toBe(200);
    }
    expect((await post(HOME_QUERY, { code: '14620' })).status).toBe(200);
    expect((await post(HOME_QUERY, { code: '14620' })).body.errors).toBeUndefined();
    // Loads the unit tree, so home-page visits need no SQL from here on.
    expect((await post(RECORD_VISIT, { unitCode: '14620', visitorId: 'before the outage' })).body.data.recordVisit).toBe(true);
    await app.visits.buffer.flush();
    expect(app.visits.buffer.stats).toMatchObject({ flushes: 1, failedFlushes: 0 });
    expect(await storedOwnVisits('14620@2025-07-01')).toBe(2);
  });

  it('answers 503 SERVICE_UNAVAILABLE, retryable, with Retry-After and nothing leaked, while MySQL is gone', async () => {
    await proxy.cut();
    for (const [name, send] of requests) {
      const answer = await send();
      expect({ name, status: answer.status, retryAfter: answer.retryAfter }).toEqual({ name, status: 503, retryAfter: '1' });
      expect(answer.body.errors?.length).toBeGreaterThan(0);
      for (const error of answer.body.errors!) {
        expect(error.message).toBe('The database is unavailable; retry shortly.');
        expect(error.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
      }
      expect(answer.text).not.toMatch(/127\.0\.0\.1|localhost|ECONN|PROTOCOL_|ETIMEDOUT|select |mysql|connect|context creation|\.(ts|js):\d|lt_test_/i);
    }
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // The kept home page still needs its counter, whose stored part is reused for a second only
    // (by the process's time, Date.now): a second and a bit later, by that clock, it needs MySQL.
    timeShift += 1100;
    const home = await post(HOME_QUERY, { code: '14620' });
    // The unit is kept; its counter fails, and with it the field that holds it.
    expect({ status: home.status, body: home.body }).toEqual({
      status: 503,
      body: {
        data: { unit: null },
        errors: [{ message: 'The database is unavailable; retry shortly.', locations: expect.any(Array), path: ['unit', 'visits', 'total'], extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } }],
      },
    });
    // A home page is checked from memory: the visit is counted into the buffer while flushes fail.
    expect((await post(RECORD_VISIT, { unitCode: '14620', visitorId: 'during the outage' })).body).toEqual({ data: { recordVisit: true } });
    await app.visits.buffer.flush();
    expect(app.visits.buffer.stats).toMatchObject({ flushes: 1, failedFlushes: 1 });
    expect(app.visits.buffer.bufferedVisits).toBe(1);
  });

  it('serves again once MySQL is back, without a restart, and loses no visit', async () => {
    await proxy.up();
    const deadline = Date.now() + 10_000;
    while ((await post(UNIT_QUERY, { code: freshUnit() })).status !== 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const [name, send] of requests) {
      const answer = await send();
      expect({ name, status: answer.status, errors: answer.body.errors }).toEqual({ name, status: 200, errors: undefined });
    }
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    // Counted: a page visit and a home-page visit before the outage, a home-page visit during it, a page visit after.
    await app.visits.buffer.flush();
    expect(app.visits.buffer.bufferedVisits).toBe(0);
    // On today's Xã Phát Diệm, the unit in force with the code.
    expect(await storedOwnVisits('14620@2025-07-01')).toBe(4);
    expect((await post(COUNTS_QUERY, { code: '14620' })).body.data.unit.visits.total).toBe(4);
    expect((await post(HOME_QUERY, { code: '14620' })).body.data.unit.visits).toEqual({ total: 4, today: 4 });
  });
});
