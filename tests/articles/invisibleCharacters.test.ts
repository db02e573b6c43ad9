import { ApiKeyService, KeyInputError } from '../../src/modules/keys/apiKey.service';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/**
 * Text readers recognise things by (titles, summaries, topics, source names, a legal document's
 * number, type, issuer and signer, key labels) refuses characters that cannot be seen but change
 * what is seen: bidirectional controls and zero-width characters. The body, sanitized HTML, has
 * them removed instead.
 */
let server: TestServer;
let env: TestEnvironment;
let admin: string;
beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  admin = (await env.asAdmin()).key;
});
afterAll(() => server.close());

const RLO = '\u202e';
const ZWSP = '\u200b';
const CREATE = 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id title body } }';
const article = (extra: Record<string, unknown> = {}) => ({ originCode: '14620', title: 'Xã Phát Diệm họp dân', body: '<p>Nội dung.</p>', ...extra });
const legalDocument = (extra: Record<string, unknown> = {}) => ({
  kind: 'LEGAL_DOCUMENT',
  document: { number: '21/QĐ-UBND', documentType: 'Quyết định', issuer: 'UBND xã Phát Diệm', issuedOn: '2025-08-04', signer: 'Chủ tịch UBND xã', ...extra },
});
const articleRows = async () => Number((await server.db.dataSource.query('SELECT COUNT(*) AS n FROM articles'))[0].n);

describe('refused, naming the field and the character', () => {
  it.each([
    ['a title with a right-to-left override', article({ title: `Quyết định số 21/${RLO}DNBU-ĐQ` }), 'input.title', 'U+202E (RIGHT-TO-LEFT OVERRIDE)'],
    ['a title with a zero-width space', article({ title: `Phát${ZWSP} Diệm` }), 'input.title', 'U+200B (ZERO WIDTH SPACE)'],
    ['a title with a right-to-left isolate', article({ title: `Tin \u2067mới` }), 'input.title', 'U+2067 (RIGHT-TO-LEFT ISOLATE)'],
    ['a title with a byte order mark', article({ title: `\ufeffTin mới` }), 'input.title', 'U+FEFF (ZERO WIDTH NO-BREAK SPACE)'],
    ['a summary with a zero-width joiner', article({ summary: `Tóm\u200dtắt` }), 'input.summary', 'U+200D (ZERO WIDTH JOINER)'],
    ['a topic with a right-to-left mark', article({ topics: [`Chuyển đổi số\u200f`] }), 'input.topics', 'U+200F (RIGHT-TO-LEFT MARK)'],
    ['a document number with an override', article(legalDocument({ number: `21/QĐ-${RLO}UBND` })), 'input.document.number', 'U+202E (RIGHT-TO-LEFT OVERRIDE)'],
    ['a document issuer with a zero-width non-joiner', article(legalDocument({ issuer: `UBND\u200c xã Phát Diệm` })), 'input.document.issuer', 'U+200C (ZERO WIDTH NON-JOINER)'],
    ['a document signer with an embedding', article(legalDocument({ signer: `\u202bChủ tịch` })), 'input.document.signer', 'U+202B (RIGHT-TO-LEFT EMBEDDING)'],
  ])('createArticle: %s', async (_name, input, field, character) => {
    const before = await articleRows();
    const res = await server.gqlWithKey(admin, CREATE, { input });
    expect(res.data).toBeNull();
    expect(res.errors).toEqual([expect.objectContaining({ message: expect.stringContaining(`must not contain ${character}`), extensions: { code: 'BAD_USER_INPUT', field } })]);
    expect(await articleRows()).toBe(before);
  });

  it('updateArticle: a title with a right-to-left override, the article unchanged', async () => {
    const created = (await server.gqlWithKey(admin, CREATE, { input: article() })).data.createArticle;
    const res = await server.gqlWithKey(admin, 'mutation($id: ID!, $title: String!) { updateArticle(id: $id, input: { title: $title }) { title } }', { id: created.id, title: `${RLO}Tin đã sửa` });
    expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.title' });
    expect((await server.gql(`{ article(id: "${created.id}") { title } }`)).data.article.title).toBe(created.title);
  });

  it('createSource: a name with a word joiner', async () => {
    const res = await server.gqlWithKey(admin, 'mutation($name: String!) { createSource(input: { name: $name }) { id } }', { name: `Báo\u2060 Ninh Bình` });
    expect(res.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('U+2060 (WORD JOINER)'), extensions: { code: 'BAD_USER_INPUT', field: 'input.name' } })]);
    expect(await server.db.dataSource.query('SELECT id FROM sources')).toEqual([]);
  });

  it('a key label with a right-to-left override', async () => {
    const keys = new ApiKeyService(server.db.dataSource);
    await expect(keys.create({ role: 'admin', label: `Sở TT&TT ${RLO}nimda` })).rejects.toThrow(new KeyInputError("label must not contain U+202E (RIGHT-TO-LEFT OVERRIDE): it could make one key's label read as another's"));
  });
});

it('accepts Vietnamese text in every form it is written: all tones, đ, precomposed or combining', async () => {
  const title = 'Đắk Lắk: Nghị quyết về hỗ trợ người dân vùng lũ, ưu tiên hộ nghèo';
  const decomposed = title.normalize('NFD');
  const res = await server.gqlWithKey(admin, CREATE, { input: article({ title: decomposed, summary: 'Ấp Bình Thạnh, xã Tân Phú Đông', topics: ['Thiên tai'] }) });
  expect(res.errors).toBeUndefined();
  expect(res.data.createArticle.title).toBe(title);
});

it('removes them from a body (sanitized HTML, often pasted with some) instead of refusing it', async () => {
  const res = await server.gqlWithKey(admin, CREATE, {
    input: article({ body: `<p>\ufeffNội${ZWSP} dung ${RLO}có ký tự ẩn\u202c.</p><p><a href="https://example.vn/${ZWSP}a">liên\u200d kết</a></p>` }),
  });
  expect(res.errors).toBeUndefined();
  expect(res.data.createArticle.body).toBe('<p>Nội dung có ký tự ẩn.</p><p><a href="https://example.vn/a">liên kết</a></p>');
});
