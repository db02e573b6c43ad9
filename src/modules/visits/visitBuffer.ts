import { randomBytes } from 'node:crypto';
import { Clock } from '../../common/clock';
import { dayFromNumber, vietnamDayNumber } from '../../common/vietnamDay';
import { wholeSeconds } from '../../db/datetime';
import { CommitOutcomeUnknown } from '../../db/transaction';
import { Tally, VisitBatch } from './visitBatch';
import { Snapshot, StoredCounts, VisitRollups } from './visitRollups';

/** What the counter logs through (Fastify's pino logger in the server; silent by default). */
export interface VisitLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface VisitBufferOptions {
  /** Time between the end of one flush and the start of the next. Default 500 ms. */
  flushIntervalMs?: number;
  /**
   * Rows the buffer may hold (see VisitBatch.rows): (unit, day), unit, (article, day) and article
   * keys, not visits. Counted as held in memory: while a flush is being written, a row in both the
   * batch being written and the open batch counts twice. Default 500,000 (~60 MB). Only reached when
   * MySQL has been refusing flushes for long.
   */
  maxBufferedRows?: number;
  /** How long close() keeps retrying the last flush. Default 10 s. */
  closeTimeoutMs?: number;
  /**
   * How long a read of the stored counters may be reused (VisitCounters.counts): batches stay known for
   * this long after they are written, so a reused read still adds exactly the batches written
   * after it. Default 1 s; 0 keeps batches only for reads in flight.
   */
  snapshotTtlMs?: number;
  logger?: VisitLogger;
}

const silent: VisitLogger = { info() {}, warn() {}, error() {} };
/** Repeated failures and refusals are logged at most this often (with counts), not once per event. */
const LOG_EVERY_MS = 30_000;

/**
 * The in-memory visit buffer and its flusher: recordVisit adds to the open batch (no SQL) and a
 * timer writes it to MySQL (VisitRollups.writeBatch) every flushIntervalMs and on close(). Every
 * visit answered `true` is written exactly once: a rolled-back flush goes back into the buffer, a
 * flush whose COMMIT got no answer is settled from this process's flush mark before the next, and
 * reads add exactly the batches their statement did not see (read()). Why it is built so, and what
 * several processes do: docs/internals.md#visit-counters.
 */
export class VisitBuffer {
  /** Identifies this process's flushes in visit_flush_marks. */
  readonly processId = randomBytes(8).toString('hex');
  private open = new VisitBatch();
  /** Being written by the current flush. */
  private inFlight: VisitBatch | null = null;
  /** Written by a flush whose COMMIT got no answer: applied or not, the flush mark will tell. */
  private unsettled: VisitBatch | null = null;
  private lastSeq = 0;
  /** The Vietnamese day (number) for which the days before yesterday were last archived. */
  private archivedOn = NaN;
  private archiveFailureLoggedAt = -Infinity;
  /**
   * Batches applied while reads that started before were still running: such a read's statement may
   * have run before the COMMIT, so it still needs them (by their seq). Kept until those reads end.
   */
  private recent: { batch: VisitBatch; epoch: number; appliedAt: number }[] = [];
  /** Bumped whenever a batch is known applied; reads note it when they start. */
  private epoch = 0;
  /** Running reads by the epoch they started in. */
  private readonly readsByEpoch = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly flushIntervalMs: number;
  private readonly maxBufferedRows: number;
  private readonly closeTimeoutMs: number;
  readonly snapshotTtlMs: number;
  private readonly log: VisitLogger;

  /** Consecutive failed flushes, and when the last failure was logged. */
  private failures = 0;
  private failureLoggedAt = -Infinity;
  /** Visits refused at the bound since the last warning, and when that was. */
  private refused = 0;
  private refusedLoggedAt = -Infinity;
  /** For tests and the log. */
  readonly stats = { flushes: 0, failedFlushes: 0, refusedAtBound: 0 };

  constructor(
    private readonly rollups: VisitRollups,
    private readonly clock: Clock,
    options: VisitBufferOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 500;
    this.maxBufferedRows = options.maxBufferedRows ?? 500_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.snapshotTtlMs = options.snapshotTtlMs ?? 1000;
    this.log = options.logger ?? silent;
  }

  /** Rows held in memory, all batches together. */
  get bufferedRows(): number {
    return this.open.rows + (this.inFlight?.rows ?? 0) + (this.unsettled?.rows ?? 0);
  }

  /** Visits held in memory and not known to be in MySQL. */
  get bufferedVisits(): number {
    return this.open.visits + (this.inFlight?.visits ?? 0) + (this.unsettled?.visits ?? 0);
  }

