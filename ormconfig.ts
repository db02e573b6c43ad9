import 'reflect-metadata';
import { DataSource, DataSourceOptions as TypeOrmOptions } from 'typeorm';
import { MysqlConnectionCredentialsOptions } from 'typeorm/driver/mysql/MysqlConnectionCredentialsOptions';
import { parseDatabaseUrl } from './src/config';
import { migrations } from './src/db/migrations';
import { entities } from './src/db/entities';
import { ReplicatedDataSource } from './src/db/replication';
import { StatementCountingLogger } from './src/db/statementCounter';

export interface DataSourceOptions {
  databaseUrl: string;
  poolSize?: number;
  /** Read replicas of databaseUrl: GraphQL queries read from them (src/db/replication.ts). */
  replicaUrls?: readonly string[];
}

function credentials(databaseUrl: string, name: string): Required<Pick<MysqlConnectionCredentialsOptions, 'host' | 'port' | 'username' | 'password' | 'database'>> {
  const url = parseDatabaseUrl(databaseUrl, name);
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)),
  };
}

/** The one way this project connects to MySQL: the server, the seeds, the tests and the typeorm CLI. */
export function createDataSource({ databaseUrl, poolSize = 16, replicaUrls = [] }: DataSourceOptions): DataSource {
  const primary = credentials(databaseUrl, 'DATABASE_URL');
  const options: TypeOrmOptions = {
    type: 'mysql',
    ...primary,
    charset: 'utf8mb4_unicode_ci',
    // DATETIME columns hold UTC; the API prints them in Vietnam's offset.
    timezone: 'Z',
    // A DATE is a calendar day, not an instant: read it as the 'YYYY-MM-DD' it is.
    dateStrings: ['DATE'],
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
    // The logger is here to count statements per request; failed statements reach the log with
    // their GraphQL request instead (plugins/errorMasking.ts).
    logging: false,
    logger: new StatementCountingLogger(false),
    invalidWhereValuesBehavior: { null: 'throw', undefined: 'throw' },
    // With replicas, each server (the primary and every replica) gets a pool this size.
    poolSize,
    extra: { connectTimeout: 5000, supportBigNumbers: true, bigNumberStrings: false },
  };
  if (replicaUrls.length === 0) return new DataSource(options);
  return new ReplicatedDataSource({
    ...options,
    replication: {
      master: primary,
      slaves: replicaUrls.map((url) => credentials(url, 'DATABASE_REPLICA_URLS')),
      // mysql2's pool cluster would take a server that refused 5 connections out of service for
      // good (the primary included) and retry others behind our back; connection errors pass
      // through as they do without replicas, and ReplicatedDataSource handles a replica's.
      canRetry: false,
      removeNodeErrorCount: Number.MAX_SAFE_INTEGER,
      // Only what ReplicatedDataSource routes goes to a replica.
      defaultMode: 'master',
    },
  });
}

/** For the typeorm CLI (e.g. `npx typeorm -d dist/ormconfig.js migration:show`). */
export default createDataSource({ databaseUrl: process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/lienthong' });
