import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { requestDatabase } from '../../src/db/requestDatabase';
import { StatementTally } from '../../src/db/statementCounter';
import { ApiKeyService, KeyInputError } from '../../src/modules/keys/apiKey.service';
import { createTestDatabase, TestDatabase } from '../helpers/testDatabase';

const KEY_FORMAT = /^lt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/;
const T0 = new Date('2024-11-27T08:00:00.000Z');
const seconds = (n: number): Date => new Date(T0.getTime() + n * 1000);

let db: TestDatabase;
let service: ApiKeyService;
/** A key made on 2024-11-27, for Huyện Kim Sơn, which was in force then and ended on 2025-06-30. */
let keyOfEndedUnit: number;
beforeAll(async () => {
  db = await createTestDatabase();
  service = new ApiKeyService(db.dataSource);
});
afterAll(() => db.drop());

/** Runs `fn` with the service over a request's database and says how many SQL statements it sent. */
async function statementsOf<T>(fn: (service: ApiKeyService) => Promise<T>): Promise<{ result: T; statements: number }> {
  const tally: StatementTally = { statements: 0 };
  const result = await fn(new ApiKeyService(requestDatabase(db.dataSource, tally)));
  return { result, statements: tally.statements };
}

function secretOf(key: string): string {
  return key.slice(20);
}

