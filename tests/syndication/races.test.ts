import { EntityManager } from 'typeorm';
import { deadlineIn } from '../../src/db/deadline';
import { requestDatabase } from '../../src/db/requestDatabase';
import { TRANSACTION_ATTEMPTS, withTransaction } from '../../src/db/transaction';
import { insertArticles, minutesAfter } from '../helpers/fixtures';
import { SYNDICATE, UPDATE_ARTICLE, WITHDRAW } from '../helpers/operations';
import { TestServer } from '../helpers/testServer';
import { waitFor } from '../helpers/waitFor';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/** Concurrent writers: deadlocks are retried inside the gateway, slugs taken meanwhile move on to the next free one. */

let server: TestServer;
let env: TestEnvironment;
let admin: string;

beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  admin = (await env.asAdmin()).key;
});
afterAll(() => server.close());

const query = (sql: string, params: unknown[] = []) => server.db.dataSource.query(sql, params);
const CREATE = 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id slug } }';

/** What the denormalised feeds must say, computed again from the publications; each row as text. */
async function inconsistencies(ids: number[]): Promise<unknown[]> {
  const subtree = await query(
    `SELECT 'subtree row missing or stale' AS problem, x.unit_id, x.article_id FROM
       (SELECT DISTINCT c.ancestor_id AS unit_id, p.sort_at, p.article_id FROM publications p JOIN unit_closure c ON c.descendant_id = p.unit_id WHERE p.article_id IN (?)) x
     LEFT JOIN subtree_feed s ON s.unit_id = x.unit_id AND s.sort_at = x.sort_at AND s.article_id = x.article_id WHERE s.article_id IS NULL
     UNION ALL
     SELECT 'subtree row left over', s.unit_id, s.article_id FROM subtree_feed s WHERE s.article_id IN (?) AND NOT EXISTS
       (SELECT 1 FROM publications p JOIN unit_closure c ON c.descendant_id = p.unit_id WHERE p.article_id = s.article_id AND c.ancestor_id = s.unit_id AND p.sort_at = s.sort_at)`,
    [ids, ids],
  );
  const order = await query(
    `SELECT 'publication out of order' AS problem, p.unit_id, p.article_id FROM publications p JOIN articles a ON a.id = p.article_id WHERE a.id IN (?) AND p.sort_at <> a.published_at
     UNION ALL SELECT 'origin publication missing', a.origin_id, a.id FROM articles a WHERE a.id IN (?) AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.article_id = a.id AND p.unit_id = a.origin_id AND p.is_origin = 1)`,
    [ids, ids],
  );
  return [...subtree, ...order];
}

describe('parallel syndicate, withdraw and update on the same articles', () => {
  it('answers all 60 of each round with no 5xx, and leaves the feeds consistent', async () => {
    const ids = await insertArticles(
      server.db.dataSource,
      ['14620', '14623', '376'].map((origin, i) => ({ title: `Tin tranh chấp ${i}`, origin, publishedAt: minutesAfter(i), topics: ['Tranh chấp'] })),
    );
    const targets = ['14623', '14620', '376', '37', '001', '01', '14611', '14614'];
    const pick = <T>(list: T[], n: number) => [...list].sort(() => Math.random() - 0.5).slice(0, n);
    let errors: unknown[] = [];
    for (let round = 0; round < 3; round++) {
      const calls = Array.from({ length: 60 }, (_, i) => {
        const articleIds = pick(ids, 1 + (i % 3)).map(String);
        if (i % 3 === 0) return server.gqlWithKey(admin, SYNDICATE, { input: { articleIds, targetCodes: pick(targets, 3), includeDescendants: i % 2 === 0 } });
        if (i % 3 === 1) return server.gqlWithKey(admin, WITHDRAW, { input: { articleIds, targetCodes: pick(targets, 3), includeDescendants: i % 2 === 0 } });
        return server.gqlWithKey(admin, UPDATE_ARTICLE, { id: articleIds[0], input: { publishedAt: minutesAfter(100 * round + i).toISOString(), topics: ['Tranh chấp', `Vòng ${round}`] } });
      });
      const results = await Promise.all(calls);
      errors = errors.concat(results.filter((r) => r.status >= 500 || r.errors).map((r) => ({ status: r.status, errors: r.errors })));
    }
    expect(errors).toEqual([]);
    expect(await inconsistencies(ids)).toEqual([]);

    // What readers get agrees with the tables: each article is in the province's SUBTREE feed iff it is shown somewhere under it.
    const feed = await server.gqlWithKey(admin, '{ province(code: "37") { articles(scope: SUBTREE, first: 100) { nodes { id } } } }');
    const expected = await query(
      'SELECT DISTINCT p.article_id AS id FROM publications p JOIN unit_closure c ON c.descendant_id = p.unit_id WHERE c.ancestor_id = ? AND p.article_id IN (?) ORDER BY p.article_id',
      ['37', ids],
    );
    const shown = feed.data.province.articles.nodes.map((n: { id: string }) => Number(n.id)).filter((id: number) => ids.includes(id));
    expect(shown.sort((a: number, b: number) => a - b)).toEqual(expected.map((r: { id: number }) => Number(r.id)));
  });
});

