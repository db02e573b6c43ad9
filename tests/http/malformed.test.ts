import { startTestServer, TestServer } from '../helpers/testServer';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const SQL = "1' OR '1'='1'; DROP TABLE articles; --";
const BIG = 'x'.repeat(1024 * 1024);
const NUL = 'cai\u0000cach';

/** The body every refusal has: GraphQL-shaped, one error, a caller's code and nothing else in extensions. */
const refusal = (code: string, extra: Record<string, unknown> = {}) => ({ errors: [{ message: expect.any(String), extensions: { code, ...extra } }] });

/**
 * [description, content type, raw body, status, code]: refused before GraphQL runs (Fastify's body
 * parsing, Apollo's request checks), each with the status and code the contract gives it.
 */
const raw: [string, string, string, number, string][] = [
  ['empty body', 'application/json', '', 400, 'BAD_REQUEST'],
  ['not JSON', 'application/json', '{query: nope', 400, 'BAD_REQUEST'],
  ['JSON null', 'application/json', 'null', 400, 'BAD_REQUEST'],
  ['JSON number', 'application/json', '42', 400, 'BAD_REQUEST'],
  ['JSON string', 'application/json', '"{ provinces { code } }"', 400, 'BAD_REQUEST'],
  ['query is a number', 'application/json', '{"query": 1}', 400, 'BAD_REQUEST'],
  ['query is an object', 'application/json', '{"query": {"a": 1}}', 400, 'BAD_REQUEST'],
  ['no query', 'application/json', '{"variables": {}}', 400, 'BAD_REQUEST'],
  ['variables is a string', 'application/json', '{"query": "{ provinces { code } }", "variables": "x"}', 400, 'BAD_REQUEST'],
  ['variables is an array', 'application/json', '{"query": "{ provinces { code } }", "variables": [1]}', 400, 'BAD_REQUEST'],
  ['operationName is a number', 'application/json', '{"query": "{ provinces { code } }", "operationName": 5}', 400, 'BAD_REQUEST'],
  ['unknown operationName', 'application/json', '{"query": "query A { provinces { code } }", "operationName": "B"}', 400, 'OPERATION_RESOLUTION_FAILURE'],
  ['two operations without a name', 'application/json', '{"query": "query A { provinces { code } } query B { sources { id } }"}', 400, 'OPERATION_RESOLUTION_FAILURE'],
  ['text/plain body', 'text/plain', '{ provinces { code } }', 400, 'BAD_REQUEST'],
  ['form body', 'application/x-www-form-urlencoded', 'query=%7Bprovinces%7Bcode%7D%7D', 415, 'BAD_REQUEST'],
  // The JSON parser refuses __proto__ and constructor.prototype keys outright.
  ['proto pollution', 'application/json', '{"query": "{ provinces { code } }", "__proto__": {"x": 1}, "constructor": {"prototype": {"y": 1}}}', 400, 'BAD_REQUEST'],
  ['deeply nested JSON', 'application/json', `{"query": "{ provinces { code } }", "variables": ${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`, 400, 'BAD_REQUEST'],
];

/**
 * [description, query, variables, outcome]. Refused before execution: a 4xx with no `data`, one
 * error and its code (and the argument it names, when it names one). Executed: a 200 with the data
 * and the field errors expected (a 401 for a mutation without a key).
 */
