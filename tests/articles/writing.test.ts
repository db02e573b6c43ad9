import { seedDemoContent } from '../../seeds/demo';
import { readVnAdminMaps } from '../../seeds/vnAdmin';
import { connectToDatabase } from '../helpers/testDatabase';
import { insertArticles, minutesAfter } from '../helpers/fixtures';
import { DELETE_ARTICLE, SYNDICATE } from '../helpers/operations';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/**
 * Writes target the units in force today (the map from 2025-07-01): '14620' is Xã Phát Diệm
 * ('14620@2025-07-01'), '37' the new Tỉnh Ninh Bình. Articles of the map that ended keep their old
 * origins ('14620' is then Thị trấn Phát Diệm), and an editor of a new unit keeps the archive of
 * the units that went into it.
 */
let server: TestServer;
let env: TestEnvironment;
const keys: Record<'admin' | 'ninhBinh' | 'phatDiem' | 'haNoi' | 'revoked', string> = {} as any;
const keyIds: Record<string, number> = {};

beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
  const make = async (name: keyof typeof keys, role: 'admin' | 'editor', unitCode: string | null) => {
    const { key, record } = await env.withKey({ role, unitCode, label: name, revoked: name === 'revoked' });
    keys[name] = key;
    keyIds[name] = record.id;
  };
  await make('admin', 'admin', null);
  await make('ninhBinh', 'editor', '37');
  await make('phatDiem', 'editor', '14620');
  await make('haNoi', 'editor', '01');
  await make('revoked', 'admin', null);
});
afterAll(() => server.close());

const CREATE = `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id slug title summary body kind topics publishedAt sourceUrl source { name } origin { id code } publications { isOrigin unit { code } } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateArticleInput!) { updateArticle(id: $id, input: $input) { id slug title summary body kind topics publishedAt sourceUrl source { id } } }`;