describe('ApiKeyService.create, list and revoke', () => {
  it('makes keys of the documented form, each with fresh randomness', async () => {
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => service.create({ role: 'admin', label: `entropy ${i}` })));
    for (const { key } of made) expect(key).toMatch(KEY_FORMAT);
    expect(new Set(made.map(({ key }) => key.slice(3, 19))).size).toBe(20);
    expect(new Set(made.map(({ key }) => secretOf(key))).size).toBe(20);
    // 43 base64url characters carry the 256 bits of randomBytes(32).
    expect(Buffer.from(secretOf(made[0].key), 'base64url')).toHaveLength(32);
  });

  it('returns the stored record: editor with its unit, label trimmed, times in whole seconds', async () => {
    // Made on 2024-11-27, the code names the unit in force that day: Huyện Kim Sơn of the map that ended on 2025-06-30.
    const { record } = await service.create({ role: 'editor', unitCode: '376', label: '  Cổng Huyện Kim Sơn \n' }, new Date('2024-11-27T08:00:00.750Z'));
    keyOfEndedUnit = record.id;
    expect(record).toEqual({
      id: expect.any(Number),
      role: 'editor',
      unitId: '376',
      label: 'Cổng Huyện Kim Sơn',
      createdAt: new Date('2024-11-27T08:00:00.000Z'),
      lastUsedAt: null,
      revokedAt: null,
    });
    expect((await service.list()).find((k) => k.id === record.id)).toEqual(record);
  });

  it('stores only a SHA-256 of the secret: no column holds the secret or the key', async () => {
    const { key, record } = await service.create({ role: 'admin', unitCode: '37', label: 'hash check' });
    const [row] = await db.dataSource.query('SELECT * FROM api_keys WHERE id = ?', [record.id]);
    const secret = secretOf(key);
    for (const [column, value] of Object.entries(row)) {
      const renderings = Buffer.isBuffer(value) ? [value.toString('utf8'), value.toString('hex'), value.toString('base64url'), value.toString('base64')] : [String(value)];
      for (const text of renderings) {
        expect({ column, leaks: text.includes(secret) || text.includes(key) }).toEqual({ column, leaks: false });
      }
    }
    expect(row.public_id).toBe(key.slice(3, 19));
    expect(row.secret_hash).toEqual(createHash('sha256').update(secret).digest());
  });

  it('makes an editor key for the unit in force today with the code, and refuses one for a unit that ended, naming its successors', async () => {
    // Today '14620' is Xã Phát Diệm (Thị trấn Phát Diệm, Xã Kim Chính and Xã Thượng Kiệm merged on 2025-07-01).
    expect((await service.create({ role: 'editor', unitCode: '14620', label: 'Cổng Xã Phát Diệm' })).record.unitId).toBe('14620@2025-07-01');
    expect((await service.create({ role: 'editor', unitCode: '37', label: 'Cổng Tỉnh Ninh Bình' })).record.unitId).toBe('37@2025-07-01');
    const before = (await service.list()).length;
    for (const [code, successor] of [['14659', /Xã Kim Chính.*2025-06-30.*14620 Xã Phát Diệm/], ['376', /Huyện Kim Sơn.*2025-06-30.*14620 Xã Phát Diệm, 14623 Xã Bình Minh/]] as const) {
      const error = await service.create({ role: 'editor', unitCode: code, label: `ended ${code}` }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeyInputError);
      expect((error as Error).message).toMatch(/^unit\b/);
      expect((error as Error).message).toMatch(successor);
    }
    expect((await service.list()).length).toBe(before);
  });

  it('lists keys by id', async () => {
    const a = await service.create({ role: 'admin', label: 'first' });
    const b = await service.create({ role: 'editor', unitCode: '14620', label: 'second' });
    const ids = (await service.list()).map((k) => k.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(ids.indexOf(a.record.id)).toBeLessThan(ids.indexOf(b.record.id));
  });

  it('revokes a key once: revoking again keeps the first revoked_at; an unknown id gives null', async () => {
    const { record } = await service.create({ role: 'admin', label: 'to revoke' });
    expect(await service.revoke(record.id, seconds(10))).toEqual({ ...record, revokedAt: seconds(10) });
    expect((await service.revoke(record.id, seconds(500)))?.revokedAt).toEqual(seconds(10));
    expect(await service.revoke(4000000000)).toBeNull();
  });

  it.each([
    ['role', { role: 'boss', label: 'x' }],
    ['unit', { role: 'editor', label: 'editor without unit' }],
    ['unit', { role: 'editor', unitCode: null, label: 'editor with null unit' }],
    ['unit', { role: 'editor', unitCode: '99999', label: 'unknown unit' }],
    ['unit', { role: 'editor', unitCode: "37' OR '1'='1", label: 'not a code' }],
    ['unit', { role: 'admin', unitCode: '999', label: 'admin of an unknown unit' }],
    ['label', { role: 'admin', label: '' }],
    ['label', { role: 'admin', label: '   ' }],
    ['label', { role: 'admin', label: 'ắ'.repeat(201) }],
    ['label', { role: 'admin', label: 'two\nlines' }],
  ])('refuses a bad %s with a KeyInputError naming it', async (field, input) => {
    const before = (await service.list()).length;
    const error = await service.create(input as any).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyInputError);
    expect((error as Error).message).toMatch(new RegExp(`^${field}\\b`));
    expect((await service.list()).length).toBe(before);
  });

  it('accepts a label of exactly 200 characters, counting Vietnamese letters as one each', async () => {
    const { record } = await service.create({ role: 'admin', label: 'ắ'.repeat(200) });
    expect(record.label).toBe('ắ'.repeat(200));
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 32])('refuses to revoke id %p', async (id) => {
    await expect(service.revoke(id)).rejects.toThrow(/^id\b/);
  });
});

