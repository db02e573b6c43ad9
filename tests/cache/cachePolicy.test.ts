import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloServer, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSchema, GraphQLSchema } from 'graphql';
import { seedDemoContent } from '../../seeds/demo';
import { CachePolicies, staticCachePolicyPlugin } from '../../src/cache/cachePolicy';
import { DocumentPlans } from '../../src/plugins/documentPlan';
import { Context, createContext } from '../../src/context';
import { createServices, ProcessServices } from '../../src/services';
import { EXAMPLE_QUERY } from '../../src/exampleQuery';
import { subgraphSchema } from '../../src/federation';
import { recordVisitChecksPlugin } from '../../src/modules/visits/recordVisitChecks';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/**
 * The static cache policy (src/cache/cachePolicy.ts) against Apollo's own cache-control plugin, which
 * computes it while the fields resolve: two Apollo servers over the same schema, one with each, run
 * the same operations, and their policies (maxAge and scope as Apollo's response cache reads them)
 * and Cache-Control headers must be the same.
 */

interface Outcome {
  maxAge: number | undefined;
  scope: string | undefined;
  cacheControl: string | undefined;
  errors: unknown;
}

interface Request {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

interface Pair<TContext extends BaseContext> {
  run(request: Request, context?: () => Promise<TContext>): Promise<{ apollo: Outcome; static: Outcome }>;
  stop(): Promise<void>;
}

/** `before`: plugins both servers run ahead of the cache policy's. */
async function pair<TContext extends BaseContext>(schema: GraphQLSchema, rootValue?: unknown, before: ApolloServerPlugin<TContext>[] = []): Promise<Pair<TContext>> {
  let policy: Pick<Outcome, 'maxAge' | 'scope'> = { maxAge: undefined, scope: undefined };
  const capture: ApolloServerPlugin<TContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ overallCachePolicy }) {
          policy = { maxAge: overallCachePolicy.maxAge, scope: overallCachePolicy.scope };
        },
      };
    },
  };
  // Apollo installs its cache-control plugin unless told not to.
  const apollo = new ApolloServer<TContext>({ schema, rootValue, plugins: [ApolloServerPluginInlineTraceDisabled(), ...before, capture] });
  const candidate = new ApolloServer<TContext>({ schema, rootValue, plugins: [ApolloServerPluginInlineTraceDisabled(), ...before, ApolloServerPluginCacheControlDisabled(), staticCachePolicyPlugin(new CachePolicies(new DocumentPlans(schema))), capture] });
  await Promise.all([apollo.start(), candidate.start()]);
  const execute = async (server: ApolloServer<TContext>, request: Request, context?: () => Promise<TContext>): Promise<Outcome> => {
    const response = await server.executeOperation(request, context ? { contextValue: await context() } : undefined);
    if (response.body.kind !== 'single') throw new Error('incremental response');
    return { ...policy, cacheControl: response.http.headers.get('cache-control'), errors: response.body.singleResult.errors };
  };
  return {
    async run(request, context) {
      return { apollo: await execute(apollo, request, context), static: await execute(candidate, request, context) };
    },
    stop: async () => void (await Promise.all([apollo.stop(), candidate.stop()])),
  };
}

