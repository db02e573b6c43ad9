import { getIntrospectionQuery, print } from 'graphql';
import { createServer } from '../src/server';
import { CommuneHomeDocument, ProvinceDashboardDocument, SearchDocument } from './generated/operations';
import { startTestServer, TestServer } from './helpers/testServer';

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
    for (const [doc, vars] of [
      [CommuneHomeDocument, { code: '14620' }],
      [ProvinceDashboardDocument, { code: '01' }],
      [SearchDocument, { search: 'cai cach', province: '37' }],
    ] as const) {
      expect((await server.gql(print(doc), vars)).errors).toBeUndefined();
    }
    expect((await server.gql(getIntrospectionQuery())).errors).toBeUndefined();
  });

  it('let the whole unit tree through', async () => {
    const res = await server.gql('{ provinces { code districts { code communes { code } } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data.provinces.flatMap((p: any) => p.districts.flatMap((d: any) => d.communes))).toHaveLength(10599);
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
    expect(res.errors![0].message).toMatch(/at most 200000/);
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

  it('refuse a body over BODY_LIMIT (2 MiB by default) with 413, running no SQL', async () => {
    const res = await post(JSON.stringify({ query: '{ provinces { code } }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(res.status).toBe(413);
    expect(res.headers.get('x-sql-statements')).toBeNull();
  });

  it('take one operation per request: a batch is refused', async () => {
    const res = await post(JSON.stringify([{ query: '{ provinces { code } }' }, { query: '{ sources { id } }' }]));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/batching/i);
  });

  it('answer queries over GET (cacheable) but never mutations', async () => {
    const get = (query: string) => fetch(`${server.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect((await get('{ province(code: "37") { code } }')).status).toBe(200);
    const mutation = await get('mutation { deleteArticle(id: "1") }');
    expect(mutation.status).toBe(405);
    expect(mutation.headers.get('x-sql-statements')).toBe('0');
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
