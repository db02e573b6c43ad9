import { FastifyInstance } from 'fastify';
import { seedDemoContent } from '../../seeds/demo';
import { VisitShortcut } from '../../src/modules/visits/visitShortcut';
import { createServer } from '../../src/server';
import { createTestDatabase, TestDatabase } from '../helpers/testDatabase';
import { createKey } from '../helpers/testEnvironment';

/**
 * recordVisit's shortcut past Apollo (src/modules/visits/visitShortcut.ts): a recordVisit text Apollo
 * has executed once is answered without Apollo from then on. Its answers must be Apollo's, byte for
 * byte and header for header; its counts exact; everything but the plain case left to Apollo; and
 * each answer logged and counted in /metrics like any other.
 */

const PORTAL = 'https://phatdiem.ninhbinh.gov.vn';
const OTHER_PORTAL = 'https://kimson.ninhbinh.gov.vn';

let db: TestDatabase;
let app: FastifyInstance;
let url: string;
let admin: string;
const written: string[] = [];
const requestLines = () => written.map((line) => JSON.parse(line)).filter((l) => l.msg === 'request');
let shortcut: jest.SpyInstance;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.transaction((m) => seedDemoContent(m));
  admin = await createKey(db.dataSource, { role: 'admin', unitCode: null, label: 'visit shortcut test' });
  app = await createServer({
    config: { production: false, corsOrigins: [PORTAL, OTHER_PORTAL] },
    dataSource: db.dataSource,
    logger: { level: 'info', stream: { write: (line: string) => void written.push(line) } },
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  shortcut = jest.spyOn(VisitShortcut.prototype, 'answer');
}, 60_000);
afterAll(async () => {
  shortcut.mockRestore();
  await app.close();
  await db.drop();
});
beforeEach(() => shortcut.mockClear());

/** What the shortcut answered to the requests since the last check: a body, or null where it left the request to Apollo. */
async function shortcutAnswers(): Promise<(string | null)[]> {
  const answers = await Promise.all(shortcut.mock.results.map((result) => result.value as Promise<string | null>));
  shortcut.mockClear();
  return answers;
}

interface Sent {
  status: number;
  text: string;
  headers: Headers;
}

