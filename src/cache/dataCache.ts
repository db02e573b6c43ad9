import { LRUCache } from 'lru-cache';
import { ContentVersion } from './contentVersion';

export interface DataCacheOptions<V = unknown> {
  /** Entries kept; the least recently used go first. */
  max: number;
  /**
   * For values of very different sizes (feed pages of 1 to 100 articles): at most this much in all,
   * each value counting `size(value)` (an absent row counts 1).
   */
  maxSize?: { total: number; size: (value: V) => number };
  ttlMs: number;
  /** Content caches are emptied whenever content changes; reference data (units) is not. */
  version?: ContentVersion;
  /**
   * false: values are not kept once read, but a key being read is still not read twice at once
   * (RESPONSE_CACHE=off: every request reads, as without a cache, but a burst shares a read).
   */
  keepsValues?: boolean;
}

/** Counts a cache reports, for /metrics. */
export interface CacheStats {
  hits: number;
  misses: number;
  /** Keys not in the cache that another request was reading: answered by that read. */
  shared: number;
}

/**
 * Rows shared by all requests of this process, in front of a batch read: a DataLoader asks for the
 * keys of one batch, the cached ones are answered from memory, and only the rest go to MySQL (in
 * one statement, as before). Absent rows are cached too (as null), so asking again for an unknown
 * code costs nothing either. Values are treated as read-only by every caller.
 *
 * A key that another request is reading right now is not read again: the request waits for that
 * read (a burst of requests for one home page costs one statement, not one each). Only reads
 * started since the last clear are shared, so a request that began after a content change never
 * gets a read from before it; if the read it waits for fails (that request's deadline, say), it
 * reads the key itself.
 */
export class DataCache<K extends {}, V extends {}> {
  private readonly entries: LRUCache<K, V | typeof ABSENT>;
  /** Counts clears: a read that overlapped one may hold rows from before the change. */
  private generation = 0;
  /** Keys being read now, each with what its read will find (undefined: absent). */
  private readonly reading = new Map<K, Promise<V | undefined>>();
  private readonly keepsValues: boolean;
  readonly stats: CacheStats = { hits: 0, misses: 0, shared: 0 };

  constructor(readonly name: string, options: DataCacheOptions<V>) {
    const { maxSize } = options;
    this.entries = new LRUCache({
      max: options.max,
      ttl: options.ttlMs,
      ...(maxSize && { maxSize: maxSize.total, sizeCalculation: (value: V | typeof ABSENT) => (value === ABSENT ? 1 : Math.max(1, maxSize.size(value))) }),
    });
    this.keepsValues = options.keepsValues ?? true;
    options.version?.onChange(() => this.clear());
  }

  async getMany(keys: readonly K[], read: (missing: K[]) => Promise<Map<K, V>>): Promise<Map<K, V>> {
    const found = new Map<K, V>();
    let missing: K[] | undefined;
    let joined: K[] | undefined;
    for (const key of keys) {
      const value = this.entries.get(key);
      if (value === undefined) (this.reading.has(key) ? (joined ??= []) : (missing ??= [])).push(key);
      else if (value !== ABSENT) found.set(key, value);
    }
    this.stats.hits += keys.length - (missing?.length ?? 0) - (joined?.length ?? 0);
    if (!missing && !joined) return found;
    this.stats.misses += missing?.length ?? 0;
    this.stats.shared += joined?.length ?? 0;
    // Handled at once: the shared read may fail while this request's own read is still under way.
    const shared = joined ? Promise.all(joined.map((key) => this.reading.get(key)!)).catch(() => null) : null;
    if (missing) await this.readAndShare(missing, read, found);
    if (joined) {
      const values = await shared;
      if (values) joined.forEach((key, i) => values[i] !== undefined && found.set(key, values[i]!));
      else await this.readAndShare(joined, read, found);
    }
    return found;
  }

  private async readAndShare(keys: K[], read: (missing: K[]) => Promise<Map<K, V>>, found: Map<K, V>): Promise<void> {
    const generation = this.generation;
    const rows = read(keys);
    const sharedUntilRead = new Map<K, Promise<V | undefined>>();
    for (const key of keys) {
      const value = rows.then((map) => map.get(key));
      // Nobody may wait on it: no unhandled rejection when the read fails.
      value.catch(() => {});
      sharedUntilRead.set(key, value);
      this.reading.set(key, value);
    }
    try {
      const map = await rows;
      const current = generation === this.generation;
      for (const key of keys) {
        const value = map.get(key);
        if (current && this.keepsValues) this.entries.set(key, value ?? ABSENT);
        if (value !== undefined) found.set(key, value);
      }
    } finally {
      for (const key of keys) if (this.reading.get(key) === sharedUntilRead.get(key)) this.reading.delete(key);
    }
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.reading.clear();
  }
}

const ABSENT = Symbol('absent');
