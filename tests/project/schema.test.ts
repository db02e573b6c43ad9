import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, DangerousChangeType, findBreakingChanges, findDangerousChanges, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { graphqlSchema } from '../../src/schema';
import { printSchemaFile, SCHEMA_FILE } from '../../src/schemaFile';

const root = join(__dirname, '..', '..');
/** The public contract, copied into the repo so that a clone stands on its own. */
const CONTRACT_COPY = join(root, 'schema', 'contract.graphql');
const contract = buildSchema(readFileSync(CONTRACT_COPY, 'utf8'));
const ours = buildSchema(readFileSync(join(root, SCHEMA_FILE), 'utf8'));

/** Contract v3's change notifications, not served yet: each name with the issue that brings it. */
const NOT_YET_BUILT: Array<{ name: string; issue: number }> = [
  ...['ArticleEventType', 'ArticleEvent', 'DeliveryStatus', 'WebhookDelivery', 'WebhookDeliveryEdge', 'WebhookDeliveryConnection'],
  ...['Webhook', 'WebhookInput', 'WebhookCreated', 'Subscription', 'Query.webhooks', 'Query.webhook'],
  ...['Mutation.createWebhook', 'Mutation.deleteWebhook', 'Mutation.setWebhookActive', 'Mutation.rotateWebhookSecret', 'Mutation.redeliver'],
].map((name) => ({ name, issue: 34 }));

describe('the emitted schema', () => {
  it('is what the code builds (run `npm run schema` when this fails)', () => {
    expect(readFileSync(join(root, SCHEMA_FILE), 'utf8')).toBe(printSchemaFile());
  });

  it('keeps every name, argument, default and type of the contract, but for v3 names not yet built', () => {
    const missing = findBreakingChanges(contract, ours).map((c) => c.description);
    const notYetBuilt = NOT_YET_BUILT.map(({ name }) => `${name} was removed.`);
    expect(missing.filter((description) => !notYetBuilt.includes(description))).toEqual([]);
  });

  it('lists as not yet built only names that are indeed missing (remove an entry once its issue lands)', () => {
    const missing = findBreakingChanges(contract, ours).map((c) => c.description);
    expect(NOT_YET_BUILT.filter(({ name }) => !missing.includes(`${name} was removed.`))).toEqual([]);
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
