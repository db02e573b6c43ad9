import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FastifyInstance } from 'fastify';
import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { seedUnits } from '../../seeds/units';
import { openDatabase } from '../../src/db/database';
import { requestDatabase } from '../../src/db/requestDatabase';
import { Source } from '../../src/modules/sources/source.entity';
import { PRIMARY_AFTER_CHANGE_MS } from '../../src/plugins/readReplica';
import { createServer } from '../../src/server';
import { freePort } from '../helpers/gatewayProcess';
import { createKey } from '../helpers/testEnvironment';

/**
 * DATABASE_REPLICA_URLS against a real MariaDB primary and replica (scripts/replica-pair.sh): the
 * replica's SQL thread is stopped to make it visibly stale, so what a request sees says where it read.
 */
const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'replica-pair.sh');
const run = promisify(execFile);

let pairDir: string;
let pairEnv: NodeJS.ProcessEnv;
let primaryUrl: string;
let replicaUrl: string;
/** root on each server, for the test's own checks and for STOP/START SLAVE. */
let primaryAdmin: mysql.Connection;
let replicaAdmin: mysql.Connection;
/** The primary alone: migrations, seeds, keys, as the commands use it. */
let primary: DataSource;
/** The gateway's: the primary plus the replica. */
let gateway: DataSource;
let app: FastifyInstance;
let url: string;
let editorKey: string;

function rootConnection(databaseUrl: string): Promise<mysql.Connection> {
  const u = new URL(databaseUrl);
  return mysql.createConnection({ host: u.hostname, port: Number(u.port), user: 'root', database: u.pathname.slice(1) });
}

/**
 * Waits until the replica has applied everything the primary has logged: MariaDB's GTID position,
 * or MySQL's GTID set (the MySQL branch is written from the 8.4 manual, not run here).
 */
async function caughtUp(): Promise<void> {
  const [[{ version }]] = (await primaryAdmin.query('SELECT VERSION() AS version')) as any;
  const mariadb = String(version).includes('MariaDB');
  const [[{ position }]] = (await primaryAdmin.query(mariadb ? 'SELECT @@gtid_binlog_pos AS position' : 'SELECT @@GLOBAL.gtid_executed AS position')) as any;
  const wait = mariadb ? 'SELECT MASTER_GTID_WAIT(?, 20) AS reached' : 'SELECT WAIT_FOR_EXECUTED_GTID_SET(?, 20) AS reached';
  const [[{ reached }]] = (await replicaAdmin.query(wait, [position])) as any;
  if (Number(reached) !== 0) throw new Error(`the replica did not reach the primary's position ${position} within 20 s`);
}

/** SELECT statements each server has run for clients (applying replicated rows runs none). */
async function selects(): Promise<{ primary: number; replica: number }> {
  const read = async (conn: mysql.Connection) => Number(((await conn.query("SHOW GLOBAL STATUS LIKE 'Com_select'")) as any)[0][0].Value);
  return { primary: await read(primaryAdmin), replica: await read(replicaAdmin) };
}

async function gql(query: string, variables: Record<string, unknown> = {}, key?: string): Promise<{ data?: any; errors?: any[]; statements: number }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: any[] };
  return { ...body, statements: Number(res.headers.get('x-sql-statements')) };
}

beforeAll(async () => {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'lt-replicas-'));
  pairDir = path.join(parent, 'pair');
  pairEnv = { ...process.env, REPLICA_PAIR_DIR: pairDir, PRIMARY_PORT: String(await freePort()), REPLICA_PORT: String(await freePort()) };
  let stdout: string;
  try {
    ({ stdout } = await run('bash', [SCRIPT, 'start'], { env: pairEnv, timeout: 45_000 }));
  } catch (e) {
    const { stderr, message } = e as { stderr?: string; message: string };
    throw new Error(`scripts/replica-pair.sh start could not start a MariaDB primary and replica: ${stderr?.trim() || message}`);
  }
  const printed = Object.fromEntries(stdout.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));
  primaryUrl = printed.DATABASE_URL;
  replicaUrl = printed.DATABASE_REPLICA_URLS;
  expect(primaryUrl).toMatch(/^mysql:\/\/root@127\.0\.0\.1:\d+\/lienthong$/);
  expect(replicaUrl).toMatch(/^mysql:\/\/lienthong_reader@127\.0\.0\.1:\d+\/lienthong$/);

  primary = await openDatabase(primaryUrl, 4);
  await primary.transaction((m) => seedUnits(m));
  editorKey = await createKey(primary, { role: 'editor', unitCode: '14620', label: 'replicas test' });
  primaryAdmin = await rootConnection(primaryUrl);
  replicaAdmin = await rootConnection(replicaUrl);
  await caughtUp();

  // As main.ts opens it (the migrations have run: nothing to do).
  gateway = await openDatabase(primaryUrl, 4, [replicaUrl]);
  // Flushes only when the test says, so it knows which visits are where.
  app = await createServer({ config: { production: false }, dataSource: gateway, visits: { buffer: { flushIntervalMs: 3_600_000 } } });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);

