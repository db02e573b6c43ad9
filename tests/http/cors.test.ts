import { loadConfig } from '../../src/config';
import { startTestServer, TestServer } from '../helpers/testServer';

/** CORS_ORIGINS: portal pages calling the gateway from the browser (recordVisit), with no credentials ever. */

const PORTAL = 'http://localhost:4001';
const OTHER = 'https://elsewhere.example';
const VISIT = 'mutation { recordVisit(unitCode: "01", visitorId: "cors-test-visitor") }';

let servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

async function serve(corsOrigins: string[]): Promise<TestServer> {
  const server = await startTestServer({ config: { corsOrigins } });
  servers.push(server);
  return server;
}

const preflight = (server: TestServer, origin: string) =>
  fetch(`${server.url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });

const post = (server: TestServer, origin: string, query: string) =>
  fetch(`${server.url}/graphql`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

describe('with CORS_ORIGINS', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serve([PORTAL]);
  }, 60_000);

  it('answers a listed origin\'s preflight, allowing POST with JSON, never credentials', async () => {
    const res = await preflight(server, PORTAL);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(res.headers.get('access-control-allow-headers')?.split(',').map((h) => h.trim())).toContain('content-type');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });

  it('lets a listed origin send recordVisit and read the answer', async () => {
    const res = await post(server, PORTAL, VISIT);
    expect(res.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(await res.json()).toEqual({ data: { recordVisit: true } });
  });

  it('sends the headers with a kept answer too (answered before Apollo runs)', async () => {
    const query = '{ province(code: "37") { fullName } }';
    const [executed, kept] = [await post(server, PORTAL, query), await post(server, PORTAL, query)];
    expect(kept.headers.get('age')).not.toBeNull();
    expect(await kept.json()).toEqual(await executed.json());
    expect(kept.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(kept.headers.get('vary')).toMatch(/origin/i);
  });

  it('gives an origin not on the list no CORS headers (the browser keeps the answer from the page)', async () => {
    const pre = await preflight(server, OTHER);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await post(server, OTHER, '{ province(code: "01") { fullName } }');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

it('sends no CORS headers by default', async () => {
  const server = await serve([]);
  const pre = await preflight(server, PORTAL);
  expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  const res = await post(server, PORTAL, '{ province(code: "01") { fullName } }');
  expect(res.headers.get('access-control-allow-origin')).toBeNull();
  expect(await res.json()).toEqual({ data: { province: { fullName: 'Thành phố Hà Nội' } } });
}, 60_000);

it("'*' allows any origin, still without credentials", async () => {
  const server = await serve(['*']);
  const res = await preflight(server, OTHER);
  expect(res.status).toBe(204);
  expect(res.headers.get('access-control-allow-origin')).toBe('*');
  expect(res.headers.get('access-control-allow-credentials')).toBeNull();
}, 60_000);

describe('CORS_ORIGINS in the environment', () => {
  it('takes origins separated by commas', () => {
    expect(loadConfig({ CORS_ORIGINS: ` ${PORTAL} , https://phatdiem.ninhbinh.gov.vn/ ` }).corsOrigins).toEqual([PORTAL, 'https://phatdiem.ninhbinh.gov.vn']);
    expect(loadConfig({}).corsOrigins).toEqual([]);
  });

  it.each(['phatdiem.gov.vn', 'https://phatdiem.gov.vn/tin-tuc', 'ftp://phatdiem.gov.vn', 'https://a.vn,,https://b.vn'])('refuses %j with one line', (value) => {
    expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(/^CORS_ORIGINS must be origins/);
  });
});
