import { composeServices } from '@apollo/composition';
import { ApolloGateway, IntrospectAndCompose } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, ObjectTypeDefinitionNode, parse, print } from 'graphql';
import { seedDemoContent } from '../../seeds/demo';
import { insertArticles } from '../helpers/fixtures';
import { TestServer } from '../helpers/testServer';
import { createTestEnvironment, TestEnvironment } from '../helpers/testEnvironment';

/** A second team's subgraph: it adds the public services offered in each commune. */
const SERVICES_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Commune @key(fields: "code") {
    code: ID!
    publicServices: [String!]!
  }
  type Query {
    featuredCommune: Commune
  }
`;
const PUBLIC_SERVICES: Record<string, string[]> = { '14620': ['Cấp giấy khai sinh', 'Chứng thực bản sao'] };
const servicesOf = (code: string) => ({ code, publicServices: PUBLIC_SERVICES[code] ?? [] });

let server: TestServer;
let env: TestEnvironment;
let services: ApolloServer;
let servicesUrl: string;
let scheduledArticle: number;
beforeAll(async () => {
  server = (env = await createTestEnvironment()).server;
  await server.db.dataSource.transaction((m) => seedDemoContent(m));
  [scheduledArticle] = await insertArticles(server.db.dataSource, [{ title: 'Tin sắp đăng', origin: '14620', publishedAt: new Date('2030-01-01T00:00:00Z') }]);
  services = new ApolloServer({
    schema: buildSubgraphSchema([
      {
        typeDefs: parse(SERVICES_SDL),
        resolvers: {
          // Only the code comes back from here: the gateway asks Liên Thông for the rest.
          Query: { featuredCommune: () => servicesOf('14620') },
          Commune: { __resolveReference: ({ code }: { code: string }) => servicesOf(code) } as never,
        },
      },
    ]),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  ({ url: servicesUrl } = await startStandaloneServer(services, { listen: { port: 0, host: '127.0.0.1' } }));
});
afterAll(async () => {
  await services?.stop();
  await server?.close();
});

const sdl = async (): Promise<string> => (await server.gql('{ _service { sdl } }')).data._service.sdl;

describe('Apollo Federation 2 subgraph', () => {
  it('publishes its SDL with the federation link and the entity keys', async () => {
    const ours = await sdl();
    expect(ours).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])');
    // Read from the parsed SDL: how Apollo lays the directives out changes between releases.
    const keys = Object.fromEntries(
      parse(ours)
        .definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION)
        .map((type) => [type.name.value, type.directives?.filter((d) => d.name.value === 'key').map((d) => print(d))]),
    );
    // Units: by id (any unit, in force or ended) and by code (the unit in force today, else the last with it).
    for (const type of ['Province', 'District', 'Commune']) expect(keys[type]).toEqual(['@key(fields: "id")', '@key(fields: "code")']);
    for (const type of ['Article', 'Source']) expect(keys[type]).toEqual(['@key(fields: "id")']);
  });

  it('composes with another subgraph that extends Commune', async () => {
    const result = composeServices([
      { name: 'lienthong', typeDefs: parse(await sdl()), url: `${server.url}/graphql` },
      { name: 'services', typeDefs: parse(SERVICES_SDL), url: servicesUrl },
    ]);
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    expect(result.supergraphSdl).toContain('publicServices');
  });

  it('answers one gateway query with fields from both subgraphs, in both directions', async () => {
    const gateway = new ApolloGateway({
      supergraphSdl: new IntrospectAndCompose({
        subgraphs: [
          { name: 'lienthong', url: `${server.url}/graphql` },
          { name: 'services', url: servicesUrl },
        ],
      }),
    });
    const router = new ApolloServer({ gateway });
    await router.start();
    try {
      const res = await router.executeOperation({
        query: '{ commune(code: "14620") { fullName publicServices } featuredCommune { code fullName path publicServices } }',
      });
      expect(res.body.kind).toBe('single');
      const { data, errors } = (res.body as { singleResult: { data?: any; errors?: unknown } }).singleResult;
      expect(errors).toBeUndefined();
      // A code names today's unit: Xã Phát Diệm of the map from 2025-07-01, directly under the new province.
      expect(data).toEqual({
        commune: { fullName: 'Xã Phát Diệm', publicServices: PUBLIC_SERVICES['14620'] },
        // featuredCommune comes from the other subgraph; fullName and path from ours through _entities.
        featuredCommune: {
          code: '14620',
          fullName: 'Xã Phát Diệm',
          path: 'Xã Phát Diệm, Tỉnh Ninh Bình',
          publicServices: PUBLIC_SERVICES['14620'],
        },
      });
    } finally {
      await router.stop();
    }
  });
});

const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
  __typename
  ... on Province { code fullName }
  ... on District { code fullName }
  ... on Commune { code fullName }
  ... on Article { id title }
  ... on Source { id name }
} }`;

