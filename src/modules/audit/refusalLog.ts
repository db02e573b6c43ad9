/** What the log keeps of a refusal (of an AuditRecord): no arguments (a flood's bodies have no business in the log). */
export interface Refusal {
  requestId: string;
  operation: string;
  errorCode: string | null;
  detail: string | null;
}

export interface RefusalLogger {
  warn(object: object, message: string): void;
}

/** One line a second at most: a flood of refusals costs a line a second, not a row a field. */
export const REFUSAL_LOG_INTERVAL_MS = 1000;

/**
 * Where mutations refused without a valid key go instead of the audit trail (audit.service.ts):
 * anyone can send them, as many as they like, and nobody is accountable for them, so they are
 * logged, at most one line per interval, each line saying how many were left out since the one
 * before. Shared by the whole process, so many requests at once are limited together.
 */
export class RefusalLog {
  private lastLoggedAt = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly logger: RefusalLogger,
    private readonly intervalMs = REFUSAL_LOG_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  note(refusal: Refusal): void {
    const now = this.now();
    if (now - this.lastLoggedAt < this.intervalMs) {
      this.suppressed++;
      return;
    }
    const { requestId, operation, errorCode, detail } = refusal;
    this.logger.warn({ requestId, operation, errorCode, detail, suppressedSincePrevious: this.suppressed }, 'mutation refused without a valid key (not audited)');
    this.lastLoggedAt = now;
    this.suppressed = 0;
  }
}
