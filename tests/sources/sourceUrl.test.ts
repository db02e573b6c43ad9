import { insertArticles, minutesAfter } from '../helpers/fixtures';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/**
 * An article's own link (Article.sourceUrl) and its source's home page (Source.url) are two values;
 * every path that serves an article must serve both as stored: feeds of every kind, related,
 * article(id), article(slug), the shared caches and the loaders primed by a feed.
 */

const HOME_PAGE = 'https://baoninhbinh.example/';
let server: TestServer;
let env: TestEnvironment;
let adminKey: string;
let sourceId: number;
let stored: Map<string, string>;
let slugs: Map<string, string>;

beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  const db = server.db.dataSource;
  const inserted = await db.query('INSERT INTO sources (name, url) VALUES (?, ?)', ['Báo Ninh Bình', HOME_PAGE]);
  sourceId = Number(inserted.insertId);
  const ids = await insertArticles(db, [
    { title: 'Thị trấn Bình Minh ra mắt tổ công nghệ số cộng đồng', origin: '14623', publishedAt: minutesAfter(1), topics: ['Chuyển đổi số'], sourceId },
    { title: 'Huyện Kim Sơn tập huấn dịch vụ công trực tuyến', origin: '14623', publishedAt: minutesAfter(2), topics: ['Chuyển đổi số'], sourceId, shownOn: ['14620'] },
  ]);
  for (const id of ids) await db.query('UPDATE articles SET source_url = ? WHERE id = ?', [`https://baoninhbinh.example/tin-tuc/${id}.htm`, id]);
  const rows: { id: number; slug: string; source_url: string }[] = await db.query('SELECT id, slug, source_url FROM articles');
  stored = new Map(rows.map((r) => [String(r.id), r.source_url]));
  slugs = new Map(rows.map((r) => [String(r.id), r.slug]));
  adminKey = (await env.asAdmin()).key;
});
afterAll(() => server.close());

type Node = { id: string; sourceUrl: string | null; source: { url: string | null } | null };
const NODE = 'id sourceUrl source { url }';

/** Every article node anywhere in a response. */
function nodesIn(value: unknown): Node[] {
  if (Array.isArray(value)) return value.flatMap(nodesIn);
  if (!value || typeof value !== 'object') return [];
  const here = 'sourceUrl' in value && 'id' in value ? [value as Node] : [];
  return [...here, ...Object.values(value).flatMap(nodesIn)];
}

const paths = (): [string, string][] => {
  const [first, second] = [...stored.keys()];
  return [
    ['a unit feed', `{ commune(code: "14623") { articles { nodes { ${NODE} } } } }`],
    ['a syndicated unit feed', `{ commune(code: "14620") { articles { nodes { ${NODE} } } } }`],
    ['a province SUBTREE feed', `{ province(code: "37") { articles(scope: SUBTREE) { nodes { ${NODE} } } } }`],
    ['the root articles', `{ articles { edges { node { ${NODE} } } } }`],
    ['Source.articles', `{ source(id: "${sourceId}") { articles { nodes { ${NODE} } } } }`],
    ['related', `{ article(id: "${first}") { related { ${NODE} } } }`],
    ['article(id)', `{ article(id: "${second}") { ${NODE} } }`],
    ['article(slug)', `{ article(slug: "${slugs.get(first)}") { ${NODE} } }`],
    // The feed primes the request's article loader and fills the shared caches beside article(id).
    ['a feed beside article(id)', `{ articles { nodes { id } } a: article(id: "${first}") { ${NODE} } b: article(id: "${second}") { ${NODE} } }`],
  ];
};

describe('sourceUrl is the stored value on every path', () => {
  it.each([
    ['anonymously, cold then cached', true, (q: string) => server.gql(q)],
    ['with a key (never cached)', false, (q: string) => server.gqlWithKey(adminKey, q)],
  ])('%s', async (_how, anonymous, ask) => {
    server.emptyCaches();
    for (const round of [1, 2]) {
      for (const [path, query] of paths()) {
        const res = await ask(query);
        // The second anonymous round is answered from the caches, so what they keep is checked too.
        if (anonymous && round === 2) expect({ path, statements: res.statements }).toEqual({ path, statements: 0 });
        expect({ path, round, errors: res.errors }).toEqual({ path, round, errors: undefined });
        const nodes = nodesIn(res.data);
        expect(nodes.length).toBeGreaterThan(0);
        for (const node of nodes) {
          expect({ path, round, id: node.id, sourceUrl: node.sourceUrl, home: node.source?.url }).toEqual({
            path,
            round,
            id: node.id,
            sourceUrl: stored.get(node.id),
            home: HOME_PAGE,
          });
        }
      }
    }
  });
});
