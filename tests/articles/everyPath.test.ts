import { getNamedType, GraphQLInterfaceType, GraphQLObjectType, isLeafType, isNonNullType } from 'graphql';
import { seedDemoContent } from '../../seeds/demo';
import { graphqlSchema } from '../../src/schema';
import { GraphQLResponse, TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/**
 * Every fact is the same through every path that serves it: an article read by id, by slug, in
 * each feed that shows it (all articles, each scope of each unit showing it, its source's, a search,
 * another article's `related`), through `_entities`, cold (loaders reading MySQL), warm (the shared
 * caches) and kept (the response cache); a source and a unit likewise. The selection is made from the
 * schema, every field without required arguments to two levels, so a new field joins by being in the
 * schema. Scheduled articles are in no anonymous path until their time, then in all of them.
 */
let server: TestServer;
let env: TestEnvironment;
let admin: string;
const schema = graphqlSchema();

/** Fields whose lists are feeds of their own: read as paths here, not inside every other object. */
const OWN_PATHS = new Set(['ArticleConnection']);

/** Every field without required arguments, leaves at once and objects `depth` levels down. */
function selection(type: GraphQLObjectType | GraphQLInterfaceType, depth: number): string {
  return Object.values(type.getFields())
    .filter((field) => field.args.every((arg) => !isNonNullType(arg.type) || arg.defaultValue !== undefined))
    .flatMap((field) => {
      const named = getNamedType(field.type);
      if (isLeafType(named)) return [field.name];
      if (depth === 0 || OWN_PATHS.has(named.name)) return [];
      const inner = selection(named as GraphQLObjectType | GraphQLInterfaceType, depth - 1);
      return inner ? [`${field.name} { ${inner} }`] : [];
    })
    .join(' ');
}

const type = (name: string) => schema.getType(name) as GraphQLObjectType;
const ARTICLE = `fragment EveryArticleField on Article { ${selection(type('Article'), 2)} }`;
const SOURCE = `fragment EverySourceField on Source { ${selection(type('Source'), 1)} }`;
const UNIT = `fragment EveryUnitField on AdministrativeUnit { __typename ${['Province', 'District', 'Commune'].map((t) => `... on ${t} { ${selection(type(t), 1)} }`).join(' ')} }`;

type Article = Record<string, any> & { id: string };

/**
 * One article as each anonymous path serves it, by path name. Which feeds to look in comes from
 * `known` (a key holder's read of a scheduled article), or from the article as article(id) serves it.
 */
async function everyPathOf(id: string, known?: Article): Promise<Map<string, Article | null>> {
  const gql = server.gql;
  const paths = new Map<string, Article | null>();
  const one = async (name: string, query: string, variables: Record<string, unknown>, pick: (data: any) => Article[] | Article | null) => {
    const res = await gql(`${query}\n${ARTICLE}`, variables);
    expect({ path: name, errors: res.errors }).toEqual({ path: name, errors: undefined });
    const found = pick(res.data);
    paths.set(name, Array.isArray(found) ? (found.find((a) => a.id === id) ?? null) : found);
    return res;
  };
  const byId = 'query($id: ID) { article(id: $id) { ...EveryArticleField } }';
  server.emptyCaches();
  await one('article(id), cold', byId, { id }, (d) => d.article);
  await one('article(id), warm caches', byId, { id }, (d) => d.article);
  // The same request a third time: a kept answer, sent before Apollo runs (its `age` header says so).
  const kept = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `${byId}\n${ARTICLE}`, variables: { id } }) });
  paths.set('article(id), kept answer', ((await kept.json()) as { data: { article: Article | null } }).data.article);
  expect(kept.headers.get('age')).not.toBeNull();
  const direct = known ?? paths.get('article(id), cold');
  if (!direct) throw new Error(`article ${id} is not served: give it as a key holder reads it`);

  await one('article(slug)', 'query($slug: String) { article(slug: $slug) { ...EveryArticleField } }', { slug: direct.slug }, (d) => d.article);
  await one('all articles', '{ articles(first: 100) { nodes { ...EveryArticleField } } }', {}, (d) => d.articles.nodes);
  for (const { unit } of direct.publications as { unit: { id: string } }[]) {
    for (const scope of ['UNIT', 'SUBTREE', 'LINEAGE']) {
      const query = 'query($unit: ID!, $scope: FeedScope) { unitById(id: $unit) { articles(scope: $scope, first: 100) { nodes { ...EveryArticleField } } } }';
      await one(`${unit.id} ${scope}`, query, { unit: unit.id, scope }, (d) => d.unitById.articles.nodes);
    }
  }
  if (direct.source) {
    await one('its source', 'query($id: ID!) { source(id: $id) { articles(first: 100) { nodes { ...EveryArticleField } } } }', { id: direct.source.id }, (d) => d.source.articles.nodes);
  }
  await one('search', 'query($words: String) { articles(first: 100, filter: { search: $words }) { nodes { ...EveryArticleField } } }', { words: direct.title }, (d) => d.articles.nodes);
  await one('_entities', 'query($r: [_Any!]!) { _entities(representations: $r) { ...EveryArticleField } }', { r: [{ __typename: 'Article', id }] }, (d) => d._entities[0]);
  return paths;
}

