import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createClient } from '@redis/client';
import { seedDemoContent } from '../../seeds/demo';
import { openDatabase } from '../../src/db/database';
import { readDataBounds } from '../../src/plugins/dataBounds';
import { freePort } from '../helpers/gatewayProcess';
import { UPDATE_ARTICLE } from '../helpers/operations';
import { createTestDatabase, TestDatabase } from '../helpers/testDatabase';
import { serveTestDatabase, TestServer } from '../helpers/testServer';
import { createKey } from '../helpers/testEnvironment';
import { waitFor } from '../helpers/waitFor';

/**
 * Issue #30 (4): Redis restarted empty (a crash, a failover without persistence) must not stop
 * edits from reaching every gateway's caches, nor the data bounds from following them. A Redis of
 * this suite's own, on a free port, is killed and started again empty; the machine's Redis is not
 * touched. Gateway B has a pool of its own, as another process would.
 */
let port: number;
let redis: ChildProcess;
let db: TestDatabase;
let a: TestServer;
let b: TestServer;
let admin: string;
let articleId: string;

/** An empty Redis on `port`, once it accepts connections: nothing saved, nothing loaded. */
async function startRedis(): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('Ready to accept connections')) return;
      clearTimeout(timer);
      resolve();
    });
  });
  return child;
}

async function stopRedis(): Promise<void> {
  if (redis.exitCode !== null || redis.signalCode !== null) return;
  const exited = once(redis, 'exit');
  redis.kill('SIGKILL');
  await exited;
}

/** The connections Redis has open, with a client of the test's own that comes and goes. */
async function redisConnections(): Promise<{ clients: number; subscribers: number }> {
  const client = createClient({ url: `redis://127.0.0.1:${port}` });
  client.on('error', () => {});
  await client.connect();
  try {
    const list = String(await client.sendCommand(['CLIENT', 'LIST'])).trim().split('\n');
    return { clients: list.length - 1, subscribers: list.filter((line) => / sub=[1-9]/.test(line)).length };
  } finally {
    await client.quit();
  }
}

const title = async (server: TestServer) => (await server.gql(`{ article(id: "${articleId}") { title } }`)).data.article.title as string;

async function edit(input: Record<string, unknown>): Promise<void> {
  const res = await a.gqlWithKey(admin, UPDATE_ARTICLE, { id: articleId, input });
  expect(res.errors).toBeUndefined();
}

beforeAll(async () => {
  port = await freePort();
  redis = await startRedis();
  db = await createTestDatabase();
  await db.dataSource.transaction((m) => seedDemoContent(m));
  admin = await createKey(db.dataSource, { role: 'admin', label: 'redis restart test' });
  [{ id: articleId }] = await db.dataSource.query("SELECT CAST(id AS CHAR) AS id FROM articles WHERE origin_id = '14620' ORDER BY id LIMIT 1");
  const redisUrl = `redis://127.0.0.1:${port}`;
  a = await serveTestDatabase(db, { config: { redisUrl } });
  const pool = await openDatabase(db.url, 4);
  b = await serveTestDatabase({ url: db.url, dataSource: pool, drop: () => pool.destroy() }, { config: { redisUrl } });
}, 60_000);

afterAll(async () => {
  await b?.close();
  await a?.close();
  if (redis) await stopRedis();
});

describe('Redis restarted empty under two gateways (issue #30, 4)', () => {
  let connected: { clients: number; subscribers: number };

  it('shows an edit made through one gateway on the other', async () => {
    connected = await redisConnections();
    expect(connected.subscribers).toBe(2);
    await title(b); // kept by B
    await edit({ title: 'Phát Diệm lấy ý kiến lần một' });
    expect(await title(a)).toBe('Phát Diệm lấy ý kiến lần một');
    await waitFor('B to serve the first title', async () => (await title(b)) === 'Phát Diệm lấy ý kiến lần một', 5_000);
  });

  it("still shows the next edit on both once Redis is back empty, and the other gateway's data bounds follow it", async () => {
    await stopRedis();
    redis = await startRedis();
    // Both gateways back (each reconnects within about 2 s), and what they read kept afresh.
    await waitFor('both gateways to reconnect to Redis', async () => JSON.stringify(await redisConnections()) === JSON.stringify(connected), 10_000);
    expect(await title(a)).toBe('Phát Diệm lấy ý kiến lần một');
    expect(await title(b)).toBe('Phát Diệm lấy ý kiến lần một');

    const topics = Array.from({ length: 10 }, (_, i) => `Quy hoạch khu ${i + 1}`);
    await edit({ title: 'Phát Diệm lấy ý kiến lần hai', topics });
    expect(await title(a)).toBe('Phát Diệm lấy ý kiến lần hai');
    await waitFor('B to serve the second title', async () => (await title(b)) === 'Phát Diệm lấy ý kiến lần hai', 5_000);

    const exact = await readDataBounds(db.dataSource);
    expect(exact.topicsPerArticle).toBe(10);
    await waitFor('B to learn the new topics-per-article bound', () => b.app.dataBounds.current().topicsPerArticle >= 10, 5_000);
  });

  it('shows an edit made while Redis was down on the other gateway once it is back empty', async () => {
    await title(b);
    await stopRedis();
    await edit({ title: 'Phát Diệm lấy ý kiến lần ba' });
    expect(await title(a)).toBe('Phát Diệm lấy ý kiến lần ba');
    redis = await startRedis();
    await waitFor('B to serve the third title', async () => (await title(b)) === 'Phát Diệm lấy ý kiến lần ba', 10_000);
  });
});
