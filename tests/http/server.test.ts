import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FastifyInstance } from 'fastify';
import { Kind, parse } from 'graphql';
import { readVnAdminMaps } from '../../seeds/vnAdmin';
import { ConfigError, loadConfig } from '../../src/config';
import { DatabaseUnavailableError, openDatabase } from '../../src/db/database';
import { EXAMPLE_QUERY } from '../../src/exampleQuery';
import { KNOWN_OPERATIONS } from '../../src/plugins/metrics';
import { createServer } from '../../src/server';
import { GatewayProcess, printed, spawnGatewayProcess, startGatewayProcess } from '../helpers/gatewayProcess';
import { dropDatabase, throwawayDatabaseUrl } from '../helpers/testDatabase';
import { startTestServer, TestServer } from '../helpers/testServer';
import { waitFor } from '../helpers/waitFor';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('HTTP endpoints', () => {
  it('GET /healthz and /readyz answer ok while the database is reachable', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('GET /graphql from a browser opens Apollo Sandbox with the example portal query', async () => {
    const res = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('embeddable-sandbox');
    expect(html).toContain('CommuneHome');
  });

  it('answers queries over a plain GET too (no CSRF preflight header)', async () => {
    const query = encodeURIComponent('{ province(code: "37") { fullName } }');
    const res = await fetch(`${server.url}/graphql?query=${query}`);
    expect(await res.json()).toEqual({ data: { province: { fullName: 'Tỉnh Ninh Bình' } } });
  });

  it('keeps introspection on for Sandbox and code generators', async () => {
    const res = await server.gql('{ __schema { queryType { name } } }');
    expect(res.data.__schema.queryType.name).toBe('Query');
  });

  it('masks internal errors: no SQL, no table names, a request id to quote', async () => {
    // Break the database under the server: every feed statement now fails inside MySQL.
    await server.db.dataSource.query('RENAME TABLE publications TO publications_away');
    try {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ commune(code: "14620") { articles(history: false) { totalCount } } }' }),
      });
      const text = await res.text();
      const body = JSON.parse(text);
      expect(body.errors[0].message).toBe('Internal server error');
      expect(body.errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: res.headers.get('x-request-id') });
      expect(text).not.toMatch(/publications|select |ER_NO_SUCH|doesn.t exist|\.(ts|js):\d/i);
    } finally {
      await server.db.dataSource.query('RENAME TABLE publications_away TO publications');
    }
  });

  it('/readyz says 503 when the database is gone', async () => {
    const other = await startTestServer({ units: false });
    await other.db.dataSource.destroy();
    const res = await fetch(`${other.url}/readyz`);
    expect(res.status).toBe(503);
    await other.app.close();
    await other.db.drop();
  });
});

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({ port: 4000, databaseUrl: 'mysql://root@127.0.0.1:3306/lienthong', persistedQueryMaxBytes: 65536, metrics: { operations: [] } });
    expect(loadConfig({}).metrics.token).toBeUndefined();
  });

  it('reads the metrics settings', () => {
    expect(loadConfig({ METRICS_OPERATIONS: ' CommuneMenu,DistrictNews ,', METRICS_TOKEN: 'a'.repeat(32) }).metrics).toEqual({ operations: ['CommuneMenu', 'DistrictNews'], token: 'a'.repeat(32) });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be a whole number/],
    [{ DATABASE_URL: 'postgres://x@y/z' }, /DATABASE_URL must start with mysql:\/\//],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a URL/],
    [{ DATABASE_URL: 'mysql://root@127.0.0.1:3306/' }, /must name a database/],
    [{ DATABASE_URL: 'mysql://root@127.0.0.1:3306/a;drop' }, /must name a database/],
    [{ DATABASE_REPLICA_URLS: 'mysql://r@127.0.0.1:3307/lienthong,postgres://x@y/z' }, /DATABASE_REPLICA_URLS must start with mysql:\/\//],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL must start with redis:\/\/ or rediss:\/\//],
    [{ REDIS_URL: 'not a url' }, /REDIS_URL is not a URL/],
    [{ RESPONSE_CACHE: 'maybe' }, /RESPONSE_CACHE must be on or off/],
    [{ PERSISTED_QUERY_MAX_BYTES: '64k' }, /PERSISTED_QUERY_MAX_BYTES must be a whole number/],
    [{ METRICS_OPERATIONS: 'CommuneMenu, not-a-name' }, /METRICS_OPERATIONS must list GraphQL operation names/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN must be at least 16 characters/],
  ])('refuses %p with a clear message', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(ConfigError);
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });

  it('says in one line when MySQL cannot be reached', async () => {
    const error = await openDatabase('mysql://root@127.0.0.1:1/lienthong').catch((e) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.message).toMatch(/^cannot reach MySQL at 127\.0\.0\.1:1 as root \(ECONNREFUSED\)/);
    expect(error.message).not.toContain('\n');
  });
});

