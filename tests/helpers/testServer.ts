import { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { FastifyInstance } from 'fastify';
import { print } from 'graphql';
import { emptyCaches } from '../../src/cache/caches';
import { createServer, ServerDeps } from '../../src/server';
import { createTestDatabase, TestDatabase } from './testDatabase';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  /** SQL statements the request sent, from the x-sql-statements header. */
  statements: number;
}

export interface TestServer {
  db: TestDatabase;
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** A string query (loosely typed), or a codegen document (typed by its operation). */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  gql<T, V extends Record<string, unknown>>(query: TypedDocumentNode<T, V>, variables: V): Promise<GraphQLResponse<T>>;
  /** The same, sending `Authorization: Bearer <key>`. */
  gqlWithKey<T = any>(key: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Empties the process's shared caches and kept responses (in memory), so the next request is measured cold. */
  emptyCaches(): void;
  close(): Promise<void>;
}

/** What a test may choose about the gateway: the clock, the visit counters' tuning, the caches. */
export type TestServerOptions = Pick<ServerDeps, 'clock' | 'visits'> & { config?: Partial<Pick<ServerDeps['config'], 'queryLimits' | 'responseCache' | 'redisUrl' | 'requestTimeouts' | 'heavyRequests' | 'trustProxy' | 'corsOrigins' | 'visitsPerAddressPerMinute' | 'persistedQueryMaxBytes' | 'metrics' | 'answerMaxBytes' | 'edges'>> };

/** The whole gateway over a throwaway database, listening on a free loopback port. */
export async function startTestServer(options: { units?: boolean } & TestServerOptions = {}): Promise<TestServer> {
  return serveTestDatabase(await createTestDatabase(options), options);
}

/** The gateway over a database a test already has (e.g. a second server after a restart). close() drops it. */
export async function serveTestDatabase(db: TestDatabase, { clock, visits, config }: TestServerOptions = {}): Promise<TestServer> {
  const app = await createServer({ config: { production: false, ...config }, dataSource: db.dataSource, clock, visits });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const post = async (query: string, variables: Record<string, unknown> | undefined, headers: Record<string, string>): Promise<GraphQLResponse> => {
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: any; errors?: GraphQLResponse['errors'] };
    return { status: res.status, data: body.data, errors: body.errors, statements: Number(res.headers.get('x-sql-statements')) };
  };
  return {
    db,
    app,
    url,
    gql: (query: string | TypedDocumentNode, variables?: Record<string, unknown>) => post(typeof query === 'string' ? query : print(query), variables, {}),
    gqlWithKey: (key, query, variables) => post(query, variables, { authorization: `Bearer ${key}` }),
    emptyCaches: () => {
      emptyCaches(app.caches);
      app.keptAnswers?.clear();
      app.visits.forgetSnapshots();
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
