import { VisitToAdmit } from './visitAdmission';
import { ExpiringMap } from './expiringMap';

/**
 * Which visits count (README, "Which visits count"): one per visitor, unit and page per 30 s; at
 * most 10 per visitor and unit per minute; at most `perAddressLimit` per client address and unit per
 * minute, beyond which the address's visitors are not even marked online. Each rule keeps one entry
 * per key for its window, bounded: at `maxEntries` the oldest is dropped early, which only shortens
 * a window, so a flood of distinct ids can make the rule forget, never make the gateway grow. With
 * REDIS_URL the same rules run in Redis for every process (sharedVisitRules.ts); this class then
 * decides only while Redis is unreachable.
 */
export interface AbuseRuleOptions {
  repeatWindowMs?: number;
  perUnitLimit?: number;
  perUnitWindowMs?: number;
  /** Counted visits per address and unit per perUnitWindowMs; Infinity turns rule 3 off. Default 60. */
  perAddressLimit?: number;
  /** Entries per rule. Default 500,000 (~75 MB for the three rules at the bound). */
  maxEntries?: number;
}

/**
 * 60 a minute, one a second, from one address to one portal: a reader, a household or a school
 * behind one address never gets near it (a commune portal gets a few hundred visits a day); a big
 * office or a mobile carrier's shared address (CGNAT) reading one portal at once could, and then
 * loses only the visits beyond it, not the service.
 */
export const DEFAULT_VISITS_PER_ADDRESS_PER_MINUTE = 60;

/** The visitor's (or address's) current minute on a unit (it ends when its ExpiringMap entry expires). */
interface Window {
  counted: number;
}

export class VisitAbuseRule {
  readonly repeatWindowMs: number;
  readonly perUnitLimit: number;
  readonly perUnitWindowMs: number;
  readonly perAddressLimit: number;
  private readonly maxEntries: number;
  /** `${unit}|${article or ''}|${visitor}` → when the window ends. */
  private readonly repeats: ExpiringMap<true>;
  /** `${unit}|${visitor}` → the visitor's current minute on the unit. */
  private readonly perUnit: ExpiringMap<Window>;
  /** `${unit}|${address}` → the address's current minute on the unit. */
  private readonly perAddress: ExpiringMap<Window>;

  constructor(options: AbuseRuleOptions = {}) {
    this.repeatWindowMs = options.repeatWindowMs ?? 30_000;
    this.perUnitLimit = options.perUnitLimit ?? 10;
    this.perUnitWindowMs = options.perUnitWindowMs ?? 60_000;
    this.perAddressLimit = options.perAddressLimit ?? DEFAULT_VISITS_PER_ADDRESS_PER_MINUTE;
    this.maxEntries = options.maxEntries ?? 500_000;
    this.repeats = new ExpiringMap(this.maxEntries);
    this.perUnit = new ExpiringMap(this.maxEntries);
    this.perAddress = new ExpiringMap(this.maxEntries);
  }

  /** Entries dropped before their time because a map was full (for the log). */
  get evicted(): number {
    return this.repeats.evicted + this.perUnit.evicted + this.perAddress.evicted;
  }

  /**
   * Decides a visit by all three rules, and remembers it when counted. `seen` runs once the address
   * is known to be within rule 3 (the visitor is then online, counted or not); `commit` runs between
   * the check and the remembering and may still refuse (a full buffer): a visit not counted uses up
   * nothing.
   */
  admit({ visitor: visitorKey, address: addressKey, unitCode, article: articleId, now }: VisitToAdmit, { seen, commit }: { seen: () => void; commit: () => boolean }): boolean {
    this.expire(now);
    const addressWindowKey = `${unitCode}|${addressKey}`;
    const addressWindow = this.perAddress.get(addressWindowKey);
    if (addressWindow && addressWindow.counted >= this.perAddressLimit) return false;
    seen();
    const repeatKey = `${unitCode}|${articleId ?? ''}|${visitorKey}`;
    if (this.repeats.get(repeatKey) !== undefined) return false;
    const unitKey = `${unitCode}|${visitorKey}`;
    const window = this.perUnit.get(unitKey);
    if (window && window.counted >= this.perUnitLimit) return false;
    if (!commit()) return false;
    this.repeats.set(repeatKey, true, now + this.repeatWindowMs);
    if (window) window.counted++;
    else this.perUnit.set(unitKey, { counted: 1 }, now + this.perUnitWindowMs);
    // Rule 3 off: nothing to remember.
    if (this.perAddressLimit === Infinity) return true;
    if (addressWindow) addressWindow.counted++;
    else this.perAddress.set(addressWindowKey, { counted: 1 }, now + this.perUnitWindowMs);
    return true;
  }

  get size(): number {
    return this.repeats.size + this.perUnit.size + this.perAddress.size;
  }

  private expire(now: number): void {
    this.repeats.expire(now);
    this.perUnit.expire(now);
    this.perAddress.expire(now);
  }
}
