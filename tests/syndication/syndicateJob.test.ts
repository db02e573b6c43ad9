import { spawn } from 'node:child_process';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { seedDemoContent } from '../../seeds/demo';
import { historyOf } from '../helpers/feedModel';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/**
 * `npm run syndicate` end to end: the compiled job (`npm test` builds first) as a separate process
 * against a real gateway on a throwaway database with the demo content. The tests share that
 * database and run in order; every expectation is computed from the database at the time.
 *
 * The job names units by code, and they mean the units in force today (the map from 2025-07-01):
 * --from 14620 reads Xã Phát Diệm's feed, which gathers the archive it keeps (Thị trấn Phát Diệm,
 * Xã Kim Chính, Xã Thượng Kiệm); targets are units in force. The database names units by id:
 * '14620' is Thị trấn Phát Diệm, '14620@2025-07-01' Xã Phát Diệm.
 */

const JOB = join(__dirname, '..', '..', 'dist', 'src', 'jobs', 'syndicate.js');

let server: TestServer;
let env: TestEnvironment;
let adminKey: string;
let editorKey: string; // editor of the new Tỉnh Ninh Bình (37)
let communeEditorKey: string; // editor of Xã Phát Diệm (14620)
let revokedKey: string;

beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
  adminKey = (await env.asAdmin()).key;
  editorKey = (await env.asEditor('37')).key;
  communeEditorKey = (await env.asEditor('14620')).key;
  revokedKey = (await env.withKey({ role: 'admin', label: 'revoked', revoked: true })).key;
});
afterAll(() => server.close());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runJob(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    LIENTHONG_URL: server.url,
    LIENTHONG_API_KEY: adminKey,
    SYNDICATE_RETRY_BASE_MS: '10',
    ...env,
  };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  const child = spawn(process.execPath, [JOB, ...args], { env: childEnv as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** The numbers of a summary. */
function summary(run: Run) {
  const number = (label: string) => {
    const m = new RegExp(`^${label}:\\s+(\\d+)`, 'm').exec(run.stdout);
    if (!m) throw new Error(`no "${label}:" line in:\n${run.stdout}\n${run.stderr}`);
    return Number(m[1]);
  };
  const calls = /^articles:\s+\d+ in (\d+) calls?/m.exec(run.stdout);
  return { articles: number('articles'), calls: Number(calls?.[1]), requested: number('requested'), changed: number('changed'), unchanged: number('unchanged'), rejected: number('rejected') };
}

const query = <T>(sql: string, params: unknown[] = []): Promise<T[]> => server.db.dataSource.query(sql, params);

/** The id of the unit in force today with this code ('14620' → '14620@2025-07-01'). */
async function idOf(code: string): Promise<string> {
  const rows = await query<{ id: string }>('SELECT id FROM units WHERE code = ? AND valid_to IS NULL', [code]);
  expect(rows).toHaveLength(1);
  return rows[0].id;
}

/** Article ids shown on a unit (by id): its UNIT feed without history (the demo has no scheduled articles). */
async function feedOf(unit: string): Promise<number[]> {
  return (await query<{ id: number }>('SELECT article_id AS id FROM publications WHERE unit_id = ? ORDER BY article_id', [unit])).map((r) => Number(r.id));
}

/**
 * What the job collects from `--from code`: the UNIT feed of the unit in force with the code, which
 * gathers the feeds of the units whose archive it keeps (feedModel.ts's historyOf), each article once.
 */
async function sourceFeed(code: string): Promise<number[]> {
  const members = historyOf(await idOf(code));
  return (await query<{ id: number }>('SELECT DISTINCT article_id AS id FROM publications WHERE unit_id IN (?) ORDER BY article_id', [members])).map((r) => Number(r.id));
}

/** The ids of the unit (by id) and of every unit below it. */
async function subtreeOf(unit: string): Promise<string[]> {
  return (await query<{ id: string }>('SELECT descendant_id AS id FROM unit_closure WHERE ancestor_id = ?', [unit])).map((r) => r.id);
}

/** Every publication as "article@unit". */
async function pairs(): Promise<Set<string>> {
  return new Set((await query<{ a: number; u: string }>('SELECT article_id AS a, unit_id AS u FROM publications')).map((r) => `${r.a}@${r.u}`));
}

function cross(articles: number[], units: string[]): string[] {
  return articles.flatMap((a) => units.map((u) => `${a}@${u}`));
}

const difference = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort();

/** The job's last stderr line, which says what its exit status means. */
const outcomeLine = (run: Run) => run.stderr.trimEnd().split('\n').at(-1);

/** Instants as the gateway speaks them (UTC, `Z`); the job must never print one. */
const UTC_INSTANT = /\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z/;

describe('usage errors exit 2 with one line saying what is wrong, then the usage text', () => {
  it.each([
    [['--to', '14623'], /--from CODE is required/],
    [['--from', '14620'], /--to CODE is required/],
    [['--from', '14620', '--to'], /argument missing|--to/],
    [['--from', 'Phát Diệm', '--to', '14623'], /--from "Phát Diệm" is not a unit code/],
    [['--from', '14620', '--to', '14623', '--since', '2024-02-30'], /--since "2024-02-30" is not a real date/],
    [['--from', '14620', '--to', '14623', '--since', 'yesterday'], /--since "yesterday" is not a real date/],
    [['--from', '14620', '--to', '14623', '--since', '2024-13-01'], /--since "2024-13-01" is not a real date/],
    [['--from', '14620', '--to', '14623', '--since', '2024-06-01T25:00'], /--since "2024-06-01T25:00" is not a real date/],
    [['--from', '14620', '--to', '14623', '--since', '2024-06-01T08:00+25:00'], /is not a real date/],
    // Midnight in Vietnam is still 1969 in UTC, before anything the gateway's DateTime accepts.
    [['--from', '14620', '--to', '14623', '--since', '1970-01-01'], /--since "1970-01-01" is not a real date between 1970 and 9999/],
    [['--from', '14620', '--to', '14623', '--frm', '1'], /Unknown option '--frm'/],
    [['--from', '14620', '14621', '--to', '14623'], /unexpected argument "14621"/],
  ])('%j', async (args, message) => {
    const run = await runJob(args);
    expect(run.code).toBe(2);
    const [first, second] = run.stderr.split('\n');
    expect(first).toMatch(/^syndicate: /);
    expect(first).toMatch(message);
    expect(second).toBe('');
    expect(run.stderr).toContain('usage: npm run syndicate');
    expect(run.stdout).toBe('');
  });

  it('without LIENTHONG_API_KEY', async () => {
    const run = await runJob(['--from', '14620', '--to', '14623'], { LIENTHONG_API_KEY: undefined });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/LIENTHONG_API_KEY is required/);
  });

  it('--help prints the usage, the exit statuses and how dates are read on stdout, and exits 0', async () => {
    const run = await runJob(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm run syndicate -- --from CODE --to CODE\.\.\./);
    expect(run.stdout).toMatch(/^exit status:\n  0  done: .*\n  1  nothing done: .*\n.*\n  2  usage error: .*\n  3  partly done: /m);
    expect(run.stdout).toMatch(/--since DATE .* in Vietnam time \(Asia\/Ho_Chi_Minh, UTC\+7\)/);
  });
});

describe('refusals stop the job with exit 1 (nothing done) and a clear message, without retrying', () => {
  it.each([
    ['a garbage key', () => 'not-a-key', /UNAUTHENTICATED: the API key sent is malformed/],
    ['a well-formed unknown key', () => `lt_0123456789abcdef_${'A'.repeat(43)}`, /UNAUTHENTICATED: the API key sent is unknown/],
    ['a revoked key', () => revokedKey, /UNAUTHENTICATED: the API key sent is revoked/],
  ])('%s', async (_, key, message) => {
    const before = await pairs();
    const run = await runJob(['--from', '14620', '--to', '14623'], { LIENTHONG_API_KEY: key() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/retrying/);
    expect(run.stdout).toBe('');
    expect(outcomeLine(run)).toBe('syndicate: exit 1: nothing done, stopped before the end');
    expect(await pairs()).toEqual(before);
  });

  it('a --from unit that does not exist', async () => {
    const run = await runJob(['--from', '99999', '--to', '14623']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/unit 99999 \(--from\) does not exist/);
  });
});

describe('from Phát Diệm (14620) to Bình Minh (14623) and Chất Bình (14653)', () => {
  const targets = ['14623', '14653'];
  let expectedNew: string[];
  let feed: number[];

  beforeAll(async () => {
    feed = await sourceFeed('14620');
    expect(feed.length).toBeGreaterThanOrEqual(15);
    // Xã Phát Diệm's own articles and those of the archive it keeps.
    expect(feed).toEqual(expect.arrayContaining([...(await feedOf('14620@2025-07-01')), ...(await feedOf('14620'))]));
    const existing = await pairs();
    expectedNew = cross(feed, await Promise.all(targets.map(idOf))).filter((p) => !existing.has(p));
    expect(expectedNew.length).toBeGreaterThan(0);
  });

  it('--dry-run reports what would change and writes nothing', async () => {
    const before = await pairs();
    const run = await runJob(['--from', '14620', '--to', ...targets, '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^DRY RUN \(nothing was written\): syndicate 14620 \(Xã Phát Diệm\) → 14623, 14653$/m);
    expect(summary(run)).toEqual({
      articles: feed.length,
      calls: 1,
      requested: feed.length * 2,
      changed: expectedNew.length,
      unchanged: feed.length * 2 - expectedNew.length,
      rejected: 0,
    });
    expect(run.stderr).toContain(`collected ${feed.length}/${feed.length} articles from 14620 (Xã Phát Diệm)`);
    expect(await pairs()).toEqual(before);
  });

  it('the real run creates exactly the pairs it reports', async () => {
    const before = await pairs();
    // Targets repeated and comma-separated, and the URL with /graphql: all the same job.
    const run = await runJob(['--from', '14620', '--to', '14623,14653', '--to', '14623'], { LIENTHONG_URL: `${server.url}/graphql` });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/DRY RUN/);
    expect(summary(run)).toMatchObject({ articles: feed.length, requested: feed.length * 2, changed: expectedNew.length, rejected: 0 });
    expect(difference(await pairs(), before)).toEqual([...expectedNew].sort());
    expect(difference(before, await pairs())).toEqual([]);
  });

  it('a second run changes nothing and exits 0: everything asked is in place', async () => {
    const before = await pairs();
    const run = await runJob(['--from', '14620', '--to', ...targets]);
    expect(run.code).toBe(0);
    expect(summary(run)).toMatchObject({ requested: feed.length * 2, changed: 0, unchanged: feed.length * 2, rejected: 0 });
    expect(outcomeLine(run)).toBe(`syndicate: exit 0: done, ${feed.length * 2} pairs are in place`);
    expect(await pairs()).toEqual(before);
  });
});

describe('--since and --topic restrict what is collected', () => {
  /** The units whose publications 14620's feed gathers: Xã Phát Diệm and the archive it keeps. */
  const source = () => historyOf('14620@2025-07-01');
  const ids = async (sql: string, params: unknown[]) => (await query<{ id: number }>(sql, params)).map((r) => Number(r.id)).sort((a, b) => a - b);
  /** Articles of 14620's feed published at or after `utc`: by default midnight 1 June 2024 in Vietnam (17:00 UTC the day before). */
  const since = (utc = '2024-05-31 17:00:00') =>
    ids('SELECT DISTINCT p.article_id AS id FROM publications p JOIN articles a ON a.id = p.article_id WHERE p.unit_id IN (?) AND a.published_at >= ?', [source(), utc]);
  const withTopic = () =>
    ids(
      `SELECT DISTINCT p.article_id AS id FROM publications p
        JOIN article_topics t ON t.article_id = p.article_id JOIN topics tp ON tp.id = t.topic_id
        WHERE p.unit_id IN (?) AND tp.name = 'Cải cách hành chính'`,
      [source()],
    );

  it('--since 2024-06-01 to Kim Sơn (14638) adds exactly the articles published since, in Vietnam time, and echoes the day as given', async () => {
    const target = await idOf('14638');
    const expected = await since();
    const all = await sourceFeed('14620');
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(await feedOf(target)).toEqual([]);
    const run = await runJob(['--from', '14620', '--to', '14638', '--since', '2024-06-01']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^filter:\s+published at or after 2024-06-01 \(Asia\/Ho_Chi_Minh\)$/m);
    expect(run.stdout + run.stderr).not.toMatch(UTC_INSTANT);
    expect(summary(run)).toMatchObject({ articles: expected.length, changed: expected.length });
    expect(await feedOf(target)).toEqual(expected);
  });

  it.each([['2024-06-01T00:00'], ['2024-06-01 00:00:00'], ['2024-05-31T17:00:00Z'], ['2024-05-31T12:00:00-05:00']])(
    '--since %j is the same instant, echoed in Vietnam time',
    async (instant) => {
      const expected = await since();
      const run = await runJob(['--from', '14620', '--to', '14638', '--since', instant, '--dry-run']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^filter:\s+published at or after 2024-06-01T00:00:00\+07:00 \(Asia\/Ho_Chi_Minh\)$/m);
      expect(run.stdout + run.stderr).not.toMatch(UTC_INSTANT);
      expect(summary(run)).toMatchObject({ articles: expected.length });
    },
  );

  it('a time without an offset is Vietnam time: --since 2024-06-01T08:30 leaves out what was published at 08:00 that day', async () => {
    // The boundary sits between two demo articles' times, so reading it as UTC (7 hours later) would count differently.
    const [{ at }] = await query<{ at: string }>(
      `SELECT DATE_FORMAT(MIN(a.published_at), '%Y-%m-%d %H:%i:%s') AS at FROM publications p JOIN articles a ON a.id = p.article_id
        WHERE p.unit_id IN (?) AND a.published_at >= '2024-05-31 17:00:00'`,
      [source()],
    );
    const firstUtc = new Date(`${at.replace(' ', 'T')}Z`);
    const vietnam = new Date(firstUtc.getTime() + 7 * 3600_000).toISOString().slice(0, 16); // its wall clock in Vietnam
    const expected = (await since()).length;
    const atFirst = await runJob(['--from', '14620', '--to', '14638', '--since', vietnam, '--dry-run']);
    expect(atFirst.code).toBe(0);
    expect(atFirst.stdout).toContain(`published at or after ${vietnam}:00+07:00 (Asia/Ho_Chi_Minh)`);
    expect(summary(atFirst).articles).toBe(expected);
    const oneMinuteLater = new Date(firstUtc.getTime() + 7 * 3600_000 + 60_000).toISOString().slice(0, 16);
    const after = await runJob(['--from', '14620', '--to', '14638', '--since', oneMinuteLater, '--dry-run']);
    expect(summary(after).articles).toBeLessThan(expected);
  });

  it('nothing published since: no article to copy, exit 0', async () => {
    // The newest article of Xã Phát Diệm's feed is of 2026-03-10.
    expect(await since('2026-05-31 17:00:00')).toEqual([]);
    const run = await runJob(['--from', '14620', '--to', '14638', '--since', '2026-06-01']);
    expect(run.code).toBe(0);
    expect(summary(run)).toMatchObject({ articles: 0, requested: 0, changed: 0 });
    expect(outcomeLine(run)).toBe('syndicate: exit 0: done, 0 pairs are in place');
  });

  it("--topic 'Cải cách hành chính' to Quang Thiện (14647) adds exactly the articles with that topic", async () => {
    const target = await idOf('14647');
    const expected = await withTopic();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan((await sourceFeed('14620')).length);
    expect(await feedOf(target)).toEqual([]);
    const run = await runJob(['--from', '14620', '--to', '14647', '--topic', 'Cải cách hành chính']);
    expect(run.code).toBe(0);
    expect(summary(run)).toMatchObject({ articles: expected.length, changed: expected.length });
    expect(await feedOf(target)).toEqual(expected);
  });

  it('both together (and an instant for --since) collect the intersection', async () => {
    const published = new Set(await since());
    const expected = (await withTopic()).filter((id) => published.has(id));
    const run = await runJob(['--from', '14620', '--to', '14674', '--since', '2024-06-01T00:00:00+07:00', '--topic', 'cai-cach-hanh-chinh', '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^filter:\s+published at or after 2024-06-01T00:00:00\+07:00 \(Asia\/Ho_Chi_Minh\); topics cai-cach-hanh-chinh$/m);
    expect(summary(run)).toMatchObject({ articles: expected.length, requested: expected.length });
  });
});

describe('editor keys of Xã Phát Diệm (14620) and of the new Ninh Bình (37) with --descendants', () => {
  it('to the whole province with the commune’s key: applies what lies in 14620, reports the rest as rejected, and exits 3 (partly done)', async () => {
    // The key did what it may and the summary says what it skipped; cron must still hear of the rest.
    const feed = await sourceFeed('14620');
    const inside = await subtreeOf(await idOf('14620'));
    const province = await subtreeOf(await idOf('37'));
    expect(inside).toEqual(['14620@2025-07-01']);
    expect(province).toEqual(expect.arrayContaining(inside));
    const before = await pairs();
    const expectedNew = cross(feed, inside).filter((p) => !before.has(p));
    expect(expectedNew.length).toBeGreaterThan(0);
    const run = await runJob(['--from', '14620', '--to', '37', '--descendants'], { LIENTHONG_API_KEY: communeEditorKey });
    expect(run.code).toBe(3);
    const outside = province.length - inside.length;
    expect(outcomeLine(run)).toBe(`syndicate: exit 3: partly done, ${feed.length * inside.length} pairs are in place, ${feed.length * outside} rejected`);
    expect(summary(run)).toEqual({
      articles: feed.length,
      calls: 1,
      requested: feed.length * province.length,
      changed: expectedNew.length,
      unchanged: feed.length * inside.length - expectedNew.length,
      rejected: feed.length * outside,
    });
    expect(run.stdout).toContain('rejection reasons:');
    expect(run.stdout).toContain(`1 × ${outside} of the ${province.length} units of 37's subtree are outside unit 14620 (Xã Phát Diệm), which this key may write to (target 37)`);
    expect(difference(await pairs(), before)).toEqual(expectedNew.sort());
  });

  it('syndicates to the whole province with the province’s key', async () => {
    const feed = await sourceFeed('14620');
    const subtree = await subtreeOf(await idOf('37'));
    // The new province's communes, none of the old map's units.
    expect(subtree).toEqual(expect.arrayContaining(['37@2025-07-01', '14620@2025-07-01', '14698@2025-07-01']));
    expect(subtree.every((id) => id.endsWith('@2025-07-01'))).toBe(true);
    const before = await pairs();
    const expectedNew = cross(feed, subtree).filter((p) => !before.has(p));
    expect(expectedNew.length).toBeGreaterThan(0);
    const run = await runJob(['--from', '14620', '--to', '37', '--descendants'], { LIENTHONG_API_KEY: editorKey });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/→ 37 and every unit below$/m);
    expect(summary(run)).toEqual({
      articles: feed.length,
      calls: 1,
      requested: feed.length * subtree.length,
      changed: expectedNew.length,
      unchanged: feed.length * subtree.length - expectedNew.length,
      rejected: 0,
    });
    expect(difference(await pairs(), before)).toEqual(expectedNew.sort());
  });

  it('a target the key may not write at all is rejected too, and unknown targets are reported: exit 3', async () => {
    const before = await pairs();
    const run = await runJob(['--from', '14620', '--to', '14623', '14626', '01'], { LIENTHONG_API_KEY: editorKey });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/1 × there is no such unit \(target 14626\)/);
    expect(run.stdout).toMatch(/1 × unit 01 is outside unit 37 \(Tỉnh Ninh Bình\), which this key may write to \(target 01\)/);
    expect(await pairs()).toEqual(before);
  });
});

describe('every pair rejected: exit 1 (nothing done), with the summary saying why', () => {
  it.each([
    ['a mistyped target', ['--from', '14620', '--to', '14626'], () => adminKey, /1 × there is no such unit \(target 14626\)/],
    ['a key without the right', ['--from', '14620', '--to', '37'], () => communeEditorKey, /1 × unit 37 is outside unit 14620 \(Xã Phát Diệm\), which this key may write to \(target 37\)/],
    // Xã Xuân Chính went, with Xã Hồi Ninh, into Xã Chất Bình on 2025-07-01.
    ['a target that has ended', ['--from', '14620', '--to', '14632'], () => adminKey, /1 × unit 14632 ended on 2025-06-30; its successors: 14653 \(target 14632\)/],
  ])('%s', async (_, args, key, reason) => {
    const feed = await sourceFeed('14620');
    const before = await pairs();
    for (const dryRun of [['--dry-run'], []]) {
      const run = await runJob([...args, ...dryRun], { LIENTHONG_API_KEY: key() });
      expect(run.code).toBe(1);
      expect(summary(run)).toMatchObject({ articles: feed.length, requested: feed.length, changed: 0, unchanged: 0, rejected: feed.length });
      expect(run.stdout).toMatch(reason);
      expect(outcomeLine(run)).toBe(`syndicate: exit 1: nothing done, ${feed.length} rejected`);
    }
    expect(await pairs()).toEqual(before);
  });
});

/** A stand-in gateway in front of the real one, misbehaving on purpose. */
interface Proxy {
  url: string;
  requests: { operationName: string; articles: number }[];
  close(): Promise<void>;
}

async function startProxy(misbehave: (n: number, body: any) => { status: number; body: unknown } | null): Promise<Proxy> {
  const requests: Proxy['requests'] = [];
  const proxy: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw);
    requests.push({ operationName: body.operationName, articles: body.variables?.input?.articleIds?.length ?? 0 });
    const answer = misbehave(requests.length, body);
    if (answer) {
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      return;
    }
    const upstream = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
      body: raw,
    });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(await upstream.text());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => proxy.close(() => resolve())),
  };
}

