import { once } from 'node:events';
import { request } from 'node:http';
import { connect, Socket } from 'node:net';
import { FastifyInstance } from 'fastify';
import mysql from 'mysql2/promise';
import { seedDemoContent } from '../../seeds/demo';
import { ConfigError, loadConfig } from '../../src/config';
import { ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from '../../src/plugins/connections';
import { createServer } from '../../src/server';
import { startGatewayProcess } from '../helpers/gatewayProcess';
import { RECORD_VISIT } from '../helpers/operations';
import { connectToDatabase, createTestDatabase, TestDatabase } from '../helpers/testDatabase';
import { waitFor } from '../helpers/waitFor';

/**
 * Slow and numerous clients (plugins/connections.ts): a request that does not arrive in time is cut
 * while others are answered, one address cannot hold more than its share of connections nor all
 * together more than the total, and after SIGTERM the drain ends at its deadline, cutting clients
 * still sending while requests received in full are executed, answered and their visits stored.
 *
 * Every test connection comes from the loopback: Linux answers on all of 127.0.0.0/8, so a client
 * binding 127.0.0.2 is another address to the gateway.
 */

/** A search: it reads the search index, which a test locks to hold the request in execution. */
const SEARCH = '{ articles(filter: { search: "cai cach" }, first: 10) { nodes { id } } }';
/** Request headers announcing a body of 1,000 bytes, and the first 30 of them. */
const HALF_BODY = `POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query":"{ __typename }","x":"`;

let db: TestDatabase;
/** The test's own MySQL connection: locks the search index, reads PROCESSLIST. */
let side: mysql.Connection;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.transaction((m) => seedDemoContent(m));
  side = await connectToDatabase(db.url);
}, 180_000);
afterAll(async () => {
  await side?.end();
  await db?.drop();
});

/** A gateway in this process with `connections` as its limits; no response cache, so every search reaches MySQL. */
async function serve(connections: ConnectionLimits, more: { trustProxy?: string[]; flushIntervalMs?: number } = {}): Promise<{ app: FastifyInstance; port: number }> {
  const app = await createServer({
    config: { production: false, responseCache: false, connections, trustProxy: more.trustProxy ?? false, requestTimeouts: { queryMs: 60_000, mutationMs: 60_000 } },
    dataSource: db.dataSource,
    visits: more.flushIntervalMs ? { buffer: { flushIntervalMs: more.flushIntervalMs } } : undefined,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.server.address() as { port: number }).port };
}

/** Fails naming `what` if `promise` has not settled within `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

interface RawClient {
  socket: Socket;
  /** What the server has sent so far. */
  received(): string;
  /** Resolves when the connection has closed, with the milliseconds since it was opened. */
  closed: Promise<number>;
}

/** A raw TCP connection from `localAddress`, which sends `first` once connected. */
async function openRaw(port: number, localAddress: string, first = ''): Promise<RawClient> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => (received += chunk));
  // A refused connection may be reset: its 'close' is what the tests wait for.
  socket.on('error', () => {});
  const openedAt = performance.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - openedAt)));
  await once(socket, 'connect');
  if (first) socket.write(first);
  return { socket, received: () => received, closed };
}

/** A keep-alive connection that has been answered once (so the gateway has accepted it) and stays open. */
async function heldOpen(port: number, localAddress: string): Promise<RawClient> {
  const client = await openRaw(port, localAddress, 'GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n');
  const answered = new Promise<void>((resolve, reject) => {
    const check = () => client.received().includes('{"status":"ok"}') && resolve();
    client.socket.on('data', check);
    void client.closed.then(() => reject(new Error(`connection from ${localAddress} closed before its answer: ${JSON.stringify(client.received())}`)));
  });
  await within(10_000, `the answer on a connection from ${localAddress}`, answered);
  return client;
}

/**
 * A client that, once answered (so the gateway has accepted its connection, not left it in the
 * kernel's queue), sends a request whose body comes a byte every 100 ms and never ends.
 */
async function trickling(port: number): Promise<RawClient> {
  const client = await heldOpen(port, '127.0.0.1');
  client.socket.write(HALF_BODY);
  const timer = setInterval(() => client.socket.writable && client.socket.write('x'), 100);
  void client.closed.then(() => clearInterval(timer));
  return client;
}

/** One request on a connection of its own (no keep-alive), from `localAddress`. */
function send(port: number, { path = '/graphql', body, localAddress = '127.0.0.1' }: { path?: string; body?: unknown; localAddress?: string }): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port, path, localAddress, agent: false, method: payload ? 'POST' : 'GET', headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The search requests MySQL is running now (waiting on the locked index). */
async function searchesInMySql(): Promise<number> {
  const [rows] = (await side.query(
    "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND COMMAND = 'Query' AND ID <> CONNECTION_ID() AND INFO LIKE '%article_search%'",
  )) as any;
  return Number(rows[0].n);
}

