import { seedVisits } from '../seeds/visits';
import { createTestDatabase, TestDatabase } from './helpers/testDatabase';

/** `npm run seed -- --visit-days N`: every unit, every day, counters that agree, the same rows every time. */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(() => db.drop());

const checksum = async () =>
  (await db.dataSource.query("SELECT COUNT(*) AS n, SUM(CRC32(CONCAT_WS(',', unit_id, day, own, subtree))) AS crc FROM visit_days"))[0];

describe('seedVisits', () => {
  it('fills every unit for every day, with subtree and all-time totals that agree with the days', async () => {
    const result = await seedVisits(db.dataSource, { days: 3, end: '2025-06-30' });
    expect(result).toMatchObject({ units: 11367, rows: 3 * 11367, from: '2025-06-28', to: '2025-06-30' });
    const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);

    // A unit's subtree on a day is the own visits of everything below it (Kim Sơn and Ninh Bình).
    for (const unit of ['376', '37']) {
      const [{ subtree }] = await q("SELECT subtree FROM visit_days WHERE unit_id = ? AND day = '2025-06-29'", [unit]);
      const [{ sum }] = await q(
        "SELECT SUM(d.own) AS sum FROM unit_closure c JOIN visit_days d ON d.unit_id = c.descendant_id AND d.day = '2025-06-29' WHERE c.ancestor_id = ?",
        [unit],
      );
      expect(Number(subtree)).toBe(Number(sum));
    }
    // Totals are the sums of the days.
    const [mismatch] = await q(
      `SELECT t.unit_id FROM visit_totals t JOIN (SELECT unit_id, SUM(own) AS own, SUM(subtree) AS subtree FROM visit_days GROUP BY unit_id) d
       ON d.unit_id = t.unit_id WHERE d.own <> t.own OR d.subtree <> t.subtree LIMIT 1`,
    );
    expect(mismatch).toBeUndefined();
    const [{ visits }] = await q('SELECT SUM(own) AS visits FROM visit_totals');
    expect(Number(visits)).toBe(result.visits);
  });

  it('is deterministic, and refuses to seed days that already have visits', async () => {
    const first = await checksum();
    await expect(seedVisits(db.dataSource, { days: 1, end: '2025-06-28' })).rejects.toThrow(/already recorded/);
    await db.dataSource.query('DELETE FROM visit_days');
    await db.dataSource.query('DELETE FROM visit_totals');
    await seedVisits(db.dataSource, { days: 3, end: '2025-06-30' });
    expect(await checksum()).toEqual(first);
  });
});
