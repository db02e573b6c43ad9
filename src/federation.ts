import { buildSubgraphSchema } from '@apollo/subgraph';
// 2.14 (the last release for Node 20) exports this type only from here; a type import leaves no require behind.
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { GraphQLSchema, parse } from 'graphql';
import { createResolversMap } from 'type-graphql';
import { isUnitId, parseId } from './common/ids';
import { Context } from './context';
import { Article } from './modules/articles/article.entity';
import { Source } from './modules/sources/source.entity';
import { Unit, UnitLevel } from './modules/units/unit.entity';
import { unitByCode } from './modules/units/unitLookup';
import { graphqlSchema } from './schema';

/** The @key directives on the type classes name these; the router learns them from `_service { sdl }`. */
const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

/**
 * How `_entities` turns a representation into a row. Each goes through the request's DataLoader, so
 * a router asking for many entities of a type costs one statement for all of them.
 */
function unitReference(level: UnitLevel) {
  return async ({ id, code }: Record<string, unknown>, ctx: Context): Promise<Unit | null> => {
    // By id (any unit, in force or not), or by code as `unit(code)` reads it (today's, else the last).
    let unit: Unit | null = null;
    if (typeof id === 'string') unit = isUnitId(id) ? await ctx.loaders.unit.load(id) : null;
    else if (typeof code === 'string') unit = await unitByCode(ctx, code, null);
    // A District reference to a commune names no district.
    return unit?.level === level ? unit : null;
  };
}

const REFERENCE_RESOLVERS: Record<string, (reference: Record<string, unknown>, ctx: Context) => Promise<unknown>> = {
  Province: unitReference('PROVINCE'),
  District: unitReference('DISTRICT'),
  Commune: unitReference('COMMUNE'),
  // The article loader hides scheduled articles from callers without a key, as `article(id:)` does.
  Article: async ({ id }, ctx): Promise<Article | null> => {
    const articleId = typeof id === 'string' ? parseId(id) : null;
    return articleId === null ? null : ctx.loaders.article.load(articleId);
  },
  Source: async ({ id }, ctx): Promise<Source | null> => {
    const sourceId = typeof id === 'string' ? parseId(id) : null;
    return sourceId === null ? null : ctx.loaders.source.load(sourceId);
  },
};

let schema: GraphQLSchema | undefined;

/**
 * The schema served on /graphql: the type-graphql schema as an Apollo Federation 2 subgraph, which
 * adds `_service` and `_entities` and changes nothing else. Built once per process.
 */
export function subgraphSchema(): GraphQLSchema {
  if (schema) return schema;
  const base = graphqlSchema();
  // Rebuilt from SDL because buildSubgraphSchema only takes SDL; the resolvers come back from the built schema.
  const resolvers = createResolversMap(base) as GraphQLResolverMap<Context>;
  for (const [type, resolveReference] of Object.entries(REFERENCE_RESOLVERS)) {
    // Apollo's resolver map types every entry as a field resolver; __resolveReference has its own signature.
    resolvers[type] = { ...resolvers[type], __resolveReference: resolveReference } as GraphQLResolverMap<Context>[string];
  }
  schema = buildSubgraphSchema([{ typeDefs: parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(base)}`), resolvers }]);
  return schema;
}