describe('ApiKeyService.authenticate', () => {
  it('treats a missing header as an anonymous caller', async () => {
    expect(await service.authenticate(undefined)).toEqual({ key: null, problem: null });
    expect(await service.authenticate('')).toEqual({ key: null, problem: null });
  });

  it('accepts a valid key with one SELECT, stamps last_used_at, and does not rewrite it within 60 s', async () => {
    const { key, record } = await service.create({ role: 'editor', unitCode: '376', label: 'busy portal' }, T0);
    const first = await statementsOf((service) => service.authenticate(`Bearer ${key}`, seconds(5)));
    expect(first.result).toEqual({ key: { ...record, lastUsedAt: seconds(5) }, problem: null });
    expect(first.statements).toBe(2); // the SELECT and the first stamp

    const lastUsed = async () => (await db.dataSource.query('SELECT last_used_at FROM api_keys WHERE id = ?', [record.id]))[0].last_used_at;
    expect(await lastUsed()).toEqual(seconds(5));

    // Within the minute: nothing is written, and the key reports when it was stamped.
    const busy = await statementsOf((service) => service.authenticate(`bearer   ${key}`, seconds(64)));
    expect(busy.statements).toBe(1);
    expect(busy.result.key?.lastUsedAt).toEqual(seconds(5));
    expect(await lastUsed()).toEqual(seconds(5));

    // A minute later it is stamped again.
    const later = await service.authenticate(`BEARER ${key}`, seconds(66));
    expect(later.key?.lastUsedAt).toEqual(seconds(66));
    expect(await lastUsed()).toEqual(seconds(66));
  });

  it.each([
    ['a Basic scheme', (k: string) => `Basic ${k}`],
    ['no scheme', (k: string) => k],
    ['no space after Bearer', (k: string) => `Bearer${k}`],
    ['a tab instead of a space', (k: string) => `Bearer\t${k}`],
    ['trailing text', (k: string) => `Bearer ${k} extra`],
    ['a short secret', (k: string) => `Bearer ${k.slice(0, -1)}`],
    ['a long secret', (k: string) => `Bearer ${k}A`],
    ['upper-case hex in the public id', (k: string) => `Bearer lt_${k.slice(3, 19).toUpperCase().replace(/^[0-9]/, 'A')}_${secretOf(k)}`],
    ['another prefix', (k: string) => `Bearer xx${k.slice(2)}`],
    ['a character outside base64url', (k: string) => `Bearer ${k.slice(0, -1)}+`],
    ['Bearer alone', () => 'Bearer '],
  ])('calls a header with %s malformed, without any SQL', async (_, header) => {
    const { key } = await service.create({ role: 'admin', label: 'malformed probe' });
    const { result, statements } = await statementsOf((service) => service.authenticate(header(key)));
    expect(result).toEqual({ key: null, problem: 'malformed' });
    expect(statements).toBe(0);
  });

  it('never reaches the database for a malformed header', async () => {
    const noDatabase = new ApiKeyService({ query: () => Promise.reject(new Error('no SQL expected')) } as unknown as DataSource);
    expect(await noDatabase.authenticate('Bearer lt_nothex')).toEqual({ key: null, problem: 'malformed' });
  });

  it('calls an unknown public id unknown', async () => {
    const { key } = await service.create({ role: 'admin', label: 'unknown probe' });
    const otherId = key.slice(3, 19) === '0123456789abcdef' ? 'fedcba9876543210' : '0123456789abcdef';
    expect(await service.authenticate(`Bearer lt_${otherId}_${secretOf(key)}`)).toEqual({ key: null, problem: 'unknown' });
  });

  it('calls the right public id with a wrong secret unknown, and does not stamp it', async () => {
    const { key, record } = await service.create({ role: 'admin', label: 'wrong secret' });
    const secret = secretOf(key);
    const wrong = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(await service.authenticate(`Bearer lt_${key.slice(3, 19)}_${wrong}`)).toEqual({ key: null, problem: 'unknown' });
    expect((await service.list()).find((k) => k.id === record.id)?.lastUsedAt).toBeNull();
  });

  it('calls a revoked key revoked, and only when its secret is right', async () => {
    const { key, record } = await service.create({ role: 'editor', unitCode: '37', label: 'revoked' });
    expect((await service.authenticate(`Bearer ${key}`)).key?.id).toBe(record.id);
    await service.revoke(record.id);
    expect(await service.authenticate(`Bearer ${key}`)).toEqual({ key: null, problem: 'revoked' });
    const wrong = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect(await service.authenticate(`Bearer ${wrong}`)).toEqual({ key: null, problem: 'unknown' });
  });
});

/** `npm run keys` is `node dist/src/modules/keys/keysCommand.js` after the build; `npm test` builds first. */
const KEYS = join(__dirname, '..', '..', 'dist', 'src', 'modules', 'keys', 'keysCommand.js');

