import { FastifyInstance } from 'fastify';
import { createServer } from '../../src/server';
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
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** The whole gateway over a throwaway database, called in-process through Fastify's inject. */
export async function startTestServer(options: { units?: boolean } = {}): Promise<TestServer> {
  const db = await createTestDatabase(options);
  const app = await createServer({ config: { production: false }, dataSource: db.dataSource });
  return {
    db,
    app,
    async gql(query, variables) {
      const res = await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables }, headers: { 'content-type': 'application/json' } });
      const body = JSON.parse(res.body);
      return { status: res.statusCode, data: body.data, errors: body.errors, statements: Number(res.headers['x-sql-statements']) };
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
