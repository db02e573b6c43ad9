import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minVersion, satisfies } from 'semver';

const root = join(__dirname, '..', '..');
const readJson = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'));

describe('engines', () => {
  // `npm install` only warns (EBADENGINE) when a dependency wants a newer Node than ours; this makes it fail.
  it('every package in the lock file runs on the oldest Node that package.json admits', () => {
    const oldest = minVersion(readJson('package.json').engines.node)!.version;
    const packages: Record<string, { version?: string; engines?: { node?: string } }> = readJson('package-lock.json').packages;
    const refusing = Object.entries(packages)
      .filter(([path, entry]) => path !== '' && entry.engines?.node && !satisfies(oldest, entry.engines.node))
      .map(([path, entry]) => `${path}@${entry.version} wants node ${entry.engines!.node}`);
    expect(refusing).toEqual([]);
  });

  it('the running Node is one package.json admits', () => {
    expect(satisfies(process.version, readJson('package.json').engines.node)).toBe(true);
  });
});
