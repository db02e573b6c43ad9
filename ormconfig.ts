import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from './src/config';
import { migrations } from './src/db/migrations';
import { entities } from './src/db/entities';
import { StatementCountingLogger } from './src/db/statementCounter';

export interface DataSourceOptions {
  databaseUrl: string;
  poolSize?: number;
}

/** The one way this project connects to MySQL: the server, the seeds, the tests and the typeorm CLI. */
export function createDataSource({ databaseUrl, poolSize = 16 }: DataSourceOptions): DataSource {
  const url = parseDatabaseUrl(databaseUrl);
  return new DataSource({
    type: 'mysql',
    host: url.hostname,
    port: Number(url.port || 3306),
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)),
    charset: 'utf8mb4_unicode_ci',
    // DATETIME columns hold UTC; the API prints them in Vietnam's offset.
    timezone: 'Z',
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
    // The logger is here to count statements per request; failed statements reach the log with
    // their GraphQL request instead (plugins/errorMasking.ts).
    logging: false,
    logger: new StatementCountingLogger(false),
    invalidWhereValuesBehavior: { null: 'throw', undefined: 'throw' },
    poolSize,
    extra: { connectTimeout: 5000, supportBigNumbers: true, bigNumberStrings: false },
  });
}

/** For the typeorm CLI (e.g. `npx typeorm -d dist/ormconfig.js migration:show`). */
export default createDataSource({ databaseUrl: process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/lienthong' });
