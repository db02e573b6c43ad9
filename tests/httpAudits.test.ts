import { serverAudits } from 'graphql-http';
import { startTestServer, TestServer } from './helpers/testServer';

/**
 * GraphQL over HTTP conformance, as graphql-http's own audits check it, against the real gateway.
 * MUST audits are the spec's requirements and each is a test; SHOULD and MAY audits are
 * recommendations: their failures are printed once, not failed on.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ units: false });
});
afterAll(() => server.close());

// The URL is a function because the server only has its port once beforeAll has run.
const audits = serverAudits({ url: () => `${server.url}/graphql` });
const must = audits.filter((a) => a.name.startsWith('MUST'));
const recommended = audits.filter((a) => !a.name.startsWith('MUST'));

describe('graphql-http server audits', () => {
  it('has MUST audits to run', () => {
    expect(must.length).toBeGreaterThan(10);
  });

  it.each(must.map((a) => [a.id, a.name, a] as const))('%s %s', async (_id, _name, audit) => {
    const result = await audit.fn();
    // On failure the reason and the response body say what the gateway answered.
    const detail = result.status === 'ok' ? 'ok' : `${result.reason}: ${await result.response.text().catch(() => '')}`;
    expect(detail).toBe('ok');
  });

  // The audits' GETs send no CSRF preflight header, so Apollo refuses them (the MAY audits on GET
  // fail for that reason alone); with it, GET takes variables and operationName like POST.
  it('answers GET with URL-encoded variables and operationName when the CSRF preflight header is sent', async () => {
    const params = new URLSearchParams({ query: 'query P($c: ID!) { province(code: $c) { code } } query Q { sources { id } }', variables: JSON.stringify({ c: '37' }), operationName: 'P' });
    const get = (headers: Record<string, string>) => fetch(`${server.url}/graphql?${params}`, { headers });
    const res = await get({ 'apollo-require-preflight': 'true', accept: 'application/graphql-response+json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(await res.json()).toEqual({ data: { province: null } });
    expect((await get({})).status).toBe(400);
  });

  it('reports the SHOULD and MAY audits it does not meet', async () => {
    const failed: string[] = [];
    for (const audit of recommended) {
      const result = await audit.fn();
      if (result.status !== 'ok') failed.push(`${result.id} ${result.name}: ${result.reason}`);
    }
    if (failed.length) console.info(`graphql-http recommendations not met (${failed.length} of ${recommended.length}):\n${failed.join('\n')}`);
  });
});
