import { createDataSource } from '../../ormconfig';
import { createServer } from '../../src/server';
import { CommitAnswerProxy } from '../helpers/commitAnswerProxy';
import { insertArticles, minutesAfter } from '../helpers/fixtures';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/**
 * Several writes in one mutation request are applied together or not at all
 * (plugins/requestTransaction.ts): the contract's mutation fields are non-null, so one refusal
 * answers `data: null` for the whole request, and nothing the answer hides may stay written.
 */
const PHAT_DIEM = '14620@2025-07-01'; // Xã Phát Diệm: its editor's scope
const BINH_MINH = '14623@2025-07-01'; // Xã Bình Minh, beside it: outside that scope

let server: TestServer;
let env: TestEnvironment;
let admin: string;
let editor: string;
let editorId: number;

beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  admin = (await env.asAdmin()).key;
  const made = await env.withKey({ role: 'editor', unitCode: '14620', label: 'Phát Diệm' });
  editor = made.key;
  editorId = made.record.id;
});
afterAll(() => server.close());

let minute = 0;
const article = async (origin: string, title: string) => (await insertArticles(server.db.dataSource, [{ title, origin, publishedAt: minutesAfter(minute++) }]))[0];
const titleOf = async (id: number) => (await server.db.dataSource.query('SELECT title FROM articles WHERE id = ?', [id]))[0].title as string;
const auditOf = async (requestId: string) =>
  (await server.db.dataSource.query('SELECT operation, outcome, error_code, detail FROM audit_log WHERE request_id = ? ORDER BY id', [requestId])) as {
    operation: string;
    outcome: string;
    error_code: string | null;
    detail: string | null;
  }[];

/** A request with its id (x-request-id), for its audit entries. */
async function send(key: string, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: { message: string; path?: string[]; extensions: Record<string, unknown> }[] };
  return { ...body, status: res.status, requestId: res.headers.get('x-request-id')!, statements: Number(res.headers.get('x-sql-statements')) };
}

const updates = (a: number, b: number, title: string) =>
  `mutation { a: updateArticle(id: "${a}", input: { title: "${title} A" }) { id title } b: updateArticle(id: "${b}", input: { title: "${title} B" }) { id title } }`;

