import { FragmentDefinitionNode, getIntrospectionQuery, getOperationAST, Kind, parse, print } from 'graphql';
import { estimateCost } from '../../src/plugins/queryCost';
import { costKey } from '../../src/plugins/queryLimits';
import { createServer } from '../../src/server';
import { readVnAdminMaps } from '../../seeds/vnAdmin';
import { CommuneHomeDocument, ProvinceDashboardDocument, ProvinceDashboardTodayDocument, SearchDocument } from '../generated/operations';
import { RECORD_VISIT } from '../helpers/operations';
import { startTestServer, TestServer } from '../helpers/testServer';

// Counted, to see estimates remembered.
jest.mock('../../src/plugins/queryCost', () => {
  const actual = jest.requireActual('../../src/plugins/queryCost');
  return { ...actual, estimateCost: jest.fn(actual.estimateCost) };
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const refusal = (res: { status: number; errors?: any[]; statements: number }) => ({
  status: res.status,
  code: res.errors?.[0]?.extensions?.code,
  limit: res.errors?.[0]?.extensions?.limit,
  statements: res.statements,
});

describe('query limits (default configuration)', () => {
  it('let every CONTRACT.md query and the introspection query through', async () => {
    // The first three on the map of 2025-06-30 (CONTRACT.md), then on today's.
    for (const [doc, vars] of [
      [CommuneHomeDocument, { code: '14620', on: '2025-06-30' }],
      [ProvinceDashboardDocument, { code: '01', on: '2025-06-30' }],
      [SearchDocument, { search: 'cai cach', province: '37', on: '2025-06-30' }],
      [CommuneHomeDocument, { code: '14620' }],
      [ProvinceDashboardTodayDocument, { code: '01' }],
      [SearchDocument, { search: 'cai cach', province: '37' }],
    ] as const) {
      expect((await server.gql(print(doc), vars)).errors).toBeUndefined();
    }
    expect((await server.gql(getIntrospectionQuery())).errors).toBeUndefined();
  });

  it('let the whole unit tree through, of either map', async () => {
    const { units } = readVnAdminMaps();
    const communes = (map: 'old' | 'new') => units.filter((u) => u.level === 'COMMUNE' && (map === 'old' ? u.validTo !== null : u.validTo === null)).length;
    // Until 2025-06-30: provinces, their districts, the districts' communes.
    const old = await server.gql('{ provinces(on: "2025-06-30") { code districts { code communes { code } } } }');
    expect(old.errors).toBeUndefined();
    expect(old.data.provinces.flatMap((p: any) => p.districts.flatMap((d: any) => d.communes))).toHaveLength(communes('old'));
    // Today: provinces and their communes.
    const today = await server.gql('{ provinces { code communes { code } } }');
    expect(today.errors).toBeUndefined();
    expect(today.data.provinces.flatMap((p: any) => p.communes)).toHaveLength(communes('new'));
  });

  it('refuse a query deeper than 12 fields before any SQL runs', async () => {
    const deep = `{ commune(code: "14620") { ${'parent { '.repeat(12)}code${' }'.repeat(12)} } }`;
    expect(refusal(await server.gql(deep))).toEqual({ status: 400, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth', statements: 0 });
  });

  it('count depth through fragments', async () => {
    const q = `query { commune(code: "14620") { ...A } } fragment A on Commune { parent { ...B } } fragment B on AdministrativeUnit { ${'parent { '.repeat(11)}code${' }'.repeat(11)} }`;
    expect(refusal(await server.gql(q)).limit).toBe('depth');
  });

  it('refuse a query that multiplies pages over lists, before any SQL runs', async () => {
    const costly = '{ provinces { districts { communes { articles(first: 100) { nodes { title publications { unit { code } } } } } } } }';
    const res = await server.gql(costly);
    expect(refusal(res)).toEqual({ status: 400, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', statements: 0 });
    expect(res.errors![0].message).toMatch(/at most 1000000/);
    // Page sizes given as variables count too.
    const viaVariables = await server.gql('query($n: Int) { provinces { districts { articles(first: $n) { nodes { related(first: 20) { title } } } } } }', { n: 100 });
    expect(refusal(viaVariables).limit).toBe('cost');
  });

  it('estimate each request by its own variables, though estimates are remembered per query', async () => {
    const query = 'query($n: Int) { provinces { districts { articles(first: $n) { nodes { related(first: 20) { title } } } } } }';
    for (const [n, refused] of [[100, true], [1, false], [100, true], [1, false]] as const) {
      const res = await server.gql(query, { n });
      expect(res.errors?.[0]?.extensions?.limit === 'cost').toBe(refused);
    }
  });

  it('estimate each request by its own history: what a feed gathers of its predecessors counts (#30)', async () => {
    const query = 'query H($h: Boolean) { province(code: "37") { communes { articles(first: 100, history: $h) { nodes { id title } } } } }';
    for (const [h, refused] of [[false, false], [true, true], [false, false], [true, true]] as const) {
      const res = await server.gql(query, { h });
      expect(refusal(res)).toEqual(refused ? { status: 400, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', statements: 0 } : { status: 200, code: undefined, limit: undefined, statements: expect.any(Number) });
    }
  });

  it('estimate each request by its own @include and @skip conditions', async () => {
    const query = 'query($all: Boolean!) { provinces { code districts { code articles(first: 100) @include(if: $all) { nodes { related(first: 20) { title } } } } } }';
    for (const [all, refused] of [[true, true], [false, false], [true, true]] as const) {
      const res = await server.gql(query, { all });
      expect(res.errors?.[0]?.extensions?.limit === 'cost').toBe(refused);
    }
  });

  it('estimate by the page size whatever else the variables change', async () => {
    const query = 'query($n: Int, $c: ID!) { province(code: $c) { code } provinces { districts { articles(first: $n) { nodes { related(first: 20) { title } } } } } }';
    for (const [n, c, refused] of [[100, '01', true], [1, '01', false], [100, '37', true], [1, '37', false]] as const) {
      const res = await server.gql(query, { n, c });
      expect(res.errors?.[0]?.extensions?.limit === 'cost').toBe(refused);
    }
  });

  it('estimate a visit once, whoever the visitor', async () => {
    const before = jest.mocked(estimateCost).mock.calls.length;
    for (const visitor of ['a', 'b', 'c']) {
      const res = await server.gql(RECORD_VISIT, { unitCode: '14620', visitorId: visitor });
      expect(res.errors).toBeUndefined();
    }
    expect(jest.mocked(estimateCost).mock.calls.length - before).toBe(1);
  });

  it('refuse a query whose cost cannot be estimated (a null for a non-null argument), rather than run it unlimited', async () => {
    // Execution would fail only province(code: null) and run the costly rest.
    const query = 'query($c: ID = "01", $n: Int) { province(code: $c) { code } provinces { districts { articles(first: $n) { nodes { related(first: 20) { title } } } } } }';
    const res = await server.gql(query, { c: null, n: 100 });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.status).toBe(400);
    expect(res.errors?.[0].message).toMatch(/^the query's cost cannot be estimated: .*"code".*must not be null/);
    expect(res.data).toBeUndefined();
    expect(res.statements).toBe(0);
    // With a code it is estimated, and refused for its cost.
    expect(refusal(await server.gql(query, { c: '37', n: 100 })).limit).toBe('cost');
  });

  it('refuse more than 50 aliases', async () => {
    const many = `{ ${Array.from({ length: 51 }, (_, i) => `u${i}: unit(code: "01") { code }`).join(' ')} }`;
    expect(refusal(await server.gql(many))).toEqual({ status: 400, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases', statements: 0 });
  });
});

describe('query limits are configurable', () => {
  it('apply the limits the server is given', async () => {
    const app = await createServer({ config: { production: false, queryLimits: { maxDepth: 3, maxCost: 50, maxAliases: 1 } }, dataSource: server.db.dataSource });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const ask = async (query: string) => (await (await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json()) as any;
      expect((await ask('{ province(code: "37") { code } }')).errors).toBeUndefined();
      expect((await ask('{ province(code: "37") { districts { province { code } } } }')).errors[0].extensions.limit).toBe('depth');
      expect((await ask('{ articles(first: 60) { nodes { id } } }')).errors[0].extensions.limit).toBe('cost');
      expect((await ask('{ a: province(code: "37") { code } b: province(code: "01") { code } }')).errors[0].extensions.limit).toBe('aliases');
    } finally {
      await app.close();
    }
  });
});

describe('request limits', () => {
  const post = (body: string) => fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  /** Status, content type and body: a refusal is GraphQL-shaped JSON with one error and a caller's code, whoever refuses it. */
  const answer = async (res: Response) => ({ status: res.status, type: res.headers.get('content-type'), body: await res.json() });
  const refused = (status: number, message: RegExp, code: string) => ({
    status,
    type: expect.stringMatching(/^application\/json/),
    body: { errors: [{ message: expect.stringMatching(message), extensions: { code } }] },
  });

  it('refuse a body over BODY_LIMIT (2 MiB by default) with 413, running no SQL', async () => {
    const res = await post(JSON.stringify({ query: '{ provinces { code } }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(res.headers.get('x-sql-statements')).toBeNull();
    expect(await answer(res)).toEqual(refused(413, /too large/i, 'BAD_REQUEST'));
  });

  it('take one operation per request: a batch is refused', async () => {
    expect(await answer(await post(JSON.stringify([{ query: '{ provinces { code } }' }, { query: '{ sources { id } }' }])))).toEqual(refused(400, /batching/i, 'BAD_REQUEST'));
  });

  it('answer queries over GET (cacheable) but never mutations', async () => {
    const get = (query: string) => fetch(`${server.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true' } });
    const query = await get('{ province(code: "37") { code } }');
    expect({ status: query.status, body: await query.json() }).toEqual({ status: 200, body: { data: { province: { code: '37' } } } });
    const mutation = await get('mutation { deleteArticle(id: "1") }');
    expect(mutation.headers.get('x-sql-statements')).toBe('0');
    expect(await answer(mutation)).toEqual(refused(405, /GET.*mutation|mutation.*GET|POST/i, 'BAD_REQUEST'));
  });
});

describe('query limits and bad variables', () => {
  it.each([
    ['missing', {}],
    ['null', { c: null }],
    ['wrong type', { c: { a: 1 } }],
  ])('a %s required variable is still BAD_USER_INPUT (400), not an internal error', async (_name, variables) => {
    const res = await server.gql('query($c: ID!) { province(code: $c) { districts { articles(first: 5) { totalCount } } } }', variables);
    expect({ status: res.status, code: res.errors?.[0]?.extensions?.code, statements: res.statements }).toEqual({ status: 400, code: 'BAD_USER_INPUT', statements: 0 });
  });
});

describe('query limits and bad variables next to remembered estimates', () => {
  // No other test sends this query: nothing is remembered for it before the first request here.
  const query = 'query($n: Int, $c: ID!) { province(code: $c) { name } provinces { districts { articles(first: $n) { nodes { related(first: 20) { title } } } } } }';
  const outcome = async (variables: Record<string, unknown>) => {
    const res = await server.gql(query, variables);
    return { status: res.status, code: res.errors?.[0]?.extensions?.code, limit: res.errors?.[0]?.extensions?.limit, statements: res.statements };
  };
  const costRefusal = { status: 400, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', statements: 0 };
  const badInput = { status: 400, code: 'BAD_USER_INPUT', limit: undefined, statements: 0 };

  it('a variable that does not fit is BAD_USER_INPUT even when the page size was estimated before, and the estimate still holds after', async () => {
    expect(await outcome({ n: 100, c: { a: 1 } })).toEqual(badInput);
    expect(await outcome({ n: 100, c: '01' })).toEqual(costRefusal);
    expect(await outcome({ n: 100, c: { a: 1 } })).toEqual(badInput);
    expect(await outcome({ n: 100 })).toEqual(badInput);
    expect(await outcome({ n: 100, c: '37' })).toEqual(costRefusal);
  });
});

describe('costKey: estimates are remembered per the variables they read', () => {
  const keyOf = (query: string) => {
    const document = parse(query);
    const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
    return costKey(getOperationAST(document)!, fragments);
  };

  it('one key for a visit whatever the visitor', () => {
    const key = keyOf('mutation($unit: ID!, $visitor: String!) { recordVisit(unitCode: $unit, visitorId: $visitor) }');
    expect(key({ unit: '14620', visitor: 'a' })).toBe(key({ unit: '01', visitor: 'b' }));
  });

  it('page sizes, also in fragments and representations', () => {
    const key = keyOf('query($n: Int, $c: ID!, $r: [_Any!]!) { province(code: $c) { ...F } _entities(representations: $r) { __typename } } fragment F on Province { articles(first: $n) { totalCount } }');
    const r = [{ __typename: 'Article', id: '1' }];
    expect(key({ n: 5, c: '01', r })).toBe(key({ n: 5, c: '37', r }));
    expect(key({ n: 5, c: '01', r })).not.toBe(key({ n: 6, c: '01', r }));
    expect(key({ n: 5, c: '01', r })).not.toBe(key({ n: 5, c: '01', r: [...r, ...r] }));
    // Absent takes the argument's default page size; null asks for none.
    expect(key({ c: '01', r })).not.toBe(key({ n: null, c: '01', r }));
  });

  it('@include and @skip conditions, on fields and spreads', () => {
    const key = keyOf('query($a: Boolean!, $b: Boolean!, $c: ID!) { province(code: $c) { code @include(if: $a) ...F @skip(if: $b) } } fragment F on Province { name }');
    expect(key({ a: true, b: true, c: '01' })).toBe(key({ a: true, b: true, c: '37' }));
    expect(key({ a: true, b: true, c: '01' })).not.toBe(key({ a: false, b: true, c: '01' }));
    expect(key({ a: true, b: true, c: '01' })).not.toBe(key({ a: true, b: false, c: '01' }));
  });

  it('scope, order and days; of a filter only which conditions are given, unless it is one variable', () => {
    const key = keyOf('query($s: String, $scope: FeedScope, $from: Date!, $f: ArticleFilter) { unit(code: "01") { a: articles(scope: $scope, filter: { search: $s }) { totalCount } b: articles(filter: $f) { totalCount } visits { daily(from: $from, to: "2025-06-30") { visits } } } }');
    const base = { s: 'cai cach', scope: 'UNIT', from: '2025-06-01', f: { search: 'x' } };
    expect(key(base)).toBe(key({ ...base, s: 'chinh phu so' }));
    expect(key(base)).not.toBe(key({ ...base, s: null }));
    expect(key(base)).not.toBe(key({ ...base, scope: 'SUBTREE' }));
    expect(key(base)).not.toBe(key({ ...base, from: '2025-01-01' }));
    expect(key(base)).not.toBe(key({ ...base, f: { kinds: ['NEWS'] } }));
  });

  it('history, which a feed reads as a value', () => {
    const key = keyOf('query($h: Boolean, $u: ID) { articles(unit: $u, history: $h) { totalCount } province(code: "37") { articles(history: $h) { totalCount } } }');
    expect(key({ h: true, u: '01' })).not.toBe(key({ h: false, u: '01' }));
    // Of the unit only whether it is given: all articles, or a unit's feed.
    expect(key({ h: true, u: '01' })).toBe(key({ h: true, u: '37' }));
    expect(key({ h: true, u: '01' })).not.toBe(key({ h: true, u: null }));
  });

  it('whether other arguments are absent, null or set: no estimate for a null non-null argument', () => {
    const key = keyOf('query($c: ID = "01") { province(code: $c) { code } }');
    expect(key({ c: '37' })).toBe(key({ c: '01' }));
    expect(new Set([key({}), key({ c: null }), key({ c: '01' })]).size).toBe(3);
  });
});
