import { CREATE_SOURCE } from '../helpers/operations';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

let server: TestServer;
let env: TestEnvironment;
const keys: Record<'admin' | 'phatDiem' | 'ninhBinh', { key: string; id: number }> = {} as any;

beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  const make = async (name: keyof typeof keys, role: 'admin' | 'editor', unitCode: string | null) => {
    const { key, record } = await env.withKey({ role, unitCode, label: name });
    keys[name] = { key, id: record.id };
  };
  await make('admin', 'admin', null);
  await make('phatDiem', 'editor', '14620'); // a commune
  await make('ninhBinh', 'editor', '37'); // a province: the widest editor there is
});
afterAll(() => server.close());

const sourceRows = async () => server.db.dataSource.query('SELECT id, name, url FROM sources ORDER BY id');
const auditSince = async (id: number) => server.db.dataSource.query('SELECT key_id, operation, outcome, error_code, detail FROM audit_log WHERE id > ? ORDER BY id', [id]);
const lastAuditId = async () => Number((await server.db.dataSource.query('SELECT COALESCE(MAX(id), 0) AS id FROM audit_log'))[0].id);

describe('who may create a source', () => {
  it('an admin: the source is stored, listed to every reader, and audited as applied', async () => {
    const audited = await lastAuditId();
    const res = await server.gqlWithKey(keys.admin.key, CREATE_SOURCE, { input: { name: 'Báo Ninh Bình', url: 'https://baoninhbinh.org.vn' } });
    expect(res.errors).toBeUndefined();
    const { id } = res.data.createSource;
    expect(await sourceRows()).toEqual([{ id: Number(id), name: 'Báo Ninh Bình', url: 'https://baoninhbinh.org.vn/' }]);
    expect((await server.gql('{ sources { id name } }')).data.sources).toEqual([{ id, name: 'Báo Ninh Bình' }]);
    expect(await auditSince(audited)).toEqual([{ key_id: keys.admin.id, operation: 'createSource', outcome: 'applied', error_code: null, detail: `id ${id}` }]);
  });

  it.each([
    ['a commune editor', 'phatDiem'],
    ['a province editor', 'ninhBinh'],
  ] as const)('%s: FORBIDDEN saying an admin adds sources, nothing stored, audited as refused with its key', async (_name, who) => {
    const before = await sourceRows();
    const audited = await lastAuditId();
    const res = await server.gqlWithKey(keys[who].key, CREATE_SOURCE, { input: { name: 'Cổng thông tin xã', url: 'https://xa.example.vn' } });
    expect(res.status).toBe(200);
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.errors?.[0]?.message).toMatch(/admin/);
    expect(await sourceRows()).toEqual(before);
    expect(await auditSince(audited)).toEqual([
      { key_id: keys[who].id, operation: 'createSource', outcome: 'refused', error_code: 'FORBIDDEN', detail: res.errors?.[0]?.message },
    ]);
  });

  it('an editor sending 50 aliased creates (the flood of #14) stores none of them', async () => {
    const before = await sourceRows();
    const audited = await lastAuditId();
    const flood = `mutation { ${Array.from({ length: 50 }, (_, i) => `s${i}: createSource(input: { name: "Nguồn rác ${i}" }) { id }`).join(' ')} }`;
    const res = await server.gqlWithKey(keys.phatDiem.key, flood);
    // Mutation fields run one after another; a refused one (non-null) ends the operation.
    expect(res.data).toBeNull();
    expect(res.errors?.length).toBeGreaterThan(0);
    expect(new Set(res.errors!.map((e) => e.extensions?.code))).toEqual(new Set(['FORBIDDEN']));
    expect(await sourceRows()).toEqual(before);
    expect((await server.gql('{ sources { name } }')).data.sources).toEqual(before.map((s: { name: string }) => ({ name: s.name })));
    const rows = await auditSince(audited);
    expect(rows).toHaveLength(res.errors!.length);
    expect(rows.every((r: { key_id: number; outcome: string }) => r.key_id === keys.phatDiem.id && r.outcome === 'refused')).toBe(true);
  });
});

describe('source lengths, checked on what is stored', () => {
  // 'tin-tức' is 7 characters typed and 11 stored: URL serialization percent-encodes 'ứ' as %E1%BB%A9.
  const pathOf = (typed: number) => 'tin-tức/'.repeat(Math.ceil(typed / 8)).slice(0, typed);
  const base = 'https://baoninhbinh.org.vn/';

  it('refuses a url that fits as typed but not once percent-encoded (BAD_USER_INPUT on input.url), storing nothing', async () => {
    const url = base + pathOf(913 - base.length);
    expect(url.length).toBe(913);
    expect(new URL(url).toString().length).toBeGreaterThan(1000);
    const shorter = base + pathOf(400 - base.length); // 400 typed, over 500 stored
    expect(new URL(shorter).toString().length).toBeGreaterThan(500);
    const before = await sourceRows();
    for (const u of [url, shorter]) {
      const res = await server.gqlWithKey(keys.admin.key, CREATE_SOURCE, { input: { name: `Báo dài ${u.length}`, url: u } });
      expect(res.status).toBe(200);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
      expect(res.errors?.[0]?.message).toContain('500');
    }
    expect(await sourceRows()).toEqual(before);
  });

  it('accepts a url of exactly 500 characters as stored, and a name of 200 characters after normalization', async () => {
    const url = 'https://a.vn/' + 'x'.repeat(500 - 'https://a.vn/'.length);
    // Typed decomposed (NFD), 'Báo ' is 5 characters; it is stored composed (NFC) as 4.
    const name = ('Báo '.repeat(49) + 'Bình').normalize('NFD');
    expect(name.normalize('NFC').length).toBe(200);
    expect(name.length).toBeGreaterThan(200);
    const res = await server.gqlWithKey(keys.admin.key, CREATE_SOURCE, { input: { name, url } });
    expect(res.errors).toBeUndefined();
    const [row] = await server.db.dataSource.query('SELECT name, url FROM sources WHERE id = ?', [res.data.createSource.id]);
    expect(row).toEqual({ name: name.normalize('NFC'), url });
  });
});
