import { ExpiringMap } from './expiringMap';

/**
 * Which visits count, so that one visitorId hammering a portal cannot inflate its counters:
 *
 * 1. One counted visit per visitor, unit and page (the home page, or one article) per 30 seconds:
 *    a reload, a double click or a retry within that window is not counted again.
 * 2. At most 10 counted visits per visitor and unit per minute, whatever the pages: a script
 *    walking every article of a portal adds at most 10 a minute (600 an hour) to it.
 *
 * A real reader stays well inside both. Visits not counted are not errors (recordVisit returns
 * false); they still mark the visitor online.
 *
 * Memory is bounded: each rule keeps one entry per key for its window (ExpiringMap: entries are
 * never refreshed, so insertion order is expiry order), expired from the front. At `maxEntries` the
 * oldest entry is dropped early, which only shortens that visitor's window: a flood of distinct
 * visitorIds can make the rule forget, never make the gateway grow.
 *
 * Per process: with several gateway processes behind a balancer, a visitor whose calls land on k of
 * them could be counted up to k times per window. With REDIS_URL the same rules run in Redis for
 * every process (sharedVisitRules.ts); this class then decides only while Redis is unreachable.
 */
export interface AbuseRuleOptions {
  repeatWindowMs?: number;
  perUnitLimit?: number;
  perUnitWindowMs?: number;
  /** Entries per rule. Default 500,000 (~50 MB for both rules at the bound). */
  maxEntries?: number;
}

/** The visitor's current minute on a unit (it ends when its ExpiringMap entry expires). */
interface Window {
  counted: number;
}

export class VisitAbuseRule {
  readonly repeatWindowMs: number;
  readonly perUnitLimit: number;
  readonly perUnitWindowMs: number;
  private readonly maxEntries: number;
  /** `${unit}|${article or ''}|${visitor}` → when the window ends. */
  private readonly repeats: ExpiringMap<true>;
  /** `${unit}|${visitor}` → the visitor's current minute on the unit. */
  private readonly perUnit: ExpiringMap<Window>;

  constructor(options: AbuseRuleOptions = {}) {
    this.repeatWindowMs = options.repeatWindowMs ?? 30_000;
    this.perUnitLimit = options.perUnitLimit ?? 10;
    this.perUnitWindowMs = options.perUnitWindowMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 500_000;
    this.repeats = new ExpiringMap(this.maxEntries);
    this.perUnit = new ExpiringMap(this.maxEntries);
  }

  /** Entries dropped before their time because a map was full (for the log). */
  get evicted(): number {
    return this.repeats.evicted + this.perUnit.evicted;
  }

  /**
   * Counts the visit if both rules allow it, and remembers it then. `commit` runs between the check
   * and the remembering and may still refuse (a full buffer): a visit not counted uses up nothing.
   */
  admit(visitorKey: string, unitCode: string, articleId: number | null, now: number, commit: () => boolean): boolean {
    this.expire(now);
    const repeatKey = `${unitCode}|${articleId ?? ''}|${visitorKey}`;
    if (this.repeats.get(repeatKey) !== undefined) return false;
    const unitKey = `${unitCode}|${visitorKey}`;
    const window = this.perUnit.get(unitKey);
    if (window && window.counted >= this.perUnitLimit) return false;
    if (!commit()) return false;
    this.repeats.set(repeatKey, true, now + this.repeatWindowMs);
    if (window) window.counted++;
    else this.perUnit.set(unitKey, { counted: 1 }, now + this.perUnitWindowMs);
    return true;
  }

  get size(): number {
    return this.repeats.size + this.perUnit.size;
  }

  private expire(now: number): void {
    this.repeats.expire(now);
    this.perUnit.expire(now);
  }
}
