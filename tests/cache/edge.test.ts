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
import { EDGE_TAGS_MAX_BYTES, edgeTagHeaders } from '../../src/cache/edgeTags';
import { ConfigError, loadConfig } from '../../src/config';

/*
 * Issue #32: the edge. Debian's varnish with the xkey module of varnish-modules, started here with
 * examples/edge/default.vcl in front of the gateway: anonymous GETs are kept at the edge under the
 * gateway's Surrogate-Key, and an edit at one commune purges that commune's pages and its
 * province's feeds, and no page of another province. And a purge the edge does not take is sent
 * again until it does.
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
    writeFileSync(join(workdir, 'default.vcl'), readFileSync(VCL, 'utf8').replace('.port = "4000"', `.port = "${gateway.port}"`));
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

describe('the tag headers', () => {
  const header = (method: string, cacheControl: string, tags: string[]) => Object.fromEntries(edgeTagHeaders(method, cacheControl, new Set(tags)));

  it('name what an anonymous public GET answer read, and EVERYTHING', () => {
    expect(header('GET', 'max-age=30, public', ['shown:14620', 'source:3'])).toEqual({ 'surrogate-key': '* shown:14620 source:3', 'cache-tag': '*,shown:14620,source:3' });
  });

  it('are not sent on a POST, nor on an answer a shared cache may not keep', () => {
    expect(header('POST', 'max-age=30, public', ['shown:14620'])).toEqual({});
    expect(header('GET', 'no-store', ['shown:14620'])).toEqual({});
    expect(edgeTagHeaders('GET', 'max-age=30, public', undefined)).toEqual([]);
  });

  it("stand `all` in for a dashboard's hundreds of unit feeds, within what Varnish and CDNs read", () => {
    const units = Array.from({ length: 600 }, (_, i) => `shown:${String(10000 + i)}@2025-07-01`);
    const sent = header('GET', 'max-age=30, public', [...units, 'subtree:37@2025-07-01', 'source:3']);
    expect(sent['surrogate-key']).toBe('* all source:3');
    expect(sent['surrogate-key'].length).toBeLessThanOrEqual(EDGE_TAGS_MAX_BYTES);
  });
});

describe('EDGE_VARNISH_URLS and EDGE_PURGE_HOOK_URLS', () => {
  it('name the edges to purge, and a wrong one stops the start with one line', () => {
    expect(loadConfig({}).edges).toEqual([]);
    expect(loadConfig({ EDGE_VARNISH_URLS: 'http://127.0.0.1:6081/, http://10.0.0.2:6081', EDGE_PURGE_HOOK_URLS: 'https://cdn.example/purge' }).edges).toEqual([
      { kind: 'varnish', url: 'http://127.0.0.1:6081/' },
      { kind: 'varnish', url: 'http://10.0.0.2:6081/' },
      { kind: 'hook', url: 'https://cdn.example/purge' },
    ]);
    expect(() => loadConfig({ EDGE_VARNISH_URLS: 'varnish:6081' })).toThrow(new ConfigError('EDGE_VARNISH_URLS must be http(s) URLs separated by commas (e.g. http://127.0.0.1:6081/), got "varnish:6081"'));
  });
});
