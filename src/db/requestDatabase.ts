import { DataSource, EntityManager, QueryRunner, ReplicationMode } from 'typeorm';
import { sendReadsWithinDeadline } from './deadline';
import { RequestRunnerData, StatementTally } from './statementCounter';

/**
 * The database as one request sees it: the process's DataSource (same pool, same entities), through
 * which every statement the request sends — plain queries, query builders, repositories,
 * transactions, query runners — is counted in the request's tally (x-sql-statements, logs, metrics),
 * whose reads db/replication.ts may send to a replica when the tally says so, and whose reads end
 * at the request's deadline (db/deadline.ts).
 *
 * The request is passed explicitly, not found through AsyncLocalStorage: on Node 20 any active
 * AsyncLocalStorage runs a hook on every promise of the process, which cost about a fifth of the
 * gateway's throughput.
 */
export function requestDatabase(db: DataSource, tally: StatementTally): DataSource {
  let views = requestViews.get(db);
  if (!views) requestViews.set(db, (views = requestViewPrototype(db)));
  const view = Object.create(views) as DataSource & { tally: StatementTally };
  view.tally = tally;
  return view;
}

/** Per DataSource, what its requests' views share: built once, so a view per request costs one object. */
const requestViews = new WeakMap<DataSource, DataSource>();

/**
 * Everything else is the DataSource's own: TypeORM's methods reach the runner and the manager
 * through `this`, so overriding these two routes all of them through the request.
 */
function requestViewPrototype(db: DataSource): DataSource {
  const managers = new WeakMap<DataSource, EntityManager>();
  return Object.create(db, {
    createQueryRunner: {
      value(this: DataSource, mode: ReplicationMode = 'master'): QueryRunner {
        const runner = db.createQueryRunner.call(this, mode);
        const tally = tallyOf(this);
        (runner.data as RequestRunnerData).tally = tally;
        if (tally) sendReadsWithinDeadline(runner, tally, db);
        return runner;
      },
    },
    // The DataSource's own manager would make its runners without the request (transaction(), getRepository()).
    manager: {
      get(this: DataSource): EntityManager {
        let manager = managers.get(this);
        if (!manager) managers.set(this, (manager = this.createEntityManager()));
        return manager;
      },
    },
  }) as DataSource;
}

/** The tally of a request's database; undefined for the process's own (boot, flushes, commands). */
export function tallyOf(db: DataSource): StatementTally | undefined {
  return (db as { tally?: StatementTally }).tally;
}

/**
 * A request's database `db` inside the transaction its request holds on `runner` (a mutation of
 * several writes, plugins/requestTransaction.ts): plain queries, repositories and their builders,
 * and withTransaction (through `manager`) all go through that transaction, so the request reads its
 * own uncommitted writes and never waits for a second connection while holding one. (Services send
 * nothing else; a builder made from the DataSource itself would take a connection of its own.)
 */
export function requestDatabaseWithin(db: DataSource, runner: QueryRunner): DataSource {
  return Object.create(db, {
    manager: { value: runner.manager },
    query: { value: (sql: string, parameters?: unknown[], queryRunner?: QueryRunner) => (queryRunner ?? runner).query(sql, parameters) },
  }) as DataSource;
}