type Outcome = { status: number; errors: [string, string?][]; data?: unknown };
const before = (code: string, field?: string): Outcome => ({ status: 400, errors: [field ? [code, field] : [code]] });
const answered = (data: unknown, ...errors: [string, string?][]): Outcome => ({ status: 200, errors, data });
const graphql: [string, string, Record<string, unknown>, Outcome][] = [
  ['syntax error', '{ provinces { code }', {}, before('GRAPHQL_PARSE_FAILED')],
  ['unknown field', '{ provinces { nope } }', {}, before('GRAPHQL_VALIDATION_FAILED')],
  ['unknown type in fragment', '{ ...F } fragment F on Nope { a }', {}, before('GRAPHQL_VALIDATION_FAILED')],
  // The unknown argument, and the required one it left out.
  ['unknown argument', '{ province(nope: "37") { code } }', {}, { status: 400, errors: [['GRAPHQL_VALIDATION_FAILED'], ['GRAPHQL_VALIDATION_FAILED']] }],
  ['missing required argument', '{ province { code } }', {}, before('GRAPHQL_VALIDATION_FAILED')],
  ['wrong literal type', '{ province(code: 37.5) { code } }', {}, before('GRAPHQL_VALIDATION_FAILED')],
  ['wrong variable type', 'query($c: ID!) { province(code: $c) { code } }', { c: { a: 1 } }, before('BAD_USER_INPUT')],
  ['missing variable', 'query($c: ID!) { province(code: $c) { code } }', {}, before('BAD_USER_INPUT')],
  ['null for non-null variable', 'query($c: ID!) { province(code: $c) { code } }', { c: null }, before('BAD_USER_INPUT')],
  ['int overflow', 'query($n: Int) { articles(first: $n) { totalCount } }', { n: 2 ** 40 }, before('BAD_USER_INPUT')],
  ['float for int', 'query($n: Int) { articles(first: $n) { totalCount } }', { n: 1.5 }, before('BAD_USER_INPUT')],
  ['string for int', 'query($n: Int) { articles(first: $n) { totalCount } }', { n: '10' }, before('BAD_USER_INPUT')],
  ['bad enum', '{ articles(orderBy: SIDEWAYS) { totalCount } }', {}, before('GRAPHQL_VALIDATION_FAILED')],
  ['bad enum via variable', 'query($o: ArticleOrder) { articles(orderBy: $o) { totalCount } }', { o: 'DROP' }, before('BAD_USER_INPUT')],
  ['bad DateTime', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: { publishedAfter: SQL } }, before('BAD_USER_INPUT')],
  ['bad filter shape', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: [1, 2] }, before('BAD_USER_INPUT')],
  ['unknown filter key', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: { nope: 1 } }, before('BAD_USER_INPUT')],
  // Strings that are only odd values: nothing has them, and nothing breaks.
  ['SQL in code', 'query($c: ID!) { unit(code: $c) { code } }', { c: SQL }, answered({ unit: null })],
  ['SQL in slug', 'query($s: String) { article(slug: $s) { id } }', { s: SQL }, answered({ article: null })],
  ['SQL in id', 'query($i: ID) { article(id: $i) { id } }', { i: SQL }, answered({ article: null })],
  ['SQL in cursor', 'query($a: String) { articles(after: $a) { totalCount } }', { a: SQL }, answered(null, ['BAD_USER_INPUT', 'after'])],
  ['SQL in topics', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: { topics: [SQL] } }, answered({ articles: { totalCount: 0 } })],
  ['SQL in sourceIds', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: { sourceIds: [SQL] } }, answered(null, ['BAD_USER_INPUT', 'filter.sourceIds'])],
  ['SQL in search', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: { search: SQL } }, answered({ articles: { totalCount: 0 } })],
  ['SQL in searchUnits', 'query($q: String!) { searchUnits(query: $q) { code } }', { q: SQL }, answered({ searchUnits: [] })],
  ['1 MB code', 'query($c: ID!) { unit(code: $c) { code } }', { c: BIG }, answered({ unit: null })],
  ['1 MB slug', 'query($s: String) { article(slug: $s) { id } }', { s: BIG }, answered({ article: null })],
  ['1 MB cursor', 'query($a: String) { articles(after: $a) { totalCount } }', { a: BIG }, answered(null, ['BAD_USER_INPUT', 'after'])],
  ['1 MB search', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: { search: BIG } }, answered(null, ['BAD_USER_INPUT', 'filter.search'])],
  ['1 MB searchUnits', 'query($q: String!) { searchUnits(query: $q) { code } }', { q: BIG }, answered(null, ['BAD_USER_INPUT', 'query'])],
  // recordVisit's arguments are checked before any field runs (recordVisitChecks.ts).
  ['1 MB visitorId', 'mutation($v: String!) { recordVisit(unitCode: "14620", visitorId: $v) }', { v: BIG }, before('BAD_USER_INPUT', 'visitorId')],
  ['null byte in code', 'query($c: ID!) { unit(code: $c) { code } }', { c: '146\u000020' }, answered({ unit: null })],
  ['null byte in search', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: { search: NUL } }, answered({ articles: { totalCount: 0 } })],
  ['null byte in visitorId', 'mutation($v: String!) { recordVisit(unitCode: "14620", visitorId: $v) }', { v: 'a\u0000b' }, before('BAD_USER_INPUT', 'visitorId')],
  ['emoji everywhere', 'query($q: String!, $c: ID!) { searchUnits(query: $q) { code } unit(code: $c) { code } }', { q: '🇻🇳😀', c: '🇻🇳😀' }, answered({ searchUnits: [], unit: null })],
  ['lone surrogate', 'query($q: String!) { searchUnits(query: $q) { code } }', { q: '\ud800' }, answered({ searchUnits: [] })],
  ['negative first', '{ provinces { articles(first: -5) { totalCount } } }', {}, answered(null, ['BAD_USER_INPUT', 'first'])],
  ['daily range reversed', '{ province(code: "37") { visits { daily(from: "2025-01-10", to: "2025-01-01") { date } } } }', {}, answered({ province: null }, ['BAD_USER_INPUT', 'to'])],
  ['daily bad date', '{ province(code: "37") { visits { daily(from: "2025-02-30", to: "2025-03-01") { date } } } }', {}, before('GRAPHQL_VALIDATION_FAILED')],
  ['mutation without key', 'mutation { deleteArticle(id: "1") }', {}, { status: 401, errors: [['UNAUTHENTICATED']], data: null }],
  ['unknown unit visit', 'mutation { recordVisit(unitCode: "99999", visitorId: "v") }', {}, before('BAD_USER_INPUT', 'unitCode')],
  ['subscription', 'subscription { x }', {}, before('GRAPHQL_VALIDATION_FAILED')],
  ['directive unknown', '{ provinces @nope { code } }', {}, before('GRAPHQL_VALIDATION_FAILED')],
  ['skip with bad arg', '{ provinces @skip(if: "yes") { code } }', {}, before('GRAPHQL_VALIDATION_FAILED')],
];

