import { ApolloServerPlugin } from '@apollo/server';
import { ErrorsAreMissesCache, InMemoryLRUCache, KeyValueCache } from '@apollo/utils.keyvaluecache';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { Context } from '../context';
import { RedisLogger, SharedRedis } from '../db/redis';

/**
 * Where Apollo keeps automatic persisted queries: this process's memory, or the Redis all gateway
 * processes share. A Redis outage turns into persisted-query misses, which clients answer by
 * sending the full query, never into failed requests.
 */
export function createKeyValueCache(redis: SharedRedis | null, logger: RedisLogger): KeyValueCache {
  if (redis) {
    const keyv = new Keyv<string>({ store: new KeyvRedis(redis.client), namespace: redis.namespace });
    keyv.on('error', () => {}); // the client reports outages once; every failed call would repeat it
    return new ErrorsAreMissesCache(new KeyvAdapter(keyv), { debug() {}, info() {}, warn: (m) => logger.warn({}, String(m)), error: (m) => logger.warn({}, String(m)) });
  }
  // ~50 MB of persisted queries.
  return new InMemoryLRUCache<string>({ maxSize: 50 * 1024 * 1024 });
}

/**
 * Automatic persisted queries are kept in `cache` (Apollo prefixes their keys with `apq:`), but
 * only texts of at most `maxBytes`: a longer one is executed and not kept, so its hash stays unknown
 * and its client sends the text again. Without the cap, every 2 MiB body could take 2 MiB of Redis
 * for a day.
 */
export function persistedQueryCache(cache: KeyValueCache, maxBytes: number): KeyValueCache {
  return {
    get: (key) => cache.get(key),
    set: async (key, query, options) => {
      if (Buffer.byteLength(query) <= maxBytes) await cache.set(key, query, options);
    },
    delete: (key) => cache.delete(key),
  };
}

/** Whether the request sent an API key: key holders see scheduled articles, so nothing of theirs is shared. */
export const hasKey = (rc: { request: { http?: { headers: Map<string, string> } } }) => Boolean(rc.request.http?.headers.get('authorization'));

/**
 * Key holders see scheduled articles: their answers are marked private, so that no shared cache on
 * the way keeps them (the gateway itself keeps none of theirs: keptAnswers.ts).
 */
export function keyHoldersPrivatePlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart(rc) {
      if (!hasKey(rc)) return;
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'private, no-store');
        },
      };
    },
  };
}
