import { lexicographicSortSchema, printSchema } from 'graphql';
import { graphqlSchema } from './schema';

/** Where the emitted SDL is committed, relative to the project root. */
export const SCHEMA_FILE = 'schema/schema.graphql';

/** The SDL as committed: sorted, so that a diff shows what changed and not where the code moved. */
export function printSchemaFile(): string {
  return `# Emitted from the code by \`npm run schema\`; do not edit. A test fails when it is stale.\n\n${printSchema(lexicographicSortSchema(graphqlSchema()))}\n`;
}
