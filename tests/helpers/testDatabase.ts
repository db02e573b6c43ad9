import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { openDatabase } from '../../src/db/database';
import { seedUnits } from '../../seeds/units';

/** The MySQL server tests use: TEST_DATABASE_URL's server (any database name), or the local root. */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL || 'mysql://root@127.0.0.1:3306/lienthong_test';

export function throwawayDatabaseUrl(): string {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/lt_test_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
  return url.toString();
}

export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/** A fresh database with the real migrations applied and, unless told otherwise, every real unit. */
export async function createTestDatabase({ units = true }: { units?: boolean } = {}): Promise<TestDatabase> {
  const url = throwawayDatabaseUrl();
  const dataSource = await openDatabase(url, 8);
  if (units) await dataSource.transaction((m) => seedUnits(m));
  return {
    url,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropDatabase(url);
    },
  };
}

/** A connection of the test's own to a test database (to lock rows, read PROCESSLIST …), beside the gateway's pool. */
export function connectToDatabase(databaseUrl: string): Promise<mysql.Connection> {
  const url = new URL(databaseUrl);
  return mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const conn = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${url.pathname.slice(1)}\``);
  } finally {
    await conn.end();
  }
}
