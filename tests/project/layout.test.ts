import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Checks of where ideas live (STYLE.md: one idea, one place), so that they cannot spread again unnoticed. */
const root = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return name === 'generated' || name === 'node_modules' ? [] : sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The files of src/ that `file` imports (type-only imports too: a circle of types is a circle of ideas). */
function relativeImports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']*)'|^import\s+'(\.[^']*)'/gm)].flatMap((m) => {
    const target = join(dirname(file), m[1] ?? m[2]);
    if (existsSync(join(root, target)) && statSync(join(root, target)).isFile()) return []; // data (package.json), not code
    const found = [`${target}.ts`, join(target, 'index.ts')].find((candidate) => existsSync(join(root, candidate)));
    if (!found) throw new Error(`${file} imports ${m[1] ?? m[2]}, which is no source file`);
    return [found];
  });
}

/** Every import circle among `files`, each as the files around it. */
function importCircles(files: string[]): string[][] {
  const imports = new Map(files.map((file) => [file, relativeImports(file)]));
  const done = new Set<string>();
  const path: string[] = [];
  const circles: string[][] = [];
  const visit = (file: string) => {
    if (path.includes(file)) return void circles.push([...path.slice(path.indexOf(file)), file]);
    if (done.has(file)) return;
    path.push(file);
    for (const imported of imports.get(file) ?? []) visit(imported);
    path.pop();
    done.add(file);
  };
  files.forEach(visit);
  return circles;
}

describe('the code layout', () => {
  it('has no import circle in src/', () => {
    expect(importCircles(sourceFiles('src')).map((circle) => circle.join(' → '))).toEqual([]);
  });

  it('the context only composes: each domain builds its own services and loaders', () => {
    expect(relativeImports(join('src', 'context.ts')).length).toBeLessThanOrEqual(10);
  });

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