describe('the rules, on a schema with every kind of hint', () => {
  const schema = buildSchema(`
    enum CacheControlScope { PUBLIC PRIVATE }
    directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION

    type Query {
      thing: Thing
      short: Thing @cacheControl(maxAge: 10)
      long: Thing @cacheControl(maxAge: 600)
      plain: Plain
      number: Int
      hintedNumber: Int @cacheControl(maxAge: 20)
      privateNumber: Int @cacheControl(maxAge: 20, scope: PRIVATE)
      nodes: [Node!]!
      results: [Result!]!
      hintedResults: [HintedResult!]!
      me: Me
      extended: Extended
      widget: Widget
      failing: Thing
    }
    type Mutation { touch: Thing ping: Boolean }

    type Thing @cacheControl(maxAge: 60) {
      name: String
      secret: String @cacheControl(scope: PRIVATE)
      volatile: Int @cacheControl(maxAge: 5)
      child: Plain
      inherited: Plain @cacheControl(inheritMaxAge: true)
      inheritedPrivate: Plain @cacheControl(inheritMaxAge: true, scope: PRIVATE)
      inheriting: Inheriting
      me: Me @cacheControl(scope: PUBLIC)
      cousin: Thing
    }
    type Plain { value: String thing: Thing }
    type Inheriting @cacheControl(inheritMaxAge: true) { value: String hinted: Int @cacheControl(maxAge: 7) plain: Plain }
    type Me @cacheControl(maxAge: 100, scope: PRIVATE) { name: String }
    type Extended { value: String }
    extend type Extended @cacheControl(maxAge: 45)

    interface Node @cacheControl(maxAge: 100) { id: ID! }
    type A implements Node @cacheControl(maxAge: 100) { id: ID! a: String thing: Thing }
    type B implements Node @cacheControl(maxAge: 100) { id: ID! b: Int @cacheControl(maxAge: 40) }
    interface Widget @cacheControl(maxAge: 100) { id: ID! }
    type Gadget implements Widget @cacheControl(maxAge: 20) { id: ID! }
    union Result = A | B | Thing
    union HintedResult @cacheControl(maxAge: 90) = A | B
  `);
  const thing = (depth = 1): Record<string, unknown> => ({
    __typename: 'Thing',
    name: 't',
    secret: 's',
    volatile: 1,
    child: { value: 'v', thing: depth > 0 ? thing(depth - 1) : null },
    inherited: { value: 'v' },
    inheritedPrivate: { value: 'v' },
    inheriting: { value: 'v', hinted: 1, plain: { value: 'v' } },
    me: { name: 'm' },
    cousin: depth > 0 ? thing(depth - 1) : null,
  });
  const a = { __typename: 'A', id: '1', a: 'a', thing: thing() };
  const b = { __typename: 'B', id: '2', b: 2 };
  const root = {
    thing: thing(),
    short: thing(),
    long: thing(),
    plain: { value: 'v', thing: thing() },
    number: 1,
    hintedNumber: 1,
    privateNumber: 1,
    nodes: [a, b],
    results: [a, b, thing()],
    hintedResults: [a, b],
    me: { name: 'm' },
    extended: { value: 'v' },
    widget: { __typename: 'Gadget', id: '3' },
    failing: () => {
      throw new Error('failed');
    },
    touch: thing(),
    ping: true,
  };
  let servers: Pair<BaseContext>;
  beforeAll(async () => {
    servers = await pair(schema, root);
  });
  afterAll(() => servers.stop());

  const cases: { name: string; query: string; variables?: Record<string, unknown> }[] = [
    { name: 'a root field takes its type hint', query: '{ thing { name } }' },
    { name: 'a field hint overrides the type hint, shorter', query: '{ short { name } }' },
    { name: 'a field hint overrides the type hint, longer', query: '{ long { name } }' },
    { name: 'a root field without hints gets the default', query: '{ plain { value } }' },
    { name: 'a root scalar without a hint gets the default', query: '{ number }' },
    { name: 'a root scalar with a hint', query: '{ hintedNumber }' },
    { name: 'a private scalar', query: '{ hintedNumber privateNumber }' },
    { name: 'scalars inherit; a hinted one restricts', query: '{ thing { name volatile } }' },
    { name: 'a scope-only hint makes it private', query: '{ thing { secret } }' },
    { name: 'a nested object type without a hint gets the default', query: '{ thing { child { value } } }' },
    { name: 'inheritMaxAge on a field', query: '{ thing { inherited { value } } }' },
    { name: 'inheritMaxAge with a scope on a field', query: '{ thing { inheritedPrivate { value } } }' },
    { name: 'inheritMaxAge on a type, and what is below it', query: '{ thing { inheriting { value hinted plain { value } } } }' },
    { name: 'a private type under a field hint with a public scope', query: '{ thing { me { name } } }' },
    { name: 'a private root type', query: '{ thing { name } me { name } }' },
    { name: 'private first, then public: private', query: '{ me { name } thing { me { name } } }' },
    { name: 'a private scalar first, then public: private', query: '{ privateNumber thing { me { name } } }' },
    { name: 'a hint on a type extension', query: '{ extended { value } }' },
    { name: 'deep nesting', query: '{ plain { thing { cousin { cousin { name } child { thing { volatile } } } } } }' },
    { name: 'an interface: its hint, and its implementations fields', query: '{ nodes { id ... on A { a thing { name } } ... on B { b } } }' },
    { name: 'an interface through a named fragment', query: '{ nodes { ...N } } fragment N on Node { id ... on B { b } }' },
    { name: 'a union without a hint', query: '{ results { ... on Thing { name } } }' },
    { name: 'a union with a hint', query: '{ hintedResults { ... on A { a } } }' },
    { name: 'a fragment on a union inside a fragment on a member', query: '{ hintedResults { ... on A { ... on HintedResult { __typename } } } }' },
    { name: 'aliases', query: '{ x: thing { n: name } y: short { v: volatile } }' },
    { name: 'a fragment spread twice', query: '{ thing { ...T cousin { ...T } } } fragment T on Thing { name child { value } }' },
    { name: 'fragments at the root', query: '{ ...Q } fragment Q on Query { hintedNumber thing { name } }' },
    { name: '@include(if: false) leaves a field out', query: '{ hintedNumber number @include(if: false) }' },
    { name: '@skip(if: true) leaves a fragment out', query: '{ thing { name ... on Thing @skip(if: true) { volatile } } }' },
    { name: '@include with a variable, true', query: 'query($v: Boolean!) { thing { name volatile @include(if: $v) } }', variables: { v: true } },
    { name: '@include with a variable, false', query: 'query($v: Boolean!) { thing { name volatile @include(if: $v) } }', variables: { v: false } },
    { name: '@skip with a defaulted variable', query: 'query($s: Boolean = true) { thing { name ...V @skip(if: $s) } } fragment V on Thing { volatile }' },
    { name: '@skip with a defaulted variable, given', query: 'query($s: Boolean = true) { thing { name ...V @skip(if: $s) } } fragment V on Thing { volatile }', variables: { s: false } },
    { name: '__typename alone', query: '{ __typename }' },
    { name: '__typename among fields', query: '{ __typename thing { __typename name } }' },
    { name: 'introspection alone', query: '{ __schema { queryType { name } types { name } } }' },
    { name: 'introspection among fields', query: '{ __type(name: "Thing") { name fields { name } } hintedNumber }' },
    { name: 'a mutation returning an object', query: 'mutation { touch { name volatile } }' },
    { name: 'a mutation returning a scalar', query: 'mutation { ping }' },
  ];

  it.each(cases)('$name', async ({ query, variables }) => {
    const { apollo, static: computed } = await servers.run({ query, variables });
    expect(apollo.errors).toBeUndefined();
    expect(computed).toEqual(apollo);
  });

  it('keeps the operations of one document apart', async () => {
    const query = 'query Long { hintedNumber } query Short { thing { volatile } } query Private { thing { secret } }';
    for (const operationName of ['Short', 'Long', 'Private', 'Short']) {
      const { apollo, static: computed } = await servers.run({ query, operationName });
      expect(apollo.errors).toBeUndefined();
      expect(computed).toEqual(apollo);
    }
  });

  it('keeps the values of @skip/@include variables apart', async () => {
    const query = 'query($v: Boolean!, $w: Boolean = false) { thing { name volatile @include(if: $v) child @include(if: $w) { value } } }';
    for (const variables of [{ v: true }, { v: false }, { v: true, w: true }, { v: false, w: false }, { v: false, w: true }, { v: false }]) {
      const { apollo, static: computed } = await servers.run({ query, variables });
      expect(apollo.errors).toBeUndefined();
      expect(computed).toEqual(apollo);
    }
  });

  it('leaves the policy unset when the condition variables do not coerce, as execution fails', async () => {
    const { apollo, static: computed } = await servers.run({ query: 'query($v: Boolean!) { thing { volatile @include(if: $v) } }', variables: { v: 'yes' } });
    expect(apollo.errors).toBeDefined();
    expect(computed).toEqual(apollo);
  });

  it('sends no-store with an error, whatever the policy', async () => {
    const { apollo, static: computed } = await servers.run({ query: '{ hintedNumber failing { name } }' });
    expect(apollo.errors).toBeDefined();
    expect(apollo.maxAge).toBe(20);
    expect(computed).toEqual(apollo);
    expect(computed.cacheControl).toBe('no-store');
  });

  it('restricts an interface by its implementations, where Apollo reads only the interface', async () => {
    const { apollo, static: computed } = await servers.run({ query: '{ widget { id } }' });
    expect(apollo.cacheControl).toBe('max-age=100, public');
    expect(computed.cacheControl).toBe('max-age=20, public');
  });

  it('keeps a policy another plugin set before execution', async () => {
    const presetting: ApolloServerPlugin<BaseContext> = {
      async requestDidStart() {
        return {
          async didResolveOperation({ overallCachePolicy }) {
            overallCachePolicy.replace({ maxAge: 1000 });
          },
        };
      },
    };
    const preset = await pair<BaseContext>(schema, root, [presetting]);
    try {
      const { apollo, static: computed } = await preset.run({ query: '{ thing { volatile } }' });
      expect(apollo.cacheControl).toBe('max-age=1000, public');
      expect(computed).toEqual(apollo);
    } finally {
      await preset.stop();
    }
  });

  it('is stricter than Apollo where the data leaves selected fields unresolved', async () => {
    const withNulls = await pair<BaseContext>(schema, { ...root, thing: null, nodes: [] });
    try {
      // Apollo never resolves what is under a null or in an empty list.
      const nulled = await withNulls.run({ query: '{ thing { name volatile } }' });
      expect(nulled.apollo.cacheControl).toBe('max-age=60, public');
      expect(nulled.static.cacheControl).toBe('max-age=5, public');
      const empty = await withNulls.run({ query: '{ nodes { ... on B { b } } }' });
      expect(empty.apollo.cacheControl).toBe('max-age=100, public');
      expect(empty.static.cacheControl).toBe('max-age=40, public');
    } finally {
      await withNulls.stop();
    }
  });
});

