import mysql from 'mysql2/promise';
import { EntityManager } from 'typeorm';
import { isDatabaseUnavailable } from '../../src/common/databaseErrors';
import { CommitOutcomeUnknown, transactionOn } from '../../src/db/transaction';
import { VisitBuffer } from '../../src/modules/visits/visitBuffer';
import { VisitRollups } from '../../src/modules/visits/visitRollups';
import { createDataSource } from '../../ormconfig';
import { CommitAnswerProxy } from '../helpers/commitAnswerProxy';
import { connectToDatabase, createTestDatabase, TestDatabase } from '../helpers/testDatabase';

// A COMMIT whose answer is lost, made real: the transaction's connection is killed by another one
// after its last statement, so MariaDB rolls it back and the COMMIT finds the connection gone.
let db: TestDatabase;
let killer: mysql.Connection;

beforeAll(async () => {
  db = await createTestDatabase({ units: false });
  killer = await connectToDatabase(db.url);
});
afterAll(async () => {
  await killer.end();
  await db.drop();
});

async function killConnectionOf(m: EntityManager): Promise<void> {
  const [{ id }]: { id: number }[] = await m.query('SELECT CONNECTION_ID() AS id');
  await killer.query(`KILL ${Number(id)}`);
}

describe('a COMMIT that gets no answer', () => {
  it('is CommitOutcomeUnknown from transactionOn, a database failure to everyone else', async () => {
    await db.dataSource.query('DELETE FROM visit_flush_marks');
    const runner = db.dataSource.createQueryRunner('master');
    await runner.connect();
    const failure = await transactionOn(runner, async (m) => {
      await m.query("INSERT INTO visit_flush_marks (process_id, seq, flushed_at) VALUES ('lost', 1, NOW())");
      await killConnectionOf(m);
    }).catch((error: unknown) => error);
    await runner.release().catch(() => undefined);
    expect(failure).toBeInstanceOf(CommitOutcomeUnknown);
    expect(isDatabaseUnavailable(failure)).toBe(true);
    // Killed before its COMMIT: MariaDB rolled it back.
    expect(await db.dataSource.query("SELECT * FROM visit_flush_marks WHERE process_id = 'lost'")).toEqual([]);
  });

  it('leaves a visit flush to be settled from the flush mark, and the visits are written once', async () => {
    const rollups = new VisitRollups(db.dataSource);
    let loseNextCommit = true;
    const writeBatch = rollups.writeBatch.bind(rollups);
    // The flush's last statement writes the flush mark; the connection dies right after it.
    jest.spyOn(rollups, 'writeBatch').mockImplementation(async (batch, processId, now) => {
      if (!loseNextCommit) return writeBatch(batch, processId, now);
      loseNextCommit = false;
      const query = EntityManager.prototype.query;
      const spy = jest.spyOn(EntityManager.prototype, 'query').mockImplementation(async function (this: EntityManager, sql: string, parameters?: Parameters<EntityManager["query"]>[1]) {
        const result = await query.call(this, sql, parameters);
        if (sql.includes('visit_flush_marks')) await killConnectionOf(this);
        return result;
      });
      try {
        return await writeBatch(batch, processId, now);
      } finally {
        spy.mockRestore();
      }
    });
    const buffer = new VisitBuffer(rollups, { now: () => Date.parse('2025-03-10T03:00:00Z') }, { flushIntervalMs: 3_600_000 });
    for (let i = 0; i < 3; i++) expect(buffer.add(['14620', '376', '37'], '2025-03-10', null)).toBe(true);

    await buffer.flush();
    expect(buffer.stats).toMatchObject({ flushes: 0, failedFlushes: 1 });
    expect(buffer.bufferedVisits).toBe(3);
    expect(await db.dataSource.query('SELECT * FROM visit_days_recent')).toEqual([]);

    await buffer.flush();
    expect(buffer.stats).toMatchObject({ flushes: 1, failedFlushes: 1 });
    expect(buffer.bufferedVisits).toBe(0);
    const rows: { unit_id: string; own: number; subtree: number }[] = await db.dataSource.query('SELECT unit_id, own, subtree FROM visit_days_recent ORDER BY unit_id');
    expect(rows.map((r) => [r.unit_id, Number(r.own), Number(r.subtree)])).toEqual([
      ['14620', 3, 3],
      ['37', 0, 3],
      ['376', 0, 3],
    ]);
    await buffer.close();
  });

  it('when the COMMIT was applied, settles it from the flush mark: the visits are counted once, by reads and in MySQL', async () => {
    await db.dataSource.query('DELETE FROM visit_days_recent');
    // The buffer writes through a proxy that can lose a COMMIT's answer; the test reads MySQL directly.
    const target = new URL(db.url);
    const proxy = new CommitAnswerProxy({ host: target.hostname, port: Number(target.port || 3306) });
    await proxy.up();
    const proxiedUrl = new URL(db.url);
    proxiedUrl.host = `127.0.0.1:${proxy.port}`;
    const proxied = createDataSource({ databaseUrl: proxiedUrl.toString(), poolSize: 2 });
    await proxied.initialize();
    const rollups = new VisitRollups(proxied);
    const buffer = new VisitBuffer(rollups, { now: () => Date.parse('2025-03-10T03:00:00Z') }, { flushIntervalMs: 3_600_000 });
    const stored = async () =>
      ((await db.dataSource.query('SELECT unit_id, own, subtree FROM visit_days_recent ORDER BY unit_id')) as { unit_id: string; own: number; subtree: number }[]).map((r) => [r.unit_id, Number(r.own), Number(r.subtree)]);
    /** What a portal is shown for the commune: the stored count its statement saw, plus what that statement could not have seen. */
    const served = async () => {
      const { value, pending } = await buffer.read(() => rollups.counts(['14620'], '2025-03-10', buffer.processId));
      return (value.get('14620')?.total.own ?? 0) + pending.reduce((sum, b) => sum + (b.unitTotals.get('14620')?.own ?? 0), 0);
    };
    try {
      for (let i = 0; i < 3; i++) expect(buffer.add(['14620', '376', '37'], '2025-03-10', null)).toBe(true);
      // The flush's transaction, not the day's archiving before it: the one that writes the flush mark.
      const lost = proxy.loseNextCommitAnswer(/^INSERT INTO visit_flush_marks/);
      await buffer.flush();
      await lost;
      // To the buffer the flush failed with its outcome unknown; MySQL has it.
      expect(buffer.stats).toMatchObject({ flushes: 0, failedFlushes: 1 });
      expect(buffer.bufferedVisits).toBe(3);
      expect(await stored()).toEqual([['14620', 3, 3], ['37', 0, 3], ['376', 0, 3]]);
      // A read sees the flush mark of the batch it holds: it does not add the batch again.
      expect(await served()).toBe(3);

      expect(buffer.add(['14620', '376', '37'], '2025-03-10', null)).toBe(true);
      expect(await served()).toBe(4);
      await buffer.flush();
      expect(buffer.stats).toMatchObject({ flushes: 1, failedFlushes: 1 });
      expect(buffer.bufferedVisits).toBe(0);
      expect(await stored()).toEqual([['14620', 4, 4], ['37', 0, 4], ['376', 0, 4]]);
      expect(await served()).toBe(4);
      await buffer.close();
    } finally {
      await proxied.destroy();
      await proxy.close();
    }
  });
});
