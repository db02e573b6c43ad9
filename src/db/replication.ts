import { DataSource, DataSourceOptions, ObjectLiteral, QueryRunner, ReplicationMode } from 'typeorm';
import { MysqlDriver } from 'typeorm/driver/mysql/MysqlDriver';
import { isRead } from './deadline';
import { tallyOf } from './requestDatabase';
import { databaseWarnings } from './statementCounter';

/** After a replica refused a connection, reads go to the primary this long before a replica is tried again. */
const REPLICA_RETRY_MS = 2000;
const WARN_EVERY_MS = 30_000;

/** Whether `db` is the database of a request marked read-only (plugins/readReplica.ts). */
function readsFromReplica(db: DataSource): boolean {
  return tallyOf(db)?.readsFromReplica === true;
}

/**
 * A DataSource over a primary and read replicas (TypeORM's `replication` options). TypeORM would
 * send every SELECT query builder outside a transaction to a replica, wherever it runs, and every
 * plain `query()` to the primary; here the request decides instead. The plain SELECTs and SELECT
 * builders of a request marked `readsFromReplica` (a GraphQL query) go to a replica; everything else
 * goes to the primary: mutations and all they read, transactions (TypeORM gives them a master
 * runner), and all work outside GraphQL requests (migrations, seeds, commands, visit flushes, the
 * visit counters' background reloads), which has no request to be marked.
 *
 * Services are unchanged: they keep calling `db.query(...)` and `withTransaction(db, ...)` on the request's
 * database (db/requestDatabase.ts), which carries the mark.
 */
export class ReplicatedDataSource extends DataSource {
  private replicaFailedAt = -Infinity;
  private warnedAt = -Infinity;

  constructor(options: DataSourceOptions) {
    super(options);
    // A replica that cannot be reached must not take every portal's reads down while the primary
    // answers: its reads go to the primary, and replicas are tried again after REPLICA_RETRY_MS.
    const driver = this.driver as MysqlDriver;
    const obtainReplica = driver.obtainSlaveConnection.bind(driver);
    driver.obtainSlaveConnection = async () => {
      if (Date.now() - this.replicaFailedAt < REPLICA_RETRY_MS) return driver.obtainMasterConnection();
      try {
        return await obtainReplica();
      } catch (error) {
        this.replicaFailedAt = Date.now();
        if (Date.now() - this.warnedAt >= WARN_EVERY_MS) {
          this.warnedAt = Date.now();
          const reason = (error as { code?: string }).code ?? (error as Error).message;
          databaseWarnings(this).warn({ source: 'replication', reason }, `cannot reach a read replica (${reason}); reading from the primary meanwhile`);
        }
        return driver.obtainMasterConnection();
      }
    };
  }

  override async query<T = any>(query: string, parameters?: any[] | ObjectLiteral, queryRunner?: QueryRunner): Promise<T> {
    // Decided on the statement as written (a write, SET … stays on the primary); the runner adds
    // the request's time limit after (db/deadline.ts), on whichever server it goes to.
    if (queryRunner || !readsFromReplica(this) || !isRead(query)) return super.query<T>(query, parameters, queryRunner);
    const replica = this.createQueryRunner('slave');
    try {
      return await super.query<T>(query, parameters, replica);
    } finally {
      await replica.release();
    }
  }

  /** Asked by SelectQueryBuilder (so by repositories' find*) when it has no runner of its own. */
  override defaultReplicationModeForReads(): ReplicationMode {
    return readsFromReplica(this) ? 'slave' : 'master';
  }
}
