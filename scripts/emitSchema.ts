import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSchemaFile, SCHEMA_FILE } from '../src/schemaFile';

/** `npm run schema`: writes schema/schema.graphql from the code. */
writeFileSync(join(__dirname, '..', '..', SCHEMA_FILE), printSchemaFile());
console.log(`wrote ${SCHEMA_FILE}`);
