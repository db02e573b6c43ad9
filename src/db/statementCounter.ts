import { AbstractLogger, DataSource, LogLevel, LogMessage, QueryRunner } from 'typeorm';
import type { Deadline } from './deadline';

/** What one request has sent to MySQL so far. */
export interface StatementTally {
  statements: number;
  /** Set once the request is known to be a query: its reads may go to a replica (db/replication.ts). */
  readsFromReplica?: boolean;
  /** Past it the request sends no more reads, and MySQL stops those still running (db/deadline.ts). */
  deadline?: Deadline;
}

/** What a query runner made for a request carries (TypeORM's `QueryRunner.data`, set by db/requestDatabase.ts). */
export interface RequestRunnerData {
  tally?: StatementTally;
}

/** Where a DataSource's warnings go (pino's signature, so the server's logger is one). */
export interface DatabaseWarnings {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** For the commands (keys, seeds, the typeorm CLI), read by people: plain text on stderr. */
const plainText: DatabaseWarnings = {
  warn: ({ source, type }, message) => console.error(`[${String(source)}]${type ? ` ${String(type)}:` : ''} ${message}`),
};

/**
 * A TypeORM logger that counts each statement against the request that caused it. TypeORM calls
 * logQuery for every statement it sends, with the runner that sends it, so this sees all SQL, query
 * builder and raw alike. Query errors are counted too (they reached the server) and logged without
 * parameters.
 */
export class StatementCountingLogger extends AbstractLogger {
  /** Set by logDatabaseWarningsTo. */
  warnings: DatabaseWarnings = plainText;

  override logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    const tally = (queryRunner?.data as RequestRunnerData | undefined)?.tally;
    if (tally) tally.statements++;
    super.logQuery(query, parameters, queryRunner);
  }

  protected writeLog(level: LogLevel, message: LogMessage | LogMessage[]): void {
    for (const m of Array.isArray(message) ? message : [message]) {
      if (level === 'warn' || level === 'error') this.warnings.warn({ source: 'typeorm', type: m.type ?? level }, String(m.message));
    }
  }
}

/** Where `dataSource`'s warnings are written (ormconfig.ts gives every DataSource this logger). */
export function databaseWarnings(dataSource: DataSource): DatabaseWarnings {
  return dataSource.logger instanceof StatementCountingLogger ? dataSource.logger.warnings : plainText;
}

/** The server (main.ts) sends the database's warnings to its JSON log. */
export function logDatabaseWarningsTo(dataSource: DataSource, warnings: DatabaseWarnings): void {
  if (dataSource.logger instanceof StatementCountingLogger) dataSource.logger.warnings = warnings;
}