/** The queries of the benchmark scenarios (tests/operations, as scripts/bench/reads.ts sends them). */
const operation = (name: string) => readFileSync(join(__dirname, '..', 'operations', `${name}.graphql`), 'utf8');

/**
 * Every case selects only fields the demo content resolves at least once, so Apollo sees each of
 * them and the two policies must be equal.
 */
const GATEWAY_CASES: { name: string; query: string; variables?: Record<string, unknown> }[] = [
  // As scripts/bench/reads.ts sends them: the first three on the map of 2025-06-30 (CONTRACT.md), then today's.
  { name: 'commune-home scenario', query: operation('CommuneHome'), variables: { code: '14620', on: '2025-06-30' } },
  { name: 'province-dashboard scenario', query: operation('ProvinceDashboard'), variables: { code: '37', on: '2025-06-30' } },
  { name: 'search scenario', query: operation('Search'), variables: { search: 'cai cach hanh chinh', province: '37', on: '2025-06-30' } },
  { name: 'commune-home-today scenario', query: operation('CommuneHome'), variables: { code: '14620' } },
  { name: 'province-dashboard-today scenario', query: operation('ProvinceDashboardToday'), variables: { code: '37' } },
  { name: 'the example query', query: EXAMPLE_QUERY },
  { name: 'the example query for another commune', query: EXAMPLE_QUERY, variables: { code: '14623' } },
  { name: 'units only', query: '{ provinces { code name } province(code: "37", on: "2025-06-30") { fullName districts { code communes { code name } } } }' },
  { name: 'a unit and its parents', query: '{ commune(code: "14620", on: "2025-06-30") { path parent { code parent { code } } district { province { name } } } }' },
  {
    name: 'units of both maps and their successions',
    query: '{ provinces { code communes { code } } unitById(id: "14620") { validTo successors { whole date resolution unit { id code validFrom } } } commune(code: "14620") { id predecessors { whole unit { id name } } } }',
  },
  { name: 'a feed with edges and page info', query: '{ commune(code: "14620") { articles(first: 5, scope: LINEAGE) { totalCount edges { cursor node { title } } pageInfo { hasNextPage endCursor } } } }' },
  { name: 'the top-level feed', query: '{ articles(first: 3, unit: "37") { nodes { id title kind topics publishedAt } } }' },
  { name: 'articles with everything below them', query: '{ articles(first: 5, unit: "37") { nodes { title source { name url } origin { code fullName } publications { isOrigin publishedAt unit { code name } } related(first: 2) { title } } } }' },
  { name: 'article views', query: '{ articles(first: 2) { nodes { title views } } }' },
  { name: 'sources', query: '{ sources { id name url articles(first: 2) { nodes { title } } } }' },
  { name: 'one source', query: '{ source(id: "1") { name } }' },
  { name: 'visit counters', query: '{ commune(code: "14620") { fullName visits { total today online } } }' },
  { name: 'visit counters of a subtree', query: '{ province(code: "37") { visits(includeDescendants: true) { total } } }' },
  { name: 'an interface with fragments', query: '{ unit(code: "14620", on: "2025-06-30") { code name level ... on Commune { district { name } province { name } } } }' },
  { name: 'an interface with a counter in a fragment', query: '{ unit(code: "376") { name ... on District { communes { code } visits { today } } } }' },
  { name: 'searchUnits', query: '{ searchUnits(query: "Kim Son", first: 3) { code ... on District { province { name } } } }' },
  { name: '__typename', query: '{ __typename commune(code: "14620") { __typename fullName articles(first: 1) { __typename } } }' },
  { name: '__typename alone', query: '{ __typename }' },
  { name: 'introspection', query: '{ __schema { queryType { name } } __type(name: "Article") { fields { name } } }' },
  { name: 'introspection with fields', query: '{ __type(name: "Commune") { name } provinces { code } }' },
  { name: 'aliases', query: '{ home: commune(code: "14620") { n: name } other: commune(code: "14623") { n: name feed: articles(first: 1) { nodes { t: title } } } }' },
  {
    name: 'a fragment spread twice',
    query: 'query { commune(code: "14620") { ...U articles(first: 3) { nodes { origin { ...U } } } } } fragment U on AdministrativeUnit { code fullName }',
  },
  {
    name: '@include, true',
    query: 'query($counters: Boolean!) { commune(code: "14620") { name visits @include(if: $counters) { total } } }',
    variables: { counters: true },
  },
  {
    name: '@include, false',
    query: 'query($counters: Boolean!) { commune(code: "14620") { name visits @include(if: $counters) { total } } }',
    variables: { counters: false },
  },
  {
    name: '@skip with a default',
    query: 'query($noFeed: Boolean = true) { commune(code: "14620") { name ...Feed @skip(if: $noFeed) } } fragment Feed on Commune { articles(first: 2) { nodes { title } } }',
  },
  {
    name: '@skip with a default, given',
    query: 'query($noFeed: Boolean = true) { commune(code: "14620") { name ...Feed @skip(if: $noFeed) } } fragment Feed on Commune { articles(first: 2) { nodes { title } } }',
    variables: { noFeed: false },
  },
  { name: 'the subgraph service', query: '{ _service { sdl } }' },
  {
    name: 'entities: units',
    query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Commune { fullName } ... on Province { name } } }',
    variables: { r: [{ __typename: 'Commune', code: '14620' }, { __typename: 'Province', code: '37' }] },
  },
  {
    name: 'entities: a unit and an article',
    query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Commune { fullName } ... on Article { title } } }',
    variables: { r: [{ __typename: 'Commune', code: '14620' }, { __typename: 'Article', id: '1' }] },
  },
  { name: 'entities in the query text', query: '{ _entities(representations: [{ __typename: "Source", id: "1" }]) { ... on Source { name } } }' },
  { name: 'entities: none', query: 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', variables: { r: [] } },
  {
    name: 'entities: a unit, with its counter',
    query: 'query($r: [_Any!]!, $counters: Boolean = false) { _entities(representations: $r) { ... on Commune { fullName visits @include(if: $counters) { total } } } }',
    variables: { r: [{ __typename: 'Commune', code: '14620' }], counters: true },
  },
  {
    name: 'a mutation (anonymous)',
    query: 'mutation($v: String!) { recordVisit(unitCode: "14620", visitorId: $v) }',
    variables: { v: 'cache-policy-test' },
  },
];

