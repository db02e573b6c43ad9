import { startTestServer, TestServer } from './helpers/testServer';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const SQL = "1' OR '1'='1'; DROP TABLE articles; --";
const BIG = 'x'.repeat(1024 * 1024);
const NUL = 'cai\u0000cach';

/** [description, content type, raw body] */
const raw: [string, string, string][] = [
  ['empty body', 'application/json', ''],
  ['not JSON', 'application/json', '{query: nope'],
  ['JSON null', 'application/json', 'null'],
  ['JSON number', 'application/json', '42'],
  ['JSON string', 'application/json', '"{ provinces { code } }"'],
  ['query is a number', 'application/json', '{"query": 1}'],
  ['query is an object', 'application/json', '{"query": {"a": 1}}'],
  ['no query', 'application/json', '{"variables": {}}'],
  ['variables is a string', 'application/json', '{"query": "{ provinces { code } }", "variables": "x"}'],
  ['variables is an array', 'application/json', '{"query": "{ provinces { code } }", "variables": [1]}'],
  ['operationName is a number', 'application/json', '{"query": "{ provinces { code } }", "operationName": 5}'],
  ['unknown operationName', 'application/json', '{"query": "query A { provinces { code } }", "operationName": "B"}'],
  ['two operations without a name', 'application/json', '{"query": "query A { provinces { code } } query B { sources { id } }"}'],
  ['text/plain body', 'text/plain', '{ provinces { code } }'],
  ['form body', 'application/x-www-form-urlencoded', 'query=%7Bprovinces%7Bcode%7D%7D'],
  ['proto pollution', 'application/json', '{"query": "{ provinces { code } }", "__proto__": {"x": 1}, "constructor": {"prototype": {"y": 1}}}'],
  ['deeply nested JSON', 'application/json', `{"query": "{ provinces { code } }", "variables": ${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`],
];

/** [description, query, variables]; rows of one length, or jest takes a third parameter for `done`. */
const graphql: [string, string, Record<string, unknown>][] = ([
  ['syntax error', '{ provinces { code }'],
  ['unknown field', '{ provinces { nope } }'],
  ['unknown type in fragment', '{ ...F } fragment F on Nope { a }'],
  ['unknown argument', '{ province(nope: "37") { code } }'],
  ['missing required argument', '{ province { code } }'],
  ['wrong literal type', '{ province(code: 37.5) { code } }'],
  ['wrong variable type', 'query($c: ID!) { province(code: $c) { code } }', { c: { a: 1 } }],
  ['missing variable', 'query($c: ID!) { province(code: $c) { code } }', {}],
  ['null for non-null variable', 'query($c: ID!) { province(code: $c) { code } }', { c: null }],
  ['int overflow', 'query($n: Int) { articles(first: $n) { totalCount } }', { n: 2 ** 40 }],
  ['float for int', 'query($n: Int) { articles(first: $n) { totalCount } }', { n: 1.5 }],
  ['string for int', 'query($n: Int) { articles(first: $n) { totalCount } }', { n: '10' }],
  ['bad enum', '{ articles(orderBy: SIDEWAYS) { totalCount } }'],
  ['bad enum via variable', 'query($o: ArticleOrder) { articles(orderBy: $o) { totalCount } }', { o: 'DROP' }],
  ['bad DateTime', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: { publishedAfter: SQL } }],
  ['bad filter shape', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: [1, 2] }],
  ['unknown filter key', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: { nope: 1 } }],
  ['SQL in code', 'query($c: ID!) { unit(code: $c) { code } }', { c: SQL }],
  ['SQL in slug', 'query($s: String) { article(slug: $s) { id } }', { s: SQL }],
  ['SQL in id', 'query($i: ID) { article(id: $i) { id } }', { i: SQL }],
  ['SQL in cursor', 'query($a: String) { articles(after: $a) { totalCount } }', { a: SQL }],
  ['SQL in topics', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: { topics: [SQL] } }],
  ['SQL in sourceIds', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: { sourceIds: [SQL] } }],
  ['SQL in search', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: { search: SQL } }],
  ['SQL in searchUnits', 'query($q: String!) { searchUnits(query: $q) { code } }', { q: SQL }],
  ['1 MB code', 'query($c: ID!) { unit(code: $c) { code } }', { c: BIG }],
  ['1 MB slug', 'query($s: String) { article(slug: $s) { id } }', { s: BIG }],
  ['1 MB cursor', 'query($a: String) { articles(after: $a) { totalCount } }', { a: BIG }],
  ['1 MB search', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: { search: BIG } }],
  ['1 MB searchUnits', 'query($q: String!) { searchUnits(query: $q) { code } }', { q: BIG }],
  ['1 MB visitorId', 'mutation($v: String!) { recordVisit(unitCode: "14620", visitorId: $v) }', { v: BIG }],
  ['null byte in code', 'query($c: ID!) { unit(code: $c) { code } }', { c: '146\u000020' }],
  ['null byte in search', 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', { f: { search: NUL } }],
  ['null byte in visitorId', 'mutation($v: String!) { recordVisit(unitCode: "14620", visitorId: $v) }', { v: 'a\u0000b' }],
  ['emoji everywhere', 'query($q: String!) { searchUnits(query: $q) { code } unit(code: $q) { code } }', { q: '🇻🇳😀' }],
  ['lone surrogate', 'query($q: String!) { searchUnits(query: $q) { code } }', { q: '\ud800' }],
  ['negative first', '{ provinces { articles(first: -5) { totalCount } } }'],
  ['daily range reversed', '{ province(code: "37") { visits { daily(from: "2025-01-10", to: "2025-01-01") { date } } } }'],
  ['daily bad date', '{ province(code: "37") { visits { daily(from: "2025-02-30", to: "2025-03-01") { date } } } }'],
  ['mutation without key', 'mutation { deleteArticle(id: "1") }'],
  ['unknown unit visit', 'mutation { recordVisit(unitCode: "99999", visitorId: "v") }'],
  ['subscription', 'subscription { x }'],
  ['directive unknown', '{ provinces @nope { code } }'],
  ['skip with bad arg', '{ provinces @skip(if: "yes") { code } }'],
] as [string, string, Record<string, unknown>?][]).map(([name, query, variables]) => [name, query, variables ?? {}]);

const LEAK = /select |insert |update |delete from|from `?\w+`?\s+where|\bER_[A-Z_]+|sqlMessage|\bat .+\.(ts|js):\d+|node_modules/i;

describe('malformed requests: never a 5xx, never a leak', () => {
  it(`has 50+ cases (${raw.length + graphql.length})`, () => expect(raw.length + graphql.length).toBeGreaterThanOrEqual(50));

  it.each(raw)('%s', async (_name, type, body) => {
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': type }, body });
    const text = await res.text();
    expect(res.status).toBeLessThan(500);
    expect(text).not.toMatch(LEAK);
    // Refused before GraphQL or by it, the body is GraphQL-shaped with a caller's code.
    if (res.status >= 400) {
      const errors = JSON.parse(text).errors;
      expect(errors).toEqual([expect.objectContaining({ message: expect.any(String), extensions: expect.objectContaining({ code: expect.any(String) }) })]);
      expect(errors[0].extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
    }
  });

  it.each(graphql)('%s', async (_name, query, variables) => {
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const text = await res.text();
    expect(res.status).toBeLessThan(500);
    expect(text).not.toMatch(LEAK);
    const body = JSON.parse(text);
    for (const error of body.errors ?? []) expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    // A request refused before execution (no `data` key) is a 4xx, not a 200.
    if (!('data' in body)) expect(res.status).toBeGreaterThanOrEqual(400);
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
