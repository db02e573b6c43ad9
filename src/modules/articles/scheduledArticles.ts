import { DataSource } from 'typeorm';
import { ContentChanges } from '../../cache/contentChanges';
import { Clock, systemClock } from '../../common/clock';
import { tagsOfArticles } from './articleChanges';

/** Looked at again this often whatever happens: a change announced while Redis was away is seen within it. */
const RECHECK_MS = 60_000;
/** setTimeout's longest wait (about 24.8 days); a later time is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ScheduledArticlesLogger {
  warn(details: object, message: string): void;
}

/**
 * A scheduled article (publishedAt in the future) becomes visible to anonymous readers when its
 * time comes, with no write to announce it: this process announces it then, as the change it is
 * (articleChanges.ts's tags, read at that time), so the answers kept without it are dropped at
 * that second, here and in every process it tells. Each process watches for itself (after a
 * restart too): the next time is read from MySQL (ix_articles_published), and read again after
 * every change (a new scheduled article may come first) and every RECHECK_MS.
 */
export class ScheduledArticles {
  private timer: NodeJS.Timeout | null = null;
  /** Articles published up to this instant have been announced (or were visible when watching began). */
  private announcedUntil: Date;
  private checking: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: DataSource,
    private readonly changes: ContentChanges,
    private readonly logger: ScheduledArticlesLogger,
    private readonly clock: Clock = systemClock,
  ) {
    this.announcedUntil = new Date(clock.now());
  }

  start(): void {
    this.changes.onChange(() => this.check());
    this.check();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Announces what came due, then waits for the next time; runs once at a time (a call meanwhile runs it again after). */
  check(): void {
    if (this.stopped) return;
    if (this.checking) {
      this.again = true;
      return;
    }
    this.checking = this.run()
      .catch((err: unknown) => this.logger.warn({ err }, 'scheduled articles could not be checked; trying again'))
      .finally(() => {
        this.checking = null;
        if (this.again) {
          this.again = false;
          this.check();
        }
      });
  }

  private async run(): Promise<void> {
    const now = new Date(this.clock.now());
    // Scheduled ones only (published later than written): an article published as it is written was announced by its write.
    const due: { id: number }[] = await this.db.query('SELECT id FROM articles WHERE published_at > ? AND published_at <= ? AND published_at > created_at', [this.announcedUntil, now]);
    if (due.length > 0) {
      const tags = await tagsOfArticles(this.db.manager, due.map((r) => Number(r.id)));
      await (await this.changes.begin(tags)).done();
    }
    this.announcedUntil = now;
    const [next]: { at: Date }[] = await this.db.query('SELECT MIN(published_at) AS at FROM articles WHERE published_at > ?', [now]);
    const wait = next?.at ? Math.max(0, new Date(next.at).getTime() - this.clock.now()) : RECHECK_MS;
    if (this.timer) clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => this.check(), Math.min(wait, RECHECK_MS, MAX_TIMER_MS));
    this.timer.unref();
  }
}
