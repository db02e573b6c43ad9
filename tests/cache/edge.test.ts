import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/gatewayProcess';
import { insertArticles, minutesAfter, neighbourhood } from '../helpers/fixtures';
import { CREATE_ARTICLE } from '../helpers/operations';
import { createTestEnvironment, KeyedClient, TestEnvironment } from '../helpers/testEnvironment';
import { waitFor } from '../helpers/waitFor';
import { CONTENT_MAX_AGE, TAGGED_CONTENT_MAX_AGE } from '../../src/cache/cacheHints';
import { LocalContentChanges } from '../../src/cache/contentChanges';
import { EdgePurger } from '../../src/cache/edgePurge';
import { EDGE_TAGS_MAX_BYTES, edgeHeaders } from '../../src/cache/edgeTags';
import { ConfigError, loadConfig } from '../../src/config';

/*
 * Issue #32: the edge. Debian's varnish with the xkey module of varnish-modules, started here with
 * examples/edge/default.vcl in front of the gateway: anonymous GETs are kept at the edge under the
 * gateway's Surrogate-Key, and an edit at one commune purges that commune's pages and its
 * province's feeds, and no page of another province; it keeps them for EDGE_MAX_AGE, and passes
 * on only the browsers' max-age. A purge the edge does not take is sent again until it does, and
 * every purge once more a request's deadline later.
 */

const VCL = join(__dirname, '..', '..', 'examples', 'edge', 'default.vcl');
/** Debian's varnishd is in /usr/sbin, which a user's PATH may not hold. */
const VARNISHD = ['/usr/sbin/varnishd', '/usr/bin/varnishd'].find((path) => existsSync(path)) ?? 'varnishd';