/** The article as every path served it, all of them equal; or fails naming the paths that differ. */
function theSameEverywhere(paths: Map<string, Article | null>): Article {
  const [[firstPath, first], ...rest] = [...paths];
  expect(first).not.toBeNull();
  for (const [path, served] of rest) expect({ path, served }).toEqual({ path, served: first });
  void firstPath;
  return first!;
}

/** Names of the paths that served the article at all. */
const servedBy = (paths: Map<string, Article | null>) => [...paths].filter(([, a]) => a !== null).map(([path]) => path);

let fixtures: Record<'plain' | 'withSource' | 'sourceWithoutUrl' | 'document', string>;
let write: (query: string, variables: Record<string, unknown>) => Promise<{ id: string }>;
let create: (input: Record<string, unknown>) => Promise<{ id: string }>;

beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
  admin = (await env.asAdmin()).key;
  write = async (query: string, variables: Record<string, unknown>) => {
    const res = await server.gqlWithKey(admin, query, variables);
    expect(res.errors).toBeUndefined();
    return Object.values(res.data)[0] as { id: string };
  };
  const source = (input: Record<string, unknown>) => write('mutation($input: CreateSourceInput!) { createSource(input: $input) { id } }', { input });
  const withUrl = await source({ name: 'Báo Ninh Bình điện tử', url: 'https://baoninhbinh.org.vn' });
  const withoutUrl = await source({ name: 'Bản tin nội bộ xã' });
  create = (input: Record<string, unknown>) =>
    write('mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }', {
      input: { originCode: '14620', body: '<p>Nội dung bài viết.</p>', topics: ['Cải cách hành chính'], ...input },
    });
  fixtures = {
    // No summary, source or topics beyond one: the nulls.
    plain: (await create({ title: 'Phát Diệm niêm yết thủ tục hành chính mới' })).id,
    withSource: (await create({ title: 'Ninh Bình tổng kết cải cách hành chính quý ba', summary: 'Tóm tắt.', kind: 'ANNOUNCEMENT', sourceId: withUrl.id, sourceUrl: 'https://baoninhbinh.org.vn/bai-viet/1' })).id,
    sourceWithoutUrl: (await create({ title: 'Bản tin một cửa tuần này', sourceId: withoutUrl.id })).id,
    document: (await create({
      title: 'Quyết định kiện toàn tổ công nghệ số cộng đồng',
      kind: 'LEGAL_DOCUMENT',
      document: { number: '77/QĐ-UBND', documentType: 'Quyết định', issuer: 'UBND xã Phát Diệm', issuedOn: '2025-09-01' },
    })).id,
  };
  // Shown on a neighbour too: its feeds are paths as well.
  await write('mutation($input: SyndicationInput!) { syndicate(input: $input) { changed } }', {
    input: { articleIds: [fixtures.plain, fixtures.withSource, fixtures.document], targetCodes: ['14623'] },
  });
});
afterAll(() => server.close());

