import { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { startGatewayProcess } from '../helpers/gatewayProcess';
import { RECORD_VISIT } from '../helpers/operations';
import { createTestDatabase, TestDatabase } from '../helpers/testDatabase';

/**
 * SIGTERM under load, on the real process (`node dist/src/main.js`, built by `npm test`): requests
 * in flight are answered in full, the process exits 0 soon after, and every visit it answered
 * `true` for is in MySQL.
 */

/** Requests kept in flight at once. */
const CONCURRENCY = 120;
/** Load before the signal: every worker has had this many answers, and is waiting for its next. */
const ROUNDS_BEFORE_SIGNAL = 5;
/**
 * "Sent before the signal" = written at least this long before it. One written just before it may
 * still sit unread in its socket when the server stops listening: it is then refused (Fastify's 503
 * while closing, or the idle connection closed), like one sent after the signal, never half-answered.
 */
const READ_MARGIN_MS = 50;

const READ = '{ commune(code: "14620") { fullName articles(first: 5) { totalCount nodes { id title } } visits { total today } } }';

interface Outcome {
  kind: 'read' | 'visit' | 'article visit';
  /** When the request was fully handed to the OS (performance.now()); null if it never was. */
  writtenAt: number | null;
  /** When the answer or the failure came. */
  doneAt?: number;
  status?: number;
  body?: { data?: any; errors?: unknown[] };
  /** A connection-level failure (refused, reset) or a body that is not complete JSON. */
  failure?: string;
}

let db: TestDatabase;
let gateway: ChildProcess | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
}, 180_000);

afterAll(async () => {
  gateway?.kill('SIGKILL');
  await db?.drop();
});

/** Every unit's own visits (each visit adds one to its unit) and every article's views, as MySQL has them. */
async function storedCounts(): Promise<{ visits: number; views: number }> {
  const [row] = await db.dataSource.query(
    `SELECT (SELECT COALESCE(SUM(own), 0) FROM visit_totals) + (SELECT COALESCE(SUM(own), 0) FROM visit_days_recent) AS visits,
            (SELECT COALESCE(SUM(views), 0) FROM articles) AS views`,
  );
  return { visits: Number(row.visits), views: Number(row.views) };
}

function post(agent: Agent, port: number, kind: Outcome['kind'], query: string, variables: Record<string, unknown> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const outcome: Outcome = { kind, writtenAt: null };
    const payload = JSON.stringify({ query, variables });
    const req = request({ agent, host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } });
    req.on('finish', () => (outcome.writtenAt = performance.now()));
    const done = (o: Omit<Outcome, 'kind' | 'writtenAt'>) => resolve({ ...outcome, ...o, doneAt: performance.now() });
    req.on('error', (e: NodeJS.ErrnoException) => done({ failure: e.code ?? e.message }));
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('error', (e: NodeJS.ErrnoException) => done({ status: res.statusCode, failure: `response ${e.code ?? e.message}` }));
      res.on('end', () => {
        try {
          done({ status: res.statusCode, body: JSON.parse(text) });
        } catch {
          done({ status: res.statusCode, failure: `incomplete body: ${text.slice(0, 80)}` });
        }
      });
    });
    req.end(payload);
  });
}

