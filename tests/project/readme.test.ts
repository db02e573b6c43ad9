import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedDemoContent } from '../../seeds/demo';
import { startTestServer, TestServer } from '../helpers/testServer';

/** The README's "## Example" section: its query and the answer it promises on the demo data. */
function readmeExample(): { query: string; answer: unknown } {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Example\n'));
  const block = (language: string) => new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(section)?.[1];
  const query = block('graphql');
  const answer = block('json');
  if (!query || !answer) throw new Error('README.md: "## Example" needs a ```graphql block and a ```json block');
  return { query, answer: JSON.parse(answer) };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
});
afterAll(() => server?.close());

describe('the README', () => {
  it("example's answer is what the gateway answers on the demo data", async () => {
    const { query, answer } = readmeExample();
    const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    expect(await response.json()).toEqual(answer);
  });
});
