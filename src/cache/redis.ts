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

/**
 * Connects to the Redis that several gateway processes share. Commands fail at once while Redis is
 * unreachable (no offline queue), so a Redis outage degrades the caches instead of hanging requests;
 * the client keeps reconnecting in the background.
 */
export async function connectRedis(url: string, logger: RedisLogger): Promise<RedisClient> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
  });
  let reported = false;
  client.on('error', (error: Error) => {
    // Every failed reconnect emits an error: say it once per outage.
    if (!reported) logger.warn({ err: { message: error.message } }, 'redis unreachable; caches degrade until it is back');
    reported = true;
  });
  client.on('ready', () => {
    reported = false;
  });
  await client.connect();
  return client;
}
