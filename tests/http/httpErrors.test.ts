import { connect } from 'node:net';
import Fastify from 'fastify';
import { answerHttpErrorsAsGraphQL } from '../../src/plugins/httpErrors';
import { startTestServer, TestServer } from '../helpers/testServer';

/**
 * GraphQL over HTTP at the edges: plain GETs answered, and every refusal GraphQL-shaped with one of
 * the contract's codes (docs/CONTRACT.md "Errors") and a 4xx, whatever failed and wherever.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Every code a caller can get (CONTRACT.md "Errors"). */
const CONTRACT_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
];

/** The body of a refusal: JSON with `errors`, each with a message and a contract code, and no data. */
async function refusal(res: Response): Promise<{ message: string; extensions: { code: string } }[]> {
  expect(res.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
  const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
  expect(body).toEqual({ errors: expect.any(Array) });
  for (const error of body.errors) {
    expect(typeof error.message).toBe('string');
    expect(CONTRACT_CODES).toContain(error.extensions?.code);
  }
  return body.errors;
}

const post = (body: string, type = 'application/json') => fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': type }, body });
const postQuery = (query: string, variables?: Record<string, unknown>) => post(JSON.stringify({ query, variables }));

describe('plain GET', () => {
  it('answers a query with no preflight header, as a CDN, <link rel=preload> or curl sends it', async () => {
    const res = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ province(code: "37") { fullName } }')}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { province: { fullName: 'Tỉnh Ninh Bình' } } });
  });

  it('refuses a mutation over GET with 405 BAD_REQUEST, before it runs', async () => {
    const visits = '{ commune(code: "14620") { visits { total } } }';
    const before = (await server.gql(visits)).data.commune.visits.total;
    const res = await fetch(`${server.url}/graphql?query=${encodeURIComponent('mutation { recordVisit(unitCode: "14620", visitorId: "over-get") }')}`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await refusal(res)).map((e) => e.extensions.code)).toEqual(['BAD_REQUEST']);
    server.emptyCaches();
    expect((await server.gql(visits)).data.commune.visits.total).toBe(before);
  });
});

describe('what fails before GraphQL is answered GraphQL-shaped, with its own HTTP status', () => {
  it.each([
    ['invalid JSON', () => post('{"query": nope'), 400],
    ['an empty JSON body', () => post(''), 400],
    ['a form body', () => post('query=%7B__typename%7D', 'application/x-www-form-urlencoded'), 415],
    ['an XML body', () => post('<query/>', 'application/xml'), 415],
    ['a body over BODY_LIMIT (2 MB)', () => post(JSON.stringify({ query: '{ __typename }', padding: 'x'.repeat(3 * 1024 * 1024) })), 413],
    ['a PUT', () => fetch(`${server.url}/graphql`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"query": "{ __typename }"}' }), 405],
    ['a DELETE', () => fetch(`${server.url}/graphql`, { method: 'DELETE' }), 405],
    ['a path that is not served', () => fetch(`${server.url}/graphq1?query=%7B__typename%7D`), 404],
  ] as const)('%s', async (_name, send, status) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect((await refusal(res)).map((e) => e.extensions.code)).toEqual(['BAD_REQUEST']);
    if (status === 405) expect(res.headers.get('allow')).toBe('GET, POST');
  });

  it('masks an internal error outside GraphQL and gives its request id to quote', async () => {
    const app = Fastify({ logger: false });
    answerHttpErrorsAsGraphQL(app);
    app.get('/broken', async () => {
      throw new Error("ER_NO_SUCH_TABLE: Table 'lienthong.publications' doesn't exist");
    });
    const res = await fetch(`${await app.listen({ host: '127.0.0.1', port: 0 })}/broken`).finally(() => app.close());
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) } }] });
  });
});

/** Sends `request` as written on a new connection and resolves to all the server sent back before closing it. */
function rawExchange(request: string): Promise<string> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

describe('what Node refuses before Fastify sees it is answered GraphQL-shaped too', () => {
  /** Status, headers and body of a raw answer. */
  const parse = (answer: string) => {
    const [head, body] = answer.split('\r\n\r\n');
    const [statusLine, ...headers] = head.split('\r\n');
    return { status: Number(statusLine.split(' ')[1]), headers: headers.map((h) => h.toLowerCase()), body: JSON.parse(body) };
  };

  it('a GET with a query string over 16 KiB: 431 BAD_REQUEST naming POST and persisted queries', async () => {
    const query = `{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const target = `/graphql?query=${encodeURIComponent(query)}`;
    expect(target.length).toBeGreaterThan(16 * 1024);
    const answer = parse(await rawExchange(`GET ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`));
    expect(answer.status).toBe(431);
    expect(answer.headers).toContain('content-type: application/json; charset=utf-8');
    expect(answer.body).toEqual({ errors: [{ message: expect.stringMatching(/16384 bytes: send a long query by POST, or its hash/), extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('a request that is not HTTP: 400 BAD_REQUEST', async () => {
    const answer = parse(await rawExchange('HELLO\r\n\r\n'));
    expect(answer).toMatchObject({ status: 400, body: { errors: [{ message: 'the request is not valid HTTP', extensions: { code: 'BAD_REQUEST' } }] } });
  });

  it('a GET of 8 KB still answers (the limit is on the URL and headers together, 16 KiB)', async () => {
    const query = `{ __typename }\n# ${'x'.repeat(8000)}`;
    const target = `/graphql?query=${encodeURIComponent(query)}`;
    expect(target.length).toBeGreaterThan(8000);
    const res = await fetch(`${server.url}${target}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('subscriptions', () => {
  it('are refused as GRAPHQL_VALIDATION_FAILED with HTTP 400: the schema has none', async () => {
    const res = await postQuery('subscription { __typename }');
    expect(res.status).toBe(400);
    const errors = await refusal(res);
    expect(errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/no subscriptions/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]);
  });
});

describe('a null sent for a defaulted variable in a non-null position', () => {
  it('is BAD_USER_INPUT with HTTP 400 in a field argument', async () => {
    const res = await postQuery('query($q: String = "a") { searchUnits(query: $q) { code } }', { q: null });
    expect(res.status).toBe(400);
    expect((await refusal(res)).map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
  });

  it.each([
    ['@include', 'query($b: Boolean = true) { provinces @include(if: $b) { code } }'],
    ['@skip in a fragment', 'query($b: Boolean = false) { ...P } fragment P on Query { provinces @skip(if: $b) { code } }'],
  ])('is a 4xx with a caller code in %s, not a 500', async (_name, query) => {
    const res = await postQuery(query, { b: null });
    expect(res.status).toBe(400);
    const errors = await refusal(res);
    for (const error of errors) expect(error.extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
  });
});