/** A search sent while the index is locked, once MySQL runs it (it then waits for the lock): its answer to come. */
async function searchHeldInMySql(port: number): Promise<{ answer: ReturnType<typeof send> }> {
  await side.query('LOCK TABLES article_search WRITE');
  const answer = send(port, { body: { query: SEARCH } });
  await waitFor('the search to wait on the locked index', async () => (await searchesInMySql()) === 1);
  return { answer };
}

/** Every unit's own visits, as MySQL has them. */
async function storedVisits(): Promise<number> {
  const [row] = await db.dataSource.query('SELECT (SELECT COALESCE(SUM(own), 0) FROM visit_totals) + (SELECT COALESCE(SUM(own), 0) FROM visit_days_recent) AS n');
  return Number(row.n);
}

let visitors = 0;
const recordVisit = (port: number) => send(port, { body: { query: RECORD_VISIT, variables: { unitCode: '14620', visitorId: `connections-${visitors++}` } } });

describe('request timeouts', () => {
  const LIMITS: ConnectionLimits = { headersTimeoutMs: 500, bodyTimeoutMs: 1500, maxConnections: 100, maxPerAddress: 100, drainTimeoutMs: 1000 };
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => ({ app, port } = await serve(LIMITS)));
  afterAll(async () => {
    await side.query('UNLOCK TABLES');
    await app?.close();
  });

  it('cuts requests whose headers or body do not arrive in time (408), answers others meanwhile, and never cuts one being executed', async () => {
    const halfHeaders = await openRaw(port, '127.0.0.1', 'POST /graphql HTTP/1.1\r\nHost: gw\r\n');
    const halfBody = await openRaw(port, '127.0.0.1', HALF_BODY);
    const slowBody = await trickling(port);
    const { answer: search } = await searchHeldInMySql(port);

    const normal = await send(port, { body: { query: '{ provinces { code } }' } });
    expect(normal.status).toBe(200);
    expect(normal.body.data.provinces.length).toBeGreaterThan(0);

    const headersCut = await within(10_000, 'half headers cut', halfHeaders.closed);
    expect(headersCut).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - 50);
    for (const client of [halfBody, slowBody]) {
      const cut = await within(10_000, 'half body cut', client.closed);
      expect(cut).toBeGreaterThanOrEqual(LIMITS.bodyTimeoutMs - 50);
    }
    // (slowBody's connection answered a request before: its last answer is the 408)
    for (const client of [halfHeaders, halfBody, slowBody]) expect(client.received().split('HTTP/1.1 ').pop()).toMatch(/^408 /);

    // Received in full before both timeouts passed, the search is still waiting for MySQL: not cut.
    expect(await searchesInMySql()).toBe(1);
    await side.query('UNLOCK TABLES');
    const answer = await within(10_000, 'the search', search);
    expect(answer.status).toBe(200);
    expect(answer.body.data.articles.nodes).toEqual(expect.any(Array));
  }, 180_000);
});

describe('connections per address and in all', () => {
  const LIMITS: ConnectionLimits = { headersTimeoutMs: 30_000, bodyTimeoutMs: 30_000, maxConnections: 8, maxPerAddress: 3, drainTimeoutMs: 1000 };
  let app: FastifyInstance;
  let port: number;
  const held: RawClient[] = [];
  beforeAll(async () => ({ app, port } = await serve(LIMITS, { trustProxy: ['127.0.0.5'] })));
  afterAll(async () => {
    for (const client of held) client.socket.destroy();
    await app?.close();
  });
  const refused = async (localAddress: string) => {
    const client = await openRaw(port, localAddress, 'GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n');
    await within(10_000, `a connection from ${localAddress} over the bound closed`, client.closed);
    expect(client.received()).toBe('');
  };

  it('closes a connection beyond CONNECTIONS_PER_ADDRESS at once; other addresses, and a proxy of TRUST_PROXY, still connect', async () => {
    for (let i = 0; i < LIMITS.maxPerAddress; i++) held.push(await heldOpen(port, '127.0.0.1'));
    await refused('127.0.0.1');
    expect((await send(port, { path: '/healthz', localAddress: '127.0.0.2' })).body).toEqual({ status: 'ok' });

    // A proxy carries many clients: it is held only by the total (3 + 4 = 7 of 8 now).
    for (let i = 0; i < LIMITS.maxPerAddress + 1; i++) held.push(await heldOpen(port, '127.0.0.5'));

    // A connection that ends gives its place back.
    const gone = held.shift()!;
    gone.socket.destroy();
    await waitFor('the gateway to see the connection closed', async () => (await new Promise<number>((resolve) => app.server.getConnections((_, n) => resolve(n)))) === 6);
    held.push(await heldOpen(port, '127.0.0.1'));
  }, 180_000);

  it('closes a connection beyond CONNECTIONS_MAX at once, whatever its address', async () => {
    held.push(await heldOpen(port, '127.0.0.3'));
    expect(held.length).toBe(LIMITS.maxConnections);
    await refused('127.0.0.4');
  }, 180_000);
});

