import 'reflect-metadata';
import { hostname } from 'node:os';
import { seedIfEmpty } from '../seeds';
import { RedisUnavailableError } from './db/redis';
import { ConfigError, loadConfig } from './config';
import { DatabaseUnavailableError, openDatabase } from './db/database';
import { logDatabaseWarningsTo } from './db/statementCounter';
import { createServer } from './server';

/** `npm start`: read config, create and migrate the database, seed it when empty, serve. */
async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = await openDatabase(config.databaseUrl, config.dbPoolSize, config.replicaUrls);
  const app = await createServer({ config, dataSource, logger: { level: config.logLevel } });
  logDatabaseWarningsTo(dataSource, app.log);
  // Seeded once the server's logger exists, so that its lines are in the JSON log like all others;
  // the cost estimate then re-reads the data's bounds it read from the empty database.
  await seedIfEmpty(dataSource, (line) => app.log.info(line));
  await app.dataBounds.refresh();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal, drainTimeoutMs: config.connections.drainTimeoutMs }, 'shutting down: draining requests');
    // Ends by DRAIN_TIMEOUT_MS, or once the requests received in full by then are answered (plugins/connections.ts).
    await app.close();
    await dataSource.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // Listening only once the handlers are in place: a SIGTERM right after the line below drains too.
  await app.listen({ port: config.port, host: config.host });
  app.log.info(`Liên Thông serves GraphQL at http://localhost:${config.port}/graphql (explorers: http://localhost:${config.port}/)`);
}

/**
 * The last line of a start that failed, written before the server's logger exists or after it could
 * not be made: one JSON line of the logger's shape (pino's, level 60 = fatal), on stderr.
 */
function fatal(message: string, error?: Error): never {
  const err = error && { type: error.name, message: error.message, stack: error.stack };
  process.stderr.write(`${JSON.stringify({ level: 60, time: new Date().toISOString(), pid: process.pid, hostname: hostname(), msg: message, ...(err && { err }) })}\n`);
  process.exit(1);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DatabaseUnavailableError || error instanceof RedisUnavailableError) fatal(error.message);
  fatal(`failed to start: ${error instanceof Error ? error.message : String(error)}`, error instanceof Error ? error : undefined);
});
