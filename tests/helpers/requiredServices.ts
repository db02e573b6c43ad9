import { Socket } from 'node:net';
import mysql from 'mysql2/promise';
import { TEST_SERVER_URL } from './testDatabase';

/** The Redis the tests of several gateways, shared visit rules and floods use. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

const TIMEOUT_MS = 3000;

/** Whether Redis answers PING at `url` within the timeout (a bare socket: no client to reconnect forever). */
function redisAnswers(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(TIMEOUT_MS, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG') || data.toString().startsWith('-NOAUTH')));
    socket.connect(Number(url.port || 6379), url.hostname, () => socket.write('PING\r\n'));
  });
}

/**
 * Jest's globalSetup: the suites need a MySQL/MariaDB server and a Redis. Without one, say so in
 * one line at once, instead of every suite timing out one by one (Redis clients retry forever).
 */
export default async function requireServices(): Promise<void> {
  const missing: string[] = [];
  const db = new URL(TEST_SERVER_URL);
  try {
    const conn = await mysql.createConnection({
      host: db.hostname,
      port: Number(db.port || 3306),
      user: decodeURIComponent(db.username),
      password: decodeURIComponent(db.password),
      connectTimeout: TIMEOUT_MS,
    });
    await conn.end();
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    missing.push(`MySQL 8 or MariaDB 10.6+ at ${db.hostname}:${db.port || 3306} as ${db.username || '(no user)'} (${reason}; TEST_DATABASE_URL picks another)`);
  }
  const redis = new URL(TEST_REDIS_URL);
  if (!(await redisAnswers(redis))) missing.push(`Redis at ${redis.hostname}:${redis.port || 6379} (TEST_REDIS_URL picks another)`);
  if (missing.length === 0) return;
  const problem = new Error(`the tests need ${missing.join(' and ')}: start it and run npm test again`);
  // The message is the whole story: no stack of jest's internals under it.
  problem.stack = problem.message;
  throw problem;
}
