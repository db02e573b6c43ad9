import { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { DataSource } from 'typeorm';
import { ApiKeyService, NewKeyInput } from '../../src/modules/keys/apiKey.service';
import { createTestDatabase, TestDatabase } from './testDatabase';
import { GraphQLResponse, serveTestDatabase, TestServer, TestServerOptions } from './testServer';

/**
 * One place to start a suite, as Vendure's `createTestEnvironment`: the whole gateway on its own
 * throwaway database, and clients that send a key or none.
 *
 *   let env: TestEnvironment;
 *   beforeAll(async () => (env = await createTestEnvironment()));
 *   afterAll(() => env?.close());
 *   ... await env.anonymous.gql('{ __typename }');
 *   ... await (await env.asEditor('14620')).gql(CREATE_ARTICLE, { input });
 *
 * A suite that builds its gateway another way (its own logger, two gateways, a process) still makes
 * its keys with `createKey(dataSource, { role, unitCode })`.
 */

/** A caller: `key` is what it sends as `Authorization: Bearer <key>` (none for `anonymous`). */
export interface TestClient {
  key: string | null;
  /** A string query (loosely typed), or a codegen document (typed by its operation). */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  gql<T, V extends Record<string, unknown>>(query: TypedDocumentNode<T, V>, variables: V): Promise<GraphQLResponse<T>>;
}

export interface TestEnvironment {
  server: TestServer;
  db: TestDatabase;
  dataSource: DataSource;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Sends no key. */
  anonymous: TestClient;
  /** An admin key, made once (through ApiKeyService) on the first call. */
  asAdmin(): Promise<KeyedClient>;
  /** An editor key of the unit with this code (in force today), made once per code. */
  asEditor(unitCode: string): Promise<KeyedClient>;
  /** A client with a key of its own, made now: for a label, a record or a second key of a role. */
  withKey(input: KeyInput): Promise<KeyedClient & { record: ApiKeyRecord }>;
  close(): Promise<void>;
}

/** A client that sends a key. */
export type KeyedClient = TestClient & { key: string };

/** A key's row, as ApiKeyService.create returns it. */
export type ApiKeyRecord = Awaited<ReturnType<ApiKeyService['create']>>['record'];

/** What createKey needs: the label defaults to the role (and unit); `revoked` revokes the key once made. */
export type KeyInput = Omit<NewKeyInput, 'label'> & { label?: string; revoked?: boolean };

/** An API key made through ApiKeyService, as `npm run keys` makes them; returns the key and its row. */
export async function createKeyRecord(dataSource: DataSource, { role, unitCode = null, label, revoked = false }: KeyInput, now?: Date): Promise<{ key: string; record: ApiKeyRecord }> {
  const service = new ApiKeyService(dataSource);
  const made = await service.create({ role, unitCode, label: label ?? (unitCode ? `${role} ${unitCode}` : role) }, now);
  if (revoked) await service.revoke(made.record.id);
  return made;
}

/** The key alone (what a client sends). */
export async function createKey(dataSource: DataSource, input: KeyInput): Promise<string> {
  return (await createKeyRecord(dataSource, input)).key;
}

/** The gateway over a throwaway database (created now, dropped by close()), with its clients. */
export async function createTestEnvironment(options: { units?: boolean } & TestServerOptions = {}): Promise<TestEnvironment> {
  return testEnvironmentOf(await serveTestDatabase(await createTestDatabase(options), options));
}

/** The clients of a server a suite already started (e.g. serveTestDatabase over a database it prepared). */
export function testEnvironmentOf(server: TestServer): TestEnvironment {
  const dataSource = server.db.dataSource;
  function client(key: string): KeyedClient;
  function client(key: null): TestClient;
  function client(key: string | null): TestClient {
    return {
      key,
      gql: (query: string | TypedDocumentNode, variables?: Record<string, unknown>) =>
        key === null ? server.gql(typeof query === 'string' ? query : print(query), variables) : server.gqlWithKey(key, typeof query === 'string' ? query : print(query), variables),
    };
  }
  let admin: Promise<KeyedClient> | undefined;
  const editors = new Map<string, Promise<KeyedClient>>();
  return {
    server,
    db: server.db,
    dataSource,
    url: server.url,
    anonymous: client(null),
    asAdmin: () => (admin ??= createKey(dataSource, { role: 'admin' }).then((key) => client(key))),
    asEditor(unitCode) {
      let editor = editors.get(unitCode);
      if (!editor) editors.set(unitCode, (editor = createKey(dataSource, { role: 'editor', unitCode }).then((key) => client(key))));
      return editor;
    },
    async withKey(input) {
      const { key, record } = await createKeyRecord(dataSource, input);
      return { ...client(key), record };
    },
    close: () => server.close(),
  };
}
