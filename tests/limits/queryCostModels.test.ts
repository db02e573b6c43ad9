import { getNullableType, GraphQLField, GraphQLInputType, isEnumType, isInputObjectType, isInterfaceType, isListType, isNonNullType, isObjectType } from 'graphql';
import { subgraphSchema } from '../../src/federation';
import { FALLBACK_BOUNDS } from '../../src/plugins/dataBounds';
import { ArgumentUse, ESTIMATED_ARGUMENTS, FIELD_MODELS, FieldModel } from '../../src/plugins/queryCost';

/*
 * Issue #30: estimates are remembered by the arguments the cost models declare they read
 * (queryLimits.ts, costKey). A model that reads an argument it does not declare (`history` was
 * read, not declared) lets a remembered estimate stand for values that cost more. Every model runs
 * here with arguments that throw when anything undeclared is read, over every combination of
 * values of what it declares, and must answer alike for values its declarations say are alike.
 */

const schema = subgraphSchema();

/** Some values of an argument's type, as execution hands them to resolvers; undefined is "left out". */
function valuesOf(type: GraphQLInputType): unknown[] {
  if (isNonNullType(type)) return valuesOf(type.ofType).filter((value) => value != null);
  const nullable = getNullableType(type);
  let values: unknown[];
  if (isListType(nullable)) {
    const items = valuesOf(nullable.ofType).filter((value) => value != null);
    values = [[], items.slice(0, 1), items.slice(0, 2)];
  } else if (isEnumType(nullable)) {
    values = nullable.getValues().map((value) => value.value);
  } else if (isInputObjectType(nullable)) {
    // Each field given alone with two of its values, and all of them given.
    const fields = Object.values(nullable.getFields()).map((field) => [field.name, valuesOf(field.type).filter((value) => value != null)] as const);
    const all = (i: number) => Object.fromEntries(fields.map(([name, some]) => [name, some[Math.min(i, some.length - 1)]]));
    values = [{}, ...fields.flatMap(([name, some]) => some.slice(0, 2).map((value) => ({ [name]: value }))), all(0), all(1)];
  } else {
    values = SCALAR_VALUES[nullable.name] ?? ['x', 'y'];
  }
  return [undefined, null, ...values];
}

const SCALAR_VALUES: Record<string, unknown[]> = {
  Boolean: [true, false],
  Int: [0, 20, 101],
  String: ['', 'cai cach'],
  ID: ['01', '14620'],
  Date: ['2025-01-01', '2025-06-30', 'not a day'],
  _Any: [{ __typename: 'Article', id: '1' }, { __typename: 'Commune', code: '14620' }],
};

/** What of a value its declared use lets the cost depend on. */
function seen(use: ArgumentUse, value: unknown): unknown {
  if (use === 'value') return value === undefined ? 'left out' : value;
  if (use === 'given') return value != null;
  return value == null ? null : Object.keys(value as object).filter((name) => (value as Record<string, unknown>)[name] != null).sort();
}

/** Arguments that throw when anything but a declared one is read, or when they are enumerated. */
function declaredOnly(reads: FieldModel['reads'], values: Record<string, unknown>): Record<string, unknown> {
  const refuse = (what: string): never => {
    throw new Error(`reads ${what}, which it does not declare`);
  };
  return new Proxy(values, {
    get: (target, name) => (typeof name === 'string' && Object.hasOwn(reads, name) ? target[name] : refuse(`argument ${String(name)}`)),
    has: (_, name) => refuse(`whether argument ${String(name)} is there`),
    ownKeys: () => refuse('every argument'),
    getOwnPropertyDescriptor: (_, name) => refuse(`argument ${String(name)}`),
  });
}

/** Every combination of one value per argument. */
function combinations(values: [string, unknown[]][]): Record<string, unknown>[] {
  return values.reduce<Record<string, unknown>[]>((combos, [name, some]) => combos.flatMap((combo) => some.map((value) => ({ ...combo, [name]: value }))), [{}]);
}

function fieldOf(key: string): GraphQLField<unknown, unknown> | undefined {
  const [typeName, fieldName] = key.split('.');
  const type = schema.getType(typeName);
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[fieldName] : undefined;
}

const models = Object.entries(FIELD_MODELS);

describe('every cost model reads only the arguments it declares, as it declares them', () => {
  it.each(models.map(([key, model]) => [key, model] as const))('%s', (key, model) => {
    const field = fieldOf(key);
    expect(field).toBeDefined();
    // Declared arguments are the field's own (a typo would declare nothing).
    expect(Object.keys(model.reads).filter((name) => !field!.args.some((arg) => arg.name === name))).toEqual([]);
    const declared = Object.entries(model.reads).map(([name, use]) => [name, use, valuesOf(field!.args.find((arg) => arg.name === name)!.type)] as const);
    const combos = combinations(declared.map(([name, , some]) => [name, some]));
    // A feed's connection, as its fields are costed under it, or none.
    for (const connection of [undefined, { page: 7, countRows: 900 }]) {
      const byKey = new Map<string, { args: Record<string, unknown>; work: string }>();
      for (const args of combos) {
        const work = JSON.stringify(model.work(declaredOnly(model.reads, args), FALLBACK_BOUNDS, connection));
        const key = JSON.stringify(declared.map(([name, use]) => seen(use, args[name])));
        const alike = byKey.get(key);
        if (!alike) byKey.set(key, { args, work });
        // Values the declarations say are alike (the same nullness, the same conditions given) cost alike.
        else if (work !== alike.work) expect({ args, work }).toEqual(alike);
      }
    }
  });

  it('costKey keys by every argument a model reads', () => {
    for (const [, model] of models) {
      for (const name of Object.keys(model.reads)) expect(ESTIMATED_ARGUMENTS.has(name)).toBe(true);
    }
    expect(ESTIMATED_ARGUMENTS.get('history')).toBe('value');
    expect(ESTIMATED_ARGUMENTS.get('filter')).toBe('conditions');
    // What no model reads stays out: a visitor id changes with every request.
    expect(ESTIMATED_ARGUMENTS.has('visitorId')).toBe(false);
  });

  it('the arguments refuse what is not declared', () => {
    const args = declaredOnly({ first: 'value' }, { first: 5, history: false });
    expect(args.first).toBe(5);
    expect(() => args.history).toThrow(/argument history/);
    expect(() => 'history' in args).toThrow();
    expect(() => Object.keys(args)).toThrow();
  });
});
