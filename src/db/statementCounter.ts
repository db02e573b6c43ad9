import { AsyncLocalStorage } from 'node:async_hooks';
import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';

/** What one request has sent to MySQL so far. */
export interface StatementTally {
  statements: number;
  /** Set once the request is known to be a query: its reads may go to a replica (db/replication.ts). */
  readsFromReplica?: boolean;
}

const current = new AsyncLocalStorage<StatementTally>();

/** Runs `fn` with every SQL statement it causes counted in `tally` (follows promises and callbacks). */
export function countStatements<T>(tally: StatementTally, fn: () => T): T {
  return current.run(tally, fn);
}

/** The tally of the request the caller runs for; undefined outside requests (timers started at boot, commands). */
export function currentTally(): StatementTally | undefined {
  return current.getStore();
}

/**
 * A TypeORM logger that counts each statement against the request that caused it. TypeORM calls
 * logQuery for every statement it sends, so this sees all SQL, query builder and raw alike.
 * Query errors are counted too (they reached the server) and logged without parameters.
 */
export class StatementCountingLogger extends AbstractLogger {
  override logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    const tally = current.getStore();
    if (tally) tally.statements++;
    super.logQuery(query, parameters, queryRunner);
  }

  protected writeLog(level: LogLevel, message: LogMessage | LogMessage[]): void {
    for (const m of Array.isArray(message) ? message : [message]) {
      if (level === 'warn' || level === 'error') console.error(`[typeorm] ${m.type ?? level}: ${String(m.message)}`);
    }
  }
}
