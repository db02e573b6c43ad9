import { getIntrospectionQuery, IntrospectionOptions } from 'graphql';
import { DEFAULT_HEAVY_REQUEST_LIMITS } from '../../src/plugins/heavyRequests';
import { INTROSPECTION_MAX_DEPTH } from '../../src/plugins/queryLimits';
import { startTestServer, TestServer } from '../helpers/testServer';

/*
 * Issue #30: introspection is priced by what it resolves. Its lists count at the schema's sizes
 * (every type once under __schema.types, the most fields, arguments … of one type or field
 * elsewhere), its aliases count with the others' and its depth has a cap of its own. One anonymous
 * query of 5.6 KB (30 aliases of `fields { type { … } }` nested twice) answered 126 MB in 7 s and
 * took 1.3 GB; with 100 × 100 aliases the process ran out of heap.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface Answer {
  status: number;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
  cost: number;
  statements: number;
  ms: number;
}

async function gql(query: string): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as Answer['body'];
  return { status: res.status, body, cost: Number(res.headers.get('x-query-cost')), statements: Number(res.headers.get('x-sql-statements')), ms: performance.now() - started };
}

/** What an answer resolved, as the cost counts it: each value 1, a list each of its items. */
function resolved(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + 1 + (item !== null && typeof item === 'object' ? resolved(item) : 0), 0);
  if (value === null || typeof value !== 'object') return 0;
  return Object.values(value).reduce((sum: number, field) => sum + (Array.isArray(field) ? resolved(field) : 1 + resolved(field)), 0);
}

/** The introspection queries tools send: graphql-js's (code generators, GraphiQL 3.9 builds the same), with every option, and the older seven-level one. */
const STANDARD: [string, IntrospectionOptions][] = [
  ['getIntrospectionQuery()', {}],
  ['with every option (codegen, GraphiQL)', { specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true }],
  ['seven levels of ofType (older graphql-js, which many tools still bundle)', { typeDepth: 7, inputValueDeprecation: true }],
];

describe('the introspection tools send', () => {
  it.each(STANDARD)('%s is answered, its estimate above what it resolves and far below the heavy-request threshold', async (_name, options) => {
    const res = await gql(getIntrospectionQuery(options));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.__schema.types.length).toBeGreaterThan(40);
    const answered = resolved(res.body.data);
    expect(res.cost).toBeGreaterThanOrEqual(answered);
    expect(res.cost).toBeLessThan(3 * answered);
    expect(res.cost).toBeLessThan(DEFAULT_HEAVY_REQUEST_LIMITS.cost / 10);
    if (process.env.SHOW_COSTS) console.log(`${_name}: resolved ${answered}, estimate ${res.cost}`);
  });
});

/**
 * Refused before anything runs. Most of the time is graphql-js parsing and validating the document
 * (a few hundred milliseconds for the 12 KB of 100 × 100 aliases on a loaded machine); the attack
 * ran 7 s before.
 */
const refusal = (answer: Answer) => ({
  status: answer.status,
  code: answer.body.errors?.[0]?.extensions?.code,
  limit: answer.body.errors?.[0]?.extensions?.limit,
  statements: answer.statements,
  fast: answer.ms < 2000,
});

/** `count` aliases of `body`. */
const aliased = (count: number, body: string) => Array.from({ length: count }, (_, i) => `a${i}: ${body}`).join(' ');

/** The attack of the issue: each of F's aliases lists every field's type three times over G, each of whose aliases lists that type's fields. */
const aliasAttack = (f: number, g: number) =>
  `query { __schema { types { ...F } } } fragment F on __Type { ${aliased(f, 'fields { name type { ...G ofType { ...G ofType { ...G } } } }')} } fragment G on __Type { ${aliased(g, 'fields { name description type { name kind } }')} }`;

/** A type reference, unwrapped as deep as any schema goes, and the named type's enum values. */
const TYPE_REF = 'name kind ofType { name kind ofType { name kind ofType { name kind } } } enumValues { name description }';

/**
 * Without aliases: every list of a type, each item's type unwrapped and listed again, in fragments
 * spread through `type`, `ofType` and `args` (graphql-js refuses three levels of `fields`,
 * `interfaces`, `possibleTypes` or `inputFields`, but not `args` or `ofType` between them).
 */
const fragmentAttack = (root: string) => `query { ${root} }
  fragment Outer on __Type { name kind description ofType { ...Inner } fields { name args { name type { ...Inner ofType { ...Inner ofType { ...Inner } } } }
    type { ...Inner ofType { ...Inner ofType { ...Inner } } } } inputFields { name type { ...Inner ofType { ...Inner } } } interfaces { ...Inner } possibleTypes { ...Inner } }
  fragment Inner on __Type { name kind description ...Ref ofType { ...Ref } fields { name args { name defaultValue type { ...Ref } } type { ...Ref ofType { ...Ref } } }
    inputFields { name type { ...Ref } } interfaces { ...Ref } possibleTypes { ...Ref } }
  fragment Ref on __Type { ${TYPE_REF} }`;