  /**
   * Counts one visit to lineage[0] (and one view of the article); false when the buffer is at its
   * bound and the visit would need a new row.
   */
  add(lineage: readonly string[], day: string, articleId: number | null): boolean {
    // Most visits land far below the bound: the exact check is only needed near it.
    const mostNewRows = 2 * lineage.length + 2;
    if (this.bufferedRows + mostNewRows > this.maxBufferedRows && this.bufferedRows + this.open.newRowsFor(lineage, day, articleId) > this.maxBufferedRows) {
      this.refuse();
      return false;
    }
    this.open.add(lineage, day, articleId);
    return true;
  }

  /**
   * Runs a read of the rollups and returns its value with the batches it must add: those whose seq
   * is above the flush mark its statement saw, and the open batch.
   */
  async read<T>(query: () => Promise<Snapshot<T>>): Promise<{ value: T; flushedSeq: number; pending: VisitBatch[] }> {
    const epoch = this.epoch;
    this.readsByEpoch.set(epoch, (this.readsByEpoch.get(epoch) ?? 0) + 1);
    try {
      const { flushedSeq, value } = await query();
      return { value, flushedSeq, pending: this.pendingAfter(flushedSeq) };
    } finally {
      const left = this.readsByEpoch.get(epoch)! - 1;
      if (left === 0) this.readsByEpoch.delete(epoch);
      else this.readsByEpoch.set(epoch, left);
      this.forgetRecent();
    }
  }

  /**
   * What a read of the rollups that saw flush mark `flushedSeq` lacks: the open batch, and every
   * batch being written or written since. Exact for a read at most snapshotTtlMs old.
   */
  pendingAfter(flushedSeq: number): VisitBatch[] {
    this.forgetRecent();
    const pending = [this.open];
    for (const batch of [this.inFlight, this.unsettled, ...this.recent.map((r) => r.batch)]) {
      if (batch && batch.seq! > flushedSeq) pending.push(batch);
    }
    return pending;
  }

  /** Starts the flush timer (unref'd: it never keeps a process alive by itself). */
  start(): void {
    if (this.closed || this.timer) return;
    const tick = () => {
      this.timer = null;
      void this.flush().finally(() => {
        if (!this.closed) this.timer = setTimeout(tick, this.flushIntervalMs).unref();
      });
    };
    this.timer = setTimeout(tick, this.flushIntervalMs).unref();
  }

  /** One flush now (waits for a running one first). Never throws: failures are logged and retried later. */
  flush(): Promise<void> {
    const previous = this.running ?? Promise.resolve();
    const next = previous.then(() => this.flushOnce());
    const tracked = next.finally(() => {
      if (this.running === tracked) this.running = null;
    });
    this.running = tracked;
    return tracked;
  }

  /**
   * Stops the timer and writes everything buffered, retrying for up to closeTimeoutMs if MySQL is
   * unavailable. What still cannot be written is logged as an error with its numbers.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const deadline = Date.now() + this.closeTimeoutMs;
    for (;;) {
      await this.flush();
      if (this.open.isEmpty && !this.unsettled) break;
      if (Date.now() >= deadline) {
        this.log.error(
          { visits: this.bufferedVisits, views: this.open.views + (this.unsettled?.views ?? 0), attempts: this.failures },
          'visit counters: could not write the buffered visits before shutting down; they are lost',
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await this.rollups.forgetProcess(this.processId).catch(() => undefined);
  }

  private async flushOnce(): Promise<void> {
    await this.archive();
    try {
      await this.settle();
      if (this.open.isEmpty) return;
      const batch = this.open;
      this.open = new VisitBatch();
      batch.seq = ++this.lastSeq;
      this.inFlight = batch;
      try {
        await this.rollups.writeBatch(batch, this.processId, wholeSeconds(new Date(this.clock.now())));
      } catch (e) {
        this.inFlight = null;
        if (e instanceof CommitOutcomeUnknown) {
          this.unsettled = batch;
        } else {
          // Rolled back: the counts go back into the buffer, in front of nothing (the open batch is
          // always read in full, so moving them there changes no read).
          batch.seq = null;
          this.open.absorb(batch);
        }
        throw e;
      }
      this.inFlight = null;
      this.applied(batch);
      this.stats.flushes++;
      if (this.failures > 0) this.log.info({ failedAttempts: this.failures, visits: batch.visits }, 'visit counters: flushing again after failures; nothing was lost');
      this.failures = 0;
    } catch (e) {
      this.failures++;
      this.stats.failedFlushes++;
      const now = Date.now();
      if (now - this.failureLoggedAt >= LOG_EVERY_MS) {
        this.failureLoggedAt = now;
        this.log.warn(
          { err: e, consecutiveFailures: this.failures, bufferedVisits: this.bufferedVisits, bufferedRows: this.bufferedRows, maxBufferedRows: this.maxBufferedRows },
          'visit counters: flush failed; the visits stay buffered and are retried',
        );
      }
    }
  }

  /**
   * Once a day (and at start), moves the days before yesterday out of the table flushes write (see
   * the Visits migration). A failure is logged and retried at the next flush; visits flush anyway.
   */
  private async archive(): Promise<void> {
    const today = vietnamDayNumber(this.clock.now());
    if (today === this.archivedOn) return;
    try {
      const moved = await this.rollups.archiveDays(dayFromNumber(today - 1));
      this.archivedOn = today;
      if (moved > 0) this.log.info({ rows: moved, before: dayFromNumber(today - 1) }, 'visit counters: archived the days before yesterday');
    } catch (e) {
      const now = Date.now();
      if (now - this.archiveFailureLoggedAt >= LOG_EVERY_MS) {
        this.archiveFailureLoggedAt = now;
        this.log.warn({ err: e }, 'visit counters: archiving past days failed; retrying at the next flush (nothing is lost, reads add both tables)');
      }
    }
  }

