import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

describe('GraphQL Code Generator output', () => {
  it('is current with schema/schema.graphql and the operations (run `npm run codegen` when this fails)', () => {
    // --check generates in memory and exits 1 when a committed file differs; it writes nothing.
    const run = spawnSync(process.execPath, [join(root, 'node_modules', '@graphql-codegen', 'cli', 'cjs', 'bin.js'), '--config', 'codegen.yml', '--check'], { cwd: root, encoding: 'utf8' });
    expect({ status: run.status, output: run.status === 0 ? '' : run.stdout + run.stderr }).toEqual({ status: 0, output: '' });
  });
});