// NODE_ENV as an operator would have it (jest sets 'test', which changes Apollo's signal handling).
const START = { NODE_ENV: 'development', LOG_LEVEL: 'info' };

describe('npm start', () => {
  it('exits non-zero with one clear line when MySQL is unreachable', async () => {
    const p = await spawnGatewayProcess({ ...START, DATABASE_URL: 'mysql://root@127.0.0.1:1/lienthong' });
    expect(await p.exited).toBe(1);
    // One JSON line, as every line of the log.
    expect(p.err().trim().split('\n').map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ level: 60, msg: expect.stringMatching(/^cannot reach MySQL at 127\.0\.0\.1:1/) })]);
  });

  it('exits non-zero with one clear line when REDIS_URL is given but Redis is unreachable', async () => {
    const url = throwawayDatabaseUrl();
    try {
      const p = await spawnGatewayProcess({ ...START, DATABASE_URL: url, REDIS_URL: 'redis://127.0.0.1:1' });
      expect(await p.exited).toBe(1);
      expect(p.err().trim().split('\n').map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({ level: 60, msg: expect.stringMatching(/^cannot reach Redis at 127\.0\.0\.1:1 \(.*ECONNREFUSED.*\); is it running/) }),
      ]);
    } finally {
      await dropDatabase(url);
    }
  }, 180_000);

  it('creates, migrates and seeds a missing database, serves it, and stops cleanly on SIGTERM', async () => {
    const url = throwawayDatabaseUrl();
    let p: GatewayProcess | undefined;
    try {
      p = await startGatewayProcess({ ...START, DATABASE_URL: url });
      await printed(p, 'serves GraphQL');
      const maps = readVnAdminMaps();
      expect(p.out()).toContain(`loaded both administrative maps: ${maps.units.length} units and ${maps.successions.length} successions`);
      expect(p.out()).toMatch(/seeded \d+ demo articles/);
      // Startup lines are JSON lines of the log like all others.
      for (const line of p.out().trim().split('\n')) expect(JSON.parse(line).time).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
      const res = await fetch(`${p.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ commune(code: "14620") { articles(first: 1) { totalCount } } }' }),
      });
      const body = (await res.json()) as any;
      expect(body.data.commune.articles.totalCount).toBeGreaterThan(0);
      expect(await p.stop()).toBe(0);
      // A second start on the same database migrates nothing and seeds nothing.
      await openDatabase(url).then((ds) => ds.destroy());
      const again = await startGatewayProcess({ ...START, DATABASE_URL: url });
      await printed(again, 'serves GraphQL');
      expect(again.out()).not.toMatch(/seeded|administrative maps/);
      expect(await again.stop()).toBe(0);
    } finally {
      p?.child.kill('SIGKILL');
      await dropDatabase(url);
    }
  });
});

describe('request log', () => {
  it('writes one JSON line per GraphQL request with its id, operation, duration and SQL statements (tests/http/operatorView.test.ts has the rest)', async () => {
    const lines: any[] = [];
    const stream = { write: (line: string) => void lines.push(JSON.parse(line)) };
    const { createServer } = await import('../../src/server');
    const app = await createServer({ config: { production: false }, dataSource: server.db.dataSource, logger: { level: 'info', stream } });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query Home { commune(code: "14620") { fullName district { fullName } } }', operationName: 'Home' }),
      });
      await res.text();
      // The line is written once the response is sent, which may be just after the client has it.
      const written = (n: number) => waitFor(`${n} request log line(s)`, () => lines.filter((l) => l.msg === 'request').length >= n, 5000);
      await written(1);
      const logged = lines.filter((l) => l.msg === 'request');
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ requestId: res.headers.get('x-request-id'), operation: 'Home', type: 'query', sql: Number(res.headers.get('x-sql-statements')), errors: [] });
      expect(logged[0].ms).toBeGreaterThan(0);
      expect(lines.filter((l) => l.msg === 'incoming request')).toEqual([]);

      // Any name is logged (logs are no label space), cut to a sane length.
      const long = `Q${'x'.repeat(10_000)}`;
      await (await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `query ${long} { __typename }` }) })).text();
      await written(2);
      expect(lines.filter((l) => l.msg === 'request').map((l) => l.operation)).toEqual(['Home', long.slice(0, 100)]);
    } finally {
      await app.close();
    }
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text: requests by operation and outcome, latency, SQL per request, buffered visits', async () => {
    await server.gql('query CommuneHome { commune(code: "14620") { fullName } }');
    await server.gql('query Broken { commune(code: "14620") { articles(first: 1000) { totalCount } } }');
    await server.gql('{ __typename }');
    await server.gql('mutation Visit { recordVisit(unitCode: "14620", visitorId: "metrics-test") }');
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/lienthong_graphql_requests_total\{operation="CommuneHome",outcome="ok"\} 1/);
    // A name the gateway does not know is (other); no name is (anonymous).
    expect(text).toMatch(/lienthong_graphql_requests_total\{operation="\(other\)",outcome="BAD_USER_INPUT"\} 1/);
    expect(text).toMatch(/lienthong_graphql_requests_total\{operation="\(anonymous\)",outcome="ok"\} \d+/);
    expect(text).toMatch(/lienthong_graphql_requests_total\{operation="Visit",outcome="ok"\} 1/);
    expect(text).not.toContain('Broken');
    expect(text).toMatch(/lienthong_graphql_request_duration_seconds_count\{operation="CommuneHome"\} 1/);
    expect(text).toMatch(/lienthong_sql_statements_per_request_count \d+/);
    expect(text).toMatch(/lienthong_visits_buffered \d+/);
  });

  it('knows the operations of the contract scenarios and of the syndicate job by name', () => {
    const root = join(__dirname, '..', '..');
    const namesIn = (text: string) =>
      parse(text).definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : []));
    const files = (dir: string) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.graphql')).map((f) => readFileSync(join(root, dir, f), 'utf8'));
    const recordVisit = /'(mutation [^']+)'/.exec(readFileSync(join(root, 'scripts', 'bench', 'recordVisit.ts'), 'utf8'))![1];
    const documents = [...files('tests/operations'), ...files('src/jobs/operations'), EXAMPLE_QUERY, recordVisit];
    expect([...KNOWN_OPERATIONS].sort()).toEqual([...new Set(documents.flatMap(namesIn))].sort());
  });

  describe('that no caller can flood', () => {
    const TOKEN = 'scrape-token-0123456789abcdef';
    let app: FastifyInstance;
    let url: string;
    beforeAll(async () => {
      app = await createServer({ config: { production: false, metrics: { operations: ['PortalMenu'], token: TOKEN } }, dataSource: server.db.dataSource });
      url = await app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(() => app.close());
    const query = (text: string) => fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) }).then((r) => r.text());
    const scrape = (authorization?: string) => fetch(`${url}/metrics`, { headers: authorization ? { authorization } : {} });

    it('labels only known and configured names: 505 invented ones add no series, and CommuneHome keeps its own', async () => {
      for (let i = 0; i < 505; i++) await query(`query Invented${i} { __typename }`);
      await query('query CommuneHome { __typename }');
      await query('query PortalMenu { __typename }');
      const text = await (await scrape(`Bearer ${TOKEN}`)).text();
      expect(text).not.toMatch(/Invented/);
      expect(text).toMatch(/lienthong_graphql_requests_total\{operation="CommuneHome",outcome="ok"\} 1\n/);
      expect(text).toMatch(/lienthong_graphql_requests_total\{operation="PortalMenu",outcome="ok"\} 1\n/);
      expect(text).toMatch(/lienthong_graphql_requests_total\{operation="\(other\)",outcome="ok"\} 505\n/);
      // Three operations' series (one outcome, 11 buckets + sum + count each): well under a hundred lines of them.
      expect(text.split('\n').filter((l) => l.startsWith('lienthong_graphql_')).length).toBeLessThan(60);
    });

    it('asks for METRICS_TOKEN when one is set: 401 without it or with another', async () => {
      for (const authorization of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN]) {
        const res = await scrape(authorization);
        expect({ authorization, status: res.status }).toEqual({ authorization, status: 401 });
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
        expect(await res.text()).not.toContain('lienthong_');
      }
      const ok = await scrape(`Bearer ${TOKEN}`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('lienthong_graphql_requests_total');
    });
  });
});
