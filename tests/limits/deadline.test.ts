import { randomBytes } from 'node:crypto';
import { print } from 'graphql';
import mysql from 'mysql2/promise';
import { seedDemoContent } from '../../seeds/demo';
import { deadlineIn, withTimeLimit } from '../../src/db/deadline';
import { requestDatabase } from '../../src/db/requestDatabase';
import { StatementTally } from '../../src/db/statementCounter';
import { CommuneHomeDocument } from '../generated/operations';
import { insertArticles, minutesAfter } from '../helpers/fixtures';
import { CREATE_ARTICLE, SYNDICATE } from '../helpers/operations';
import { connectToDatabase } from '../helpers/testDatabase';
import { TestServer } from '../helpers/testServer';
import { waitFor } from '../helpers/waitFor';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/** Small, so that a test waits little, yet ample for what a portal asks. */
const DEADLINE_MS = 300;
/** What "answered at its deadline" allows on top: a round trip, Apollo, a loaded shared machine. */
const SLACK_MS = 700;

let server: TestServer;
let env: TestEnvironment;
let admin: string;
/** The test's own connection to the test database: locks rows, reads PROCESSLIST. */
let side: mysql.Connection;

beforeAll(async () => {
  server = (env = await createTestEnvironment({
    config: { requestTimeouts: { queryMs: DEADLINE_MS, mutationMs: DEADLINE_MS } },
  })).server;
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
  admin = (await env.asAdmin()).key;
  side = await connectToDatabase(server.db.url);
}, 120_000);
afterAll(async () => {
  await side?.end();
  await server?.close();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  statements: number;
  ms: number;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
}

async function post(query: string, variables: Record<string, unknown> = {}, key?: string): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Answer['body'];
  return { status: res.status, retryAfter: res.headers.get('retry-after'), statements: Number(res.headers.get('x-sql-statements')), ms: Date.now() - started, body };
}

/** Statements of the test database MySQL is still running for someone other than the test. */
async function running(): Promise<string[]> {
  const [rows] = (await side.query("SELECT INFO FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND COMMAND = 'Query' AND ID <> CONNECTION_ID()")) as any;
  return rows.map((r: { INFO: string }) => r.INFO);
}

/** Every error says the deadline stopped the request, retryably, without SQL. */
function expectStoppedAtDeadline(answer: Answer): void {
  expect(answer.status).toBe(503);
  expect(answer.retryAfter).not.toBeNull();
  expect(answer.body.errors?.length).toBeGreaterThan(0);
  for (const error of answer.body.errors!) {
    expect(error.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'DEADLINE', deadlineMs: DEADLINE_MS, retryable: true });
    expect(error.message).toMatch(/deadline of 300 ms.*ask for less/);
    expect(error.message).not.toMatch(/SELECT|FROM|max_statement_time/i);
  }
}

/** A portal's search: fast, except while the search index is locked (its read then waits in MySQL). */
const SEARCH = '{ articles(filter: { search: "cai cach" }, first: 10) { nodes { id } } }';

/**
 * Runs `fn` while the test's connection holds the search index locked (LOCK TABLES … WRITE): a
 * read of it waits in MySQL for as long as it is let, which is what a statement that takes seconds
 * looks like from the gateway, on any data and any machine.
 */
async function whileSearchIndexLocked<T>(fn: () => Promise<T>): Promise<T> {
  await side.query('LOCK TABLES article_search WRITE');
  try {
    return await fn();
  } finally {
    await side.query('UNLOCK TABLES');
  }
}

/** How many statements MariaDB has stopped at their max_statement_time, on the whole server. */
async function stoppedByMariaDb(): Promise<number> {
  const [rows] = (await side.query("SHOW GLOBAL STATUS LIKE 'Max_statement_time_exceeded'")) as any;
  return Number(rows[0].Value);
}

describe('the request database stops reads at the deadline', () => {
  it('a read running past it is stopped in MariaDB itself, and the caller is told', async () => {
    const marker = `probe_${randomBytes(4).toString('hex')}`;
    const db = requestDatabase(server.db.dataSource, { statements: 0, deadline: deadlineIn(DEADLINE_MS) });
    const stoppedBefore = await stoppedByMariaDb();
    const started = Date.now();
    const outcome = await db.query(`SELECT SLEEP(5) AS ${marker}`).then(
      () => 'finished',
      (error) => error,
    );
    expect(outcome).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'DEADLINE', deadlineMs: DEADLINE_MS } });
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + SLACK_MS);
    // Stopped in MySQL, not merely abandoned by the client: it no longer runs.
    expect((await running()).filter((sql) => sql.includes(marker))).toEqual([]);
    expect(await stoppedByMariaDb()).toBeGreaterThan(stoppedBefore);
  });

  it('a read due after the deadline is not sent; reads within it, and work outside requests, are untouched', async () => {
    const late: StatementTally = { statements: 0, deadline: deadlineIn(-1) };
    await expect(requestDatabase(server.db.dataSource, late).query('SELECT 1 AS one')).rejects.toMatchObject({ extensions: { reason: 'DEADLINE' } });
    expect(late.statements).toBe(0);

    const onTime: StatementTally = { statements: 0, deadline: deadlineIn(DEADLINE_MS) };
    expect(await requestDatabase(server.db.dataSource, onTime).query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(onTime.statements).toBe(1);
    // The process's own DataSource (migrations, seeds, flushes) has no deadline.
    expect(await server.db.dataSource.query('SELECT SLEEP(0.5) AS slept')).toEqual([{ slept: 0 }]);
  });
});

