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
