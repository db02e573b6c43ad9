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
}

/** Counts a cache reports, for /metrics. */
export interface CacheStats {
  hits: number;
  misses: number;
}

/**
 * Rows shared by all requests of this process, in front of a batch read: a DataLoader asks for the
 * keys of one batch, the cached ones are answered from memory, and only the rest go to MySQL (in
 * one statement, as before). Absent rows are cached too (as null), so asking again for an unknown
 * code costs nothing either. Values are treated as read-only by every caller.
 */
export class DataCache<K extends {}, V extends {}> {
  private readonly entries: LRUCache<K, V | typeof ABSENT>;
  /** Counts clears: a read that overlapped one may hold rows from before the change. */
  private generation = 0;
  readonly stats: CacheStats = { hits: 0, misses: 0 };

  constructor(readonly name: string, options: DataCacheOptions<V>) {
    const { maxSize } = options;
    this.entries = new LRUCache({
      max: options.max,
      ttl: options.ttlMs,
      ...(maxSize && { maxSize: maxSize.total, sizeCalculation: (value: V | typeof ABSENT) => (value === ABSENT ? 1 : Math.max(1, maxSize.size(value))) }),
    });
    options.version?.onChange(() => this.clear());
  }

  async getMany(keys: readonly K[], read: (missing: K[]) => Promise<Map<K, V>>): Promise<Map<K, V>> {
    const found = new Map<K, V>();
    const missing: K[] = [];
    for (const key of keys) {
      const value = this.entries.get(key);
      if (value === undefined) missing.push(key);
      else if (value !== ABSENT) found.set(key, value);
    }
    this.stats.hits += keys.length - missing.length;
    this.stats.misses += missing.length;
    if (missing.length === 0) return found;
    const generation = this.generation;
    const rows = await read(missing);
    const current = generation === this.generation;
    for (const key of missing) {
      const value = rows.get(key);
      if (current) this.entries.set(key, value ?? ABSENT);
      if (value !== undefined) found.set(key, value);
    }
    return found;
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

const ABSENT = Symbol('absent');