it("MySQL 8's form of the limit: a hint after the statement's first SELECT, which covers unions and subqueries (not run here: the test server is MariaDB)", () => {
  expect(withTimeLimit('SELECT id FROM articles WHERE id IN (?)', 250, 'mysql')).toBe('SELECT /*+ MAX_EXECUTION_TIME(250) */ id FROM articles WHERE id IN (?)');
  expect(withTimeLimit('(SELECT 1 AS a) UNION ALL (SELECT 2)', 250, 'mysql')).toBe('(SELECT /*+ MAX_EXECUTION_TIME(250) */ 1 AS a) UNION ALL (SELECT 2)');
  expect(withTimeLimit('SELECT 1', 1250, 'mariadb')).toBe('SET STATEMENT max_statement_time=1.250 FOR SELECT 1');
});

describe('a GraphQL request past its deadline', () => {
  it('a query whose SQL runs long is stopped in MySQL at its deadline and answered 503, never kept by the response cache', async () => {
    const stoppedBefore = await stoppedByMariaDb();
    const [answer, again] = await whileSearchIndexLocked(async () => {
      const first = await post(SEARCH);
      // Stopped in MySQL, not merely abandoned: nothing of the gateway's is still running.
      expect(await running()).toEqual([]);
      // Asked again, it is worked on again: the stopped answer was not kept, or it would be replayed without SQL.
      return [first, await post(SEARCH)];
    });
    expectStoppedAtDeadline(answer);
    expect(answer.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(await stoppedByMariaDb()).toBeGreaterThanOrEqual(stoppedBefore + 2);
    expectStoppedAtDeadline(again);
    expect(again.statements).toBeGreaterThan(0);
    // The same search with the index free answers as ever.
    const free = await post(SEARCH);
    expect(free.status).toBe(200);
    expect(free.body.data.articles.nodes.length).toBeGreaterThan(0);
  });

  it('leaves ordinary queries alone, even beside one being stopped', async () => {
    server.emptyCaches();
    const [home, slow] = await whileSearchIndexLocked(async () => {
      const stopped = post(SEARCH);
      return [await post(print(CommuneHomeDocument), { code: '14620' }), await stopped];
    });
    expect(home.status).toBe(200);
    expect(home.body.errors).toBeUndefined();
    expect(home.body.data.commune.articles.nodes.length).toBeGreaterThan(0);
    expect(home.ms).toBeLessThan(DEADLINE_MS);
    expectStoppedAtDeadline(slow);
  });

  it('a mutation whose read is stopped in MySQL fails at its deadline and writes nothing', async () => {
    const [id] = await insertArticles(server.db.dataSource, [{ title: 'Bài chờ khoá', origin: '14620', publishedAt: minutesAfter(1) }]);
    const before = await shownOn(id);
    await side.query('START TRANSACTION');
    await side.query('SELECT id FROM articles WHERE id = ? FOR UPDATE', [id]);
    // The syndicate call locks the article first (SELECT … FOR UPDATE): held here, that read waits.
    // Held until the answer comes: only the deadline can end the wait.
    const answer = await post(SYNDICATE, { input: { articleIds: [String(id)], targetCodes: ['14623', '001'] } }, admin).finally(() => side.query('ROLLBACK'));
    expectStoppedAtDeadline(answer);
    expect(answer.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(await shownOn(id)).toEqual(before);
  });

  it('a mutation whose write outlasts the deadline sends no more reads: its transaction rolls back, nothing is written', async () => {
    const title = `Bài viết quá hạn ${randomBytes(3).toString('hex')}`;
    const before = await counts();
    // Inserting an article checks its origin unit's row (foreign key): held here, the INSERT waits.
    await side.query('START TRANSACTION');
    await side.query("SELECT code FROM units WHERE code = '14620' FOR UPDATE");
    const sentAt = Date.now();
    const pending = post(CREATE_ARTICLE, { input: { originCode: '14620', title, body: '<p>Nội dung.</p>', topics: ['Cải cách hành chính'] } }, admin);
    // The lock is given up only once the INSERT waits on it and the request's deadline has passed.
    await waitFor('the INSERT to wait on the lock', async () => {
      const [rows] = (await side.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO LIKE 'INSERT INTO%articles%'")) as any;
      return Number(rows[0].n) > 0;
    });
    await waitFor('the deadline to pass', () => Date.now() > sentAt + DEADLINE_MS + 200);
    await side.query('ROLLBACK');
    expectStoppedAtDeadline(await pending);
    expect(await side.query('SELECT id FROM articles WHERE title = ?', [title]).then(([rows]) => rows)).toEqual([]);
    expect(await counts()).toEqual(before);
  });
});

const shownOn = async (id: number) => (await server.db.dataSource.query('SELECT unit_id FROM publications WHERE article_id = ? ORDER BY unit_id', [id])).map((r: any) => r.unit_id);
const counts = async () =>
  (await server.db.dataSource.query('SELECT (SELECT COUNT(*) FROM articles) a, (SELECT COUNT(*) FROM publications) p, (SELECT COUNT(*) FROM subtree_feed) s, (SELECT COUNT(*) FROM article_search) x'))[0];