afterAll(async () => {
  jest.restoreAllMocks();
  await app?.close();
  if (gateway?.isInitialized) await gateway.destroy();
  if (primary?.isInitialized) await primary.destroy();
  await primaryAdmin?.end();
  await replicaAdmin?.end();
  // Also after a start that failed half-way: stop is a no-op when nothing is there.
  if (pairDir) {
    await run('bash', [SCRIPT, 'stop'], { env: pairEnv, timeout: 45_000 });
    await rm(path.dirname(pairDir), { recursive: true, force: true });
  }
}, 60_000);

describe('read replicas', () => {
  it('replicates the migrated and seeded database', async () => {
    const count = async (conn: mysql.Connection, table: string) => Number(((await conn.query(`SELECT COUNT(*) AS n FROM ${table}`)) as any)[0][0].n);
    for (const table of ['migrations', 'units', 'unit_closure', 'unit_successions', 'unit_history', 'history_feed', 'api_keys']) {
      expect(await count(replicaAdmin, table)).toBe(await count(primaryAdmin, table));
    }
    expect(await count(replicaAdmin, 'units')).toBeGreaterThan(11_000);
  });

  it('lets the gateway only read on the replica: it is read_only and its user may only SELECT', async () => {
    const u = new URL(replicaUrl);
    const reader = await mysql.createConnection({ host: u.hostname, port: Number(u.port), user: u.username, database: 'lienthong' });
    try {
      await expect(reader.query("INSERT INTO sources (name, created_at) VALUES ('x', NOW())")).rejects.toThrow(/read-only|denied/);
      await expect(replicaAdmin.query('SELECT @@read_only AS ro')).resolves.toEqual([[{ ro: 1 }], expect.anything()]);
    } finally {
      await reader.end();
    }
  });

  it('sends queries to the replica; a key holder is authenticated on the primary first', async () => {
    const before = await selects();
    const res = await gql('{ commune(code: "14620") { fullName articles(first: 3) { totalCount } } }', {}, editorKey);
    expect(res.errors).toBeUndefined();
    // 14620 today: Xã Phát Diệm (from 2025-07-01), the unit the editor key was made for.
    expect(res.data.commune.fullName).toBe('Xã Phát Diệm');
    const after = await selects();
    // The key is looked up (and its first use written) on the primary; all the rest on the replica.
    expect(after.primary - before.primary).toBe(1);
    expect(after.replica - before.replica).toBe(res.statements - 2);
    const [[{ used }]] = (await primaryAdmin.query('SELECT last_used_at IS NOT NULL AS used FROM api_keys')) as any;
    expect(Number(used)).toBe(1);
  });

  it('writes and answers mutations on the primary, while queries read the replica as it stands', async () => {
    await replicaAdmin.query('STOP SLAVE SQL_THREAD');
    try {
      let before = await selects();
      const created = await gql(
        `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id title origin { fullName } publications { unit { code } } } }`,
        { input: { originCode: '14620', title: 'Phát Diệm khai trương thư viện số', body: '<p>Nội dung.</p>', publishedAt: '2024-01-01T08:00:00+07:00' } },
        editorKey,
      );
      expect(created.errors).toBeUndefined();
      // Its answer is the article as written: the replica does not have it, so it came from the primary.
      expect(created.data.createArticle).toMatchObject({ title: 'Phát Diệm khai trương thư viện số', origin: { fullName: 'Xã Phát Diệm' }, publications: [{ unit: { code: '14620' } }] });
      const id = created.data.createArticle.id;
      expect((await selects()).replica).toBe(before.replica);
      expect(((await replicaAdmin.query('SELECT COUNT(*) AS n FROM articles WHERE id = ?', [id])) as any)[0][0].n).toBe(0);

      const ARTICLE = 'query($id: ID!) { article(id: $id) { title } }';
      // Right after a content change, queries read the primary: caches refill with the change.
      before = await selects();
      expect((await gql(ARTICLE, { id }, editorKey)).data.article).toEqual({ title: 'Phát Diệm khai trương thư viện số' });
      expect((await selects()).replica).toBe(before.replica);

      // PRIMARY_AFTER_CHANGE_MS later by the process's time (Date.now, which readReplica.ts goes
      // by), moved on rather than waited for; it stays moved on (time never goes back).
      const realNow = Date.now.bind(Date);
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + PRIMARY_AFTER_CHANGE_MS + 100);
      // Then from the replica, stale as it is: for key holders and the public alike.
      expect((await gql(ARTICLE, { id }, editorKey)).data.article).toBeNull();
      expect((await gql(ARTICLE, { id })).data.article).toBeNull();
      const feed = await gql('{ articles(unit: "14620", scope: UNIT) { totalCount nodes { id } } }', {}, editorKey);
      expect(feed.data.articles).toEqual({ totalCount: 0, nodes: [] });

      // A SELECT query builder (sources: a repository's find) follows the request too; outside
      // requests it reads the primary.
      await primaryAdmin.query("INSERT INTO sources (name, created_at) VALUES ('Báo Ninh Bình', NOW())");
      expect((await gql('{ sources { name } }')).data.sources).toEqual([]);
      expect((await gateway.getRepository(Source).find()).map((s) => s.name)).toEqual(['Báo Ninh Bình']);
      expect(await gateway.query('SELECT title FROM articles WHERE id = ?', [id])).toEqual([{ title: 'Phát Diệm khai trương thư viện số' }]);

      await replicaAdmin.query('START SLAVE SQL_THREAD');
      await caughtUp();
      expect((await gql(ARTICLE, { id }, editorKey)).data.article).toEqual({ title: 'Phát Diệm khai trương thư viện số' });
      expect((await gql('{ articles(unit: "14620", scope: UNIT) { totalCount } }', {}, editorKey)).data.articles.totalCount).toBe(1);
    } finally {
      await replicaAdmin.query('START SLAVE SQL_THREAD');
    }
  });

  it('keeps anything but reads on the primary, even in a query\'s request', async () => {
    const inQuery = requestDatabase(gateway, { statements: 0, readsFromReplica: true });
    // The replica would refuse it (read_only, SELECT only).
    await inQuery.query("INSERT INTO sources (name, created_at) VALUES ('Báo Hà Nội mới', NOW())");
    expect(await primaryAdmin.query("SELECT name FROM sources WHERE name = 'Báo Hà Nội mới'").then(([rows]) => rows)).toEqual([{ name: 'Báo Hà Nội mới' }]);
    await inQuery.transaction((m) => m.query("UPDATE sources SET url = 'https://hanoimoi.vn' WHERE name = 'Báo Hà Nội mới'"));
  });

  it('counts visits on the primary and reads them from the replica, never twice', async () => {
    const VISITS = '{ commune(code: "14620") { visits { total } } }';
    const record = await gql('mutation { recordVisit(unitCode: "14620", visitorId: "replica-reader") }');
    expect(record.data.recordVisit).toBe(true);
    // Buffered: every read adds it.
    const buffered = await gql(VISITS);
    expect(buffered.errors).toBeUndefined();
    expect(buffered.data.commune.visits.total).toBe(1);
    await app.visits.buffer.flush();
    expect(app.visits.buffer.stats).toMatchObject({ flushes: 1, failedFlushes: 0 });
    await caughtUp();
    expect((await gql(VISITS)).data.commune.visits.total).toBe(1);
  });

  it('reads from the primary while a replica cannot be reached', async () => {
    const unreachable = new URL(replicaUrl);
    unreachable.port = String(await freePort());
    const ds = createDataSource({ databaseUrl: primaryUrl, replicaUrls: [unreachable.toString()], poolSize: 2 });
    await ds.initialize();
    const warn = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const rows = await requestDatabase(ds, { statements: 0, readsFromReplica: true }).query('SELECT COUNT(*) AS n FROM units');
      expect(Number(rows[0].n)).toBeGreaterThan(11_000);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^\[replication\] cannot reach a read replica \(ECONNREFUSED\)/));
    } finally {
      warn.mockRestore();
      await ds.destroy();
    }
  });
});