/** No alias, no fragment: `fields { type { ofType { … } } }` nested `levels` times. */
const nested = (levels: number) => `${'fields { name type { name ofType { name '.repeat(levels)}kind${' } } }'.repeat(levels)}`;

describe('introspection that would answer megabytes is refused at once, HTTP 400, with no memory growth', () => {
  const heap = { before: 0, most: 0 };
  let sampler: NodeJS.Timeout;
  beforeAll(() => {
    heap.before = heap.most = process.memoryUsage().heapUsed;
    sampler = setInterval(() => (heap.most = Math.max(heap.most, process.memoryUsage().heapUsed)), 5);
  });
  afterAll(() => {
    clearInterval(sampler);
    // The attacks took 1.3 GB and more; a refusal parses a few kilobytes.
    expect(heap.most - heap.before).toBeLessThan(100 * 1024 * 1024);
  });

  it.each([
    ['30 × 30 aliases', () => aliasAttack(30, 30), 'aliases'],
    ['100 × 100 aliases', () => aliasAttack(100, 100), 'aliases'],
    ['48 aliases of every field’s type’s fields’ types’ fields', () => `{ __schema { types { ${aliased(48, `fields { args { type { ofType { ofType { fields { args { type { name } } } } } } } type { ofType { ofType { fields { type { name } } } } } }`)} } } }`, 'cost'],
    ['no alias: fragments through args, type and ofType under __schema', () => fragmentAttack('__schema { types { ...Outer } directives { args { type { ...Inner } } } }'), 'cost'],
    ['no alias: the same under __type(name: "Query")', () => fragmentAttack('__type(name: "Query") { ...Outer }'), 'cost'],
    ['no alias: ofType { … } nested deeper than introspection may go', () => `{ __type(name: "Query") { ${'ofType { '.repeat(INTROSPECTION_MAX_DEPTH)}name${' }'.repeat(INTROSPECTION_MAX_DEPTH)} } }`, 'depth'],
  ] as [string, () => string, string][])('%s', async (_name, query, limit) => {
    const res = await gql(query());
    expect(refusal(res)).toEqual({ status: 400, code: 'GRAPHQL_VALIDATION_FAILED', limit, statements: 0, fast: true });
    expect(res.body.errors![0].extensions!.actual).toBeGreaterThan(res.body.errors![0].extensions!.max);
    if (process.env.SHOW_COSTS) console.log(`${_name}: ${Buffer.byteLength(query())} bytes, ${res.body.errors![0].message}`);
  });

  it.each([
    ['three levels of fields under __schema.types', `{ __schema { types { ${nested(3)} } } }`],
    ['four levels of fields under __type(name: "Query")', `{ __type(name: "Query") { ${nested(4)} } }`],
    ['three levels of fields through fragments', '{ __schema { types { ...A } } } fragment A on __Type { interfaces { ...B } } fragment B on __Type { possibleTypes { ...C } } fragment C on __Type { inputFields { name } }'],
  ])('no alias: %s, refused by graphql-js (MaxIntrospectionDepthRule)', async (_name, query) => {
    const res = await gql(query);
    expect(refusal(res)).toEqual({ status: 400, code: 'GRAPHQL_VALIDATION_FAILED', limit: undefined, statements: 0, fast: true });
    expect(res.body.errors![0].message).toBe('Maximum introspection depth exceeded');
  });
});

describe('introspection admitted is estimated above what it resolves', () => {
  it.each([
    ['the issue’s attack with 10 × 1 aliases', aliasAttack(10, 1)],
    ['a type’s fields, arguments and their types', `{ __type(name: "Article") { name fields { name description args { name defaultValue type { ${TYPE_REF} } } type { ${TYPE_REF} fields { name } ofType { fields { name } ofType { fields { name } } } } } } }`],
    ['every field’s arguments’ types’ fields', `{ __schema { types { name fields { name args { name type { ${TYPE_REF} ofType { ofType { fields { name type { ${TYPE_REF} } } } } } } } } } }`],
    ['the directives', '{ __schema { directives { name locations isRepeatable args { name type { name kind ofType { name } } } } } }'],
  ])('%s', async (_name, query) => {
    const res = await gql(query);
    expect(res.body.errors).toBeUndefined();
    expect(res.cost).toBeGreaterThanOrEqual(resolved(res.body.data));
    if (process.env.SHOW_COSTS) console.log(`${_name}: resolved ${resolved(res.body.data)}, estimate ${res.cost}`);
  });
});
