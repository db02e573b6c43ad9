/**
 * 'Trực tuyến': distinct visitorIds seen in the last 5 minutes, per unit (own portal) and per
 * subtree (the unit or anything below it), kept in memory only.
 *
 * Each of the two maps holds one entry per (unit, visitor) with the time the visitor was last seen
 * there; seeing a visitor again moves its entry to the end, so each map is in last-seen order and
 * expiry only ever looks at its front. Counts per unit are kept beside the maps, so reading one is
 * O(1) after the expiry. A visit to a commune touches 1 own entry and one subtree entry per unit of
 * its lineage (commune, district, province): a visitor browsing two communes of one district is one
 * visitor online in that district.
 *
 * Bounded: at `maxEntries` per map the least recently seen entry is dropped early (logged by the
 * counter as a rate-limited warning). Under a flood of distinct visitorIds, online then counts the
 * visitors of the last few minutes instead of five, and memory stays at the bound (~100 bytes an
 * entry: 500,000 entries ≈ 50 MB per map at worst).
 *
 * Several gateway processes: each would count only the visitors it served, and a visitor whose
 * requests are spread over processes would be counted by each. The later multi-process issue moves
 * this to Redis, shared by all processes: per unit a sorted set `online:{unit}` of visitorId scored by
 * last-seen time (ZADD on each visit, ZREMRANGEBYSCORE to expire, ZCARD to read; subtree sets written
 * for each unit of the lineage as here), or per unit and minute a HyperLogLog (PFADD, and PFCOUNT over
 * the last five keys, which merges them: ~1% error, 12 kB per key, expiring with EXPIRE), which keeps
 * memory bounded without a cap. Only this class changes; its callers do not.
 */
export interface VisitorsOnlineOptions {
  windowMs?: number;
  /** Entries per map (own and subtree). Default 500,000. */
  maxEntries?: number;
}

class LastSeen {
  /** `${unit}|${visitor}` → last seen (ms). */
  private readonly seen = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  evicted = 0;

  constructor(private readonly maxEntries: number) {}

  touch(unit: string, visitorKey: string, now: number): void {
    const key = `${unit}|${visitorKey}`;
    if (this.seen.delete(key)) {
      this.seen.set(key, now);
      return;
    }
    this.seen.set(key, now);
    this.counts.set(unit, (this.counts.get(unit) ?? 0) + 1);
    if (this.seen.size > this.maxEntries) {
      this.drop(this.seen.keys().next().value as string);
      this.evicted++;
    }
  }

  expire(before: number): void {
    for (const [key, at] of this.seen) {
      if (at > before) break;
      this.drop(key);
    }
  }

  count(unit: string): number {
    return this.counts.get(unit) ?? 0;
  }

  get size(): number {
    return this.seen.size;
  }

  private drop(key: string): void {
    this.seen.delete(key);
    const unit = key.slice(0, key.indexOf('|'));
    const n = this.counts.get(unit)! - 1;
    if (n === 0) this.counts.delete(unit);
    else this.counts.set(unit, n);
  }
}

export class VisitorsOnline {
  readonly windowMs: number;
  private readonly own: LastSeen;
  private readonly subtree: LastSeen;

  constructor(options: VisitorsOnlineOptions = {}) {
    this.windowMs = options.windowMs ?? 5 * 60_000;
    const max = options.maxEntries ?? 500_000;
    this.own = new LastSeen(max);
    this.subtree = new LastSeen(max);
  }

  /** The visitor is on lineage[0]'s portal now (lineage: the unit, then every unit above it). */
  seen(lineage: readonly string[], visitorKey: string, now: number): void {
    this.expire(now);
    this.own.touch(lineage[0], visitorKey, now);
    for (const unit of lineage) this.subtree.touch(unit, visitorKey, now);
  }

  /** Distinct visitors of the unit's portal (or of its whole subtree) in the last windowMs. */
  count(unitCode: string, includeDescendants: boolean, now: number): number {
    this.expire(now);
    return (includeDescendants ? this.subtree : this.own).count(unitCode);
  }

  /** Entries dropped at the bound so far, and entries held now (for the log and tests). */
  get evicted(): number {
    return this.own.evicted + this.subtree.evicted;
  }

  get size(): number {
    return this.own.size + this.subtree.size;
  }

  private expire(now: number): void {
    const before = now - this.windowMs;
    this.own.expire(before);
    this.subtree.expire(before);
  }
}
