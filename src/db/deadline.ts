import { DataSource, QueryRunner } from 'typeorm';
import { deadlineExceededError, isStatementTimeout } from '../common/databaseErrors';

/** When a request must be done (epoch ms), and the budget it was given (told to the caller when it runs out). */
export interface Deadline {
  at: number;
  ms: number;
}

/** A deadline `ms` after `from`. */
export function deadlineIn(ms: number, from = Date.now()): Deadline {
  return { at: from + ms, ms };
}

/** A read: the only statements MySQL will stop at a time limit (db/replication.ts sends them to replicas too). */
const READ = /^[\s(]*(SELECT|WITH)\b/i;

export function isRead(sql: string): boolean {
  return READ.test(sql);
}

/** The two servers say a statement's time limit differently and share no syntax for it. */
export type ServerFlavour = 'mariadb' | 'mysql';

const flavours = new WeakMap<DataSource, Promise<ServerFlavour>>();
const knownFlavours = new WeakMap<DataSource, ServerFlavour>();

/**
 * Which server `db` talks to, asked once (createServer asks at start) and remembered. A failed
 * question (MySQL down) is asked again by the next read. Replicas are taken to be the primary's kind.
 */
export function serverFlavour(db: DataSource): Promise<ServerFlavour> {
  let flavour = flavours.get(db);
  if (!flavour) {
    flavour = db.query('SELECT VERSION() AS version').then(([{ version }]: { version: string }[]) => {
      const found: ServerFlavour = /mariadb/i.test(version) ? 'mariadb' : 'mysql';
      knownFlavours.set(db, found);
      return found;
    });
    flavours.set(db, flavour);
    flavour.catch(() => flavours.delete(db));
  }
  return flavour;
}

/**
 * The read with the time MySQL may spend on it (`ms`, at least 1). MariaDB takes it for any
 * statement (max_statement_time, in seconds); MySQL only as a hint right after the statement's
 * first SELECT, where it covers the whole statement, unions and subqueries included.
 */
export function withTimeLimit(sql: string, ms: number, flavour: ServerFlavour): string {
  if (flavour === 'mariadb') return `SET STATEMENT max_statement_time=${(ms / 1000).toFixed(3)} FOR ${sql}`;
  return sql.replace(/\bSELECT\b/i, `SELECT /*+ MAX_EXECUTION_TIME(${ms}) */`);
}

/**
 * Makes a request's query runner send each read with the time left until the request's deadline
 * (the `deadline` of its StatementTally, read at each statement: it moves when the client goes
 * away), so MySQL stops it there, and not send a read at all once the deadline has passed. Either way the request fails with
 * deadlineExceededError; inside a transaction that rolls it back (TypeORM's ROLLBACK is not a read).
 * Writes go as they are: MySQL cannot stop them, and a mutation's audit row is still written after
 * its deadline. Without a deadline (work outside requests) nothing changes.
 */
export function sendReadsWithinDeadline(runner: QueryRunner, tally: { readonly deadline?: Deadline }, db: DataSource): void {
  const send = runner.query.bind(runner) as (sql: string, parameters?: unknown[], structured?: boolean) => Promise<unknown>;
  runner.query = (async (sql: string, parameters?: unknown[], structured?: boolean) => {
    const deadline = tally.deadline;
    if (!deadline || !isRead(sql)) return send(sql, parameters, structured);
    const msLeft = Math.floor(deadline.at - Date.now());
    if (msLeft < 1) throw deadlineExceededError(deadline.ms);
    const flavour = knownFlavours.get(db) ?? (await serverFlavour(db));
    try {
      return await send(withTimeLimit(sql, msLeft, flavour), parameters, structured);
    } catch (error) {
      if (isStatementTimeout(error, Date.now() >= deadline.at)) throw deadlineExceededError(deadline.ms);
      throw error;
    }
  }) as QueryRunner['query'];
}
