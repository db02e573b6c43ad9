import mysql from 'mysql2/promise';
import { seedDemoContent } from '../../seeds/demo';
import { HeavySlots } from '../../src/plugins/heavyRequests';
import { connectToDatabase } from '../helpers/testDatabase';
import { startTestServer, TestServer } from '../helpers/testServer';
import { waitFor } from '../helpers/waitFor';

const CONCURRENCY = 2;
const QUEUE = 2;
const DEADLINE_MS = 1500;
/**
 * A search: heavy at this threshold (its estimate counts the rows it may read). Requests asking for
 * the same page at the same moment share one read (cache/dataCache.ts), so each concurrent heavy
 * request here asks for a page of its own size.
 */
const heavySearch = (n = 0) => `{ articles(filter: { search: "cai cach" }, first: ${10 + n}) { nodes { id } } }`;
const HEAVY = heavySearch();
/** A unit's name: a handful of fields, never heavy. */
const CHEAP = '{ province(code: "37") { fullName } }';
const HEAVY_COST = 50;

let server: TestServer;
/** The test's own connection: locks the search index (heavy requests then wait in MySQL), reads PROCESSLIST. */
let side: mysql.Connection;

beforeAll(async () => {
  server = await startTestServer({
    config: {
      responseCache: false,
      requestTimeouts: { queryMs: DEADLINE_MS, mutationMs: DEADLINE_MS },
      heavyRequests: { cost: HEAVY_COST, concurrency: CONCURRENCY, queue: QUEUE },
    },
  });
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
  side = await connectToDatabase(server.db.url);
}, 60_000);
afterAll(async () => {
  await side?.end();
  await server?.close();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  cost: number;
  ms: number;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
}

async function post(query: string, signal?: AbortSignal): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }), signal });
  const body = (await res.json()) as Answer['body'];
  return { status: res.status, retryAfter: res.headers.get('retry-after'), cost: Number(res.headers.get('x-query-cost')), ms: Date.now() - started, body };
}

/**
 * The heavy requests' statements MySQL is running now: the searches, waiting on the locked index
 * (the gateway's background reads, such as the cost estimate's data bounds, are not counted).
 */
async function runningInMySql(): Promise<number> {
  const [rows] = (await side.query(
    "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND COMMAND = 'Query' AND ID <> CONNECTION_ID() AND INFO LIKE '%article_search%'",
  )) as any;
  return Number(rows[0].n);
}

/** Holds the search index locked (heavy requests then wait in MySQL) until `during` has run. */
async function withSearchIndexLocked<T>(during: () => Promise<T>): Promise<T> {
  await side.query('LOCK TABLES article_search WRITE');
  try {
    return await during();
  } finally {
    await side.query('UNLOCK TABLES');
  }
}

const reasonOf = (a: Answer) => a.body.errors?.[0]?.extensions?.reason;

it('the chosen queries are heavy and cheap at this threshold', async () => {
  const [heavy, cheap] = [await post(HEAVY), await post(CHEAP)];
  expect(heavy.status).toBe(200);
  expect(heavy.cost).toBeGreaterThanOrEqual(HEAVY_COST);
  expect(cheap.status).toBe(200);
  expect(cheap.cost).toBeLessThan(HEAVY_COST);
});