describe('the gateway schema, over the demo content', () => {
  let gateway: TestServer;
  let env: TestEnvironment;
  let services: ProcessServices;
  let servers: Pair<Context>;
  let key: string;
  beforeAll(async () => {
    gateway = (env = await createTestEnvironment()).server;
    await gateway.db.dataSource.transaction((m) => seedDemoContent(m));
    key = (await env.asAdmin()).key;
    services = createServices(gateway.db.dataSource);
    // recordVisit counts what recordVisitChecksPlugin checked: its one way in, as in the gateway.
    servers = await pair<Context>(subgraphSchema(), undefined, [recordVisitChecksPlugin(new DocumentPlans(subgraphSchema()))]);
  }, 60_000);
  afterAll(async () => {
    await servers.stop();
    await services.visits.close();
    await gateway.close();
  });
  const anonymous = () => createContext(services, randomUUID(), { statements: 0 }, undefined);

  it.each(GATEWAY_CASES)('$name: the same policy as Apollo', async ({ query, variables }) => {
    const { apollo, static: computed } = await servers.run({ query, variables }, anonymous);
    expect(apollo.errors).toBeUndefined();
    expect(computed).toEqual(apollo);
  });

  it('a mutation by a key holder: the same policy as Apollo', async () => {
    const id = (await gateway.gql('{ articles(first: 1) { nodes { id } } }')).data.articles.nodes[0].id as string;
    const query = 'mutation($id: ID!) { updateArticle(id: $id, input: { summary: "Tóm tắt." }) { id title origin { code } source { name } } }';
    const context = () => createContext(services, randomUUID(), { statements: 0 }, `Bearer ${key}`);
    const { apollo, static: computed } = await servers.run({ query, variables: { id } }, context);
    expect(apollo.errors).toBeUndefined();
    expect(apollo.maxAge).toBe(30);
    expect(computed).toEqual(apollo);
  });

  it('the gateway sends the Cache-Control Apollo would, computed and from the response cache', async () => {
    for (const { name, query, variables } of GATEWAY_CASES) {
      const { apollo } = await servers.run({ query, variables }, anonymous);
      // The second answer of a cacheable query comes from the response cache, with the policy it was stored with.
      for (const attempt of [1, 2]) {
        const res = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
        expect({ name, attempt, cacheControl: res.headers.get('cache-control') }).toEqual({ name, attempt, cacheControl: apollo.cacheControl });
      }
    }
  });
});