  /** Decides, from the flush mark, whether the batch whose COMMIT went unanswered was applied. */
  private async settle(): Promise<void> {
    const batch = this.unsettled;
    if (!batch) return;
    const flushedSeq = await this.rollups.flushedSeq(this.processId);
    this.unsettled = null;
    if (flushedSeq >= batch.seq!) {
      this.applied(batch);
      return;
    }
    batch.seq = null;
    this.open.absorb(batch);
  }

  /** The batch is in MySQL: reads that started before now may still need it (see read()). */
  private applied(batch: VisitBatch): void {
    this.epoch++;
    if (this.readsByEpoch.size > 0 || this.snapshotTtlMs > 0) this.recent.push({ batch, epoch: this.epoch, appliedAt: Date.now() });
    this.forgetRecent();
  }

  private forgetRecent(): void {
    if (this.recent.length === 0) return;
    let oldestRead = Infinity;
    for (const epoch of this.readsByEpoch.keys()) oldestRead = Math.min(oldestRead, epoch);
    // A read that started in epoch e needs the batches applied after it started (epoch > e); a
    // reused read needs those applied within its lifetime.
    const keepSince = Date.now() - this.snapshotTtlMs;
    this.recent = this.recent.filter((r) => r.epoch > oldestRead || r.appliedAt > keepSince);
  }

  private refuse(): void {
    this.refused++;
    this.stats.refusedAtBound++;
    const now = Date.now();
    if (now - this.refusedLoggedAt >= LOG_EVERY_MS) {
      this.refusedLoggedAt = now;
      this.log.warn(
        { refusedVisits: this.refused, bufferedRows: this.bufferedRows, maxBufferedRows: this.maxBufferedRows, bufferedVisits: this.bufferedVisits },
        'visit counters: buffer full (MySQL has not taken a flush for a while); visits needing a new row are not counted',
      );
      this.refused = 0;
    }
  }
}

/** A unit's counters as a portal reads them: MySQL's plus what is still buffered. */
export interface UnitVisitCounts {
  total: Tally;
  today: Tally;
}

/*
 * Merging a read of the rollups with the batches it lacks (VisitBuffer.read / pendingAfter: those
 * after the flush mark its statement saw, and the open batch).
 */

/** A unit's total and `day`'s visits: stored, plus the pending batches. */
export function withPendingUnit(code: string, day: string, stored: StoredCounts | undefined, pending: readonly VisitBatch[]): UnitVisitCounts {
  const total = { own: stored?.total.own ?? 0, subtree: stored?.total.subtree ?? 0 };
  const today = { own: stored?.today.own ?? 0, subtree: stored?.today.subtree ?? 0 };
  for (const batch of pending) {
    const t = batch.unitTotals.get(code);
    if (t) {
      total.own += t.own;
      total.subtree += t.subtree;
    }
    const d = batch.unitDays.get(code)?.get(day);
    if (d) {
      today.own += d.own;
      today.subtree += d.subtree;
    }
  }
  return { total, today };
}

/** A unit's visits on `date`: stored, plus the pending batches. */
export function withPendingDay(unitId: string, date: string, stored: Tally | undefined, pending: readonly VisitBatch[]): Tally {
  const visits = { own: stored?.own ?? 0, subtree: stored?.subtree ?? 0 };
  for (const batch of pending) {
    const d = batch.unitDays.get(unitId)?.get(date);
    if (d) {
      visits.own += d.own;
      visits.subtree += d.subtree;
    }
  }
  return visits;
}

/** An article's views: stored, plus the pending batches. */
export function withPendingViews(id: number, stored: number, pending: readonly VisitBatch[]): number {
  let views = stored;
  for (const batch of pending) views += batch.articleTotals.get(id) ?? 0;
  return views;
}
