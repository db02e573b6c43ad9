import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';
import { SharedRedis } from '../../db/redis';
import { AbuseRuleOptions, VisitAbuseRule } from './admission/abuseRule';
import { Clock, systemClock } from '../../common/clock';
import { Tally, VisitBatch } from './visitBatch';
import { UnitVisitCounts, VisitBuffer, VisitBufferOptions, VisitLogger, withPendingDay, withPendingUnit, withPendingViews } from './visitBuffer';
import { VisitorsOnline, VisitorsOnlineOptions } from './admission/visitorsOnline';
import { SharedVisitRules } from './admission/sharedVisitRules';
import { CheckedVisit, checkVisit, RecordVisitInput } from './visitInput';
import { addressKey, VisitToAdmit } from './admission/visitAdmission';
import { DailyRange, StoredCounts, VisitRollups } from './visitRollups';
import { VisitTargets } from './visitTargets';
import { dayFromNumber, parseDay, vietnamDay } from '../../common/vietnamDay';

export type { CheckedVisit, RecordVisitInput } from './visitInput';
export type { UnitVisitCounts } from './visitBuffer';

export interface VisitCountersOptions {
  clock?: Clock;
  logger?: VisitLogger;
  /** Redis, when several gateway processes must agree on the abuse rule and online visitors. */
  redis?: SharedRedis | null;
  buffer?: Omit<VisitBufferOptions, 'logger'>;
  abuse?: AbuseRuleOptions;
  online?: VisitorsOnlineOptions;
}

/** Stored counts of one unit as a read saw them, with the flush mark it saw. */
interface StoredSnapshot {
  day: string;
  readAt: number;
  flushedSeq: number;
  stored: StoredCounts | undefined;
}

/**
 * The visits of one request, by response key, checked before the first is counted: null for a
 * second recordVisit of a unit already visited in the request (answered false, counts nothing).
 */
export type VisitsToRecord = Map<string, CheckedVisit | null>;

/** `daily` returns at most this many days. */
export const MAX_DAILY_DAYS = 366;

/**
 * The visit counters ('Thống kê truy cập') as resolvers use them: recordVisit's check and count, and
 * total / today / online / daily of any unit (own portal or whole subtree), plus Article.views. Built
 * once per server. The parts: visitBuffer.ts buffers and flushes, visitRollups.ts is the SQL,
 * admission/ decides which visits count and who is online, visitTargets.ts answers recordVisit's
 * checks from memory.
 */
export class VisitCounters {
  readonly clock: Clock;
  readonly buffer: VisitBuffer;
  readonly abuse: VisitAbuseRule;
  readonly online: VisitorsOnline;
  /** The same rules in Redis, shared by every process; while Redis is unreachable the local ones decide. */
  private readonly shared: SharedVisitRules | null;
  private sharedFailedAt = -Infinity;
  private readonly rollups: VisitRollups;
  /** Recent reads of units' stored counts, reused for snapshotTtlMs (see counts()). */
  private readonly snapshots: LRUCache<string, StoredSnapshot> | null;
  private readonly targets: VisitTargets;
  private readonly log?: VisitLogger;
  private evictionsLogged = 0;
  private evictionsLoggedAt = -Infinity;

  /**
   * `db` is the process's database: flushes and background reloads use it. Reads and checks made for
   * a request take the request's database (db/requestDatabase.ts), so they are counted against it.
   */
  constructor(db: DataSource, options: VisitCountersOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.rollups = new VisitRollups(db);
    this.targets = new VisitTargets(db, this.clock);
    this.buffer = new VisitBuffer(this.rollups, this.clock, { ...options.buffer, logger: options.logger });
    const ttl = this.buffer.snapshotTtlMs;
    this.snapshots = ttl > 0 ? new LRUCache({ max: 20_000, ttl }) : null;
    this.abuse = new VisitAbuseRule(options.abuse);
    this.online = new VisitorsOnline(options.online);
    this.shared = options.redis ? new SharedVisitRules(options.redis, this.abuse, this.online) : null;
    this.log = options.logger;
  }

  /** Starts flushing on a timer. */
  start(): void {
    this.buffer.start();
  }

  /** Writes everything buffered (server shutdown). */
  close(): Promise<void> {
    return this.buffer.close();
  }

  /**
   * The checks of one recordVisit, before anything is counted: BAD_USER_INPUT for an unknown unit or
   * article, an article not shown on that unit (or not yet public), or a bad visitorId. No SQL once
   * the unit and the article are in VisitTargets' caches. recordVisitChecks.ts runs it for every
   * recordVisit of a request before the first is counted.
   */
  check(input: RecordVisitInput, db: DataSource): Promise<CheckedVisit> {
    return checkVisit(input, this.targets, this.clock, db);
  }

