import { seedDemoContent } from '../../seeds/demo';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/**
 * Legal documents' particulars (Article.document, filter.documentNumber / issuedFrom / issuedBefore):
 * written with the article and refused with it, read the same through every path, found by number
 * however it is typed, and batched. Writes go to units of today's map ('14620' is Xã Phát Diệm);
 * the demo's documents are shown on the old Thị trấn Phát Diệm, which Xã Phát Diệm's feed keeps.
 */
let server: TestServer;
let env: TestEnvironment;
let admin: string;

beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
  admin = (await env.asAdmin()).key;
});
afterAll(() => server.close());

const DOCUMENT = 'document { number documentType issuer issuedOn effectiveOn signer fileUrl }';
const CREATE = `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id slug kind ${DOCUMENT} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateArticleInput!) { updateArticle(id: $id, input: $input) { id kind ${DOCUMENT} } }`;
const FEED = `query($unit: ID, $on: Date, $scope: FeedScope, $filter: ArticleFilter, $history: Boolean, $first: Int) {
  articles(unit: $unit, on: $on, scope: $scope, filter: $filter, history: $history, first: $first) { totalCount nodes { id title ${DOCUMENT} } }
}`;

const errorOf = (res: { errors?: any[] }) => res.errors?.[0];
const query = (sql: string, params: unknown[] = []) => server.db.dataSource.query(sql, params);
/** Everything the particulars' writes touch, as rows: a refusal must leave it exactly as it was. */
const stored = async () => ({
  articles: await query('SELECT id, kind, title, updated_at FROM articles ORDER BY id'),
  documents: await query('SELECT * FROM legal_documents ORDER BY article_id'),
});

let numbers = 100;
/** Particulars of a document of UBND xã Phát Diệm, with a number no other test uses. */
const particulars = (extra: Record<string, unknown> = {}) => ({
  number: `${++numbers}/QĐ-UBND`,
  documentType: 'Quyết định',
  issuer: 'UBND xã Phát Diệm',
  issuedOn: '2025-08-04',
  effectiveOn: '2025-08-15',
  signer: 'Chủ tịch UBND xã',
  fileUrl: 'https://phatdiem.ninhbinh.gov.vn/van-ban/quyet-dinh.pdf',
  ...extra,
});
const article = (document: Record<string, unknown> | null, extra: Record<string, unknown> = {}) => ({
  originCode: '14620',
  title: 'Quyết định về kiện toàn bộ phận một cửa xã Phát Diệm',
  body: '<p>Nội dung quyết định.</p>',
  kind: 'LEGAL_DOCUMENT',
  publishedAt: '2025-08-05T09:00:00+07:00',
  ...(document && { document }),
  ...extra,
});

async function create(document: Record<string, unknown> | null, extra: Record<string, unknown> = {}) {
  const res = await server.gqlWithKey(admin, CREATE, { input: article(document, extra) });
  expect(res.errors).toBeUndefined();
  return res.data.createArticle as { id: string; slug: string; document: Record<string, unknown> | null };
}

