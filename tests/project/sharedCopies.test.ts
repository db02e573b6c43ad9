import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');
/** Where the team publishes the contract and the benchmark baseline, beside the project (absent in a plain clone). */
const SHARED = join(root, '..', 'shared');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** What the repository keeps a copy of, so that a clone needs nothing beside it: [published, copy]. */
const COPIES: Array<[string, string]> = [
  ['contract.graphql', 'schema/contract.graphql'],
  ['CONTRACT.md', 'docs/CONTRACT.md'],
  // The raw-SQL baseline, file by file (its README, which tells how to copy it out of ../shared, is
  // replaced by docs/benchmarks.md).
  ...filesUnder(join(root, 'scripts', 'bench', 'raw-sql')).map((copy): [string, string] => [
    join('bench', relative(join(root, 'scripts', 'bench', 'raw-sql'), copy)),
    relative(root, copy),
  ]),
  // Vietnam's two administrative maps and the conversion table between them (read by seeds/vnAdmin.ts).
  ['data/vn-admin/SOURCES.md', 'seeds/data/vn-admin/SOURCES.md'],
  ['data/vn-admin/SHA256SUMS', 'seeds/data/vn-admin/SHA256SUMS'],
  ['data/vn-admin/gso-districts-2025-06-30.csv', 'seeds/data/vn-admin/gso-districts-2025-06-30.csv'],
  ['data/vn-admin/gso-communes-2025-06-30.csv', 'seeds/data/vn-admin/gso-communes-2025-06-30.csv'],
  ['data/vn-admin/communes-2025-07-01.json', 'seeds/data/vn-admin/communes-2025-07-01.json'],
  ['data/vn-admin/nso-conversion-2025-07-01.csv', 'seeds/data/vn-admin/nso-conversion-2025-07-01.csv'],
  ['data/vn-admin/units-2026-07-25.json', 'seeds/data/vn-admin/units-2026-07-25.json'],
];

describe('the copies of what the team publishes', () => {
  it.each(COPIES)('../shared/%s is copied unchanged to %s, where ../shared is beside the project', (published, copy) => {
    if (!existsSync(SHARED)) return;
    expect(readFileSync(join(root, copy), 'utf8')).toBe(readFileSync(join(SHARED, published), 'utf8'));
  });

  it('the baseline is copied whole (every file but its README)', () => {
    if (!existsSync(SHARED)) return;
    const published = filesUnder(join(SHARED, 'bench')).map((file) => relative(SHARED, file)).filter((file) => file !== join('bench', 'README.md'));
    expect(COPIES.map(([source]) => source).filter((file) => file.startsWith('bench')).sort()).toEqual(published.sort());
  });
});
