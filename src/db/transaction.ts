import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import { isTransactionConflict, writeConflictError } from '../common/databaseErrors';
import { tallyOf } from './requestDatabase';

/**
 * What a service writes through: a request's database view (db/requestDatabase.ts), the process's
 * DataSource, or the manager of a transaction already open. Services take one of these and call
 * withTransaction on it, so they never know whether they run inside a caller's transaction.
 */
export type Database = DataSource | EntityManager;

/** How a transaction runs: its isolation level, and whether it is only a rehearsal (a dry run, rolled back). */
export interface TransactionOptions {
  isolation?: IsolationLevel;
  rollback?: boolean;
}

/** Attempts at a transaction that keeps losing to concurrent ones (deadlock victim, lock wait timeout) before giving up. */
export const TRANSACTION_ATTEMPTS = 5;
/** The first retry waits about this long; each next one about twice as long (10, 20, 40, 80 ms, each ± half). */
const FIRST_BACKOFF_MS = 10;

/**
 * The one way a write runs: `work` in one transaction of `db` (a request's database view, so its
 * statements count and its reads keep the request's deadline), committed, or rolled back when it
 * throws or `rollback` is asked. A transaction InnoDB rolled back for a deadlock (1213) or a lock
 * wait timeout (1205) is not the caller's fault: it runs again from the start, a few times, after a
 * short jittered pause so the contenders do not meet again in step, while the request's deadline
 * leaves time for it; then it fails with writeConflictError (SERVICE_UNAVAILABLE, retryable).
 * `work` may therefore run more than once, and must do everything through its EntityManager.
 *
 * Given the manager of a transaction already open, or a request's database inside its request's
 * transaction (db/requestDatabase.ts), `work` joins it (as Vendure's `withTransaction(ctx, …)`):
 * the enclosing transaction's isolation holds, and its owner commits, rolls back and retries the whole.
 */
export async function withTransaction<T>(db: Database, work: (m: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  if (!(db instanceof EntityManager) && db.manager.queryRunner?.isTransactionActive) return withTransaction(db.manager, work, options);
  if (db instanceof EntityManager) {
    if (db.queryRunner?.isTransactionActive) {
      // A rehearsal cannot undo only its own part of someone else's transaction.
      if (options.rollback) throw new Error('a dry run cannot join an enclosing transaction');
      return work(db);
    }
    return withTransaction(db.connection, work, options);
  }
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    try {
      return await runOnce(db, work, options);
    } catch (error) {
      if (!isTransactionConflict(error)) throw error;
      const pause = FIRST_BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random());
      // Writes are not stopped at the deadline (db/deadline.ts), so an attempt is only worth starting
      // if as long as the last one took is still left: a lock wait lasts as long again.
      const deadline = tallyOf(db)?.deadline;
      const tookMs = Date.now() - started;
      if (attempt >= TRANSACTION_ATTEMPTS || (deadline && Date.now() + pause + tookMs >= deadline.at)) throw writeConflictError();
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

async function runOnce<T>(db: DataSource, work: (m: EntityManager) => Promise<T>, options: TransactionOptions): Promise<T> {
  const runner = db.createQueryRunner('master');
  await runner.connect();
  try {
    return await transactionOn(runner, work, options);
  } finally {
    await runner.release();
  }
}

/**
 * The COMMIT got no answer (the connection was lost at that moment): the transaction may or may not
 * be in MySQL. Callers that must not lose or double what they wrote (the visit buffer) find out
 * afterwards; to everyone else it is a database failure like any other (its `cause` says which).
 */
export class CommitOutcomeUnknown extends Error {
  constructor(cause: unknown) {
    super(`a COMMIT got no answer: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * One transaction on a connection the caller holds (and releases): begun, `work` run, committed,
 * or rolled back when it throws or `rollback` is asked. No retry: withTransaction's attempts and
 * the bulk seed's dedicated writers are built on it. A failed COMMIT is CommitOutcomeUnknown.
 */
export async function transactionOn<T>(runner: QueryRunner, work: (m: EntityManager) => Promise<T>, { isolation, rollback = false }: TransactionOptions = {}): Promise<T> {
  const hooks = new Map<unknown, CommitHook>();
  /** Hooks whose beforeCommit ran (or began): told when the COMMIT does not follow. */
  const prepared: CommitHook[] = [];
  let committed = false;
  try {
    await runner.startTransaction(isolation);
    commitHooks.set(runner, hooks);
    const result = await work(runner.manager);
    if (rollback) {
      await runner.rollbackTransaction();
      return result;
    }
    for (const hook of hooks.values()) {
      prepared.push(hook);
      await hook.beforeCommit(runner.manager);
    }
    try {
      await runner.commitTransaction();
    } catch (error) {
      throw new CommitOutcomeUnknown(error);
    }
    committed = true;
    for (const hook of hooks.values()) await hook.afterCommit();
    return result;
  } catch (error) {
    // A rollback that fails too (the connection is gone) would hide what went wrong first.
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    if (!committed) for (const hook of prepared) await hook.afterRollback?.();
    throw error;
  } finally {
    commitHooks.delete(runner);
  }
}

/**
 * Work a transaction leaves to its end: `beforeCommit` sends its last statements (a lock they take
 * is held only until the COMMIT right after, and never while waiting for another), `afterCommit`
 * runs once the COMMIT succeeded. A transaction rolled back, or whose COMMIT got no answer, runs
 * no `afterCommit` but `afterRollback` for the hooks prepared. The data bounds' growth is one
 * (plugins/dataBounds.ts), the content a write changes another (modules/articles/articleChanges.ts).
 */
export interface CommitHook {
  beforeCommit(m: EntityManager): Promise<void>;
  afterCommit(): void | Promise<void>;
  /** After beforeCommit ran (or began), when no COMMIT followed or its answer was lost. */
  afterRollback?(): void | Promise<void>;
}

/** The hooks of the transactions transactionOn is running, by their connection. */
const commitHooks = new WeakMap<QueryRunner, Map<unknown, CommitHook>>();

/**
 * The hook of `kind` of the transaction `m` writes in, made by `create` when first asked for (so
 * that several writes of one transaction share it); null when `m` is in no transaction run by
 * transactionOn (autocommit, or TypeORM's own transaction()): the caller then does the work at once.
 */
export function commitHook<H extends CommitHook>(m: EntityManager, kind: unknown, create: () => H): H | null {
  const hooks = m.queryRunner && commitHooks.get(m.queryRunner);
  if (!hooks) return null;
  let hook = hooks.get(kind) as H | undefined;
  if (!hook) hooks.set(kind, (hook = create()));
  return hook;
}