async function post(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Sent> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** A recordVisit text of its own (by operation name), so that no earlier test taught the shortcut its plan. */
let texts = 0;
const newText = (field = 'recordVisit(unitCode: $unitCode, articleId: $articleId, visitorId: $visitorId)') =>
  `mutation Visit${++texts}($unitCode: ID!, ${field.includes('$articleId') ? '$articleId: ID, ' : ''}$visitorId: String!) { ${field} }`;

const TOTAL = 'query($code: ID!) { unit(code: $code) { visits { total } } }';
async function total(code: string): Promise<number> {
  const res = JSON.parse((await post({ query: TOTAL, variables: { code } })).text);
  return res.data.unit.visits.total;
}

/** Headers that depend on the request, not on the document (the first visit of a unit reads it: one statement). */
const PER_REQUEST = new Set(['date', 'x-request-id', 'keep-alive', 'connection', 'x-sql-statements']);
const documentHeaders = (headers: Headers) => [...headers].filter(([name]) => !PER_REQUEST.has(name));

describe("the shortcut's answers are Apollo's", () => {
  it('byte for byte and header for header, counted or not, for each Accept header', async () => {
    for (const accept of [undefined, 'application/graphql-response+json']) {
      const headers: Record<string, string> = accept ? { accept } : {};
      const query = newText();
      const send = (visitorId: string) => post({ query, variables: { unitCode: '14620', visitorId: `${visitorId}-${texts}` } }, headers);
      const executed = await send('sc-a');
      expect(await shortcutAnswers()).toEqual([]);
      const shortcutCounted = await send('sc-b');
      // The same visitor again within 30 s: not counted.
      const shortcutRefused = await send('sc-b');
      expect(await shortcutAnswers()).toEqual([executed.text, JSON.stringify({ data: { recordVisit: false } }) + '\n']);

      // Apollo's own answer of false, from a text the shortcut has not learnt.
      const refusedVisitor = `sc-b-${texts}`;
      const executedRefused = await post({ query: newText(), variables: { unitCode: '14620', visitorId: refusedVisitor } }, headers);
      expect(await shortcutAnswers()).toEqual([]);

      expect(JSON.parse(executed.text)).toEqual({ data: { recordVisit: true } });
      expect(shortcutCounted.text).toBe(executed.text);
      expect(shortcutRefused.text).toBe(executedRefused.text);
      expect(documentHeaders(shortcutCounted.headers)).toEqual(documentHeaders(executed.headers));
      expect(documentHeaders(shortcutRefused.headers)).toEqual(documentHeaders(executedRefused.headers));
      expect(shortcutCounted.headers.get('content-type')).toBe(accept ? 'application/graphql-response+json; charset=utf-8' : 'application/json; charset=utf-8');
    }
  });

  it('under an alias, and with the arguments written in the text', async () => {
    const aliased = newText('v: recordVisit(unitCode: $unitCode, visitorId: $visitorId)');
    const inline = `mutation Visit${++texts} { recordVisit(unitCode: "14620", visitorId: "sc-inline") }`;
    for (const [query, visitorIds, key] of [
      [aliased, ['sc-alias-1', 'sc-alias-2'], 'v'],
      [inline, [undefined, undefined], 'recordVisit'],
    ] as const) {
      const answers = [];
      for (const visitorId of visitorIds) answers.push(JSON.parse((await post({ query, variables: { unitCode: '14620', visitorId } })).text));
      // The inline visitor is the same both times: the second is not counted.
      expect(answers).toEqual([{ data: { [key]: true } }, { data: { [key]: visitorIds[1] !== undefined } }]);
      expect((await shortcutAnswers()).map((a) => a !== null)).toEqual([true]);
    }
  });

  it("with each caller's CORS headers, not the first one's", async () => {
    const query = newText();
    await post({ query, variables: { unitCode: '14620', visitorId: 'sc-cors-0' } }, { origin: PORTAL });
    const fromPortal = await post({ query, variables: { unitCode: '14620', visitorId: 'sc-cors-1' } }, { origin: PORTAL });
    const fromOther = await post({ query, variables: { unitCode: '14620', visitorId: 'sc-cors-2' } }, { origin: OTHER_PORTAL });
    const fromNowhere = await post({ query, variables: { unitCode: '14620', visitorId: 'sc-cors-3' } }, { origin: 'https://elsewhere.example' });
    expect((await shortcutAnswers()).filter((a) => a !== null)).toHaveLength(3);
    expect([fromPortal, fromOther, fromNowhere].map((s) => s.headers.get('access-control-allow-origin'))).toEqual([PORTAL, OTHER_PORTAL, null]);
  });
});

describe('the shortcut counts exactly', () => {
  it('every counted visit is in the counter served at once and in MySQL after a flush', async () => {
    const query = newText();
    const before = await total('14623');
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(JSON.parse((await post({ query, variables: { unitCode: '14623', visitorId: `sc-count-${i % 15}` } })).text).data.recordVisit);
    // 15 visitors, the last five of them twice within 30 s.
    expect(answers.filter(Boolean)).toHaveLength(15);
    expect((await shortcutAnswers()).filter((a) => a !== null)).toHaveLength(19);
    expect(await total('14623')).toBe(before + 15);
    await app.visits.buffer.flush();
    const [row] = await db.dataSource.query(
      `SELECT COALESCE(SUM(own), 0) AS own FROM (SELECT own FROM visit_totals WHERE unit_id = ? UNION ALL SELECT own FROM visit_days_recent WHERE unit_id = ?) t`,
      ['14623@2025-07-01', '14623@2025-07-01'],
    );
    expect(Number(row.own)).toBe(before + 15);
  });
});

describe('everything but the plain case is left to Apollo', () => {
  it('refusals: an unknown unit, a bad visitorId, variables of the wrong type; nothing counted', async () => {
    const query = newText();
    await post({ query, variables: { unitCode: '14620', visitorId: 'sc-refusal-learn' } });
    const before = await total('14620');
    await shortcutAnswers();
    for (const [variables, code, status] of [
      [{ unitCode: '99999', visitorId: 'sc-r1' }, 'BAD_USER_INPUT', 400],
      [{ unitCode: '14620', visitorId: '' }, 'BAD_USER_INPUT', 400],
      [{ unitCode: '14620', visitorId: 5 }, 'BAD_USER_INPUT', 400],
      [{ unitCode: '14620' }, 'BAD_USER_INPUT', 400],
      [{ unitCode: '14620', articleId: '999999', visitorId: 'sc-r2' }, 'BAD_USER_INPUT', 400],
    ] as const) {
      const sent = await post({ query, variables });
      expect({ status: sent.status, code: JSON.parse(sent.text).errors?.[0]?.extensions?.code }).toEqual({ status, code });
    }
    // Each was offered to the shortcut, which left every one to Apollo.
    expect(await shortcutAnswers()).toEqual([null, null, null, null, null]);
    expect(await total('14620')).toBe(before);
  });

  it('a key holder, a GET, a request with extensions, and shapes other than one plain recordVisit', async () => {
    const plain = newText();
    const learn = () => post({ query: plain, variables: { unitCode: '14620', visitorId: 'sc-shape-learn' } });
    await learn();
    await learn();
    expect((await shortcutAnswers()).length).toBe(1);

    const withKey = await post({ query: plain, variables: { unitCode: '14620', visitorId: 'sc-key' } }, { authorization: `Bearer ${admin}` });
    expect(JSON.parse(withKey.text)).toEqual({ data: { recordVisit: true } });
    const badKey = await post({ query: plain, variables: { unitCode: '14620', visitorId: 'sc-badkey' } }, { authorization: 'Bearer nope' });
    expect(JSON.parse(badKey.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const withExtensions = await post({ query: plain, variables: { unitCode: '14620', visitorId: 'sc-ext' }, extensions: { tracing: false } });
    expect(JSON.parse(withExtensions.text)).toEqual({ data: { recordVisit: true } });
    const overGet = await fetch(`${url}/graphql?${new URLSearchParams({ query: plain, variables: JSON.stringify({ unitCode: '14620', visitorId: 'sc-get' }) })}`);
    expect(overGet.status).toBe(405);

    const shapes = [
      newText('recordVisit(unitCode: $unitCode, visitorId: $visitorId) __typename'),
      newText('a: recordVisit(unitCode: $unitCode, visitorId: $visitorId) b: recordVisit(unitCode: "14623", visitorId: $visitorId)'),
      newText('recordVisit(unitCode: $unitCode, visitorId: $visitorId) @include(if: true)'),
      newText('... on Mutation { recordVisit(unitCode: $unitCode, visitorId: $visitorId) }'),
      // A text longer than any portal sends (padded with a comment): plans stay small however many are made up.
      `${newText('recordVisit(unitCode: $unitCode, visitorId: $visitorId)')}\n#${'x'.repeat(5000)}`,
    ];
    for (const query of shapes) {
      for (let i = 0; i < 2; i++) expect(JSON.parse((await post({ query, variables: { unitCode: '14620', visitorId: `sc-shape-${texts}-${i}` } })).text).errors).toBeUndefined();
    }
    // Offered only the plain anonymous POSTs (the first of each shape teaches nothing): none taken.
    expect((await shortcutAnswers()).filter((a) => a !== null)).toEqual([]);
  });
});

it('each answer is logged and counted in /metrics like any other', async () => {
  const query = newText();
  const metric = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('lienthong_graphql_requests_total{operation="(other)",outcome="ok"}'));
    return Number(line?.split(' ')[1] ?? 0);
  };
  await post({ query, variables: { unitCode: '14620', visitorId: 'sc-log-0' } });
  const before = await metric();
  written.length = 0;
  const sent = await post({ query, variables: { unitCode: '14620', visitorId: 'sc-log-1' } });
  expect((await shortcutAnswers()).filter((a) => a !== null)).toHaveLength(1);
  expect(await metric()).toBe(before + 1);
  const line = requestLines().find((l) => l.requestId === sent.headers.get('x-request-id'));
  expect(line).toMatchObject({ method: 'POST', path: '/graphql', status: 200, operation: `Visit${texts}`, type: 'mutation', sql: 0, errors: [], keyId: null });
});
