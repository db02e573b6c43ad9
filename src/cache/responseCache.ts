import { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ErrorsAreMissesCache, InMemoryLRUCache, KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { RedisLogger, runScript, SharedRedis } from '../db/redis';

/** How long a persisted query is kept after it was last sent with its text. */
export const PERSISTED_QUERY_TTL_SECONDS = 24 * 3600;

/** What automatic persisted queries may take: each, and all together (PERSISTED_QUERY_MAX_BYTES, PERSISTED_QUERIES_MAX, PERSISTED_QUERIES_MAX_TOTAL_BYTES). */
export interface PersistedQueryBounds {
  maxEntryBytes: number;
  maxEntries: number;
  maxTotalBytes: number;
}

/**
 * Where Apollo keeps automatic persisted queries (their keys prefixed `apq:`): this process's memory,
 * or the Redis all gateway processes share. Anyone can register any number of distinct texts, so
 * the store is bounded in number and in bytes, not only per text: beyond either bound the oldest
 * entries go (in memory the least recently used). Losing one is harmless: its client gets
 * PERSISTED_QUERY_NOT_FOUND and sends the text again. A text longer than `maxEntryBytes` is
 * executed and not kept. A Redis outage turns into misses, never into failed requests.
 */
export function createPersistedQueryStore(redis: SharedRedis | null, bounds: PersistedQueryBounds, logger: RedisLogger): KeyValueCache<string> {
  if (!redis) {
    return new InMemoryLRUCache<string>({
      max: bounds.maxEntries,
      maxSize: bounds.maxTotalBytes,
      maxEntrySize: bounds.maxEntryBytes,
      sizeCalculation: (text) => Buffer.byteLength(text),
    });
  }
  return new ErrorsAreMissesCache(new RedisPersistedQueries(redis, bounds), {
    debug() {},
    info() {},
    warn: (m) => logger.warn({}, String(m)),
    error: (m) => logger.warn({}, String(m)),
  });
}

/**
 * Keeps an entry and its place in the bounds in one step (atomic, so gateways storing at once
 * cannot both miss an eviction). KEYS: the entry; the index (sorted set of entries by when they
 * were stored); their sizes (hash, the sum under `total`). ARGV: the text, its TTL (ms), now (ms),
 * the largest number of entries, the largest total of bytes. Index entries older than the TTL are
 * dropped (their keys have expired), then the oldest beyond either bound, with their keys. The
 * index and sizes expire with the newest entry: all are evictable (volatile-lru), and an index Redis
 * evicted only forgets entries that expire within the TTL anyway.
 */
const KEEP = `
local entry, index, sizes = KEYS[1], KEYS[2], KEYS[3]
local ttlMs, now = tonumber(ARGV[2]), tonumber(ARGV[3])
local maxEntries, maxBytes = tonumber(ARGV[4]), tonumber(ARGV[5])
local total = tonumber(redis.call('HGET', sizes, 'total') or '0')
local function forget(key)
  total = total - tonumber(redis.call('HGET', sizes, key) or '0')
  redis.call('HDEL', sizes, key)
end
forget(entry)
redis.call('SET', entry, ARGV[1], 'PX', ttlMs)
redis.call('ZADD', index, now, entry)
redis.call('HSET', sizes, entry, string.len(ARGV[1]))
total = total + string.len(ARGV[1])
for _, key in ipairs(redis.call('ZRANGEBYSCORE', index, '-inf', now - ttlMs)) do forget(key) end
redis.call('ZREMRANGEBYSCORE', index, '-inf', now - ttlMs)
local count = redis.call('ZCARD', index)
while count > 0 and (count > maxEntries or total > maxBytes) do
  local oldest = redis.call('ZPOPMIN', index)[1]
  forget(oldest)
  redis.call('UNLINK', oldest)
  count = count - 1
end
if count == 0 then total = 0 end
redis.call('HSET', sizes, 'total', total)
redis.call('PEXPIRE', index, ttlMs)
redis.call('PEXPIRE', sizes, ttlMs)
return count
`;

/** Persisted queries in Redis as plain strings under `<namespace>:apq:<sha256>`, with an index that bounds them (KEEP). */
class RedisPersistedQueries implements KeyValueCache<string> {
  private readonly index: string;
  private readonly sizes: string;

  constructor(
    private readonly redis: SharedRedis,
    private readonly bounds: PersistedQueryBounds,
  ) {
    this.index = `${redis.namespace}:apq-index`;
    this.sizes = `${redis.namespace}:apq-sizes`;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.client.get(this.key(key))) ?? undefined;
  }

  async set(key: string, text: string, options?: KeyValueCacheSetOptions): Promise<void> {
    if (Buffer.byteLength(text) > this.bounds.maxEntryBytes) return;
    const ttlMs = (options?.ttl ?? PERSISTED_QUERY_TTL_SECONDS) * 1000;
    const args = [text, ttlMs, Date.now(), this.bounds.maxEntries, this.bounds.maxTotalBytes].map(String);
    await runScript(this.redis.client, KEEP, [this.key(key), this.index, this.sizes], args);
  }

  /** Its size stays counted until the index drops it: the bounds then only evict a little early. */
  async delete(key: string): Promise<boolean> {
    return (await this.redis.client.del(this.key(key))) > 0;
  }

  private key(key: string): string {
    return `${this.redis.namespace}:${key}`;
  }
}

/** Whether the request sent an API key: key holders see scheduled articles, so nothing of theirs is shared. */
export const hasKey = (rc: { request: { http?: { headers: Map<string, string> } } }) => Boolean(rc.request.http?.headers.get('authorization'));

/**
 * Key holders see scheduled articles: their answers are marked private, so that no shared cache on
 * the way keeps them (the gateway itself keeps none of theirs: keptAnswers.ts).
 */
export function keyHoldersPrivatePlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
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
