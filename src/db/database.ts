import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { parseDatabaseUrl } from '../config';

/** MySQL could not be reached or refused us: the message is one line an operator can act on. */
export class DatabaseUnavailableError extends Error {}

function describe(url: URL): string {
  return `${url.hostname}:${url.port || 3306} as ${decodeURIComponent(url.username) || '(no user)'}`;
}

async function connect(url: URL, name: string): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      connectTimeout: 5000,
    });
  } catch (e) {
    const reason = (e as { code?: string; message?: string }).code ?? (e as Error).message;
    throw new DatabaseUnavailableError(`cannot reach MySQL at ${describe(url)} (${reason}); is it running, and is ${name} right?`);
  }
}

/** Creates the database named in the URL when it does not exist yet (utf8mb4, a collation MySQL 8 and MariaDB share). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = parseDatabaseUrl(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  const conn = await connect(url, 'DATABASE_URL');
  try {
    // The name was checked against [A-Za-z0-9_] by parseDatabaseUrl, so it is safe between backquotes.
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

/**
 * Creates the database if missing, connects and runs pending migrations (on the primary). Replicas
 * are only checked to answer: on a first start they may not have the database yet, a moment later
 * they will, from the primary.
 */
export async function openDatabase(databaseUrl: string, poolSize?: number, replicaUrls: readonly string[] = []): Promise<DataSource> {
  await ensureDatabase(databaseUrl);
  for (const replicaUrl of replicaUrls) await (await connect(parseDatabaseUrl(replicaUrl, 'DATABASE_REPLICA_URLS'), 'DATABASE_REPLICA_URLS')).end();
  const dataSource = createDataSource({ databaseUrl, poolSize, replicaUrls });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