it('answers every request in flight, exits 0 promptly and keeps every counted visit', async () => {
  // NODE_ENV as an operator would have it (jest sets 'test'). Every visit of the load comes from
  // 127.0.0.1: the per-address limit would leave most of them uncounted, and the drain is what is tested.
  const gw = await startGatewayProcess({ NODE_ENV: 'production', LOG_LEVEL: 'warn', DATABASE_URL: db.url, VISITS_PER_ADDRESS_PER_MINUTE: 'off' });
  gateway = gw.child;
  const { port } = gw;

  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  // Every connection is opened and served once before the load: a busy Node process accepts about
  // one new connection per event-loop turn, so a burst of new ones would wait in the kernel's
  // accept queue for seconds, unseen by the server, and be reset when it stops listening.
  const warm = await Promise.all(Array.from({ length: CONCURRENCY }, () => post(agent, port, 'read', READ)));
  expect(warm.filter((o) => o.status !== 200)).toEqual([]);
  // The communes in force today (recordVisit refuses the codes of ended ones).
  const communes: string[] = (await db.dataSource.query("SELECT code FROM units WHERE level = 'COMMUNE' AND valid_to IS NULL ORDER BY code")).map((r: { code: string }) => r.code);
  const home = (await post(agent, port, 'read', READ)).body!.data.commune;
  const articleIds: string[] = home.articles.nodes.map((n: { id: string }) => n.id);
  expect(articleIds.length).toBeGreaterThan(0);
  const before = await storedCounts();

  // Each visit has its own visitorId, so the abuse rule counts all of them: `false` would be a loss.
  let sequence = 0;
  const nextRequest = (agent: Agent): Promise<Outcome> => {
    const n = sequence++;
    if (n % 2 === 0) return post(agent, port, 'read', READ);
    const onArticle = n % 6 === 1;
    return post(agent, port, onArticle ? 'article visit' : 'visit', RECORD_VISIT, {
      unitCode: onArticle ? '14620' : communes[n % communes.length],
      articleId: onArticle ? articleIds[n % articleIds.length] : null,
      visitorId: `shutdown-${n}`,
    });
  };

  let exited = false;
  void gw.exited.then(() => (exited = true));
  let signalled = false;
  const outcomes: Outcome[] = [];
  const answersOf = new Array<number>(CONCURRENCY).fill(0);
  let loaded!: () => void;
  const allLoaded = new Promise<void>((resolve) => (loaded = resolve));
  const worker = async (_: unknown, w: number) => {
    while (!exited) {
      const outcome = await nextRequest(agent);
      outcomes.push(outcome);
      if (++answersOf[w] === ROUNDS_BEFORE_SIGNAL && answersOf.every((n) => n >= ROUNDS_BEFORE_SIGNAL)) loaded();
      // Refused after the signal (the listener has closed): wait for the exit instead of spinning on it.
      if (outcome.failure && signalled) await gw.exited;
    }
  };
  const workers = Array.from({ length: CONCURRENCY }, worker);

  await allLoaded;
  signalled = true;
  const signalledAt = performance.now();
  gw.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([gw.exited, new Promise((r) => (timer = setTimeout(() => r('still running after 15 s'), 15_000)))]);
  clearTimeout(timer);
  const exitMs = performance.now() - signalledAt;
  await Promise.all(workers);
  agent.destroy();

  expect(code).toBe(0);
  expect(exitMs).toBeLessThan(5_000);
  // pino's error and fatal levels: nothing went wrong while draining.
  expect(gw.out() + gw.err()).not.toMatch(/"level":(50|60)/);

  const inFlightAtSignal = outcomes.filter((o) => o.writtenAt !== null && o.writtenAt < signalledAt && o.doneAt! > signalledAt);
  expect(inFlightAtSignal.length).toBeGreaterThanOrEqual(100);
  const sentBefore = outcomes.filter((o) => o.writtenAt !== null && o.writtenAt < signalledAt - READ_MARGIN_MS);
  const notAnswered = sentBefore.filter((o) => o.failure || o.status !== 200 || o.body?.errors || !o.body?.data);
  expect(notAnswered).toEqual([]);
  // Answers after the signal are whole too: a full 200, Fastify's 503 while closing, or a refused connection.
  for (const o of outcomes) {
    if (o.status === 200) expect(o.body?.errors).toBeUndefined();
    else if (o.status !== undefined) expect({ status: o.status, failure: o.failure }).toEqual({ status: 503, failure: undefined });
    else expect(o.failure).toMatch(/^(ECONNREFUSED|ECONNRESET|EPIPE|socket hang up)$/);
  }

  // Every `true` is in MySQL (one `own` per visit on its unit, one view per article visit), and nothing else is.
  const visits = outcomes.filter((o) => o.kind !== 'read' && o.status === 200);
  expect(visits.filter((o) => o.body!.data.recordVisit !== true)).toEqual([]);
  const counted = visits.length;
  const articleVisits = visits.filter((o) => o.kind === 'article visit').length;
  const after = await storedCounts();
  expect({ visits: after.visits - before.visits, views: after.views - before.views }).toEqual({ visits: counted, views: articleVisits });
  expect(articleVisits).toBeGreaterThan(0);
  expect(counted).toBeGreaterThan(CONCURRENCY);
}, 180_000);