// First: its time comes while it runs, and the other tests then see a feed that no longer changes.
describe('a scheduled article', () => {
  it('is in no anonymous path before its time, in every key holder path, and in every anonymous path once its time has come', async () => {
    // Far enough ahead to read every path before its time, on this machine as loaded as it is now:
    // the reads below are rehearsed on a published article and timed first.
    const rehearsalStarted = Date.now();
    await everyPathOfKeyHolder(fixtures.plain, (query, variables) => server.gqlWithKey(admin, query, variables));
    await everyPathOf(fixtures.plain);
    const scheduledAt = new Date(Date.now() + Math.max(5000, 3 * (Date.now() - rehearsalStarted) + 2000));
    const { id } = await create({ title: 'Thông báo lịch tiếp công dân tuần tới', publishedAt: scheduledAt.toISOString() });
    await write('mutation($input: SyndicationInput!) { syndicate(input: $input) { changed } }', { input: { articleIds: [id], targetCodes: ['14623'] } });
    // Another article on the same topic and units: its related list and its units' feed and count.
    const around = () =>
      server.gql('query($id: ID) { article(id: $id) { related(first: 20) { id } } unit(code: "14620") { articles(first: 100) { totalCount nodes { id } } } }', { id: fixtures.plain });
    server.emptyCaches();
    const aroundBefore = (await around()).data;
    expect(aroundBefore.article.related.map((a: { id: string }) => a.id)).not.toContain(id);
    expect(aroundBefore.unit.articles.nodes.map((a: { id: string }) => a.id)).not.toContain(id);

    const keyHolder = (query: string, variables?: Record<string, unknown>) => server.gqlWithKey(admin, query, variables);
    const forKeyHolder = theSameEverywhere(await everyPathOfKeyHolder(id, keyHolder));
    const before = await everyPathOf(id, forKeyHolder);
    expect(Date.now()).toBeLessThan(scheduledAt.getTime());
    expect(before.size).toBe(7 + 3 * 2);
    expect(servedBy(before)).toEqual([]);
    expect(Date.parse(forKeyHolder.publishedAt)).toBe(Math.floor(scheduledAt.getTime() / 1000) * 1000);

    // Its time comes: what the caches kept before it may be served for at most their lifetime, so
    // they are emptied here (everyPathOf starts cold), as the content TTL would do.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, scheduledAt.getTime() - Date.now() + 1100)));
    const after = await everyPathOf(id);
    expect(servedBy(after)).toEqual([...after.keys()]);
    expect(theSameEverywhere(after)).toEqual(forKeyHolder);
    server.emptyCaches();
    const later = (await around()).data;
    expect(later.article.related.map((a: { id: string }) => a.id)).toContain(id);
    expect(later.unit.articles.totalCount).toBe(aroundBefore.unit.articles.totalCount + 1);
  });
});

describe('an article is the same through every path', () => {
  it.each(['plain', 'withSource', 'sourceWithoutUrl', 'document'] as const)('%s', async (name) => {
    const paths = await everyPathOf(fixtures[name]);
    const article = theSameEverywhere(paths);
    expect(article.id).toBe(fixtures[name]);
    // Every path was taken and served it: three reads by id, slug, all articles, search, _entities,
    // three scopes of each unit showing it, and its source's feed.
    expect(servedBy(paths)).toEqual([...paths.keys()]);
    expect(paths.size).toBe(7 + 3 * article.publications.length + (article.source ? 1 : 0));
    expect(article.publications.length).toBe(name === 'sourceWithoutUrl' ? 1 : 2);
  });

  it('a demo article (syndicated to many units of the old map, with a source and related articles)', async () => {
    const [{ id }] = await server.db.dataSource.query("SELECT id FROM articles WHERE title LIKE 'Hội nghị trực tuyến toàn quốc%'");
    const paths = await everyPathOf(String(id));
    const article = theSameEverywhere(paths);
    expect(article.related.length).toBeGreaterThan(0);
    expect(article.source.url).not.toBeNull();
  });
});

