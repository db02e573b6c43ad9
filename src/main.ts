import 'reflect-metadata';
import { seedIfEmpty } from '../seeds';
import { RedisUnavailableError } from './cache/redis';
import { ConfigError, loadConfig } from './config';
import { DatabaseUnavailableError, openDatabase } from './db/database';
import { createServer } from './server';

/** `npm start`: read config, create and migrate the database, seed it when empty, serve. */
async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = await openDatabase(config.databaseUrl, config.dbPoolSize, config.replicaUrls);
  await seedIfEmpty(dataSource, (line) => console.log(line));
  const app = await createServer({ config, dataSource, logger: { level: process.env.LOG_LEVEL || 'info' } });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: draining requests');
    await app.close();
    await dataSource.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // Listening only once the handlers are in place: a SIGTERM right after the line below drains too.
  await app.listen({ port: config.port, host: config.host });
  console.log(`Liên Thông serves GraphQL at http://localhost:${config.port}/graphql (open it in a browser for Apollo Sandbox)`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DatabaseUnavailableError || error instanceof RedisUnavailableError) {
    console.error(`lienthong: ${error.message}`);
  } else {
    console.error('lienthong: failed to start:', error);
  }
  process.exit(1);
});
