import { LRUCache } from 'lru-cache';
import { ContentChanges } from './contentChanges';
import { EVERYTHING, Tag } from './contentTags';
import { TagIndex } from './tagIndex';

export interface DataCacheOptions<K, V> {
  /** Entries kept; the least recently used go first. */
  max: number;
  /**
   * For values of very different sizes (feed pages of 1 to 100 articles): at most this much in all,
   * each value counting `size(value)` (an absent row counts 1).
   */
  maxSize?: { total: number; size: (value: V) => number };
  ttlMs: number;
  /**
   * Content caches drop an entry when a change touches one of its tags (contentTags.ts): those its
   * key names (getMany's keyTags) and those its value shows (`valueTags`). Reference data (units)
   * has none.
   */
  changes?: ContentChanges;
  /** The tags of a key whose value always shows the same thing (an article by id); getMany's keyTags overrides it. */
  keyTags?: (key: K) => readonly Tag[];
  valueTags?: (value: V) => Iterable<Tag>;
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
 * read (a burst of requests for one home page costs one statement, not one each). A change that
 * touches a key's tags stops its read being shared or kept, so a request that began after the
 * change never gets a read from before it; if the read it waits for fails (that request's
 * deadline, say), it reads the key itself.
 */
export class DataCache<K extends {}, V extends {}> {
  private readonly entries: LRUCache<K, V | typeof ABSENT>;
  /** Counts clears: a read that overlapped one may hold rows from before it. */
  private generation = 0;
  /** Keys being read now, each with what its read will find (undefined: absent) and the mark it began at. */
  private readonly reading = new Map<K, Reading<V>>();
  private readonly keepsValues: boolean;
  private readonly changes: ContentChanges | undefined;
  private readonly keyTags: ((key: K) => readonly Tag[]) | undefined;
  private readonly valueTags: ((value: V) => Iterable<Tag>) | undefined;
  /** The tags of kept entries and of keys being read. */
  private readonly entryTags = new TagIndex<K>();
  private readonly readingTags = new TagIndex<K>();
  readonly stats: CacheStats = { hits: 0, misses: 0, shared: 0 };

  constructor(readonly name: string, options: DataCacheOptions<K, V>) {
    const { maxSize } = options;
    this.entries = new LRUCache({
      max: options.max,
      ttl: options.ttlMs,
      ...(maxSize && { maxSize: maxSize.total, sizeCalculation: (value: V | typeof ABSENT) => (value === ABSENT ? 1 : Math.max(1, maxSize.size(value))) }),
      noDisposeOnSet: true,
      dispose: (_, key) => this.entryTags.delete(key),
    });
    this.keepsValues = options.keepsValues ?? true;
    this.changes = options.changes;
    this.keyTags = options.keyTags;
    this.valueTags = options.valueTags;
    this.changes?.onChange((tags) => this.drop(tags));
  }

  /**
   * The values of `keys`: cached ones from memory, the rest read by `read` (one call). `keyTags`:
   * the tags a key's value is read with, known before it is read (a feed's units); a content
   * cache keeps nothing without them.
   */
  async getMany(keys: readonly K[], read: (missing: K[]) => Promise<Map<K, V>>, keyTags = this.keyTags): Promise<Map<K, V>> {
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
    const readings = joined?.map((key) => this.reading.get(key)!);
    const shared = readings ? Promise.all(readings.map((r) => r.value)).catch(() => null) : null;
    if (missing) await this.readAndShare(missing, read, found, keyTags);
    if (joined) {
      const values = await shared;
      // A change to what a shared value shows (a source's name in a feed page) after its read began:
      // this request may have begun after it, so it reads for itself.
      const stale: K[] = [];
      joined.forEach((key, i) => {
        if (!values || !this.stillCurrent(readings![i].mark, key, values[i], keyTags)) stale.push(key);
        else if (values[i] !== undefined) found.set(key, values[i]!);
      });
      if (stale.length) await this.readAndShare(stale, read, found, keyTags);
    }
    return found;
  }

  private async readAndShare(keys: K[], read: (missing: K[]) => Promise<Map<K, V>>, found: Map<K, V>, keyTags: ((key: K) => readonly Tag[]) | undefined): Promise<void> {
    const generation = this.generation;
    const mark = this.changes?.mark() ?? 0;
    const rows = read(keys);
    const sharedUntilRead = new Map<K, Reading<V>>();
    for (const key of keys) {
      const value = rows.then((map) => map.get(key));
      // Nobody may wait on it: no unhandled rejection when the read fails.
      value.catch(() => {});
      const reading = { value, mark };
      sharedUntilRead.set(key, reading);
      this.reading.set(key, reading);
      if (this.changes) this.readingTags.set(key, keyTags?.(key) ?? []);
    }
    try {
      const map = await rows;
      const keeps = this.keepsValues && generation === this.generation;
      for (const key of keys) {
        const value = map.get(key);
        if (keeps) this.keep(key, value, mark, keyTags);
        if (value !== undefined) found.set(key, value);
      }
    } finally {
      for (const key of keys) {
        if (this.reading.get(key) !== sharedUntilRead.get(key)) continue;
        this.reading.delete(key);
        this.readingTags.delete(key);
      }
    }
  }

  /** Keeps a value read since `mark`, unless a change touched its tags meanwhile (content caches). */
  private keep(key: K, value: V | undefined, mark: number, keyTags: ((key: K) => readonly Tag[]) | undefined): void {
    if (!this.changes) {
      this.entries.set(key, value ?? ABSENT);
      return;
    }
    if (!keyTags) return;
    const tags = this.tagsOf(key, value, keyTags);
    if (!this.changes.unchangedSince(mark, tags)) return;
    this.entries.set(key, value ?? ABSENT);
    this.entryTags.set(key, tags);
  }

  private tagsOf(key: K, value: V | undefined, keyTags: (key: K) => readonly Tag[]): Tag[] {
    return [...keyTags(key), ...(value !== undefined && this.valueTags ? this.valueTags(value) : [])];
  }

  /** Whether a value read since `mark` still shows what is current (no change touched its tags since). */
  private stillCurrent(mark: number, key: K, value: V | undefined, keyTags: ((key: K) => readonly Tag[]) | undefined): boolean {
    if (!this.changes) return true;
    return keyTags !== undefined && this.changes.unchangedSince(mark, this.tagsOf(key, value, keyTags));
  }

  /** A change touched these tags: their entries go, and their reads are no longer shared. */
  private drop(tags: ReadonlySet<Tag>): void {
    if (tags.has(EVERYTHING)) return this.clear();
    for (const key of this.entryTags.keysWith(tags)) this.entries.delete(key);
    for (const key of this.readingTags.keysWith(tags)) {
      this.reading.delete(key);
      this.readingTags.delete(key);
    }
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.reading.clear();
    this.entryTags.clear();
    this.readingTags.clear();
  }
}

const ABSENT = Symbol('absent');

interface Reading<V> {
  value: Promise<V | undefined>;
  /** ContentChanges' mark when the read began. */
  mark: number;
}
