import { ExpiringMap } from './expiringMap';

/**
 * 'Trực tuyến': distinct visitorIds seen in the last 5 minutes, per unit (own portal) and per
 * subtree, in memory. Counts per unit are kept beside the maps, so reading one is O(1) after expiry;
 * at `maxEntries` the least recently seen are dropped early. With REDIS_URL the shared rules
 * (sharedVisitRules.ts) count instead, and this answers only while Redis is unreachable.
 */
export interface VisitorsOnlineOptions {
  windowMs?: number;
  /** Entries per map (own and subtree). Default 500,000. */
  maxEntries?: number;
}

/** One map of (unit, visitor) → last seen, with the number of live entries per unit. */
class LastSeen {
  private readonly counts = new Map<string, number>();
  private readonly seen: ExpiringMap<string>;

  constructor(maxEntries: number, private readonly windowMs: number) {
    // The value is the unit, so a removed entry knows whose count to lower.
    this.seen = new ExpiringMap<string>(maxEntries, (_key, unit) => {
      const n = this.counts.get(unit)! - 1;
      if (n === 0) this.counts.delete(unit);
      else this.counts.set(unit, n);
    });
  }

  touch(unit: string, visitorKey: string, now: number): void {
    const key = `${unit}|${visitorKey}`;
    if (this.seen.get(key) === undefined) this.counts.set(unit, (this.counts.get(unit) ?? 0) + 1);
    // Expires windowMs after it was last seen.
    this.seen.set(key, unit, now + this.windowMs);
  }

  expire(now: number): void {
    this.seen.expire(now);
  }

  count(unit: string): number {
    return this.counts.get(unit) ?? 0;
  }

  get evicted(): number {
    return this.seen.evicted;
  }

  get size(): number {
    return this.seen.size;
  }
}

export class VisitorsOnline {
  readonly windowMs: number;
  /** Entries per map, so also the most visitors one unit can count (Redis caps each of its sets at it). */
  readonly maxEntries: number;
  private readonly own: LastSeen;
  private readonly subtree: LastSeen;

  constructor(options: VisitorsOnlineOptions = {}) {
    this.windowMs = options.windowMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 500_000;
    this.own = new LastSeen(this.maxEntries, this.windowMs);
    this.subtree = new LastSeen(this.maxEntries, this.windowMs);
  }

  /** The visitor is on lineage[0]'s portal now (lineage: the unit, then every unit above it). */
  seen(lineage: readonly string[], visitorKey: string, now: number): void {
    this.expire(now);
    this.own.touch(lineage[0], visitorKey, now);
    for (const unit of lineage) this.subtree.touch(unit, visitorKey, now);
  }

  /** Distinct visitors of the unit's portal (or of its whole subtree) in the last windowMs. */
  count(unitId: string, includeDescendants: boolean, now: number): number {
    this.expire(now);
    return (includeDescendants ? this.subtree : this.own).count(unitId);
  }

  /** Entries dropped at the bound so far, and entries held now (for the log and tests). */
  get evicted(): number {
    return this.own.evicted + this.subtree.evicted;
  }

  get size(): number {
    return this.own.size + this.subtree.size;
  }

  private expire(now: number): void {
    this.own.expire(now);
    this.subtree.expire(now);
  }
}
