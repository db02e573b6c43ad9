import mysql from 'mysql2/promise';
import { insertArticles, minutesAfter } from '../helpers/fixtures';
import { connectToDatabase } from '../helpers/testDatabase';
import { TestServer } from '../helpers/testServer';
import { waitFor } from '../helpers/waitFor';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/**
 * An operator's `KILL QUERY` on a running write stops it and nothing changes: the caller is told to
 * retry (503 SERVICE_UNAVAILABLE), as after `KILL CONNECTION`, not that the gateway failed.
 */
let server: TestServer;
let env: TestEnvironment;
let admin: string;
let side: mysql.Connection;
let operator: mysql.Connection;

beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  admin = (await env.asAdmin()).key;
  side = await connectToDatabase(server.db.url);
  operator = await connectToDatabase(server.db.url);
});
afterAll(async () => {
  await side.end();
  await operator.end();
  await server.close();
});

/** The connection running a statement of this test's database that matches `pattern`, as an operator finds it. */
async function runningStatement(pattern: string): Promise<number | null> {
  const [rows] = await operator.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO LIKE ? AND ID <> CONNECTION_ID()', [pattern]);
  const [row] = rows as { id: number }[];
  return row ? Number(row.id) : null;
}

it('KILL QUERY on a running syndicate: 503 SERVICE_UNAVAILABLE, retryable, nothing changed, audited as failed for that reason', async () => {
  const [a] = await insertArticles(server.db.dataSource, [{ title: 'Tin bị dừng', origin: '14620@2025-07-01', publishedAt: minutesAfter(1) }]);
  const shownOn = async () => (await server.db.dataSource.query('SELECT unit_id FROM publications WHERE article_id = ? ORDER BY unit_id', [a])).map((r: any) => r.unit_id);
  const before = await shownOn();
  // The syndicate waits for the article's row, which another transaction holds, until the operator stops it.
  await side.query('START TRANSACTION');
  await side.query('SELECT id FROM articles WHERE id = ? FOR UPDATE', [a]);
  try {
    const answer = fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query: `mutation { syndicate(input: { articleIds: ["${a}"], targetCodes: ["37"], includeDescendants: true }) { changed } }` }),
    });
    let id: number | null = null;
    await waitFor('the syndicate to wait for the row', async () => (id = await runningStatement('%FROM articles FORCE INDEX (PRIMARY)%FOR UPDATE%')) !== null);
    await operator.query(`KILL QUERY ${id}`);
    const res = await answer;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    const body = (await res.json()) as { data: unknown; errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body).toEqual({ data: null, errors: [expect.objectContaining({ path: ['syndicate'], extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } })] });
    expect(body.errors[0].message).not.toMatch(/interrupted|SELECT|articles/i);
    const [entry] = await server.db.dataSource.query("SELECT outcome, error_code FROM audit_log WHERE operation = 'syndicate' ORDER BY id DESC LIMIT 1");
    expect(entry).toEqual({ outcome: 'failed', error_code: 'SERVICE_UNAVAILABLE' });
  } finally {
    await side.query('ROLLBACK');
  }
  expect(await shownOn()).toEqual(before);
});
