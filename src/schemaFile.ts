import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { subgraphSchema } from './federation';
import { graphqlSchema } from './schema';

/** Where the emitted SDL is committed, relative to the project root. */
export const SCHEMA_FILE = 'schema/schema.graphql';

/**
 * What /graphql serves, `_service` and `_entities` included, without the definitions of
 * federation's own directives and scalars: they are for routers, which read them from `_service { sdl }`.
 */
function publicSchema(): GraphQLSchema {
  const base = graphqlSchema();
  const served = subgraphSchema().toConfig();
  // Types reachable from Query (_Entity, _Any, _Service) come back in on their own.
  return new GraphQLSchema({
    ...served,
    types: served.types.filter((t) => base.getType(t.name)),
    directives: served.directives.filter((d) => base.getDirective(d.name)),
  });
}

/** The SDL as committed: sorted, so that a diff shows what changed and not where the code moved. */
export function printSchemaFile(): string {
  return (
    '# Emitted from the code by `npm run schema`; do not edit. A test fails when it is stale.\n' +
    '# The endpoint is also an Apollo Federation 2 subgraph: its @link and @key directives are in `_service { sdl }`.\n\n' +
    `${printSchema(lexicographicSortSchema(publicSchema()))}\n`
  );
}