describe('Varnish with xkey in front of the gateway', () => {
  let env: TestEnvironment;
  let admin: KeyedClient;
  let varnish: ChildProcess;
  let workdir: string;
  let edge = '';
  const codes = { phatDiem: '14620', neighbour: '', ninhBinh: '', haNoiCommune: '', haNoi: '01' };

  beforeAll(async () => {
    const edgePort = await freePort();
    edge = `http://127.0.0.1:${edgePort}`;
    env = await createTestEnvironment({ config: { edges: [{ kind: 'varnish', url: `${edge}/` }] } });
    admin = await env.asAdmin();
    const db = env.dataSource;
    const { phatDiem, neighbour, province, haNoiCommune } = await neighbourhood(db);
    Object.assign(codes, { neighbour: neighbour.code, ninhBinh: province.code, haNoiCommune: haNoiCommune.code });
    await insertArticles(db, [
      { title: 'Tin của Phát Diệm', origin: phatDiem.id, publishedAt: minutesAfter(1) },
      { title: 'Tin của xã bên', origin: neighbour.id, publishedAt: minutesAfter(2) },
      { title: 'Tin của Hà Nội', origin: haNoiCommune.id, publishedAt: minutesAfter(3) },
    ]);

    // The example VCL, its backend pointed at this gateway.
    workdir = mkdtempSync(join(tmpdir(), 'lienthong-edge-'));
    const gateway = new URL(env.url);
    // And, for this test, each answer says how long the edge keeps it.
    const vcl = readFileSync(VCL, 'utf8')
      .replace('.port = "4000"', `.port = "${gateway.port}"`)
      .replace('sub vcl_deliver {', 'sub vcl_deliver {\n  set resp.http.x-edge-ttl = obj.ttl;');
    writeFileSync(join(workdir, 'default.vcl'), vcl);
    // -j none: run as the user who starts it (the test), in a working directory of its own.
    varnish = spawn(VARNISHD, ['-F', '-j', 'none', '-a', `127.0.0.1:${edgePort}`, '-f', join(workdir, 'default.vcl'), '-n', join(workdir, 'varnish'), '-s', 'malloc,64m'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    varnish.stdout!.on('data', (chunk) => (said += chunk));
    varnish.stderr!.on('data', (chunk) => (said += chunk));
    const failed = new Promise<never>((_, reject) => {
      varnish.once('error', (error) => reject(new Error(`cannot start varnishd (apt-get install varnish varnish-modules): ${error.message}`)));
      varnish.once('exit', (code) => reject(new Error(`varnishd exited with ${code}:\n${said}`)));
    });
    failed.catch(() => {});
    await Promise.race([failed, waitFor('varnish answering', () => fetch(`${edge}/healthz`).then((res) => res.ok, () => false), 60_000)]);
  }, 180_000);

  afterAll(async () => {
    if (varnish && varnish.exitCode === null) {
      const exited = new Promise((resolve) => varnish.once('exit', resolve));
      varnish.kill('SIGTERM');
      await exited;
    }
    await env?.close();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  const PAGES = {
    'home of Phát Diệm': () => ({ query: 'query Home($code: ID!) { commune(code: $code) { articles(first: 5) { nodes { title } } } }', variables: { code: codes.phatDiem } }),
    'home of its neighbour': () => ({ query: 'query Home($code: ID!) { commune(code: $code) { articles(first: 5) { nodes { title } } } }', variables: { code: codes.neighbour } }),
    'Ninh Bình subtree': () => ({ query: 'query Province($code: ID!) { province(code: $code) { articles(first: 5, scope: SUBTREE) { nodes { title } } } }', variables: { code: codes.ninhBinh } }),
    'home of a Hà Nội commune': () => ({ query: 'query Home($code: ID!) { commune(code: $code) { articles(first: 5) { nodes { title } } } }', variables: { code: codes.haNoiCommune } }),
    'Hà Nội subtree': () => ({ query: 'query Province($code: ID!) { province(code: $code) { articles(first: 5, scope: SUBTREE) { nodes { title } } } }', variables: { code: codes.haNoi } }),
  };
  type PageName = keyof typeof PAGES;

  async function viaEdge(name: PageName): Promise<{ hit: boolean; titles: string[]; surrogateKey: string | null }> {
    const { query, variables } = PAGES[name]();
    const res = await fetch(`${edge}/graphql?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    return { hit: res.headers.get('x-edge') === 'hit', titles: JSON.stringify(body.data).match(/"title":"[^"]*"/g) ?? [], surrogateKey: res.headers.get('surrogate-key') };
  }

  it('keeps the pages, and an edit at a commune purges its pages and its province feeds, no page of another province', async () => {
    for (const name of Object.keys(PAGES) as PageName[]) {
      const first = await viaEdge(name);
      expect(first.surrogateKey).toMatch(/\bshown:|\bsubtree:/);
      expect((await viaEdge(name)).hit).toBe(true);
    }
    const created = await admin.gql(CREATE_ARTICLE, { input: { originCode: codes.phatDiem, title: 'Phát Diệm: tin mới nhất', body: '<p>Nội dung.</p>' } });
    expect(created.errors).toBeUndefined();
    await waitFor('the purge taken by varnish', () => env.server.app.edges.idle);
    const after = Object.fromEntries(await Promise.all((Object.keys(PAGES) as PageName[]).map(async (name) => [name, await viaEdge(name)] as const)));
    expect(Object.entries(after).filter(([, page]) => !page.hit).map(([name]) => name).sort()).toEqual(['Ninh Bình subtree', 'home of Phát Diệm'].sort());
    expect(after['home of Phát Diệm'].titles).toContain('"title":"Phát Diệm: tin mới nhất"');
    expect(after['Ninh Bình subtree'].titles).toContain('"title":"Phát Diệm: tin mới nhất"');
  });

  it('keeps a page for EDGE_MAX_AGE, and tells browsers only their max-age', async () => {
    const query = 'query Home($code: ID!) { commune(code: $code) { fullName articles(first: 1) { nodes { title } } } }';
    const url = `${edge}/graphql?${new URLSearchParams({ query, variables: JSON.stringify({ code: codes.haNoiCommune }) })}`;
    const direct = await fetch(url.replace(edge, new URL(env.url).origin));
    expect(direct.headers.get('cdn-cache-control')).toBe(`max-age=${TAGGED_CONTENT_MAX_AGE}`);
    await fetch(url);
    const hit = await fetch(url);
    expect(hit.headers.get('x-edge')).toBe('hit');
    expect(Number(hit.headers.get('x-edge-ttl'))).toBeGreaterThan(TAGGED_CONTENT_MAX_AGE - 60);
    expect(hit.headers.get('cache-control')).toBe(`max-age=${CONTENT_MAX_AGE}, public`);
    expect(hit.headers.get('cdn-cache-control')).toBeNull();
  });

  it('keeps nothing a key holder asks, nor a POST', async () => {
    const { query, variables } = PAGES['home of Phát Diệm']();
    const url = `${edge}/graphql?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}`;
    for (let i = 0; i < 2; i++) {
      const res = await fetch(url, { headers: { authorization: `Bearer ${admin.key}` } });
      expect(res.headers.get('x-edge')).toBe('miss');
      expect(res.headers.get('surrogate-key')).toBeNull();
    }
  });
});

describe('a purge the edge does not take', () => {
  let env: TestEnvironment;
  let hook: Server;
  const received: { status: number; tags: string[] }[] = [];
  /** How many purges the hook refuses before it takes them (the edge is down, then back). */
  let refusals = 3;

  beforeAll(async () => {
    hook = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const status = refusals-- > 0 ? 503 : 200;
        received.push({ status, tags: JSON.parse(body).tags });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const { port } = hook.address() as { port: number };
    env = await createTestEnvironment({ config: { edges: [{ kind: 'hook', url: `http://127.0.0.1:${port}/purge` }] } });
  }, 120_000);
  afterAll(async () => {
    await env?.close();
    await new Promise((resolve) => hook?.close(resolve));
  });

  it('is sent again until it is taken, with the tags of every change made meanwhile', async () => {
    const admin = await env.asAdmin();
    const first = await admin.gql(CREATE_ARTICLE, { input: { originCode: '14620', title: 'Tin một', body: '<p>x</p>' } });
    const second = await admin.gql(CREATE_ARTICLE, { input: { originCode: '14623', title: 'Tin hai', body: '<p>x</p>' } });
    expect(first.errors ?? second.errors).toBeUndefined();
    await waitFor('the purges taken', () => env.server.app.edges.idle && received.some((r) => r.status === 200), 60_000);
    expect(received.filter((r) => r.status === 503)).toHaveLength(3);
    const taken = new Set(received.filter((r) => r.status === 200).flatMap((r) => r.tags));
    for (const id of [first.data.createArticle.id, second.data.createArticle.id]) expect(taken).toContain(`article:${id}`);
  });
});

describe('a second purge, a request\'s deadline after the first', () => {
  let hook: Server;
  const received: { at: number; tags: string[] }[] = [];

  beforeAll(async () => {
    hook = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ at: Date.now(), tags: JSON.parse(body).tags });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => hook?.close(resolve)));

  it('drops what an edge stored from an answer computed before the change committed', async () => {
    const changes = new LocalContentChanges();
    const { port } = hook.address() as { port: number };
    const longestRequestMs = 300;
    const purger = new EdgePurger([{ kind: 'hook', url: `http://127.0.0.1:${port}/purge` }], changes, { warn() {}, info() {} }, { longestRequestMs });
    try {
      await (await changes.begin(['shown:14620@2025-07-01', 'article:7'])).done();
      expect(purger.settled).toBe(false);
      await waitFor('the second purge taken', () => purger.settled && received.length === 2, 30_000);
      expect(received.map((r) => r.tags)).toEqual([
        ['shown:14620@2025-07-01', 'article:7'],
        ['shown:14620@2025-07-01', 'article:7'],
      ]);
      // The deadline and a second for the answer's way to the edge.
      expect(received[1].at - received[0].at).toBeGreaterThanOrEqual(longestRequestMs + 1000 - 50);
    } finally {
      purger.close();
    }
  });
});

describe('the edge headers', () => {
  const header = (method: string, cacheControl: string, tags: string[], edgeMaxAge: number | null = null) => Object.fromEntries(edgeHeaders(method, cacheControl, new Set(tags), edgeMaxAge));

  it('name what an anonymous public GET answer read, and EVERYTHING', () => {
    expect(header('GET', 'max-age=30, public', ['shown:14620', 'source:3'])).toEqual({ 'surrogate-key': '* shown:14620 source:3', 'cache-tag': '*,shown:14620,source:3' });
  });

  it('are not sent on a POST, nor on an answer a shared cache may not keep', () => {
    expect(header('POST', 'max-age=30, public', ['shown:14620'])).toEqual({});
    expect(header('GET', 'no-store', ['shown:14620'])).toEqual({});
    expect(edgeHeaders('GET', 'max-age=30, public', undefined)).toEqual([]);
  });

  it('tell the edges the gateway purges how long they may keep the answer: EDGE_MAX_AGE, or its max-age if longer', () => {
    expect(header('GET', 'max-age=30, public', ['shown:14620'], 3600)['cdn-cache-control']).toBe('max-age=3600');
    expect(header('GET', 'max-age=7200, public', [], 3600)['cdn-cache-control']).toBe('max-age=7200');
    expect(header('GET', 'max-age=30, public', ['shown:14620'])['cdn-cache-control']).toBeUndefined();
    expect(header('GET', 'no-store', ['shown:14620'], 3600)).toEqual({});
  });

  it("stand `all` in for a dashboard's hundreds of unit feeds, within what Varnish and CDNs read", () => {
    const units = Array.from({ length: 600 }, (_, i) => `shown:${String(10000 + i)}@2025-07-01`);
    const sent = header('GET', 'max-age=30, public', [...units, 'subtree:37@2025-07-01', 'source:3']);
    expect(sent['surrogate-key']).toBe('* all source:3');
    expect(sent['surrogate-key'].length).toBeLessThanOrEqual(EDGE_TAGS_MAX_BYTES);
  });
});

describe('EDGE_VARNISH_URLS, EDGE_PURGE_HOOK_URLS and EDGE_MAX_AGE', () => {
  it('name the edges to purge, and a wrong one stops the start with one line', () => {
    expect(loadConfig({}).edges).toEqual([]);
    expect(loadConfig({ EDGE_VARNISH_URLS: 'http://127.0.0.1:6081/, http://10.0.0.2:6081', EDGE_PURGE_HOOK_URLS: 'https://cdn.example/purge' }).edges).toEqual([
      { kind: 'varnish', url: 'http://127.0.0.1:6081/' },
      { kind: 'varnish', url: 'http://10.0.0.2:6081/' },
      { kind: 'hook', url: 'https://cdn.example/purge' },
    ]);
    expect(loadConfig({}).edgeMaxAge).toBeUndefined();
    expect(loadConfig({ EDGE_MAX_AGE: '600' }).edgeMaxAge).toBe(600);
    expect(() => loadConfig({ EDGE_MAX_AGE: 'an hour' })).toThrow(ConfigError);
    expect(() => loadConfig({ EDGE_VARNISH_URLS: 'varnish:6081' })).toThrow(new ConfigError('EDGE_VARNISH_URLS must be http(s) URLs separated by commas (e.g. http://127.0.0.1:6081/), got "varnish:6081"'));
  });
});