  /**
   * Counts a checked visit from a client address (Fastify's request.ip): true when counted, false
   * when the abuse rule (or a full buffer during a long MySQL outage) leaves it uncounted. No SQL.
   */
  async count({ unitCode, lineage, article, visitor }: CheckedVisit, clientAddress: string): Promise<boolean> {
    const now = this.clock.now();
    const visit: VisitToAdmit = { unitCode, lineage, article, visitor, address: addressKey(clientAddress), now };
    if (this.shared) {
      const admitted = await this.shared.admit(visit).catch((error: Error) => this.sharedFailed(error));
      if (admitted !== null) {
        if (!admitted) return false;
        if (this.buffer.add(lineage, vietnamDay(now), article)) return true;
        await this.shared.release(visit).catch((error: Error) => this.sharedFailed(error));
        return false;
      }
    }
    const counted = this.abuse.admit(visit, {
      seen: () => this.online.seen(lineage, visitor, now),
      commit: () => this.buffer.add(lineage, vietnamDay(now), article),
    });
    this.warnIfEvicting();
    return counted;
  }

  /**
   * Total and today (Vietnam's calendar day, by the clock) of each unit: the stored rollups plus
   * every batch written after them or still buffered. One statement for the units whose stored
   * counts were not read in the last snapshotTtlMs (a home page shown 500 times a second reads them
   * about once a second); this process's own visits are always exact, other processes' show once
   * they have flushed and the read is renewed.
   */
  async counts(codes: readonly string[], db: DataSource): Promise<UnitVisitCounts[]> {
    const day = vietnamDay(this.clock.now());
    const snapshots = new Map<string, StoredSnapshot>();
    const stale: string[] = [];
    // Aged from when its read started: the batches it relies on are kept that long after they are written.
    const fresh = Date.now() - this.buffer.snapshotTtlMs;
    for (const code of codes) {
      const snapshot = this.snapshots?.get(code);
      if (snapshot && snapshot.day === day && snapshot.readAt > fresh) snapshots.set(code, snapshot);
      else stale.push(code);
    }
    if (stale.length > 0) {
      const readAt = Date.now();
      const { value, flushedSeq } = await this.buffer.read(() => new VisitRollups(db).counts(stale, day, this.buffer.processId));
      for (const code of stale) {
        const snapshot = { day, readAt, flushedSeq, stored: value.get(code) };
        snapshots.set(code, snapshot);
        this.snapshots?.set(code, snapshot);
      }
    }
    const pendingBySeq = new Map<number, VisitBatch[]>();
    return codes.map((code) => {
      const { stored, flushedSeq } = snapshots.get(code)!;
      let pending = pendingBySeq.get(flushedSeq);
      if (!pending) pendingBySeq.set(flushedSeq, (pending = this.buffer.pendingAfter(flushedSeq)));
      return withPendingUnit(code, day, stored, pending);
    });
  }

  /** Every day of each range, in order, zeros included. One statement. Ranges are checked by the caller. */
  async daily(ranges: readonly DailyRange[], db: DataSource): Promise<{ date: string; visits: Tally }[][]> {
    const { value, pending } = await this.buffer.read(() => new VisitRollups(db).daily(ranges, this.buffer.processId));
    return ranges.map(({ unitId, from, to }) => {
      const stored = value.get(unitId);
      const days: { date: string; visits: Tally }[] = [];
      for (let n = parseDay(from)!, last = parseDay(to)!; n <= last; n++) {
        const date = dayFromNumber(n);
        days.push({ date, visits: withPendingDay(unitId, date, stored?.get(date), pending) });
      }
      return days;
    });
  }

  /** Article.views of each article (null for one that no longer exists). One statement. */
  async views(ids: readonly number[], db: DataSource): Promise<(number | null)[]> {
    const { value, pending } = await this.buffer.read(() => new VisitRollups(db).views(ids, this.buffer.processId));
    return ids.map((id) => {
      const stored = value.get(id);
      if (stored === undefined) return null;
      return withPendingViews(id, stored, pending);
    });
  }

  /** Drops the reused reads of stored counts (tests measure cold requests with it). */
  forgetSnapshots(): void {
    this.snapshots?.clear();
  }

  /** Distinct visitors of each unit (or its subtree) in the last 5 minutes: Redis when shared, else memory. */
  async onlineCounts(units: readonly { unitId: string; includeDescendants: boolean }[]): Promise<number[]> {
    const now = this.clock.now();
    if (this.shared) {
      const counts = await this.shared.onlineCounts(units, now).catch((error: Error) => this.sharedFailed(error));
      if (counts) return counts;
    }
    return units.map(({ unitId, includeDescendants }) => this.online.count(unitId, includeDescendants, now));
  }

  /** Redis is unreachable: this process's own rules decide meanwhile. Said once a minute at most. */
  private sharedFailed(error: Error): null {
    if (Date.now() - this.sharedFailedAt > 60_000) {
      this.log?.warn({ err: { message: error.message } }, 'visit counters: redis unreachable, the abuse rule and online count are per process until it is back');
      this.sharedFailedAt = Date.now();
    }
    return null;
  }

  /** The abuse rule's and online's memory bounds drop entries early under a flood: say so, rarely. */
  private warnIfEvicting(): void {
    const evicted = this.abuse.evicted + this.online.evicted;
    if (evicted === this.evictionsLogged || Date.now() - this.evictionsLoggedAt < 30_000) return;
    this.log?.warn(
      { droppedEarly: evicted - this.evictionsLogged, abuseRuleEntries: this.abuse.size, onlineEntries: this.online.size },
      'visit counters: abuse-rule or online memory at its bound, oldest entries dropped early (a flood of distinct visitorIds?)',
    );
    this.evictionsLogged = evicted;
    this.evictionsLoggedAt = Date.now();
  }
}
