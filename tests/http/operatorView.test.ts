import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FastifyInstance } from 'fastify';
import { QueryRunner } from 'typeorm';
import { createServer } from '../../src/server';
import { createTestDatabase, TestDatabase } from '../helpers/testDatabase';
import { createKeyRecord } from '../helpers/testEnvironment';
import { waitFor } from '../helpers/waitFor';

const ROOT = join(__dirname, '..', '..');
const TOKEN = 'operator-token-0123456789abcdef';
/** createTestDatabase's pool size. */
const POOL_SIZE = 8;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let db: TestDatabase;
let app: FastifyInstance;
let url: string;
/** What the server logged, line by line, as written. */
const written: string[] = [];
const logged = () => written.map((line) => JSON.parse(line));

beforeAll(async () => {
  db = await createTestDatabase();
  app = await createServer({
    config: { production: false, metrics: { operations: [], token: TOKEN } },
    dataSource: db.dataSource,
    logger: { level: 'info', stream: { write: (line: string) => void written.push(line) } },
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await db.drop();
});

const scrape = async (base = url) => (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
/** A sample's value, e.g. sample(text, 'lienthong_mysql_pool_connections{pool="primary",state="idle"}'). */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('/metrics for operators', () => {
  it("has the process's metrics: CPU, memory, heap, event-loop lag, GC", async () => {
    const text = await scrape();
    for (const family of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_gc_duration_seconds']) {
      expect(text).toContain(`# TYPE ${family} `);
    }
    expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('shows them once per scrape however many servers the process runs, each server its own metrics beside them', async () => {
    const other = await createServer({ config: { production: false }, dataSource: db.dataSource });
    const otherUrl = await other.listen({ port: 0, host: '127.0.0.1' });
    try {
      await fetch(`${otherUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query CommuneHome { __typename }' }) });
      for (const text of [await scrape(otherUrl), await scrape()]) {
        expect(text.split('\n').filter((l) => l === '# TYPE nodejs_gc_duration_seconds histogram')).toHaveLength(1);
        expect(text.split('\n').filter((l) => l.startsWith('# TYPE lienthong_build_info '))).toHaveLength(1);
      }
      expect(sample(await scrape(otherUrl), 'lienthong_graphql_requests_total{operation="CommuneHome",outcome="ok"}')).toBe(1);
      expect(sample(await scrape(), 'lienthong_graphql_requests_total{operation="CommuneHome",outcome="ok"}')).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('says which build runs: the version in package.json, the Node.js, the hash of schema/schema.graphql', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const schema = createHash('sha256').update(readFileSync(join(ROOT, 'schema', 'schema.graphql'))).digest('hex').slice(0, 12);
    expect(sample(await scrape(), `lienthong_build_info{version="${version}",node="${process.version}",schema="${schema}"}`)).toBe(1);
  });

  it("reports the MySQL pool: its size, and connections lent, idle and waited for as they move", async () => {
    const series = (state: string) => `lienthong_mysql_pool_connections{pool="primary",state="${state}"}`;
    // The visit buffer's first flush (half a second after start) archives past days on a pooled
    // connection: let it finish, so the pool is at rest when the test starts.
    await app.visits.buffer.flush();
    const before = await scrape();
    expect(sample(before, 'lienthong_mysql_pool_max_connections{pool="primary"}')).toBe(POOL_SIZE);
    expect(sample(before, series('in_use'))).toBe(0);
    expect(sample(before, 'lienthong_mysql_pool_waiting_requests{pool="primary"}')).toBe(0);
    // Every connection lent (as to requests in flight), and one more asked for.
    const runners: QueryRunner[] = [];
    for (let i = 0; i < POOL_SIZE; i++) {
      const runner = db.dataSource.createQueryRunner();
      await runner.connect();
      runners.push(runner);
    }
    const waiting = db.dataSource.createQueryRunner();
    const waited = waiting.connect();
    try {
      const busy = await scrape();
      expect(sample(busy, series('in_use'))).toBe(POOL_SIZE);
      expect(sample(busy, series('idle'))).toBe(0);
      expect(sample(busy, 'lienthong_mysql_pool_waiting_requests{pool="primary"}')).toBe(1);
    } finally {
      for (const runner of runners) await runner.release();
      await waited;
      await waiting.release();
    }
    const after = await scrape();
    expect(sample(after, series('in_use'))).toBe(0);
    expect(sample(after, series('idle'))).toBe(POOL_SIZE);
  });
});

describe('the log', () => {
  /** The line of the request whose answer is `res`, found by its x-request-id or, without one, as the last request line. */
  const requestLines = () => logged().filter((l) => l.msg === 'request');
  const send = async (path: string, init: RequestInit = {}) => {
    const before = requestLines().length;
    const res = await fetch(`${url}${path}`, init);
    await res.text();
    // The line is written once the response is sent: give the hook its turn.
    await waitFor(`the request line of ${path}`, () => requestLines().length !== before, 5000);
    const lines = requestLines().slice(before);
    expect(lines).toHaveLength(1);
    return { res, line: lines[0] };
  };
  const post = (body: string, headers: Record<string, string> = {}) => send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('writes every line as JSON with an ISO 8601 time', async () => {
    await post(JSON.stringify({ query: '{ __typename }' }));
    expect(written.length).toBeGreaterThan(1);
    for (const line of logged()) expect(line.time).toMatch(ISO_TIME);
  });

  it('writes one line for a query: status, address, no key, duration, operation, SQL statements', async () => {
    const { res, line } = await post(JSON.stringify({ query: 'query CommuneHome { commune(code: "14620") { fullName district { fullName } } }' }));
    expect(line).toEqual({
      level: 30,
      time: expect.stringMatching(ISO_TIME),
      pid: process.pid,
      hostname: expect.any(String),
      msg: 'request',
      requestId: res.headers.get('x-request-id'),
      method: 'POST',
      path: '/graphql',
      status: 200,
      ip: '127.0.0.1',
      keyId: null,
      ms: expect.any(Number),
      operation: 'CommuneHome',
      type: 'query',
      sql: Number(res.headers.get('x-sql-statements')),
      errors: [],
    });
    expect(line.sql).toBeGreaterThan(0);
    expect(line.ms).toBeGreaterThan(0);
  });

  it("names a keyed mutation's key by its id, and never writes the key", async () => {
    const { key, record } = await createKeyRecord(db.dataSource, { role: 'admin', label: 'log test' });
    const start = written.length;
    const { line } = await post(JSON.stringify({ query: 'mutation { createSource(input: { name: "Nguồn nhật ký" }) { id } }' }), { authorization: `Bearer ${key}` });
    expect(line).toMatchObject({ status: 200, keyId: record.id, type: 'mutation', errors: [] });
    const secret = key.split('_')[2];
    for (const text of written.slice(start)) expect(text).not.toContain(secret);
  });

  it.each([
    ['a body over BODY_LIMIT', () => post(JSON.stringify({ query: '{ __typename }', padding: 'x'.repeat(3 * 1024 * 1024) })), 'POST', '/graphql', 413],
    ['malformed JSON', () => post('{"query": '), 'POST', '/graphql', 400],
    ['JSON nested too deep', () => post(JSON.stringify({ query: '{ __typename }', variables: { v: JSON.parse('['.repeat(100) + ']'.repeat(100)) } })), 'POST', '/graphql', 400],
    ['a method /graphql does not take', () => send('/graphql', { method: 'PUT' }), 'PUT', '/graphql', 405],
    ['a path we do not serve', () => send('/nowhere'), 'GET', '/nowhere', 404],
    ['a scrape without the token', () => send('/metrics'), 'GET', '/metrics', 401],
  ])('writes the line of a request refused before GraphQL: %s', async (_name, request, method, path, status) => {
    const { line } = await request();
    expect(line).toEqual({
      level: 30,
      time: expect.stringMatching(ISO_TIME),
      pid: process.pid,
      hostname: expect.any(String),
      msg: 'request',
      requestId: expect.any(String),
      method,
      path,
      status,
      ip: '127.0.0.1',
      keyId: null,
      ms: expect.any(Number),
    });
  });

  it('writes no query string, nor the secret of a key pasted into a path', async () => {
    const { line } = await send(`/graphql?query=${encodeURIComponent('{ __typename }')}&variables=${encodeURIComponent('{"password":"hunter2"}')}`);
    expect(line).toMatchObject({ method: 'GET', path: '/graphql', status: 200, type: 'query' });
    const secret = 'S'.repeat(43);
    const pasted = await send(`/api/lt_0123456789abcdef_${secret}?x=1`);
    expect(pasted.line.path).toBe('/api/lt_0123456789abcdef_…');
    expect(written.join('')).not.toMatch(/hunter2|SSSSSSSS/);
  });

  it("takes the client's address from X-Forwarded-For only through a trusted proxy", async () => {
    const { line } = await post(JSON.stringify({ query: '{ __typename }' }), { 'x-forwarded-for': '203.0.113.7' });
    expect(line.ip).toBe('127.0.0.1');
  });
});

describe('docs/grafana-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'docs', 'grafana-dashboard.json'), 'utf8'));
  type Panel = { title: string; type: string; targets?: { expr: string }[]; panels?: Panel[] };
  const panels = (list: Panel[]): Panel[] => list.flatMap((p) => [p, ...panels(p.panels ?? [])]);
  const expressions: string[] = [
    ...panels(dashboard.panels).flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...dashboard.templating.list.flatMap((v: { query?: unknown }) => (typeof v.query === 'string' ? [v.query] : [])),
  ];
  const named = new Set(expressions.flatMap((expr) => expr.match(/\b(?:lienthong|nodejs|process)_[A-Za-z0-9_]+/g) ?? []));

  it('imports with its Prometheus data source as a variable', () => {
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ type: 'datasource', query: 'prometheus' }));
    for (const panel of panels(dashboard.panels).filter((p) => p.type !== 'row')) {
      expect({ panel: panel.title, datasource: (panel as { datasource?: unknown }).datasource }).toEqual({ panel: panel.title, datasource: { type: 'prometheus', uid: '${datasource}' } });
    }
  });

  it('charts every metric /metrics exposes, and only those', async () => {
    const text = await scrape();
    const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => ({ name, type }));
    expect(families.length).toBeGreaterThan(40);
    // The series names a family's samples have (a histogram's _bucket, _sum and _count).
    const seriesOf = ({ name, type }: { name: string; type: string }) => (type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name]);
    const uncharted = families.filter((f) => !seriesOf(f).some((s) => named.has(s))).map((f) => f.name);
    expect(uncharted).toEqual([]);
    const exposed = new Set(families.flatMap(seriesOf));
    expect([...named].filter((name) => !exposed.has(name))).toEqual([]);
  });
});