describe('parallel creates with the same title', () => {
  it('all 20 succeed, with the slugs a sequential create would give', async () => {
    const title = 'Thông báo lịch tiếp công dân tháng 12';
    const results = await Promise.all(
      Array.from({ length: 20 }, () => server.gqlWithKey(admin, CREATE, { input: { originCode: '14620', title, body: '<p>Lịch tiếp dân.</p>' } })),
    );
    expect(results.filter((r) => r.errors)).toEqual([]);
    const slugs = results.map((r) => r.data.createArticle.slug).sort();
    const base = 'thong-bao-lich-tiep-cong-dan-thang-12';
    expect(slugs).toEqual([base, ...Array.from({ length: 19 }, (_, i) => `${base}-${i + 2}`)].sort());
    const rows = await query('SELECT COUNT(*) AS n FROM articles WHERE title = ?', [title]);
    expect(Number(rows[0].n)).toBe(20);
  });

  it('refuses an explicit slug taken by a concurrent create as BAD_USER_INPUT, once, and never 5xx', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        server.gqlWithKey(admin, CREATE, { input: { originCode: '14620', title: `Tin ${i}`, body: '<p>x</p>', slug: 'tin-dat-ten-rieng' } }),
      ),
    );
    expect(results.filter((r) => !r.errors).length).toBe(1);
    for (const r of results.filter((r) => r.errors)) {
      expect(r.status).toBeLessThan(500);
      expect(r.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.slug' });
    }
  });
});

describe('withTransaction, against a row another connection keeps locked', () => {
  /** Holds a lock on `articleId` in a connection of its own until release(). */
  async function lockHeldElsewhere(articleId: number) {
    const blocker = server.db.dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query('SELECT id FROM articles WHERE id = ? FOR UPDATE', [articleId]);
    return async () => {
      await blocker.rollbackTransaction();
      await blocker.release();
    };
  }
  /** Touches the locked row, waiting at most a second for it (instead of InnoDB's 50 s). */
  const touch = (articleId: number, attempts: { n: number }) => async (m: EntityManager) => {
    attempts.n++;
    await m.query('SET SESSION innodb_lock_wait_timeout = 1');
    try {
      await m.query('UPDATE articles SET updated_at = updated_at WHERE id = ?', [articleId]);
    } finally {
      await m.query('SET SESSION innodb_lock_wait_timeout = DEFAULT');
    }
    return 'done';
  };

  it('runs the transaction again after a lock wait timeout, and succeeds once the lock is gone', async () => {
    const [id] = await insertArticles(server.db.dataSource, [{ title: 'Tin khóa', origin: '14620', publishedAt: minutesAfter(1) }]);
    const release = await lockHeldElsewhere(id);
    const attempts = { n: 0 };
    // Given up once an attempt has lost to it, so that the retry is what succeeds.
    void waitFor('an attempt to lose to the lock', () => attempts.n >= 2, 30_000).then(release);
    await expect(withTransaction(server.db.dataSource, touch(id, attempts))).resolves.toBe('done');
    expect(attempts.n).toBeGreaterThanOrEqual(2);
  });

  it(`gives up after ${TRANSACTION_ATTEMPTS} attempts with SERVICE_UNAVAILABLE, retryable`, async () => {
    const [id] = await insertArticles(server.db.dataSource, [{ title: 'Tin khóa mãi', origin: '14620', publishedAt: minutesAfter(2) }]);
    const release = await lockHeldElsewhere(id);
    const attempts = { n: 0 };
    try {
      await expect(withTransaction(server.db.dataSource, touch(id, attempts))).rejects.toMatchObject({
        extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'WRITE_CONFLICT', retryable: true },
      });
      expect(attempts.n).toBe(TRANSACTION_ATTEMPTS);
    } finally {
      await release();
    }
  }, 20_000);

  it("stops retrying at the request's deadline", async () => {
    const [id] = await insertArticles(server.db.dataSource, [{ title: 'Tin hết giờ', origin: '14620', publishedAt: minutesAfter(3) }]);
    const release = await lockHeldElsewhere(id);
    const attempts = { n: 0 };
    const db = requestDatabase(server.db.dataSource, { statements: 0, deadline: deadlineIn(2500) });
    const started = Date.now();
    try {
      await expect(withTransaction(db, touch(id, attempts))).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } });
      expect(Date.now() - started).toBeLessThan(2500 + 500);
      expect(attempts.n).toBeLessThan(TRANSACTION_ATTEMPTS);
    } finally {
      await release();
    }
  });
});