describe('writing particulars', () => {
  it('createArticle stores them (number without spaces, diacritics kept) and every read path serves the same', async () => {
    const given = particulars({ number: ' 7 / QĐ - UBND ' });
    const created = await create(given);
    const expected = { ...given, number: '7/QĐ-UBND' };
    expect(created.document).toEqual(expected);

    const [row] = await query('SELECT * FROM legal_documents WHERE article_id = ?', [created.id]);
    expect(row).toMatchObject({ number: '7/QĐ-UBND', number_key: '7/qd-ubnd', document_type: 'Quyết định', issuer: 'UBND xã Phát Diệm', issuer_key: 'ubnd xa phat diem', issued_on: '2025-08-04', effective_on: '2025-08-15' });

    const byId = await server.gql(`query($id: ID) { article(id: $id) { ${DOCUMENT} } }`, { id: created.id });
    const bySlug = await server.gql(`query($slug: String) { article(slug: $slug) { ${DOCUMENT} } }`, { slug: created.slug });
    const feed = await server.gql(FEED, { unit: '14620', scope: 'UNIT', filter: { kinds: ['LEGAL_DOCUMENT'] }, first: 100 });
    const entities = await server.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Article { ${DOCUMENT} } } }`, { r: [{ __typename: 'Article', id: created.id }] });
    for (const served of [byId.data.article, bySlug.data.article, feed.data.articles.nodes.find((n: { id: string }) => n.id === created.id), entities.data._entities[0]]) {
      expect(served.document).toEqual(expected);
    }
  });

  it('optional particulars may be left out, and read as null', async () => {
    const { effectiveOn, signer, fileUrl, ...required } = particulars();
    void effectiveOn, signer, fileUrl;
    const created = await create(required);
    expect(created.document).toEqual({ ...required, effectiveOn: null, signer: null, fileUrl: null });
  });

  it.each([
    ['a LEGAL_DOCUMENT without particulars', () => article(null), 'input.document'],
    ['particulars on a NEWS article', () => article(particulars(), { kind: 'NEWS' }), 'input.document'],
    ['a number without a digit', () => article(particulars({ number: 'QĐ-UBND' })), 'input.document.number'],
    ['a number with other separators', () => article(particulars({ number: '12_QĐ.UBND' })), 'input.document.number'],
    ['a number with an empty part', () => article(particulars({ number: '12//QĐ-UBND' })), 'input.document.number'],
    ['a number of another script', () => article(particulars({ number: '12/文-UBND' })), 'input.document.number'],
    ['a number with markup', () => article(particulars({ number: '<b>12</b>' })), 'input.document.number'],
    ['a number longer than 50', () => article(particulars({ number: `12/${'A'.repeat(50)}` })), 'input.document.number'],
    ['an empty issuer', () => article(particulars({ issuer: '  ' })), 'input.document.issuer'],
    ['an empty type', () => article(particulars({ documentType: '' })), 'input.document.documentType'],
    ['a fileUrl that is not http(s)', () => article(particulars({ fileUrl: 'javascript:alert(1)' })), 'input.document.fileUrl'],
    ['a day that does not exist', () => article(particulars({ issuedOn: '2025-02-29' })), undefined],
  ])('refuses %s: BAD_USER_INPUT, nothing written', async (_name, input, field) => {
    const before = await stored();
    const res = await server.gqlWithKey(admin, CREATE, { input: input() });
    expect(errorOf(res)?.extensions?.code).toBe('BAD_USER_INPUT');
    if (field) expect(errorOf(res).extensions.field).toBe(field);
    expect(await stored()).toEqual(before);
  });

  it('a number is unique per issuer, whatever its case, spaces and diacritics: the refusal names the first', async () => {
    const first = await create(particulars({ number: '88/QĐ-UBND' }));
    const before = await stored();
    for (const [number, issuer] of [['88/qđ-ubnd', 'UBND xã Phát Diệm'], [' 88 / QD-UBND', 'ubnd  XÃ phát diem']]) {
      const res = await server.gqlWithKey(admin, CREATE, { input: article(particulars({ number, issuer })) });
      expect(errorOf(res)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.document.number' });
      expect(errorOf(res).message).toContain(`88/QĐ-UBND of UBND xã Phát Diệm is already article ${first.id}`);
    }
    expect(await stored()).toEqual(before);
    // Another issuer may use the same number.
    expect((await create(particulars({ number: '88/QĐ-UBND', issuer: 'UBND xã Kim Trung' }))).document!.number).toBe('88/QĐ-UBND');
  });

  it('updateArticle replaces them, drops them when the kind changes, and refuses what does not fit the kind', async () => {
    const { id } = await create(particulars());
    const update = (input: Record<string, unknown>) => server.gqlWithKey(admin, UPDATE, { id, input });

    const replaced = particulars({ documentType: 'Kế hoạch', effectiveOn: null });
    expect((await update({ document: replaced })).data.updateArticle.document).toEqual({ ...replaced, number: replaced.number });
    expect((await query('SELECT number FROM legal_documents WHERE article_id = ?', [id]))[0].number).toBe(replaced.number);

    // A title change keeps them.
    expect((await update({ title: 'Kế hoạch đã sửa tên' })).data.updateArticle.document).toEqual(replaced);

    let before = await stored();
    for (const input of [{ kind: 'NEWS', document: particulars() }, { document: null }]) {
      const res = await update(input);
      expect(errorOf(res)?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(await stored()).toEqual(before);
    }

    const news = await update({ kind: 'NEWS' });
    expect(news.data.updateArticle).toMatchObject({ kind: 'NEWS', document: null });
    expect(await query('SELECT * FROM legal_documents WHERE article_id = ?', [id])).toEqual([]);

    before = await stored();
    for (const input of [{ document: particulars() }, { kind: 'LEGAL_DOCUMENT' }]) {
      const res = await update(input);
      expect(errorOf(res)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.document' });
      expect(await stored()).toEqual(before);
    }
    const again = particulars();
    expect((await update({ kind: 'LEGAL_DOCUMENT', document: again })).data.updateArticle).toMatchObject({ kind: 'LEGAL_DOCUMENT', document: again });
  });

  it("updateArticle refuses another article's number, changing nothing", async () => {
    const taken = await create(particulars());
    const { id } = await create(particulars());
    const before = await stored();
    const res = await server.gqlWithKey(admin, UPDATE, { id, input: { title: 'Tên mới', document: particulars({ number: taken.document!.number }) } });
    expect(errorOf(res).message).toContain(`is already article ${taken.id}`);
    expect(await stored()).toEqual(before);
  });

  it('an edit that leaves the particulars alone sends no statement for them, whatever the kind', async () => {
    const document = await create(particulars());
    const news = await create(null, { kind: 'NEWS' });
    const retitle = (id: string) => server.gqlWithKey(admin, 'mutation($id: ID!, $input: UpdateArticleInput!) { updateArticle(id: $id, input: $input) { id } }', { id, input: { title: 'Tên đã sửa' } });
    const [ofDocument, ofNews] = [await retitle(document.id), await retitle(news.id)];
    expect(ofDocument.errors).toBeUndefined();
    expect(ofNews.errors).toBeUndefined();
    expect(ofNews.statements).toBe(ofDocument.statements);
  });

  it('deleteArticle deletes them', async () => {
    const { id } = await create(particulars());
    expect((await server.gqlWithKey(admin, 'mutation($id: ID!) { deleteArticle(id: $id) }', { id })).data.deleteArticle).toBe(true);
    expect(await query('SELECT * FROM legal_documents WHERE article_id = ?', [id])).toEqual([]);
  });
});

describe('finding documents', () => {
  /** 512/QĐ-UBND of UBND tỉnh Ninh Bình: a demo document shown on the old province, Huyện Kim Sơn and Thị trấn Phát Diệm. */
  const DEMO_NUMBER = '512/QĐ-UBND';
  let demoId: string;
  beforeAll(async () => {
    [{ article_id: demoId }] = await query('SELECT article_id FROM legal_documents WHERE number = ?', [DEMO_NUMBER]);
    demoId = String(demoId);
  });
  const ids = (res: { data?: any; errors?: unknown }) => {
    expect(res.errors).toBeUndefined();
    return res.data.articles.nodes.map((n: { id: string }) => n.id);
  };

  it.each(['512/QĐ-UBND', '512/qđ-ubnd', '512/QD-UBND', ' 512 / QĐ-UBND ', '512/Qd-Ubnd'])('by number typed %j, in every scope and through history', async (typed) => {
    const filter = { documentNumber: typed };
    // All articles; the old province and its subtree; Xã Phát Diệm of today only through its history.
    expect(ids(await server.gql(FEED, { filter }))).toEqual([demoId]);
    for (const scope of ['UNIT', 'SUBTREE', 'LINEAGE']) expect(ids(await server.gql(FEED, { unit: '37', on: '2025-06-30', scope, filter }))).toEqual([demoId]);
    expect(ids(await server.gql(FEED, { unit: '14620', scope: 'UNIT', filter }))).toEqual([demoId]);
    expect(ids(await server.gql(FEED, { unit: '14620', scope: 'UNIT', filter, history: false }))).toEqual([]);
    const counted = await server.gql(FEED, { unit: '14620', scope: 'LINEAGE', filter });
    expect(counted.data.articles.totalCount).toBe(1);
  });

  it('a number nobody issued, or another issuer\'s, finds nothing', async () => {
    for (const documentNumber of ['513/QĐ-UBND', '512/QĐ', '512', '']) expect(ids(await server.gql(FEED, { filter: { documentNumber } }))).toEqual([]);
  });

  it('issuedFrom / issuedBefore bound the issue day (from included, before excluded) and combine with the other filters and search', async () => {
    const all: { article_id: number; issued_on: string }[] = await query('SELECT article_id, issued_on FROM legal_documents');
    const expected = (from: string, before: string) =>
      all.filter((d) => d.issued_on >= from && d.issued_on < before).map((d) => String(d.article_id)).sort();
    for (const [from, before] of [['2024-07-12', '2024-07-13'], ['2023-01-01', '2024-07-12'], ['2024-07-13', '2030-01-01']]) {
      const found = ids(await server.gql(FEED, { filter: { issuedFrom: from, issuedBefore: before }, first: 100 }));
      expect([...found].sort()).toEqual(expected(from, before));
      expect(found.length).toBeGreaterThan(0);
    }
    const combined = { documentNumber: DEMO_NUMBER, issuedFrom: '2024-07-12', search: 'dich vu cong truc tuyen', kinds: ['LEGAL_DOCUMENT'], topics: ['Văn bản pháp luật'] };
    expect(ids(await server.gql(FEED, { unit: '376', on: '2025-06-30', scope: 'UNIT', filter: combined }))).toEqual([demoId]);
    for (const miss of [{ issuedFrom: '2024-07-13' }, { search: 'nong thon moi' }, { kinds: ['NEWS'] }, { issuedFrom: '2023-01-01', issuedBefore: '2024-07-12' }]) {
      expect(ids(await server.gql(FEED, { unit: '376', on: '2025-06-30', scope: 'UNIT', filter: { ...combined, ...miss } }))).toEqual([]);
    }
  });

  it('refuses issuedFrom not before issuedBefore, and days that do not exist', async () => {
    for (const filter of [{ issuedFrom: '2024-07-12', issuedBefore: '2024-07-12' }, { issuedFrom: '2024-02-30' }]) {
      expect(errorOf(await server.gql(FEED, { filter }))?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('every demo legal document has particulars; other kinds have none', async () => {
    const res = await server.gql(`{ articles(first: 100) { nodes { kind ${DOCUMENT} } } }`);
    const nodes: { kind: string; document: unknown }[] = res.data.articles.nodes;
    expect(nodes.filter((n) => n.kind === 'LEGAL_DOCUMENT').length).toBeGreaterThanOrEqual(4);
    for (const n of nodes) expect(n.document === null).toBe(n.kind !== 'LEGAL_DOCUMENT');
  });
});

describe('batching and caching', () => {
  it('a page of 100 legal documents with their particulars costs one statement more than without them, whatever the feed', async () => {
    for (let i = 0; i < 100; i++) await create(particulars({ issuer: 'UBND xã Kim Trung' }));
    const page = async (feed: string, selection: string) => {
      server.emptyCaches();
      const res = await server.gql(`{ articles(${feed}, filter: { kinds: [LEGAL_DOCUMENT], issuedFrom: "2025-08-04" }, first: 100) { nodes { id ${selection} } } }`);
      expect(res.errors).toBeUndefined();
      expect(res.data.articles.nodes).toHaveLength(100);
      return res;
    };
    const all = await page('scope: SUBTREE', DOCUMENT);
    expect(all.data.articles.nodes.every((n: { document: unknown }) => n.document !== null)).toBe(true);
    expect(all.statements).toBe(2);
    // Xã Phát Diệm's feed: the unit and its history are read first (two statements), then as above.
    expect((await page('unit: "14620", scope: UNIT', 'id')).statements).toBe(3);
    expect((await page('unit: "14620", scope: UNIT', DOCUMENT)).statements).toBe(4);
    // Other kinds never ask for particulars.
    server.emptyCaches();
    expect((await server.gql(`{ articles(filter: { kinds: [NEWS] }, first: 100) { nodes { id ${DOCUMENT} } } }`)).statements).toBe(1);
  });

  it('a kept answer shows the particulars, and an edit of them drops it at once', async () => {
    const { id } = await create(particulars());
    const read = () => server.gql(`query($id: ID) { article(id: $id) { ${DOCUMENT} } }`, { id });
    await read();
    const kept = await read();
    expect(kept.statements).toBe(0);
    const changed = particulars({ documentType: 'Thông báo' });
    await server.gqlWithKey(admin, UPDATE, { id, input: { document: changed } });
    expect((await read()).data.article.document).toEqual(changed);
  });
});
