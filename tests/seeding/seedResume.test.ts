import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { connectToDatabase, dropDatabase, throwawayDatabaseUrl } from '../helpers/testDatabase';
import { waitFor } from '../helpers/waitFor';
import { openDatabase } from '../../src/db/database';
import { DataBounds, readDataBounds } from '../../src/plugins/dataBounds';

/**
 * `npm run seed` killed mid-load (as a national load of hours can be) and run again with the same
 * options finishes with exactly the rows of a run that was never interrupted; other options are
 * refused while the load is unfinished. The seed runs as `npm run seed` runs it: the built CLI.
 */

const SEED = join(__dirname, '..', '..', 'dist', 'seeds', 'cli.js');
const ARTICLES = ['--articles', '12000', '--articles-days', '900', '--articles-end', '2026-03-31'];
const VISITS = ['--visit-days', '120', '--visits-end', '2025-08-31'];
/** Every table a load writes. */
const TABLES = ['articles', 'publications', 'article_topics', 'subtree_feed', 'history_feed', 'article_search', 'legal_documents', 'sources', 'topics', 'visit_days', 'visit_totals'];

function seed(url: string, args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [SEED, ...args], { env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))) };
}

/** Runs the seed until `chunks` chunks of its `part` are committed, then kills it as a power cut would. */
async function killAfter(url: string, args: string[], part: 'articles' | 'visits', chunks: number): Promise<void> {
  const run = seed(url, args);
  let exited = false;
  void run.done.then(() => (exited = true));
  const conn = await waitForConnection(url, () => exited);
  try {
    await waitFor(`${chunks} committed chunks of ${part}`, async () => {
      if (exited) throw new Error(`the seed finished before it could be interrupted: ${(await run.done).stderr}`);
      const [rows] = await conn
        .query('SELECT COUNT(*) AS n FROM seed_run_chunks WHERE part = ?', [part])
        .catch(() => [[{ n: 0 }]] as const); // before the migrations made the tables
      return Number((rows as Array<{ n: number }>)[0].n) >= chunks;
    }, 120_000);
  } finally {
    await conn.end();
  }
  run.child.kill('SIGKILL');
  await run.done;
}

/** The database the seed creates, once it exists. */
async function waitForConnection(url: string, exited: () => boolean): Promise<mysql.Connection> {
  let conn: mysql.Connection | null = null;
  await waitFor('the seed to create its database', async () => {
    if (exited()) throw new Error('the seed exited before creating its database');
    conn = await connectToDatabase(url).catch(() => null);
    return conn !== null;
  }, 60_000);
  return conn!;
}

/** What a seed wrote: a checksum of each table it fills. */
async function checksums(url: string): Promise<Record<string, string>> {
  const conn = await connectToDatabase(url);
  try {
    const [rows] = await conn.query(`CHECKSUM TABLE ${TABLES.join(', ')}`);
    return Object.fromEntries((rows as Array<{ Table: string; Checksum: string }>).map((r) => [r.Table.split('.')[1], String(r.Checksum)]));
  } finally {
    await conn.end();
  }
}

const uninterrupted = throwawayDatabaseUrl();
const interrupted = throwawayDatabaseUrl();
afterAll(async () => {
  await dropDatabase(uninterrupted);
  await dropDatabase(interrupted);
});

it('an interrupted seed run again writes what an uninterrupted one writes, articles and visits', async () => {
  const whole = await seed(uninterrupted, [...ARTICLES, ...VISITS]).done;
  expect(whole).toMatchObject({ code: 0, stderr: '' });

  await killAfter(interrupted, [...ARTICLES, ...VISITS], 'articles', 3);
  const [{ articles }] = await query(interrupted, 'SELECT COUNT(*) AS articles FROM articles');
  expect(Number(articles)).toBeLessThan(12000);

  // Other options are refused until the interrupted load is finished.
  const other = await seed(interrupted, ['--articles', '5000']).done;
  expect(other.code).toBe(1);
  expect(other.stderr).toMatch(
    /an interrupted seed \(--articles 12000 --articles-days 900 --articles-end 2026-03-31 --visit-days 120 --visits-end 2025-08-31 --seed 42\) is not finished: run the seed again with those options/,
  );

  // Run again: the articles are finished; then interrupt it in the visits and run it once more.
  await killAfter(interrupted, [...ARTICLES, ...VISITS], 'visits', 5);
  const last = await seed(interrupted, [...ARTICLES, ...VISITS]).done;
  expect(last).toMatchObject({ code: 0, stderr: '' });

  expect(await checksums(interrupted)).toEqual(await checksums(uninterrupted));
  // The data bounds as the gateway reads them (not how often they were grown and refreshed).
  expect(await dataBounds(interrupted)).toEqual(await dataBounds(uninterrupted));
  const [{ unfinished }] = await query(interrupted, 'SELECT COUNT(*) AS unfinished FROM seed_runs WHERE finished_at IS NULL');
  expect(Number(unfinished)).toBe(0);
}, 300_000);

async function dataBounds(url: string): Promise<DataBounds> {
  const db = await openDatabase(url, 1);
  try {
    return await readDataBounds(db);
  } finally {
    await db.destroy();
  }
}

async function query(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const conn = await connectToDatabase(url);
  try {
    return (await conn.query(sql))[0] as Array<Record<string, unknown>>;
  } finally {
    await conn.end();
  }
}