it(`runs at most ${CONCURRENCY} heavy requests at once, queues ${QUEUE}, refuses the rest with a retryable 503; a cheap read beside them is answered`, async () => {
  const slots = server.app.heavySlots;
  const answered: Answer[] = [];
  let heavy: Promise<Answer>[] = [];
  const { cheap, peak } = await withSearchIndexLocked(async () => {
    heavy = Array.from({ length: CONCURRENCY + QUEUE + 2 }, (_, i) => post(heavySearch(i)).then((a) => (answered.push(a), a)));
    // Those beyond the queue are refused while the others still wait on the lock.
    await waitFor('the requests beyond the queue to be refused', () => answered.length === 2);
    await waitFor('the running ones to reach MySQL', async () => (await runningInMySql()) === CONCURRENCY);
    expect([slots.running, slots.queued]).toEqual([CONCURRENCY, QUEUE]);
    let peak = 0;
    for (let i = 0; i < 5; i++) peak = Math.max(peak, await runningInMySql());
    // Answered while every heavy slot is taken and the index is still locked: it waited for neither.
    const cheap = await post(CHEAP);
    return { cheap, peak };
  });
  const answers = await Promise.all(heavy);
  expect(peak).toBe(CONCURRENCY);
  expect(cheap.status).toBe(200);
  const refused = answers.filter((a) => a.status === 503);
  expect(refused).toHaveLength(2);
  for (const a of refused) {
    expect(a.retryAfter).not.toBeNull();
    expect(a.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'BUSY', retryable: true } })]);
  }
  // The running ones finish once the index is free, then the queued ones take their slots.
  const served = answers.filter((a) => a.status === 200);
  expect(served).toHaveLength(CONCURRENCY + QUEUE);
  for (const a of served) expect(a.body.data.articles.nodes.length).toBeGreaterThan(0);
});

it('a queued request waits at most until its deadline; slots come back on every path', async () => {
  const slots = server.app.heavySlots;
  const controller = new AbortController();
  // Locked until every request has its answer: the running ones can only end at their deadline.
  const answers = await withSearchIndexLocked(async () => {
    const running = Array.from({ length: CONCURRENCY }, (_, i) => post(heavySearch(i)));
    await waitFor('the running ones to take the slots', () => slots.running === CONCURRENCY);
    const queued = post(heavySearch(CONCURRENCY));
    // A client that gives up while queued: its request must not keep a slot when it gets one.
    const abandoned = post(heavySearch(CONCURRENCY + 1), controller.signal).catch(() => null);
    await waitFor('both to be queued', () => slots.queued === 2);
    controller.abort();
    return Promise.all([...running, queued, abandoned]);
  });
  const [first, second, queued] = answers as Answer[];
  // The running ones were stopped at their deadline (their reads waited on the lock) ...
  expect([first.status, reasonOf(first), second.status, reasonOf(second)]).toEqual([503, 'DEADLINE', 503, 'DEADLINE']);
  // ... and the queued one waited at most until its own: refused then, or given a freed slot with
  // too little time left for its read (which is the race between the two deadlines).
  expect(queued.status).toBe(503);
  expect(['BUSY', 'DEADLINE']).toContain(reasonOf(queued));
  expect(queued.ms).toBeGreaterThanOrEqual(DEADLINE_MS - 300);
  // Stopped, refused, abandoned: every slot is free again, so as many heavy requests as there are slots run at once.
  await waitFor('every slot to be given back', () => slots.running === 0 && slots.queued === 0);
  const after = await Promise.all(Array.from({ length: CONCURRENCY + QUEUE }, (_, i) => post(heavySearch(i))));
  expect(after.map((a) => a.status)).toEqual(Array(CONCURRENCY + QUEUE).fill(200));
});

describe('HeavySlots', () => {
  it('hands a freed slot to the first in line, refuses beyond the queue, gives up at the deadline, and releases once', async () => {
    const slots = new HeavySlots(1, 2);
    const release = (await slots.take(Date.now() + 1000))!;
    const order: string[] = [];
    const a = slots.take(Date.now() + 1000).then((r) => (order.push('a'), r));
    const b = slots.take(Date.now() + 50).then((r) => (order.push('b'), r));
    expect(await slots.take(Date.now() + 1000)).toBeNull(); // the queue is full
    expect(await b).toBeNull(); // gave up at its deadline
    release();
    release(); // a second call gives nothing back twice
    const releaseA = (await a)!;
    expect(order).toEqual(['b', 'a']);
    expect([slots.running, slots.queued]).toEqual([1, 0]);
    releaseA();
    expect(slots.running).toBe(0);
  });
});
