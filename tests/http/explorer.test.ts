import { Browser, Page } from 'playwright-core';
import { seedDemoContent } from '../../seeds/demo';
import { EXAMPLE_QUERY } from '../../src/exampleQuery';
import { createServer } from '../../src/server';
import { startTestServer, TestServer } from '../helpers/testServer';
import { launchChromium } from '../../scripts/chromium';
import { OfflinePage, openOfflinePage } from '../helpers/offlinePage';

/**
 * The explorers, in a real browser on a closed network: GraphiQL at /graphiql must load, know the
 * schema and run the example portal query with nothing but the gateway reachable; the landing page
 * links both explorers; Apollo Sandbox (which needs internet) sends Apollo no telemetry.
 */


let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  server = await startTestServer();
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
  browser = await launchChromium('the explorer tests');
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

let offline: OfflinePage;
beforeEach(async () => {
  offline = await openOfflinePage(browser, [server.url]);
});
afterEach(() => offline.context.close());

/** The text of a CodeMirror 5 editor (GraphiQL 3's), whole: the DOM holds only the lines in view. */
function editorText(page: Page, selector: string): Promise<string> {
  return page.evaluate(`document.querySelector(${JSON.stringify(selector)} + ' .CodeMirror').CodeMirror.getValue()`);
}

describe('GraphiQL at /graphiql', () => {
  it('loads offline with the example query, knows the schema and shows what the gateway answers for it', async () => {
    const { page, leftLocalhost, consoleErrors } = offline;
    const introspections: { status: number; types: number }[] = [];
    page.on('response', async (response) => {
      if (!response.url().endsWith('/graphql') || !response.request().postData()?.includes('__schema')) return;
      const body = (await response.json()) as { data?: { __schema?: { types: unknown[] } } };
      introspections.push({ status: response.status(), types: body.data?.__schema?.types.length ?? 0 });
    });

    // Loaded means every script and stylesheet was fetched (or refused): nothing may have tried to go out.
    await page.goto(`${server.url}/graphiql`);
    expect({ leftLocalhost, consoleErrors }).toEqual({ leftLocalhost: [], consoleErrors: [] });
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
    expect(await editorText(page, '.graphiql-query-editor')).toBe(EXAMPLE_QUERY);

    // The schema arrived: the docs explorer lists the root query type's fields.
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await page.locator('.graphiql-doc-explorer').getByRole('link', { name: 'Query' }).click();
    await page.locator('.graphiql-doc-explorer').getByText('commune', { exact: true }).first().waitFor();
    expect(introspections.length).toBeGreaterThan(0);
    expect(introspections.every(({ status, types }) => status === 200 && types > 0)).toBe(true);

    await page.locator('.graphiql-execute-button').click();
    await page.locator('.result-window .CodeMirror-code').filter({ hasText: '"data"' }).waitFor();
    const shown = JSON.parse(await editorText(page, '.result-window'));

    const direct = await server.gql(EXAMPLE_QUERY);
    expect(direct.errors).toBeUndefined();
    expect(direct.data.commune.articles.nodes.length).toBeGreaterThan(0);
    expect(shown).toEqual({ data: direct.data });

    expect(leftLocalhost).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('serves its files from the gateway with long-lived cache headers', async () => {
    const html = await (await fetch(`${server.url}/graphiql`)).text();
    const files = [...html.matchAll(/(?:src|href)="(\/graphiql\/assets\/[^"]+)"/g)].map((match) => match[1]);
    expect(files.map((file) => file.split('/').pop()).sort()).toEqual(['graphiql.min.css', 'graphiql.min.js', 'react-dom.production.min.js', 'react.production.min.js']);
    for (const file of files) {
      const res = await fetch(`${server.url}${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toContain('immutable');
      // Read to the end: an unread megabyte keeps the connection busy and server.close() waiting.
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });
});

describe('the landing page at /', () => {
  it('links GraphiQL (offline) and Apollo Sandbox (needs internet), and the GraphiQL link opens it', async () => {
    const { page, leftLocalhost } = offline;
    await page.goto(`${server.url}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    const links = await page.locator('a').evaluateAll((anchors) => anchors.map((a) => ({ href: a.getAttribute('href'), text: a.parentElement?.textContent ?? '' })));
    expect(links).toEqual([
      { href: '/graphiql', text: expect.stringContaining('offline') },
      { href: '/graphql', text: expect.stringContaining('needs internet') },
    ]);
    await page.getByRole('link', { name: 'GraphiQL' }).click();
    await page.waitForURL(`${server.url}/graphiql`);
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
    expect(leftLocalhost).toEqual([]);
  });

  it('in production: GraphiQL stays, Sandbox is said to be off and not linked', async () => {
    const app = await createServer({ config: { production: true }, dataSource: server.db.dataSource });
    try {
      const landing = await app.inject('/');
      expect(landing.statusCode).toBe(200);
      expect(landing.body).toContain('href="/graphiql"');
      expect(landing.body).not.toContain('href="/graphql"');
      expect(landing.body).toContain('Turned off in production');
      expect((await app.inject('/graphiql')).statusCode).toBe(200);
      const sandbox = await app.inject({ url: '/graphql', headers: { accept: 'text/html' } });
      expect(sandbox.body).not.toContain('embeddable-sandbox');
    } finally {
      await app.close();
    }
  });
});

describe('Apollo Sandbox at GET /graphql', () => {
  it('opens with the example query and telemetry off', async () => {
    const html = await (await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    const config = /var embeddedSandboxConfig = (\{.*\});/.exec(html);
    expect(config).not.toBeNull();
    const sandbox = JSON.parse(config![1]) as { runTelemetry: boolean; initialState: { document: string } };
    expect(sandbox.runTelemetry).toBe(false);
    expect(sandbox.initialState.document).toBe(EXAMPLE_QUERY);
  });
});