const LEAK = /select |insert |update |delete from|from `?\w+`?\s+where|\bER_[A-Z_]+|sqlMessage|\bat .+\.(ts|js):\d+|node_modules/i;

describe('malformed requests: never a 5xx, never a leak, always the contract\'s status and code', () => {
  it.each(raw)('%s', async (_name, type, body, status, code) => {
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': type }, body });
    const text = await res.text();
    expect(text).not.toMatch(LEAK);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect({ status: res.status, body: JSON.parse(text) }).toEqual({ status, body: refusal(code) });
  });

  it.each(graphql)('%s', async (_name, query, variables, expected) => {
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const text = await res.text();
    expect(text).not.toMatch(LEAK);
    const body = JSON.parse(text);
    const outcome: Outcome = {
      status: res.status,
      errors: (body.errors ?? []).map((e: { extensions?: { code?: string; field?: string } }) => (e.extensions?.field ? [e.extensions.code, e.extensions.field] : [e.extensions?.code])),
    };
    // Refused before execution: no `data` key at all (GraphQL over HTTP).
    if ('data' in body) outcome.data = body.data;
    expect(outcome).toEqual(expected);
    for (const error of body.errors ?? []) expect(error).toEqual({ message: expect.any(String), ...(error.locations ? { locations: expect.any(Array) } : {}), ...(error.path ? { path: expect.any(Array) } : {}), extensions: expect.any(Object) });
  });
});

describe('deeply nested JSON: HTTP 400 BAD_REQUEST, never a stack overflow', () => {
  const DEPTH = 100_000;
  const deepArray = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
  const deepObject = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;
  const post = (body: string) => fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const expectBadRequest = async (res: Response) => {
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.json();
    expect(body).toEqual({ errors: [{ message: expect.stringMatching(/nests more than 64 levels/), extensions: { code: 'BAD_REQUEST' } }] });
  };

  it.each([
    ['an array in the variables', `{"query": "{ provinces { code } }", "variables": {"x": ${deepArray}}}`],
    ['an object in the variables', `{"query": "{ provinces { code } }", "variables": {"x": ${deepObject}}}`],
    ['an _Any representation', `{"query": "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }", "variables": {"r": [{"__typename": "Unit", "code": "37", "x": ${deepObject}}]}}`],
    ['an array in the extensions', `{"query": "{ provinces { code } }", "extensions": {"x": ${deepArray}}}`],
    ['an object beside the query', `{"query": "{ provinces { code } }", "x": ${deepObject}}`],
  ])('%s, 100,000 deep', async (_name, body) => {
    await expectBadRequest(await post(body));
  });

  it('counts the levels of the whole body: 64 pass, 65 are refused', async () => {
    // The body is level 1, variables 2, x 3: x's own nesting of 62 makes 64 in all.
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const ok = await post(`{"query": "{ provinces { code } }", "variables": {"x": ${nested(62)}}}`);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).data.provinces.length).toBeGreaterThan(0);
    await expectBadRequest(await post(`{"query": "{ provinces { code } }", "variables": {"x": ${nested(63)}}}`));
  });

  it('refuses a GET whose variables or extensions nest too deep', async () => {
    const get = (params: Record<string, string>) => fetch(`${server.url}/graphql?${new URLSearchParams({ query: '{ provinces { code } }', ...params })}`);
    await expectBadRequest(await get({ variables: `{"x": ${'['.repeat(200)}${']'.repeat(200)}}` }));
    await expectBadRequest(await get({ extensions: `{"x": ${'{"a":'.repeat(200)}1${'}'.repeat(200)}}` }));
    const ok = await get({ variables: '{"x": [[[1]]]}' });
    expect(ok.status).toBe(200);
  });
});
