import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, DangerousChangeType, findBreakingChanges, findDangerousChanges, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { graphqlSchema } from '../src/schema';
import { printSchemaFile, SCHEMA_FILE } from '../src/schemaFile';

const root = join(__dirname, '..');
/** The public contract, copied into the repo so that a clone stands on its own. */
const CONTRACT_COPY = join(root, 'schema', 'contract.graphql');
const contract = buildSchema(readFileSync(CONTRACT_COPY, 'utf8'));
const ours = buildSchema(readFileSync(join(root, SCHEMA_FILE), 'utf8'));

describe('the emitted schema', () => {
  it('is what the code builds (run `npm run schema` when this fails)', () => {
    expect(readFileSync(join(root, SCHEMA_FILE), 'utf8')).toBe(printSchemaFile());
  });

  it('keeps every name, argument, default and type of the contract', () => {
    expect(findBreakingChanges(contract, ours).map((c) => c.description)).toEqual([]);
  });

  it('changes no default value or enum of the contract', () => {
    // An optional argument the contract lacks is an addition (Query.articles' `on`): no caller breaks.
    const dangerous = findDangerousChanges(contract, ours).filter((c) => c.type !== DangerousChangeType.OPTIONAL_ARG_ADDED);
    expect(dangerous.map((c) => c.description)).toEqual([]);
  });

  it('describes every type, field, argument and enum value', () => {
    const missing: string[] = [];
    for (const type of Object.values(graphqlSchema().getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description && type.name !== 'Query' && type.name !== 'Mutation') missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
    expect(missing).toEqual([]);
  });
});