function keys(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [KEYS, ...args], { env: { ...process.env, DATABASE_URL: db.url, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run keys', () => {
  let key: string;
  let id: number;

  it('create prints the new key alone on stdout, and it works', async () => {
    const res = await keys(['create', '--role', 'editor', '--unit', '37', '--label', 'Cổng Ninh Bình (CLI)']);
    expect(res).toMatchObject({ code: 0, stderr: expect.stringMatching(/^created key \d+ \(editor of 37 Tỉnh Ninh Bình, "Cổng Ninh Bình \(CLI\)"\)/) });
    expect(res.stdout).toMatch(/^lt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/);
    key = res.stdout.trim();
    const auth = await service.authenticate(`Bearer ${key}`);
    // The new Tỉnh Ninh Bình, in force today, not the one that ended.
    expect(auth.key).toMatchObject({ role: 'editor', unitId: '37@2025-07-01', label: 'Cổng Ninh Bình (CLI)' });
    id = auth.key!.id;
  });

  it('list shows it in a table', async () => {
    const res = await keys(['list']);
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['id', 'role', 'unit', 'label', 'created', 'last used', 'revoked']);
    const row = lines.find((l) => l.startsWith(`${id} `));
    expect(row?.split(/\s{2,}/)).toEqual([String(id), 'editor', '37 Tỉnh Ninh Bình', 'Cổng Ninh Bình (CLI)', expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), expect.stringMatching(/Z$/), '-']);
    // A key of a unit that has ended says so.
    const ended = lines.find((l) => l.startsWith(`${keyOfEndedUnit} `));
    expect(ended?.split(/\s{2,}/).slice(0, 4)).toEqual([String(keyOfEndedUnit), 'editor', '376 Huyện Kim Sơn (ended 2025-06-30)', 'Cổng Huyện Kim Sơn']);
    expect(res.stdout).not.toContain(key.slice(20));
  });

  it('revoke revokes it; an unknown id exits 1', async () => {
    const res = await keys(['revoke', String(id)]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^key ${id} .* is revoked since \\d{4}-`));
    expect(await service.authenticate(`Bearer ${key}`)).toEqual({ key: null, problem: 'revoked' });

    const unknown = await keys(['revoke', '3999999999']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no key 3999999999/);
  });

  it('an admin key needs no unit', async () => {
    const res = await keys(['create', '--role', 'admin', '--label', 'operations']);
    expect(res.code).toBe(0);
    expect((await service.authenticate(`Bearer ${res.stdout.trim()}`)).key).toMatchObject({ role: 'admin', unitId: null });
  });

  it('create for a unit that has ended exits 2 naming its successor, and makes no key', async () => {
    const before = (await service.list()).length;
    const res = await keys(['create', '--role', 'editor', '--unit', '14659', '--label', 'Cổng Kim Chính']);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^keys: unit 14659 \(Xã Kim Chính\) ended on 2025-06-30; [^\n]*14620 Xã Phát Diệm\n$/);
    expect((await service.list()).length).toBe(before);
  });

  it.each([
    [[]],
    [['frobnicate']],
    [['create', '--label', 'no role']],
    [['create', '--role', 'admin']],
    [['create', '--role', 'boss', '--label', 'x']],
    [['create', '--role', 'editor', '--label', 'no unit']],
    [['create', '--role', 'editor', '--unit', '99999', '--label', 'unknown unit']],
    [['create', '--role', 'admin', '--label', '  ']],
    [['create', '--role', 'admin', '--label', 'x', '--colour', 'red']],
    [['list', 'extra']],
    [['revoke']],
    [['revoke', 'seven']],
    [['revoke', '1', '2']],
  ])('exits 2 with one line on stderr for %p', async (args) => {
    const before = (await service.list()).length;
    const res = await keys(args);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^keys: [^\n]+\n$/);
    expect((await service.list()).length).toBe(before);
  });

  it('--help prints the usage', async () => {
    const res = await keys(['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^usage: npm run --silent keys -- create/);
  });

  it('exits 1 with one clear line when MySQL is unreachable', async () => {
    const res = await keys(['list'], { DATABASE_URL: 'mysql://root@127.0.0.1:1/lienthong' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^keys: cannot reach MySQL at 127\.0\.0\.1:1 as root \(ECONNREFUSED\)[^\n]*\n$/);
  });
});
