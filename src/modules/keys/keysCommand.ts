import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../config';
import { openDatabase } from '../../db/database';
import { ApiKey, ApiKeyService, KeyInputError, NewKeyInput } from './apiKey.service';

const USAGE = [
  'usage: npm run --silent keys -- create --role admin|editor [--unit CODE] --label TEXT',
  '       npm run --silent keys -- list',
  '       npm run --silent keys -- revoke ID',
  '(DATABASE_URL picks the database; create prints only the new key, which is shown this once)',
].join('\n');

/** The command line itself is wrong: exit 2, like KeyInputError. */
class UsageError extends Error {}

type Command = { name: 'help' } | { name: 'create'; input: NewKeyInput } | { name: 'list' } | { name: 'revoke'; id: number };

function parseCommand(args: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { role: { type: 'string' }, unit: { type: 'string' }, label: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { name: 'help' };
  const [name, ...rest] = positionals;
  const hasOptions = values.role !== undefined || values.unit !== undefined || values.label !== undefined;

  switch (name) {
    case 'create':
      if (rest.length > 0) throw new UsageError(`create takes no arguments besides its options, got "${rest[0]}"`);
      if (values.role === undefined) throw new UsageError('create needs --role admin|editor');
      if (values.label === undefined) throw new UsageError('create needs --label TEXT (who or what the key is for)');
      // The role's value is checked by the service, which says what is allowed.
      return { name: 'create', input: { role: values.role as NewKeyInput['role'], unitCode: values.unit ?? null, label: values.label } };
    case 'list':
      if (rest.length > 0 || hasOptions) throw new UsageError('list takes no arguments or options');
      return { name: 'list' };
    case 'revoke':
      if (rest.length !== 1 || hasOptions) throw new UsageError('revoke takes one key id and no options');
      if (!/^\d{1,10}$/.test(rest[0])) throw new UsageError(`revoke needs a key id (a number from list), got "${rest[0]}"`);
      return { name: 'revoke', id: Number(rest[0]) };
    case undefined:
      throw new UsageError('say create, list or revoke');
    default:
      throw new UsageError(`unknown command "${name}": say create, list or revoke`);
  }
}

/** Full names of the units keys belong to, so an operator sees "376 Huyện Kim Sơn" rather than a bare code. */
async function unitNames(db: DataSource, keys: readonly ApiKey[]): Promise<Map<string, string>> {
  const ids = [...new Set(keys.map((k) => k.unitId).filter((c): c is string => c !== null))];
  if (ids.length === 0) return new Map();
  const rows: { id: string; code: string; full_name: string; valid_to: string | null }[] = await db.query(
    `SELECT id, code, full_name, valid_to FROM units WHERE id IN (${ids.map(() => '?').join(', ')})`,
    ids,
  );
  return new Map(rows.map((r) => [r.id, `${r.code} ${r.full_name}${r.valid_to ? ` (ended ${r.valid_to})` : ''}`]));
}

function unitText(key: ApiKey, names: Map<string, string>): string {
  return key.unitId === null ? '-' : (names.get(key.unitId) ?? key.unitId);
}

function describe(key: ApiKey, names: Map<string, string>): string {
  return key.unitId === null ? key.role : `${key.role} of ${unitText(key, names)}`;
}

/** DATETIME columns hold whole seconds, so the milliseconds would only be noise. */
function time(date: Date | null): string {
  return date === null ? '-' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

async function run(command: Exclude<Command, { name: 'help' }>, db: DataSource): Promise<number> {
  const service = new ApiKeyService(db);
  switch (command.name) {
    case 'create': {
      const { key, record } = await service.create(command.input);
      // stdout carries the key alone, so that KEY=$(npm run --silent keys -- create …) works.
      process.stdout.write(`${key}\n`);
      console.error(`created key ${record.id} (${describe(record, await unitNames(db, [record]))}, "${record.label}"); it is shown this once, store it now`);
      return 0;
    }
    case 'list': {
      const keys = await service.list();
      const names = await unitNames(db, keys);
      const header = ['id', 'role', 'unit', 'label', 'created', 'last used', 'revoked'];
      const rows = keys.map((k) => [String(k.id), k.role, unitText(k, names), k.label, time(k.createdAt), time(k.lastUsedAt), time(k.revokedAt)]);
      console.log(table([header, ...rows]));
      if (keys.length === 0) console.error('no keys yet: make one with `npm run --silent keys -- create …`');
      return 0;
    }
    case 'revoke': {
      const key = await service.revoke(command.id);
      if (key === null) {
        console.error(`keys: there is no key ${command.id} (see npm run --silent keys -- list)`);
        return 1;
      }
      console.log(`key ${key.id} (${describe(key, await unitNames(db, [key]))}, "${key.label}") is revoked since ${time(key.revokedAt)}`);
      return 0;
    }
  }
}

/** `npm run keys -- …`: makes, lists and revokes the API keys that writing mutations need. */
async function main(args: string[]): Promise<number> {
  const command = parseCommand(args);
  if (command.name === 'help') {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl, 2);
  try {
    return await run(command, db);
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      console.error(`keys: ${message} (npm run --silent keys -- --help shows usage)`);
      process.exit(2);
    }
    console.error(`keys: ${message}`);
    // Exit outright: a failure while opening the database can leave its pool open.
    process.exit(error instanceof KeyInputError ? 2 : 1);
  },
);