describe('one write refused', () => {
  it('undoes the writes before it: the editor’s allowed update is not applied, and the audit says so', async () => {
    const inside = await article(PHAT_DIEM, 'Bài trong phạm vi');
    const outside = await article(BINH_MINH, 'Bài ngoài phạm vi');
    const res = await send(editor, updates(inside, outside, 'Sửa'));
    expect(res.data).toBeNull();
    expect(res.errors).toEqual([expect.objectContaining({ path: ['b'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    // Nothing changed: read back from MySQL and through the gateway.
    expect(await titleOf(inside)).toBe('Bài trong phạm vi');
    expect(await titleOf(outside)).toBe('Bài ngoài phạm vi');
    expect((await server.gqlWithKey(editor, `{ article(id: "${inside}") { title } }`)).data.article.title).toBe('Bài trong phạm vi');
    // a ran and was undone, b was refused: no entry of the request says applied.
    expect(await auditOf(res.requestId)).toEqual([
      { operation: 'updateArticle', outcome: 'rolledBack', error_code: null, detail: expect.stringContaining('b (updateArticle) was refused with FORBIDDEN') },
      { operation: 'updateArticle', outcome: 'refused', error_code: 'FORBIDDEN', detail: expect.any(String) },
    ]);
    // As the admins' audit log reads it.
    const log = await server.gqlWithKey(admin, `{ auditLog(keyId: "${editorId}", first: 2) { outcome errorCode requestId } }`);
    expect(log.data.auditLog).toEqual([
      { outcome: 'refused', errorCode: 'FORBIDDEN', requestId: res.requestId },
      { outcome: 'rolledBack', errorCode: null, requestId: res.requestId },
    ]);
  });

  it('undoes an allowed syndicate when the syndicate after it fails', async () => {
    const a = await article(PHAT_DIEM, 'Tin liên thông');
    const shownOn = async () => (await server.db.dataSource.query('SELECT unit_id FROM publications WHERE article_id = ? ORDER BY unit_id', [a])).map((r: any) => r.unit_id);
    const before = await shownOn();
    // The second names 1,001 × 100 pairs, over the 100,000 a call may name.
    const tooMany = { articleIds: Array(1001).fill(String(a)), targetCodes: Array(100).fill('14623') };
    const res = await send(
      admin,
      `mutation($tooMany: SyndicationInput!) { first: syndicate(input: { articleIds: ["${a}"], targetCodes: ["14623", "37"] }) { changed } second: syndicate(input: $tooMany) { changed } }`,
      { tooMany },
    );
    expect(res.data).toBeNull();
    expect(res.errors).toEqual([expect.objectContaining({ path: ['second'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    expect(await shownOn()).toEqual(before);
    expect((await auditOf(res.requestId)).map((e) => [e.outcome, e.error_code])).toEqual([
      ['rolledBack', null],
      ['refused', 'BAD_USER_INPUT'],
    ]);
  });

  it('refuses a dry run beside other writes (it could not undo only its own part), and undoes the writes before it', async () => {
    const a = await article(PHAT_DIEM, 'Bài thử');
    const res = await send(
      admin,
      `mutation { edit: updateArticle(id: "${a}", input: { title: "Bài thử đã sửa" }) { id } rehearse: syndicate(input: { articleIds: ["${a}"], targetCodes: ["14623"], dryRun: true }) { changed } }`,
    );
    expect(res.data).toBeNull();
    expect(res.errors).toEqual([expect.objectContaining({ path: ['rehearse'], extensions: { code: 'BAD_USER_INPUT', field: 'input.dryRun' } })]);
    expect(await titleOf(a)).toBe('Bài thử');
    // Alone, a dry run still answers what it would change.
    const alone = await send(admin, `mutation { syndicate(input: { articleIds: ["${a}"], targetCodes: ["14623"], dryRun: true }) { changed } }`);
    expect(alone.data).toEqual({ syndicate: { changed: 1 } });
  });

  it('refuses recordVisit beside writes before anything runs: visits cannot be undone', async () => {
    const a = await article(PHAT_DIEM, 'Bài và lượt xem');
    const res = await send(editor, `mutation { updateArticle(id: "${a}", input: { title: "Đổi" }) { id } recordVisit(unitCode: "14620", visitorId: "v1") }`);
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect(await titleOf(a)).toBe('Bài và lượt xem');
    expect(await auditOf(res.requestId)).toEqual([]);
  });
});

describe('every write allowed', () => {
  it('commits them all, each answered and audited as applied', async () => {
    const [a, b] = [await article(PHAT_DIEM, 'Bài một'), await article(PHAT_DIEM, 'Bài hai')];
    const res = await send(editor, updates(a, b, 'Cả hai'));
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: { id: String(a), title: 'Cả hai A' }, b: { id: String(b), title: 'Cả hai B' } });
    expect([await titleOf(a), await titleOf(b)]).toEqual(['Cả hai A', 'Cả hai B']);
    expect((await auditOf(res.requestId)).map((e) => [e.outcome, e.detail])).toEqual([
      ['applied', `id ${a}`],
      ['applied', `id ${b}`],
    ]);
  });

  it('answers each write with what the ones before it wrote (its reads are in the same transaction)', async () => {
    const a = await article(PHAT_DIEM, 'Bài gốc');
    const res = await send(
      admin,
      `mutation { edit: updateArticle(id: "${a}", input: { title: "Tiêu đề mới" }) { id } share: syndicate(input: { articleIds: ["${a}"], targetCodes: ["14623"] }) { changed } after: updateArticle(id: "${a}", input: { summary: "Tóm tắt" }) { title summary publications { unit { code } } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.after).toEqual({ title: 'Tiêu đề mới', summary: 'Tóm tắt', publications: expect.arrayContaining([{ unit: { code: '14623' } }]) });
  });
});

describe('caches', () => {
  it('a rolled-back request leaves them as they were, and what it read inside its transaction is served to nobody', async () => {
    const a = await article(PHAT_DIEM, 'Tin được đọc');
    const outside = await article(BINH_MINH, 'Tin bên cạnh');
    // The id the next source will have (a committed write empties the caches: before they are filled).
    const { id: lastSource } = (await send(admin, 'mutation { createSource(input: { name: "Nguồn trước" }) { id } }')).data.createSource;
    const next = Number(lastSource) + 1;
    const read = `{ article(id: "${a}") { title } }`;
    await server.gql(read);
    const warm = await server.gql(read);
    expect(warm.statements).toBe(0);

    // A request that creates that source, writes an article read with it, and fails last.
    const failed = await send(
      admin,
      `mutation { made: createSource(input: { name: "Nguồn bị hủy" }) { id } written: createArticle(input: { originCode: "14620", title: "Bài bị hủy", body: "<p>x</p>", sourceId: "${next}" }) { source { id name } } fails: updateArticle(id: "999999", input: { title: "x" }) { id } }`,
    );
    expect(failed.data).toBeNull();
    expect(failed.errors?.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);
    // Kept answers and data caches were not emptied: the read costs nothing and is what was committed.
    const after = await server.gql(read);
    expect(after).toMatchObject({ data: { article: { title: 'Tin được đọc' } }, statements: 0 });
    // The source existed only inside the rolled-back transaction: nobody is served it.
    expect((await server.gql(`{ source(id: "${next}") { name } }`)).data.source).toBeNull();
    expect((await server.gql('{ sources { name } }')).data.sources.map((s: any) => s.name)).not.toContain('Nguồn bị hủy');

    // A committed request of several writes empties them once it has committed.
    const committed = await send(admin, `mutation { x: updateArticle(id: "${a}", input: { title: "Tin đã sửa" }) { id } y: updateArticle(id: "${outside}", input: { title: "Tin bên cạnh đã sửa" }) { id } }`);
    expect(committed.errors).toBeUndefined();
    expect((await server.gql(read)).data.article.title).toBe('Tin đã sửa');
  });
});

describe('a COMMIT that gets no answer', () => {
  it('answers an error, not the writes; audits them as failed with the outcome unknown; empties the caches (the writes may be in)', async () => {
    // A second gateway on the same database, through a proxy that can lose a COMMIT's answer.
    const target = new URL(server.db.url);
    const proxy = new CommitAnswerProxy({ host: target.hostname, port: Number(target.port || 3306) });
    await proxy.up();
    const proxiedUrl = new URL(server.db.url);
    proxiedUrl.host = `127.0.0.1:${proxy.port}`;
    const proxied = await createDataSource({ databaseUrl: proxiedUrl.toString(), poolSize: 4 }).initialize();
    const app = await createServer({ config: { production: false }, dataSource: proxied });
    try {
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const [a, b] = [await article(PHAT_DIEM, 'Chưa biết một'), await article(PHAT_DIEM, 'Chưa biết hai')];
      const read = async () => {
        const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ article(id: "${a}") { title } }` }) });
        return { title: ((await res.json()) as any).data.article.title as string, statements: Number(res.headers.get('x-sql-statements')) };
      };
      await read();
      expect(await read()).toEqual({ title: 'Chưa biết một', statements: 0 });

      const lost = proxy.loseNextCommitAnswer(/^UPDATE articles/);
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${editor}` },
        body: JSON.stringify({ query: updates(a, b, 'Không rõ') }),
      });
      await lost;
      const body = (await res.json()) as { data: unknown; errors: { extensions: Record<string, unknown> }[] };
      expect(body.data).toBeNull();
      // As a single write whose COMMIT is lost is answered (plugins/errorMasking.ts): the connection was lost.
      expect(body.errors.map((e) => e.extensions.code)).toEqual(['SERVICE_UNAVAILABLE']);
      // MySQL did commit: the writes and the audit rows written with them are in, and so are the rows saying the outcome was unknown.
      expect(await titleOf(a)).toBe('Không rõ A');
      const requestId = res.headers.get('x-request-id')!;
      expect((await auditOf(requestId)).map((e) => [e.outcome, e.detail])).toEqual([
        ['applied', `id ${a}`],
        ['applied', `id ${b}`],
        ['failed', expect.stringContaining('the COMMIT got no answer')],
        ['failed', expect.stringContaining('the COMMIT got no answer')],
      ]);
      expect((await read()).title).toBe('Không rõ A');
    } finally {
      await app.close();
      await proxied.destroy();
      await proxy.close();
    }
  });
});

describe('statements', () => {
  it('a single write costs what it did; two cost one BEGIN and COMMIT less than twice that, plus the transaction’s isolation', async () => {
    const [a, b] = [await article(PHAT_DIEM, 'Đếm một'), await article(PHAT_DIEM, 'Đếm hai')];
    const one = (title: string) => `mutation { updateArticle(id: "${a}", input: { title: "${title}" }) { id title } }`;
    await send(editor, one('Lượt đầu')); // unit lineage read once, then cached for every request
    const single = await send(editor, one('Lượt hai'));
    const authentication = (await send(editor, '{ __typename }')).statements;
    // The key's lookup; the write's transaction (START, the row locked and read, scope check, UPDATE,
    // its search document, the tags of what it changed, COMMIT); the reload; the audit row.
    expect(single.statements).toBe(10);
    const pair = await send(editor, updates(a, b, 'Đếm'));
    expect(pair.errors).toBeUndefined();
    // One key lookup, each write's work and audit row and reload, and one SET TRANSACTION ISOLATION,
    // BEGIN, read of the tags of what both changed, and COMMIT in all.
    expect(pair.statements).toBe(authentication + 2 * (single.statements - authentication - 3) + 4);
  });

  it('a new article is only inserted: nothing is deleted, looked up or read back that the write already knows', async () => {
    const create = (title: string, topics: string[]) =>
      send(editor, `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`, { input: { originCode: '14620', title, body: '<p>Nội dung</p>', topics } });
    await create('Bài đếm đầu', []); // the unit by its code read once, then cached for every request
    const authentication = (await send(editor, '{ __typename }')).statements;
    // The key's lookup; the scope check; the transaction (isolation, START, the free slug, INSERT of
    // the article, its publication, its SUBTREE and history feed rows and its search document, the
    // data bounds, the tags of what it changed, COMMIT); the reload; the audit row.
    const bare = await create('Bài đếm không chủ đề', []);
    expect(bare.errors).toBeUndefined();
    expect(bare.statements).toBe(authentication + 1 + 11 + 2);
    // Topics: created if new, then filed under (two statements).
    expect((await create('Bài đếm có chủ đề', ['Cải cách'])).statements).toBe(bare.statements + 2);
  });
});