const count = async (table: string) => Number((await server.db.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
/**
 * Every row of the content tables, each as JSON, sorted: a refusal must change no value, not only
 * no row count (a refused update that still rewrote a title would keep every count).
 */
const snapshot = async () =>
  Promise.all(
    ['articles', 'publications', 'subtree_feed', 'article_topics', 'topics', 'sources'].map(async (table) =>
      ((await server.db.dataSource.query(`SELECT * FROM ${table}`)) as object[]).map((row) => `${table} ${JSON.stringify(row)}`).sort(),
    ),
  );
const errorOf = (res: { errors?: any[] }) => res.errors?.[0]?.extensions;
const lastAudit = async () => (await server.db.dataSource.query('SELECT * FROM audit_log ORDER BY id DESC LIMIT 1'))[0];

/** "14620 Xã Phát Diệm" for each unit the old unit `id` went into, from the map files (not the database). */
const maps = readVnAdminMaps();
const successorsOf = (id: string): string[] =>
  maps.successions.filter((s) => s.fromId === id).map((s) => maps.units.find((u) => u.id === s.toId)!).map((u) => `${u.code} ${u.fullName}`);

const input = (extra: Record<string, unknown> = {}) => ({
  originCode: '14620',
  title: 'Thị trấn Phát Diệm triển khai Đề án 06 đến từng tổ dân phố',
  summary: 'Cán bộ một cửa hướng dẫn người dân kích hoạt định danh điện tử.',
  body: '<p>Nội dung bài viết.</p>',
  topics: ['Chuyển đổi số', 'Cải cách hành chính'],
  ...extra,
});

describe('keys and permissions', () => {
  it('refuses every mutation without a key (UNAUTHENTICATED), writes nothing, and leaves the refusal out of the audit', async () => {
    const before = await snapshot();
    const audited = await count('audit_log');
    for (const [query, variables] of [
      [CREATE, { input: input() }],
      [UPDATE, { id: '1', input: { title: 'x' } }],
      [DELETE_ARTICLE, { id: '1' }],
      ['mutation { createSource(input: { name: "Báo mới" }) { id } }', {}],
      ['mutation { syndicate(input: { articleIds: ["1"], targetCodes: ["14623"] }) { changed } }', {}],
      ['mutation { withdraw(input: { articleIds: ["1"], targetCodes: ["376"] }) { changed } }', {}],
    ] as const) {
      const res = await server.gql(query, variables);
      expect(errorOf(res)?.code).toBe('UNAUTHENTICATED');
    }
    expect(await snapshot()).toEqual(before);
    // Without a key nobody is accountable: refusals go to the rate-limited log (tests/limits/floods.test.ts).
    expect(await count('audit_log')).toBe(audited);
  });

  it.each([
    ['a revoked key', () => keys.revoked, 'revoked'],
    ['an unknown key', () => `lt_0123456789abcdef_${'A'.repeat(43)}`, 'unknown'],
    ['a malformed key', () => 'hunter2', 'malformed'],
  ])('refuses %s as UNAUTHENTICATED, for reads too, and leaves refused mutations out of the audit', async (_name, key) => {
    const before = await snapshot();
    const audited = await count('audit_log');
    const read = await server.gqlWithKey(key(), '{ provinces { code } }');
    expect(read.status).toBe(401);
    expect(errorOf(read)?.code).toBe('UNAUTHENTICATED');
    const write = await server.gqlWithKey(key(), CREATE, { input: input() });
    expect(errorOf(write)?.code).toBe('UNAUTHENTICATED');
    expect(await snapshot()).toEqual(before);
    expect(await count('audit_log')).toBe(audited);
  });

  it('lets an editor write within its subtree and no further (FORBIDDEN, nothing written)', async () => {
    const ok = await server.gqlWithKey(keys.ninhBinh, CREATE, { input: input({ title: 'Ninh Bình viết cho Phát Diệm' }) });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.createArticle.origin).toEqual({ id: '14620@2025-07-01', code: '14620' });
    expect(await lastAudit()).toMatchObject({ operation: 'createArticle', key_id: keyIds.ninhBinh, outcome: 'applied' });

    const before = await snapshot();
    // A commune's editor neither at its province nor at a neighbour; a province's neither at another province nor in it.
    for (const [key, origin] of [[keys.phatDiem, '37'], [keys.phatDiem, '14623'], [keys.haNoi, '14620'], [keys.ninhBinh, '01'], [keys.ninhBinh, '00004']]) {
      const res = await server.gqlWithKey(key, CREATE, { input: input({ originCode: origin }) });
      expect(errorOf(res)?.code).toBe('FORBIDDEN');
      expect(await lastAudit()).toMatchObject({ operation: 'createArticle', outcome: 'refused', error_code: 'FORBIDDEN' });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('lets an admin write anywhere', async () => {
    const res = await server.gqlWithKey(keys.admin, CREATE, { input: input({ originCode: '01', title: 'Tin Hà Nội' }) });
    expect(res.data.createArticle.origin).toEqual({ id: '01@2025-07-01', code: '01' });
  });

  it('applies the subtree rule to update and delete by the article origin', async () => {
    // Written by the province, above the commune editor's unit.
    const created = await server.gqlWithKey(keys.ninhBinh, CREATE, { input: input({ title: 'Bài của Ninh Bình', originCode: '37' }) });
    const id = created.data.createArticle.id;
    const before = await snapshot();
    const update = await server.gqlWithKey(keys.phatDiem, UPDATE, { id, input: { title: 'Sửa trái phép' } });
    expect(errorOf(update)?.code).toBe('FORBIDDEN');
    const del = await server.gqlWithKey(keys.phatDiem, DELETE_ARTICLE, { id });
    expect(errorOf(del)?.code).toBe('FORBIDDEN');
    expect(await snapshot()).toEqual(before);
    const [{ title }] = await server.db.dataSource.query('SELECT title FROM articles WHERE id = ?', [id]);
    expect(title).toBe('Bài của Ninh Bình');
    expect((await server.gqlWithKey(keys.ninhBinh, UPDATE, { id, input: { title: 'Bài của Ninh Bình (sửa)' } })).data.updateArticle.title).toBe('Bài của Ninh Bình (sửa)');
  });

  it('lets an editor of a new unit edit the archive it keeps, and only that', async () => {
    // Xã Phát Diệm (14620@2025-07-01) is Thị trấn Phát Diệm (14620), Xã Kim Chính (14659) and Xã Thượng Kiệm
    // (14662) merged; Thị trấn Bình Minh (14623) went into Xã Bình Minh, and Huyện Kim Sơn (376) only in part into it.
    const [phatDiem, kimChinh, binhMinh, kimSon] = await insertArticles(server.db.dataSource, [
      { title: 'Tin cũ của Thị trấn Phát Diệm', origin: '14620', publishedAt: minutesAfter(1) },
      { title: 'Tin cũ của Xã Kim Chính', origin: '14659', publishedAt: minutesAfter(2) },
      { title: 'Tin cũ của Thị trấn Bình Minh', origin: '14623', publishedAt: minutesAfter(3) },
      { title: 'Tin cũ của Huyện Kim Sơn', origin: '376', publishedAt: minutesAfter(4) },
    ]);
    for (const id of [phatDiem, kimChinh]) {
      const res = await server.gqlWithKey(keys.phatDiem, UPDATE, { id: String(id), input: { title: `Bài lưu trữ ${id} (sửa)` } });
      expect(res.errors).toBeUndefined();
      expect(res.data.updateArticle.title).toBe(`Bài lưu trữ ${id} (sửa)`);
      expect(await lastAudit()).toMatchObject({ operation: 'updateArticle', key_id: keyIds.phatDiem, outcome: 'applied' });
    }
    const before = await snapshot();
    for (const id of [binhMinh, kimSon]) {
      expect(errorOf(await server.gqlWithKey(keys.phatDiem, UPDATE, { id: String(id), input: { title: 'Sửa trái phép' } }))?.code).toBe('FORBIDDEN');
      expect(await lastAudit()).toMatchObject({ operation: 'updateArticle', key_id: keyIds.phatDiem, outcome: 'refused', error_code: 'FORBIDDEN' });
      expect(errorOf(await server.gqlWithKey(keys.phatDiem, DELETE_ARTICLE, { id: String(id) }))?.code).toBe('FORBIDDEN');
    }
    expect(await snapshot()).toEqual(before);
    const titles = await server.db.dataSource.query('SELECT id, title FROM articles WHERE id IN (?) ORDER BY id', [[binhMinh, kimSon]]);
    expect(titles.map((r: any) => r.title)).toEqual(['Tin cũ của Thị trấn Bình Minh', 'Tin cũ của Huyện Kim Sơn']);
    // The new province keeps the whole old province's archive, district included.
    expect((await server.gqlWithKey(keys.ninhBinh, UPDATE, { id: String(kimSon), input: { title: 'Tin cũ của Huyện Kim Sơn (sửa)' } })).data.updateArticle.title).toBe('Tin cũ của Huyện Kim Sơn (sửa)');
  });

  it('gives the audit trail to admins only', async () => {
    const res = await server.gqlWithKey(keys.admin, '{ auditLog(first: 500) { id keyId operation outcome errorCode detail arguments requestId at } }');
    expect(res.errors).toBeUndefined();
    const ops = res.data.auditLog.map((e: any) => `${e.operation}:${e.outcome}`);
    expect(ops).toEqual(expect.arrayContaining(['createArticle:applied', 'createArticle:refused']));
    expect(res.data.auditLog.every((e: any) => e.keyId !== null)).toBe(true);
    const ids = res.data.auditLog.map((e: any) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const mine = await server.gqlWithKey(keys.admin, `{ auditLog(keyId: "${keyIds.ninhBinh}", operation: "createArticle") { keyId operation } }`);
    expect(mine.data.auditLog.length).toBeGreaterThan(0);
    expect(mine.data.auditLog.every((e: any) => e.keyId === String(keyIds.ninhBinh) && e.operation === 'createArticle')).toBe(true);
    expect(errorOf(await server.gqlWithKey(keys.ninhBinh, '{ auditLog { id } }'))?.code).toBe('FORBIDDEN');
    expect(errorOf(await server.gql('{ auditLog { id } }'))?.code).toBe('UNAUTHENTICATED');
  });
});

describe('createArticle', () => {
  it('writes the article, its origin publication, its topics, and shows it in every feed at once', async () => {
    const res = await server.gqlWithKey(keys.phatDiem, CREATE, {
      input: input({ title: 'Đường điện tử về xã', kind: 'ANNOUNCEMENT', sourceId: '1', sourceUrl: 'https://baoninhbinh.org.vn/duong-dien-tu' }),
    });
    const a = res.data.createArticle;
    expect(a).toMatchObject({
      slug: 'duong-dien-tu-ve-xa', kind: 'ANNOUNCEMENT', source: { name: 'Báo Ninh Bình' }, sourceUrl: 'https://baoninhbinh.org.vn/duong-dien-tu',
      origin: { id: '14620@2025-07-01', code: '14620' },
      publications: [{ isOrigin: true, unit: { code: '14620' } }],
    });
    expect(a.topics).toHaveLength(2);
    expect(a.topics).toEqual(expect.arrayContaining(['Cải cách hành chính', 'Chuyển đổi số']));
    // Today's Xã Phát Diệm and the new province (the map from 2025-07-01 has no districts).
    const feeds = await server.gql(`{ c: commune(code: "14620") { articles(first: 1) { nodes { id } } }
      p: province(code: "37") { articles(scope: SUBTREE, first: 1) { nodes { id } } }
      l: commune(code: "14620") { articles(scope: LINEAGE, first: 1) { nodes { id } } } }`);
    expect(Object.keys(feeds.data)).toHaveLength(3);
    for (const feed of Object.values<any>(feeds.data)) expect(feed.articles.nodes[0].id).toBe(a.id);
    // The units that ended keep their feeds as they were: nothing written after them shows there.
    const ended = await server.gql(`{ c: commune(code: "14620", on: "2025-06-30") { articles(first: 100) { nodes { id } } }
      d: district(code: "376") { articles(scope: SUBTREE, first: 100) { nodes { id } } }
      p: province(code: "37", on: "2025-06-30") { articles(scope: SUBTREE, first: 100) { nodes { id } } } }`);
    for (const feed of Object.values<any>(ended.data)) {
      expect(feed.articles.nodes.length).toBeGreaterThan(0);
      expect(feed.articles.nodes.map((n: any) => n.id)).not.toContain(a.id);
    }
  });

  it.each([
    ['376', 'Huyện Kim Sơn'],
    ['14659', 'Xã Kim Chính'],
  ])('refuses to write at %s (%s, ended on 2025-06-30) as BAD_USER_INPUT naming its successors, writing nothing', async (code, name) => {
    const successors = successorsOf(code);
    expect(successors.length).toBeGreaterThan(0);
    if (code === '14659') expect(successors).toEqual(['14620 Xã Phát Diệm']);
    // The new province's editor keeps Kim Sơn's archive, yet may not write at a unit that ended either.
    for (const key of [keys.admin, keys.ninhBinh]) {
      const before = await snapshot();
      const res = await server.gqlWithKey(key, CREATE, { input: input({ originCode: code, title: `Tin mới cho ${name}` }) });
      expect(res.data?.createArticle ?? null).toBeNull();
      expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.originCode' });
      expect(res.errors![0].message).toContain(name);
      expect(res.errors![0].message).toContain('2025-06-30');
      for (const successor of successors) expect(res.errors![0].message).toContain(successor);
      expect(await snapshot()).toEqual(before);
    }
  });

  it('derives unique, stable slugs from Vietnamese titles (diacritics off, đ→d)', async () => {
    const title = 'Đẩy mạnh cải cách hành chính ở Đồng Hướng';
    const first = (await server.gqlWithKey(keys.ninhBinh, CREATE, { input: input({ title }) })).data.createArticle;
    const second = (await server.gqlWithKey(keys.ninhBinh, CREATE, { input: input({ title }) })).data.createArticle;
    expect(first.slug).toBe('day-manh-cai-cach-hanh-chinh-o-dong-huong');
    expect(second.slug).toBe('day-manh-cai-cach-hanh-chinh-o-dong-huong-2');
    const renamed = (await server.gqlWithKey(keys.ninhBinh, UPDATE, { id: first.id, input: { title: 'Tên mới hoàn toàn' } })).data.updateArticle;
    expect(renamed.slug).toBe(first.slug);
    const long = (await server.gqlWithKey(keys.ninhBinh, CREATE, { input: input({ title: 'Thông báo '.repeat(29).trim() }) })).data.createArticle;
    expect(long.slug.length).toBeLessThanOrEqual(180);
    expect(long.slug).toMatch(/^thong-bao(-thong-bao)*$/);
    const given = (await server.gqlWithKey(keys.ninhBinh, CREATE, { input: input({ slug: 'mot-duong-dan-rieng' }) })).data.createArticle;
    expect(given.slug).toBe('mot-duong-dan-rieng');
  });

  it('keeps a future article from the public until its time, but shows it to key holders', async () => {
    const future = new Date(Date.now() + 3 * 86400_000).toISOString();
    const a = (await server.gqlWithKey(keys.ninhBinh, CREATE, { input: input({ title: 'Lịch tiếp dân tuần sau', publishedAt: future }) })).data.createArticle;
    const query = `query($id: ID) { article(id: $id) { id } commune(code: "14620") { articles(first: 100) { nodes { id } } } }`;
    const anonymous = await server.gql(query, { id: a.id });
    expect(anonymous.data.article).toBeNull();
    expect(anonymous.data.commune.articles.nodes.map((n: any) => n.id)).not.toContain(a.id);
    const editor = await server.gqlWithKey(keys.phatDiem, query, { id: a.id });
    expect(editor.data.article.id).toBe(a.id);
    expect(editor.data.commune.articles.nodes[0].id).toBe(a.id);
  });

  it.each([
    [{ title: '   ' }, 'input.title'],
    [{ title: 'Tin <b>nóng</b>' }, 'input.title'],
    [{ title: 'x'.repeat(301) }, 'input.title'],
    [{ title: 'Tin\u0000rỗng' }, 'input.title'],
    [{ summary: 's'.repeat(1001) }, 'input.summary'],
    [{ summary: '<script>alert(1)</script>' }, 'input.summary'],
    [{ body: '<script>alert(1)</script>' }, 'input.body'],
    [{ body: '' }, 'input.body'],
    [{ originCode: '99999' }, 'input.originCode'],
    [{ sourceId: '424242' }, 'input.sourceId'],
    [{ sourceId: 'báo' }, 'input.sourceId'],
    [{ sourceUrl: 'javascript:alert(1)' }, 'input.sourceUrl'],
    [{ sourceUrl: 'không phải url' }, 'input.sourceUrl'],
    [{ slug: 'Có Dấu' }, 'input.slug'],
    [{ slug: 'duong-dien-tu-ve-xa' }, 'input.slug'],
    [{ topics: Array.from({ length: 11 }, (_, i) => `Chủ đề ${i}`) }, 'input.topics'],
    [{ topics: ['???'] }, 'input.topics'],
  ])('refuses %p as BAD_USER_INPUT naming %s, writing nothing', async (extra, field) => {
    const before = await snapshot();
    const res = await server.gqlWithKey(keys.admin, CREATE, { input: input(extra) });
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a malformed publishedAt before anything runs', async () => {
    const res = await server.gqlWithKey(keys.admin, CREATE, { input: input({ publishedAt: 'hôm qua' }) });
    expect(errorOf(res)?.code).toBe('BAD_USER_INPUT');
  });
});

describe('body sanitization', () => {
  const clean = async (body: string) => (await server.gqlWithKey(keys.admin, CREATE, { input: input({ body: `<p>Giữ lại</p>${body}` }) })).data.createArticle.body as string;

  it.each([
    ['<script>alert(1)</script>', /script|alert/],
    ['<style>p{color:red}</style>', /style|color/],
    ['<iframe src="https://evil.example"></iframe>', /iframe|evil/],
    ['<img src="https://a.vn/x.png" onerror="alert(1)">', /onerror|alert/],
    ['<p onclick="steal()">bấm</p>', /onclick|steal/],
    ['<a href="javascript:alert(1)">link</a>', /javascript/],
    ['<a href="JaVaScRiPt:alert(1)">link</a>', /javascript/i],
    ['<img src="data:image/png;base64,AAAA">', /data:/],
    ['<a href="data:text/html,<script>x</script>">x</a>', /data:|script/],
    ['<object data="x.swf"></object><embed src="x.swf">', /object|embed|swf/],
    ['<form action="https://evil.example"><input name="p"></form>', /form|input|evil/],
    ['<svg onload="alert(1)"><circle/></svg>', /svg|onload/],
    ['<p style="background:url(javascript:alert(1))">x</p>', /style|javascript/],
    ['<meta http-equiv="refresh" content="0;url=https://evil.example">', /meta|evil/],
  ])('removes %s', async (dangerous, forbidden) => {
    const body = await clean(dangerous);
    expect(body).toContain('<p>Giữ lại</p>');
    expect(body).not.toMatch(forbidden);
  });

  it('keeps paragraphs, headings, lists, links, images with captions and tables', async () => {
    const html =
      '<h2>Tiêu đề</h2><p>Đoạn <strong>đậm</strong> và <em>nghiêng</em>.</p><ul><li>Một</li></ul><ol><li>Hai</li></ol>' +
      '<p><a href="https://chinhphu.vn/tin" title="Nguồn">Chính phủ</a></p>' +
      '<figure><img src="https://baoninhbinh.org.vn/anh.jpg" alt="Hội nghị"><figcaption>Quang cảnh hội nghị</figcaption></figure>' +
      '<table><thead><tr><th>Chỉ số</th></tr></thead><tbody><tr><td>82%</td></tr></tbody></table>';
    // The one rewrite: void elements come back self-closed.
    expect(await clean(html)).toBe(`<p>Giữ lại</p>${html.replace('alt="Hội nghị">', 'alt="Hội nghị" />')}`);
  });

  it('drops protocol-relative links and images (//host borrows the page\'s scheme: a way round the allowed schemes)', async () => {
    expect(await clean('<a href="//evil.example/x">liên kết</a>')).toBe('<p>Giữ lại</p><a>liên kết</a>');
    expect(await clean('<p><img src="//evil.example/x.png" alt="ảnh"></p>')).toBe('<p>Giữ lại</p><p><img alt="ảnh" /></p>');
  });

  it('makes links that open a new tab safe', async () => {
    expect(await clean('<a href="https://x.vn" target="_blank">x</a>')).toContain('rel="noopener noreferrer"');
  });
});

describe('updateArticle and deleteArticle', () => {
  it('moves an article in every feed when its publishedAt changes, and replaces topics', async () => {
    const a = (await server.gqlWithKey(keys.ninhBinh, CREATE, { input: input({ title: 'Bài sẽ lùi ngày' }) })).data.createArticle;
    const res = await server.gqlWithKey(keys.ninhBinh, UPDATE, { id: a.id, input: { publishedAt: '2020-01-01T08:00:00+07:00', topics: ['Đất đai'], summary: null } });
    expect(res.data.updateArticle).toMatchObject({ publishedAt: '2020-01-01T08:00:00+07:00', topics: ['Đất đai'], summary: null });
    const oldest = await server.gql(`{ commune(code: "14620") { articles(orderBy: OLDEST, first: 1) { nodes { id } } }
      province(code: "37") { articles(scope: SUBTREE, orderBy: OLDEST, first: 1) { nodes { id } } } }`);
    expect(oldest.data.commune.articles.nodes[0].id).toBe(a.id);
    expect(oldest.data.province.articles.nodes[0].id).toBe(a.id);
  });

  it('a reader during an edit does not keep the old article past the COMMIT (the content version moves after it)', async () => {
    const title = 'Bài trước khi sửa';
    const id = (await server.gqlWithKey(keys.ninhBinh, CREATE, { input: input({ title }) })).data.createArticle.id;
    const READ = 'query($id: ID) { article(id: $id) { title } }';
    const read = async () => (await server.gql(READ, { id })).data.article.title;
    expect(await read()).toBe(title);
    // The test holds the article's row, so the edit's transaction waits for it before it can commit.
    const side = await connectToDatabase(server.db.url);
    try {
      await side.query('START TRANSACTION');
      await side.query('SELECT id FROM articles WHERE id = ? FOR UPDATE', [id]);
      const editing = server.gqlWithKey(keys.ninhBinh, UPDATE, { id, input: { title: 'Bài sau khi sửa' } });
      await lockWaitIn(side);
      // The edit has started and not committed: a reader sees, and the gateway may keep, the old title.
      expect(await read()).toBe(title);
      await side.query('COMMIT');
      const edited = await editing;
      expect(edited.errors).toBeUndefined();
      expect(edited.data.updateArticle.title).toBe('Bài sau khi sửa');
      // Committed: the very next reader gets the edit, not what was kept while it waited.
      expect(await read()).toBe('Bài sau khi sửa');
    } finally {
      await side.end();
    }
  });

  it('refuses bad changes with the field named, and unknown ids as NOT_FOUND', async () => {
    expect(errorOf(await server.gqlWithKey(keys.admin, UPDATE, { id: '1', input: { title: null } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    expect(errorOf(await server.gqlWithKey(keys.admin, UPDATE, { id: '1', input: { sourceId: '999999' } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.sourceId' });
    expect(errorOf(await server.gqlWithKey(keys.admin, UPDATE, { id: '999999', input: { title: 'x' } }))?.code).toBe('NOT_FOUND');
    expect(errorOf(await server.gqlWithKey(keys.admin, UPDATE, { id: 'abc', input: { title: 'x' } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('deletes an article from every feed and from article(), and says false for one that is not there', async () => {
    const a = (await server.gqlWithKey(keys.ninhBinh, CREATE, { input: input({ title: 'Bài sẽ bị xoá' }) })).data.createArticle;
    const shown = await server.gqlWithKey(keys.admin, SYNDICATE, { input: { articleIds: [a.id], targetCodes: ['14623', '01'] } });
    expect(shown.data.syndicate.changed).toBe(2);
    expect((await server.gqlWithKey(keys.ninhBinh, DELETE_ARTICLE, { id: a.id })).data.deleteArticle).toBe(true);
    const res = await server.gql(`query($id: ID) { article(id: $id) { id } ${['14620', '14623', '376', '37', '01'].map((c) => `u${c}: unit(code: "${c}") { s: articles(scope: SUBTREE, first: 100) { nodes { id } } l: articles(scope: LINEAGE, first: 100) { nodes { id } } }`).join(' ')} }`, { id: a.id });
    expect(res.data.article).toBeNull();
    expect(JSON.stringify(res.data)).not.toContain(`"id":"${a.id}"`);
    for (const table of ['publications', 'subtree_feed', 'article_topics']) {
      expect(await server.db.dataSource.query(`SELECT * FROM ${table} WHERE article_id = ?`, [a.id])).toEqual([]);
    }
    expect((await server.gqlWithKey(keys.ninhBinh, DELETE_ARTICLE, { id: a.id })).data.deleteArticle).toBe(false);
  });
});

describe('createSource', () => {
  it('adds a source, and refuses a duplicate name (regardless of case and diacritics) or a bad URL', async () => {
    const res = await server.gqlWithKey(keys.admin, 'mutation { createSource(input: { name: "Báo Dân tộc và Phát triển", url: "https://baodantoc.vn" }) { id name url } }');
    expect(res.data.createSource).toMatchObject({ name: 'Báo Dân tộc và Phát triển', url: 'https://baodantoc.vn/' });
    const before = await snapshot();
    expect(errorOf(await server.gqlWithKey(keys.admin, 'mutation { createSource(input: { name: "BÁO DÂN TỘC VÀ PHÁT TRIỂN" }) { id } }'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    expect(errorOf(await server.gqlWithKey(keys.admin, 'mutation { createSource(input: { name: "Báo khác", url: "ftp://x" }) { id } }'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
    expect(errorOf(await server.gqlWithKey(keys.admin, 'mutation { createSource(input: { name: "" }) { id } }'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    expect(await snapshot()).toEqual(before);
  });
});

/**
 * Until another connection to the test's database is running a locking read of an article: with
 * `side` holding the row, that is the edit waiting for it. No event says so outside MySQL: its
 * process list is polled, with a deadline. (MariaDB shows such a wait as the statement's
 * "Statistics" stage, not in INNODB_TRX's LOCK WAIT.)
 */
async function lockWaitIn(side: Awaited<ReturnType<typeof connectToDatabase>>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [rows] = await side.query(
      `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST
       WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND COMMAND = 'Query' AND INFO LIKE '%FROM articles WHERE id = % FOR UPDATE%'`,
    );
    if (Number((rows as { n: number }[])[0].n) > 0) return;
    if (Date.now() > deadline) throw new Error('no transaction came to wait for the locked row within 10 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