/** The paths a key holder reads an article by (they bypass the shared caches and kept answers). */
async function everyPathOfKeyHolder(id: string, gql: (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse>) {
  const paths = new Map<string, Article | null>();
  const direct = (await gql(`query($id: ID) { article(id: $id) { ...EveryArticleField } }\n${ARTICLE}`, { id })).data.article as Article;
  paths.set('article(id)', direct);
  paths.set('article(slug)', (await gql(`query($slug: String) { article(slug: $slug) { ...EveryArticleField } }\n${ARTICLE}`, { slug: direct.slug })).data.article);
  const all = (await gql(`{ articles(first: 100) { nodes { ...EveryArticleField } } }\n${ARTICLE}`)).data.articles.nodes as Article[];
  paths.set('all articles', all.find((a) => a.id === id) ?? null);
  for (const { unit } of direct.publications as { unit: { id: string } }[]) {
    const feed = (await gql(`query($unit: ID!) { unitById(id: $unit) { articles(first: 100) { nodes { ...EveryArticleField } } } }\n${ARTICLE}`, { unit: unit.id })).data.unitById.articles.nodes as Article[];
    paths.set(`${unit.id} UNIT`, feed.find((a) => a.id === id) ?? null);
  }
  paths.set('_entities', (await gql(`query($r: [_Any!]!) { _entities(representations: $r) { ...EveryArticleField } }\n${ARTICLE}`, { r: [{ __typename: 'Article', id }] })).data._entities[0]);
  return paths;
}

describe('a source and a unit are the same through every path', () => {
  it('a source: sources, source(id), Article.source and _entities', async () => {
    const [{ source_id: id }] = await server.db.dataSource.query('SELECT source_id FROM articles WHERE id = ?', [fixtures.withSource]);
    const res = await server.gql(
      `query($id: ID!, $article: ID, $r: [_Any!]!) {
        sources { ...EverySourceField } source(id: $id) { ...EverySourceField } article(id: $article) { source { ...EverySourceField } }
        _entities(representations: $r) { ...EverySourceField }
      }\n${SOURCE}`,
      { id: String(id), article: fixtures.withSource, r: [{ __typename: 'Source', id: String(id) }] },
    );
    expect(res.errors).toBeUndefined();
    const fromList = res.data.sources.find((s: { id: string }) => s.id === String(id));
    for (const served of [res.data.source, res.data.article.source, res.data._entities[0]]) expect(served).toEqual(fromList);
    expect(fromList.url).toBe('https://baoninhbinh.org.vn/');
  });

  it.each([
    ['Xã Phát Diệm, in force', '14620', null],
    ['Thị trấn Phát Diệm, ended', '14620', '2025-06-30'],
    ['Huyện Kim Sơn', '376', '2025-06-30'],
    ['the old Tỉnh Ninh Bình', '37', '2025-06-30'],
  ])('%s: unit, its level\'s own query, unitById, searchUnits, _entities, Article.origin and Publication.unit', async (_name, code, on) => {
    const level = (await server.gql(`query($code: ID!, $on: Date) { unit(code: $code, on: $on) { level id fullName } }`, { code, on })).data.unit;
    const field = level.level.toLowerCase();
    const res = await server.gql(
      `query($code: ID!, $on: Date, $id: ID!, $name: String!, $r: [_Any!]!) {
        unit(code: $code, on: $on) { ...EveryUnitField }
        ${field}(code: $code, on: $on) { ...EveryUnitField }
        unitById(id: $id) { ...EveryUnitField }
        searchUnits(query: $name, on: $on, first: 50) { ...EveryUnitField }
        _entities(representations: $r) { ...EveryUnitField }
      }\n${UNIT}`,
      { code, on, id: level.id, name: level.fullName, r: [{ __typename: level.level[0] + level.level.slice(1).toLowerCase(), id: level.id }] },
    );
    expect(res.errors).toBeUndefined();
    const unit = res.data.unit;
    const searched = res.data.searchUnits.find((u: { id: string }) => u.id === level.id);
    for (const served of [res.data[field], res.data.unitById, searched, res.data._entities[0]]) expect(served).toEqual(unit);

    // As an article's origin and as a unit showing it (the interface's fields).
    const interfaceFields = selection(schema.getType('AdministrativeUnit') as GraphQLInterfaceType, 1);
    const shown = await server.gql(
      `query($id: ID!) { unitById(id: $id) { articles(first: 100, history: false) { nodes { origin { id ${interfaceFields} } publications { unit { id ${interfaceFields} } } } } } }`,
      { id: level.id },
    );
    expect(shown.errors).toBeUndefined();
    const asServed = shown.data.unitById.articles.nodes.flatMap((a: { origin: Article; publications: { unit: Article }[] }) => [a.origin, ...a.publications.map((p) => p.unit)]).filter((u: Article) => u.id === level.id);
    expect(asServed.length).toBeGreaterThan(0);
    const direct = await server.gql(`query($id: ID!) { unitById(id: $id) { id ${interfaceFields} } }`, { id: level.id });
    for (const served of asServed) expect(served).toEqual(direct.data.unitById);
  });
});
