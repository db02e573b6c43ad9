import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Checks of where ideas live (STYLE.md: one idea, one place), so that they cannot spread again unnoticed. */
const root = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return name === 'generated' || name === 'node_modules' ? [] : sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('the code layout', () => {
  it('only the unit tree, the migrations and the unit seed name the closure table', () => {
    const allowed = [/^src\/modules\/units\//, /^src\/db\/migrations\//, /^seeds\/units\.ts$/];
    const naming = ['src', 'seeds', 'scripts']
      .flatMap(sourceFiles)
      .map((file) => relative(root, join(root, file)))
      .filter((file) => readFileSync(join(root, file), 'utf8').includes('unit_closure'))
      .filter((file) => !allowed.some((pattern) => pattern.test(file)));
    expect(naming).toEqual([]);
  });
});