describe('_entities', () => {
  it('loads many representations with one statement per type and null for what is not there', async () => {
    // By code a representation names the unit in force today (tests below have ids and ended units).
    const communes: { code: string; fullName: string }[] = await server.db.dataSource.query(
      "SELECT code, full_name AS fullName FROM units WHERE level = 'COMMUNE' AND valid_to IS NULL ORDER BY code LIMIT 30",
    );
    const articles: { id: number; title: string }[] = await server.db.dataSource.query('SELECT id, title FROM articles WHERE published_at < NOW() ORDER BY id LIMIT 5');
    const sources: { id: number; name: string }[] = await server.db.dataSource.query('SELECT id, name FROM sources ORDER BY id LIMIT 2');
    const representations = [
      ...communes.map(({ code }) => ({ __typename: 'Commune', code })),
      ...articles.map(({ id }) => ({ __typename: 'Article', id: String(id) })),
      ...sources.map(({ id }) => ({ __typename: 'Source', id: String(id) })),
      { __typename: 'Commune', code: '99999' },
      // 14620 is a commune: as a district it names nothing.
      { __typename: 'District', code: '14620' },
      { __typename: 'Province', code: '37' },
      // Malformed keys are null without asking MySQL, as in province(code:) and article(id:).
      { __typename: 'Commune', code: 'x' },
      { __typename: 'Article', id: '-1' },
    ];
    const res = await server.gql(ENTITIES, { representations });
    expect(res.errors).toBeUndefined();
    expect(res.data._entities).toEqual([
      ...communes.map(({ code, fullName }) => ({ __typename: 'Commune', code, fullName })),
      ...articles.map(({ id, title }) => ({ __typename: 'Article', id: String(id), title })),
      ...sources.map(({ id, name }) => ({ __typename: 'Source', id: String(id), name })),
      null,
      null,
      { __typename: 'Province', code: '37', fullName: 'Tỉnh Ninh Bình' },
      null,
      null,
    ]);
    // Units (communes, the district and the province together), articles, sources.
    expect(res.statements).toBe(3);
  });

  it('resolves a unit by id, in force or ended, and by code as the unit in force today (else the last with it)', async () => {
    const UNITS = `query($representations: [_Any!]!) { _entities(representations: $representations) {
      __typename
      ... on Province { id code fullName validFrom validTo }
      ... on District { id code fullName validFrom validTo }
      ... on Commune { id code fullName validFrom validTo }
    } }`;
    const xaPhatDiem = { __typename: 'Commune', id: '14620@2025-07-01', code: '14620', fullName: 'Xã Phát Diệm', validFrom: '2025-07-01', validTo: null };
    const thiTranPhatDiem = { __typename: 'Commune', id: '14620', code: '14620', fullName: 'Thị trấn Phát Diệm', validFrom: null, validTo: '2025-06-30' };
    const res = await server.gql(UNITS, {
      representations: [
        { __typename: 'Commune', id: '14620@2025-07-01' },
        { __typename: 'Commune', id: '14620' },
        { __typename: 'Commune', code: '14620' },
        // A code whose only unit has ended (it went into Xã Phát Diệm) names that last unit.
        { __typename: 'Commune', code: '14659' },
        { __typename: 'District', id: '376' },
        { __typename: 'Province', id: '37@2025-07-01' },
        { __typename: 'Province', id: '37' },
        // An id names one unit of one level, and nothing when there is none or it is malformed.
        { __typename: 'District', id: '14620@2025-07-01' },
        { __typename: 'Commune', id: '14659@2025-07-01' },
        { __typename: 'Commune', id: '14620@x' },
        { __typename: 'Commune', id: '14620@2025-07-01 ' },
      ],
    });
    expect(res.errors).toBeUndefined();
    expect(res.data._entities).toEqual([
      xaPhatDiem,
      thiTranPhatDiem,
      xaPhatDiem,
      { __typename: 'Commune', id: '14659', code: '14659', fullName: 'Xã Kim Chính', validFrom: null, validTo: '2025-06-30' },
      { __typename: 'District', id: '376', code: '376', fullName: 'Huyện Kim Sơn', validFrom: null, validTo: '2025-06-30' },
      { __typename: 'Province', id: '37@2025-07-01', code: '37', fullName: 'Tỉnh Ninh Bình', validFrom: '2025-07-01', validTo: null },
      { __typename: 'Province', id: '37', code: '37', fullName: 'Tỉnh Ninh Bình', validFrom: null, validTo: '2025-06-30' },
      null,
      null,
      null,
      null,
    ]);
    // Units by id (one batch) and units by code (one batch).
    expect(res.statements).toBe(2);
  });

  it('hides scheduled articles from callers without a key, as article(id:) does', async () => {
    const representations = [{ __typename: 'Article', id: String(scheduledArticle) }];
    const anonymous = await server.gql(ENTITIES, { representations });
    expect(anonymous.data._entities).toEqual([null]);
    const withKey = await (await env.asAdmin()).gql(ENTITIES, { representations });
    expect(withKey.data._entities).toEqual([{ __typename: 'Article', id: String(scheduledArticle), title: 'Tin sắp đăng' }]);
  });

  it('counts each representation against the query cost limit', async () => {
    const communes: { code: string }[] = await server.db.dataSource.query("SELECT code FROM units WHERE level = 'COMMUNE' ORDER BY code LIMIT 2000");
    const res = await server.gql(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Commune { articles(first: 100) { nodes { id title } } } } }',
      { r: communes.map(({ code }) => ({ __typename: 'Commune', code })) },
    );
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost' });
    expect(res.statements).toBe(0);
  });
});