describe('the drain after app.close()', () => {
  const LIMITS: ConnectionLimits = { headersTimeoutMs: 30_000, bodyTimeoutMs: 60_000, maxConnections: 100, maxPerAddress: 100, drainTimeoutMs: 1500 };

  it('cuts clients still sending at DRAIN_TIMEOUT_MS, answers the request being executed, then flushes the visits it accepted', async () => {
    // Flushed only by close: the visit below is in MySQL only if the drain ends with the flush.
    const { app, port } = await serve(LIMITS, { flushIntervalMs: 3_600_000 });
    const before = await storedVisits();
    expect((await recordVisit(port)).body).toEqual({ data: { recordVisit: true } });
    const idle = await heldOpen(port, '127.0.0.1');
    const slow = await trickling(port);
    const { answer: search } = await searchHeldInMySql(port);
    let answered = false;
    void search.then(() => (answered = true));

    const signalledAt = performance.now();
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    // An idle connection closes at once; one still sending is cut at the deadline, not before.
    await within(5_000, 'the idle connection closed', idle.closed);
    await within(LIMITS.drainTimeoutMs + 10_000, 'the slow client cut', slow.closed);
    expect(performance.now() - signalledAt).toBeGreaterThanOrEqual(LIMITS.drainTimeoutMs - 50);
    expect({ answered, closed }).toEqual({ answered: false, closed: false });

    await side.query('UNLOCK TABLES');
    const answer = await within(10_000, 'the search', search);
    expect(answer.status).toBe(200);
    expect(answer.body.data.articles.nodes).toEqual(expect.any(Array));
    expect(answer.headers.connection).toBe('close');
    await within(10_000, 'app.close()', closing);
    expect(await storedVisits()).toBe(before + 1);
  }, 180_000);
});

describe('SIGTERM with slow clients attached (the real process)', () => {
  const DRAIN_MS = 2000;

  it(`exits 0 within DRAIN_TIMEOUT_MS (${DRAIN_MS} ms) of the signal, its slow clients cut, and stores the visit it accepted before`, async () => {
    // The timeouts far beyond the drain: the drain is what ends these clients.
    const gateway = await startGatewayProcess({ DATABASE_URL: db.url, LOG_LEVEL: 'warn', DRAIN_TIMEOUT_MS: String(DRAIN_MS), HEADERS_TIMEOUT_MS: '60000', BODY_TIMEOUT_MS: '120000' });
    try {
      const before = await storedVisits();
      expect((await recordVisit(gateway.port)).body).toEqual({ data: { recordVisit: true } });
      const slow = await Promise.all(Array.from({ length: 5 }, () => trickling(gateway.port)));

      const signalledAt = performance.now();
      gateway.child.kill('SIGTERM');
      const code = await within(DRAIN_MS + 15_000, 'the process to exit', gateway.exited);
      const exitMs = performance.now() - signalledAt;
      expect(code).toBe(0);
      expect(exitMs).toBeGreaterThanOrEqual(DRAIN_MS - 50);
      // The deadline, then the flush and the pools' closing (seconds on a loaded machine; 180 s and more before).
      expect(exitMs).toBeLessThan(DRAIN_MS + 5_000);
      for (const client of slow) await within(1000, 'a slow client cut', client.closed);
      expect(gateway.out() + gateway.err()).not.toMatch(/"level":(50|60)/);
      expect(await storedVisits()).toBe(before + 1);
    } finally {
      await gateway.stop();
    }
  }, 180_000);
});

describe('settings', () => {
  it('reads HEADERS_TIMEOUT_MS, BODY_TIMEOUT_MS, CONNECTIONS_MAX, CONNECTIONS_PER_ADDRESS and DRAIN_TIMEOUT_MS', () => {
    expect(loadConfig({}).connections).toEqual(DEFAULT_CONNECTION_LIMITS);
    const env = { HEADERS_TIMEOUT_MS: '2000', BODY_TIMEOUT_MS: '5000', CONNECTIONS_MAX: '50', CONNECTIONS_PER_ADDRESS: '5', DRAIN_TIMEOUT_MS: '0' };
    expect(loadConfig(env).connections).toEqual({ headersTimeoutMs: 2000, bodyTimeoutMs: 5000, maxConnections: 50, maxPerAddress: 5, drainTimeoutMs: 0 });
  });

  it.each([
    [{ HEADERS_TIMEOUT_MS: '20000', BODY_TIMEOUT_MS: '10000' }, /HEADERS_TIMEOUT_MS \(20000\) must not exceed BODY_TIMEOUT_MS \(10000\)/],
    [{ CONNECTIONS_PER_ADDRESS: '0' }, /CONNECTIONS_PER_ADDRESS must be a whole number from 1/],
    [{ DRAIN_TIMEOUT_MS: '10s' }, /DRAIN_TIMEOUT_MS must be a whole number/],
  ])('refuses %j in one line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
