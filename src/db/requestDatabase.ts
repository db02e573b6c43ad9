import { DataSource, EntityManager, QueryRunner, ReplicationMode } from 'typeorm';
import { RequestRunnerData, StatementTally } from './statementCounter';

/**
 * The database as one request sees it: the process's DataSource (same pool, same entities), through
 * which every statement the request sends — plain queries, query builders, repositories,
 * transactions, query runners — is counted in the request's tally (x-sql-statements, logs, metrics),
 * and whose reads db/replication.ts may send to a replica when the tally says so.
 *
 * The request is passed explicitly, not found through AsyncLocalStorage: on Node 20 any active
 * AsyncLocalStorage runs a hook on every promise of the process, which cost about a fifth of the
 * gateway's throughput.
 */
export function requestDatabase(db: DataSource, tally: StatementTally): DataSource {
  let manager: EntityManager | undefined;
  // Everything else is the DataSource's own: TypeORM's methods reach the runner and the manager
  // through `this`, so overriding these two routes all of them through the request.
  return Object.create(db, {
    tally: { value: tally },
    createQueryRunner: {
      value(this: DataSource, mode: ReplicationMode = 'master'): QueryRunner {
        const runner = db.createQueryRunner.call(this, mode);
        (runner.data as RequestRunnerData).tally = tally;
        return runner;
      },
    },
    // The DataSource's own manager would make its runners without the request (transaction(), getRepository()).
    manager: {
      get(this: DataSource) {
        return (manager ??= this.createEntityManager());
      },
    },
  }) as DataSource;
}

/** The tally of a request's database; undefined for the process's own (boot, flushes, commands). */
export function tallyOf(db: DataSource): StatementTally | undefined {
  return (db as { tally?: StatementTally }).tally;
}
