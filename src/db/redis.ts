import { createHash } from 'node:crypto';
import { createClient, RedisClientType } from '@redis/client';

/** A client without modules, speaking RESP2 (what createClient(url) gives). */
export type RedisClient = RedisClientType<{}, {}, {}, 2, {}>;

/** A Redis connection and the prefix of this deployment's keys. */
export interface SharedRedis {
  client: RedisClient;
  /**
   * `lienthong:<database>`: gateways over one database share their state; deployments over other
   * databases (a test suite, another province) can use the same Redis without meeting.
   */
  namespace: string;
}

export interface RedisLogger {
  warn(object: object, message: string): void;
}

/** Redis could not be reached at start: the message is one line an operator can act on. */
export class RedisUnavailableError extends Error {}

/**
 * Connects to the Redis that several gateway processes share. Unreachable at start is an error (the
 * operator asked for shared state); once connected, commands fail at once while Redis is unreachable
 * (no offline queue), so an outage degrades the caches instead of hanging requests, and the client
 * keeps reconnecting in the background.
 */
export async function connectRedis(url: string, logger: RedisLogger): Promise<RedisClient> {
  let connected = false;
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries, cause) => (connected ? Math.min(100 * 2 ** retries, 2000) : cause) },
  });
  let reported = false;
  client.on('error', (error: Error) => {
    // Every failed reconnect emits an error: say it once per outage.
    if (!reported && connected) logger.warn({ err: { message: error.message } }, 'redis unreachable; caches degrade until it is back');
    reported = true;
  });
  client.on('ready', () => {
    reported = false;
  });
  try {
    await client.connect();
  } catch (error) {
    const where = new URL(url);
    throw new RedisUnavailableError(`cannot reach Redis at ${where.hostname}:${where.port || 6379} (${(error as Error).message}); is it running, and is REDIS_URL right?`);
  }
  connected = true;
  return client;
}

/**
 * Runs a Lua script by its SHA-1 (EVALSHA), sending it in full only when Redis does not know it
 * (NOSCRIPT: first use, or Redis restarted), which loads it again.
 */
export async function runScript(client: RedisClient, script: string, keys: string[], args: string[]): Promise<unknown> {
  try {
    return await client.evalSha(createHash('sha1').update(script).digest('hex'), { keys, arguments: args });
  } catch (error) {
    if (!(error as Error).message?.startsWith('NOSCRIPT')) throw error;
    return client.eval(script, { keys, arguments: args });
  }
}
