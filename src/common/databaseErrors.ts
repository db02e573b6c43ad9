import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * mysql2 / Node error codes that mean MySQL is out of reach or dropped us, not that the statement
 * was wrong: the same request is worth retrying in a moment. mysql2 gives network errors Node's
 * code (ECONNREFUSED …), its own protocol codes, or the server's error name (ER_…). An operator's
 * KILL QUERY (ER_QUERY_INTERRUPTED, 1317 on MySQL and MariaDB alike) is one too: the statement was
 * stopped, not wrong, and a write it stopped is rolled back; once a request's deadline has passed,
 * db/deadline.ts has already made the same interruption a DEADLINE.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  'ER_NET_READ_ERROR',
  'ER_NET_READ_INTERRUPTED',
  'ER_NET_ERROR_ON_WRITE',
  'ER_NET_WRITE_INTERRUPTED',
  'CR_SERVER_GONE_ERROR',
  'CR_SERVER_LOST',
  'CR_CONNECTION_ERROR',
  'CR_CONN_HOST_ERROR',
]);

/** The same conditions by MySQL error number, for errors that carry only `errno`. */
const UNAVAILABLE_ERRNOS = new Set([1040, 1053, 1203, 1317, 1927, 2002, 2003, 2006, 2013]);

/** mysql2 says these without a code when a connection it handed out has already died. */
const UNAVAILABLE_MESSAGES = /^(Can't add new command when connection is in closed state|Can't write in closed state|Connection lost: The server closed the connection\.)$/;

export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is unavailable; retry shortly.';
export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';

/**
 * Whether an error (or what it wraps: GraphQL's originalError, typeorm's driverError, a cause, an
 * AggregateError's errors, graphql-js's thrownValue when the value is not an Error of this realm)
 * says MySQL could not be reached.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0 && seen.size < 20) {
    const e = pending.pop();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const { code, errno, message, originalError, driverError, cause, errors, thrownValue } = e as Record<string, unknown>;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (typeof errno === 'number' && UNAVAILABLE_ERRNOS.has(errno)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
    pending.push(originalError, driverError, cause, thrownValue, ...(Array.isArray(errors) ? errors : []));
  }
  return false;
}

/**
 * What the caller gets instead: a retryable code and a message without host, SQL or stack. The
 * `http` extension is read by Apollo where it answers without running plugins (context creation).
 */
export function databaseUnavailableError(): GraphQLError {
  return new GraphQLError(DATABASE_UNAVAILABLE_MESSAGE, {
    extensions: { code: SERVICE_UNAVAILABLE, retryable: true, http: { status: 503, headers: new HeaderMap([['retry-after', '1']]) } },
  });
}

/** `extensions.reason` of a request stopped at its deadline (db/deadline.ts). */
export const DEADLINE = 'DEADLINE';

/** MySQL stopped the statement at its time limit: MariaDB's max_statement_time (1969), MySQL's MAX_EXECUTION_TIME (3024). */
const TIMEOUT_ERRNOS = new Set([1969, 3024]);
/** The statement was interrupted: by its time limit on some paths (MySQL says "Sort aborted", 1028), or by KILL QUERY (1317). */
const INTERRUPTED_ERRNOS = new Set([1317, 1028]);

/** The MySQL error number of a failed statement (typeorm's QueryFailedError carries the driver's fields). */
function errnoOf(error: unknown): number | undefined {
  const e = error as { errno?: unknown; driverError?: { errno?: unknown } } | null;
  const errno = e?.driverError?.errno ?? e?.errno;
  return typeof errno === 'number' ? errno : undefined;
}

/**
 * Whether MySQL stopped a statement for running out of time. An interruption counts only once the
 * time is up (`timeIsUp`): before that it was someone's KILL QUERY, not the request's deadline.
 */
export function isStatementTimeout(error: unknown, timeIsUp: boolean): boolean {
  const errno = errnoOf(error);
  return errno !== undefined && (TIMEOUT_ERRNOS.has(errno) || (timeIsUp && INTERRUPTED_ERRNOS.has(errno)));
}

/**
 * What the caller of a request stopped at its deadline gets: retryable (the same request may fit
 * when the gateway is less busy) but above all a hint to ask for less. Never the SQL.
 */
export function deadlineExceededError(deadlineMs: number): GraphQLError {
  return new GraphQLError(
    `The request ran past its deadline of ${deadlineMs} ms and was stopped; ask for less (fewer or smaller lists, narrower searches) or retry later.`,
    { extensions: { code: SERVICE_UNAVAILABLE, reason: DEADLINE, deadlineMs, retryable: true, http: { status: 503, headers: new HeaderMap([['retry-after', '1']]) } } },
  );
}

/** `extensions.reason` of a write given up after losing to concurrent writers too often (db/transaction.ts). */
export const WRITE_CONFLICT = 'WRITE_CONFLICT';

/** InnoDB chose this transaction as a deadlock's victim (1213) or it waited too long for a row lock (1205). */
const CONFLICT_ERRNOS = new Set([1213, 1205]);

/** Whether a transaction failed only because concurrent transactions held what it needed: running it again may succeed. */
export function isTransactionConflict(error: unknown): boolean {
  const errno = errnoOf(error);
  return errno !== undefined && CONFLICT_ERRNOS.has(errno);
}

/** Whether an INSERT failed on the unique index `index` (1062; MySQL 8 names it `table.index`, MariaDB `index`). */
export function isDuplicateKey(error: unknown, index: string): boolean {
  const e = error as { message?: unknown; driverError?: { message?: unknown } } | null;
  const message = String(e?.driverError?.message ?? e?.message ?? '');
  return errnoOf(error) === 1062 && (message.endsWith(`'${index}'`) || message.endsWith(`.${index}'`));
}

/** What the caller of a write retried in vain gets: nothing was written, and the same call may well succeed in a moment. */
export function writeConflictError(): GraphQLError {
  return new GraphQLError('Concurrent writes to the same rows kept this one from completing; nothing was changed, retry shortly.', {
    extensions: { code: SERVICE_UNAVAILABLE, reason: WRITE_CONFLICT, retryable: true, http: { status: 503, headers: new HeaderMap([['retry-after', '1']]) } },
  });
}

/** For a promise's catch: an outage becomes databaseUnavailableError(), anything else is rethrown as is. */
export function rethrowIfDatabaseUnavailable(error: unknown): never {
  throw isDatabaseUnavailable(error) ? databaseUnavailableError() : error;
}