describe('transient failures are retried with backoff', () => {
  const unavailable = { status: 503, body: { errors: [{ message: 'Service Unavailable' }] } };

  it('two 503s, then the job goes through', async () => {
    const proxy = await startProxy((n) => (n <= 2 ? unavailable : null));
    try {
      const direct = await runJob(['--from', '14620', '--to', '14677', '--dry-run']);
      const run = await runJob(['--from', '14620', '--to', '14677', '--dry-run'], { LIENTHONG_URL: proxy.url });
      expect(run.code).toBe(0);
      expect(run.stderr.match(/SourceFeed attempt \d\/5 failed \(HTTP 503[^)]*\); retrying in \d+ ms/g)).toHaveLength(2);
      expect(run.stdout).toMatch(/in 1 call \(2 requests retried\)/);
      expect(summary(run)).toEqual(summary(direct));
      expect(proxy.requests.map((r) => r.operationName)).toEqual(['SourceFeed', 'SourceFeed', 'SourceFeed', 'Syndicate']);
    } finally {
      await proxy.close();
    }
  });

  it('an INTERNAL_SERVER_ERROR on the mutation is retried; the mutation is idempotent', async () => {
    const internal = { status: 200, body: { data: null, errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } };
    let mutations = 0;
    const proxy = await startProxy((_, body) => (body.operationName === 'Syndicate' && ++mutations === 1 ? internal : null));
    try {
      const run = await runJob(['--from', '14620', '--to', '14677'], { LIENTHONG_URL: proxy.url });
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/Syndicate attempt 1\/5 failed \(INTERNAL_SERVER_ERROR: Internal server error\); retrying/);
      expect(summary(run).rejected).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('gives up after 5 attempts with exit 1', async () => {
    const proxy = await startProxy(() => ({ ...unavailable, status: 502 }));
    try {
      const run = await runJob(['--from', '14620', '--to', '14677'], { LIENTHONG_URL: proxy.url });
      expect(run.code).toBe(1);
      expect(proxy.requests).toHaveLength(5);
      expect(run.stderr).toMatch(/failed: SourceFeed failed 5 times, giving up; last: HTTP 502/);
      expect(run.stdout).toBe('');
    } finally {
      await proxy.close();
    }
  });

  it('an unreachable gateway is retried, then exit 1', async () => {
    const proxy = await startProxy(() => null);
    await proxy.close(); // its port is now (almost certainly) closed
    const run = await runJob(['--from', '14620', '--to', '14677'], { LIENTHONG_URL: proxy.url });
    expect(run.code).toBe(1);
    expect(run.stderr.match(/retrying in/g)).toHaveLength(4);
    expect(run.stderr).toMatch(/giving up; last: cannot reach http:\/\/127\.0\.0\.1:\d+\/graphql \(ECONNREFUSED\)/);
  });

  it('a failure after some calls went through: exit 3 (partly done), and a rerun finishes the job', async () => {
    // Refusing calls over 5 articles (as over the pair cap) makes the job send at most 5 per call;
    // then the second of those is refused for good, as by a key revoked mid-run.
    const feed = await sourceFeed('14620');
    expect(feed.length).toBeGreaterThan(10);
    // A commune in force that shows nothing yet (those of the new Ninh Bình all do by now).
    const [{ code: target, id: targetId }] = await query<{ code: string; id: string }>(
      `SELECT u.code, u.id FROM units u WHERE u.level = 'COMMUNE' AND u.valid_to IS NULL
         AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.unit_id = u.id) ORDER BY u.code LIMIT 1`,
    );
    expect(target).toBeDefined();
    const revoked = { status: 200, body: { data: null, errors: [{ message: 'the API key sent is revoked', extensions: { code: 'UNAUTHENTICATED' } }] } };
    let fitting = 0;
    const proxy = await startProxy((_, body) => {
      const n = body.variables?.input?.articleIds?.length ?? 0;
      if (n > 5) return { status: 200, body: { data: null, errors: [{ message: `these arguments name ${n * 20_000} article-unit pairs; at most 100000 per call`, extensions: { code: 'BAD_USER_INPUT' } }] } };
      return body.operationName === 'Syndicate' && ++fitting === 2 ? revoked : null;
    });
    let applied = 0;
    try {
      const run = await runJob(['--from', '14620', '--to', target, '--descendants'], { LIENTHONG_URL: proxy.url });
      applied = proxy.requests.find((r) => r.operationName === 'Syndicate' && r.articles <= 5)!.articles;
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/failed: UNAUTHENTICATED: the API key sent is revoked/);
      expect(run.stderr).toContain(`${applied} of ${feed.length} articles were syndicated before the failure (changed ${applied})`);
      expect(outcomeLine(run)).toBe(`syndicate: exit 3: partly done, ${applied} pairs are in place, stopped before the end`);
      expect(await feedOf(targetId)).toHaveLength(applied);
    } finally {
      await proxy.close();
    }
    const rerun = await runJob(['--from', '14620', '--to', target]);
    expect(rerun.code).toBe(0);
    expect(summary(rerun)).toMatchObject({ changed: feed.length - applied, unchanged: applied });
    expect(await feedOf(targetId)).toEqual(feed);
  });

  it('a refusal over the 100,000-pair cap halves the chunk until it fits', async () => {
    const overCap = (articles: number) => ({
      status: 200,
      body: { data: null, errors: [{ message: `these arguments name ${articles * 20_000} article-unit pairs; at most 100000 per call`, extensions: { code: 'BAD_USER_INPUT', field: 'input' } }] },
    });
    // Pretend every target expands to 20,000 units: 5 articles per call fit.
    const proxy = await startProxy((_, body) => {
      const n = body.variables?.input?.articleIds?.length ?? 0;
      return n > 5 ? overCap(n) : null;
    });
    try {
      const feed = await sourceFeed('14620');
      const subtree = await subtreeOf(await idOf('37'));
      const run = await runJob(['--from', '14620', '--to', '37', '--descendants', '--dry-run'], { LIENTHONG_URL: proxy.url });
      expect(run.code).toBe(0);
      // 100 articles per call at first (all of them), halved on each refusal, then kept.
      const expectedSizes: number[] = [];
      for (let size = 100, done = 0; done < feed.length; ) {
        const n = Math.min(size, feed.length - done);
        expectedSizes.push(n);
        if (n > 5) size = Math.floor(n / 2);
        else done += n;
      }
      expect(proxy.requests.filter((r) => r.operationName === 'Syndicate').map((r) => r.articles)).toEqual(expectedSizes);
      expect(run.stderr).toMatch(/refused \d+ articles per call as over 100000 pairs; trying \d+/);
      expect(summary(run)).toMatchObject({ articles: feed.length, requested: feed.length * subtree.length, rejected: 0 });
    } finally {
      await proxy.close();
    }
  });
});
