import { seedVisits } from '../../seeds/visits';
import { MapUnit, readVnAdminMaps } from '../../seeds/vnAdmin';
import { createTestDatabase, TestDatabase } from '../helpers/testDatabase';

/**
 * `npm run seed -- --visit-days N`: every unit in force on the last day (by default 2025-06-30: the
 * old map), every day, counters that agree, the same rows every time.
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(() => db.drop());

/** The units of the statistics office's files in force on a day (seeds/data/vn-admin, not the database). */
const maps = readVnAdminMaps();
const inForceOn = (day: string) => maps.units.filter((u: MapUnit) => (u.validFrom === null || u.validFrom <= day) && (u.validTo === null || u.validTo >= day));

const checksum = async () =>
  (await db.dataSource.query("SELECT COUNT(*) AS n, SUM(CRC32(CONCAT_WS(',', unit_id, day, own, subtree))) AS crc FROM visit_days"))[0];
const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);

/** A unit's subtree on a day is the own visits of everything below it. */
async function expectSubtreesAgree(units: string[], day: string) {
  for (const unit of units) {
    const [{ subtree }] = await q('SELECT subtree FROM visit_days WHERE unit_id = ? AND day = ?', [unit, day]);
    const [{ sum, n }] = await q(
      'SELECT SUM(d.own) AS sum, COUNT(*) AS n FROM unit_closure c JOIN visit_days d ON d.unit_id = c.descendant_id AND d.day = ? WHERE c.ancestor_id = ?',
      [day, unit],
    );
    expect(Number(n)).toBeGreaterThan(1);
    expect([unit, Number(subtree)]).toEqual([unit, Number(sum)]);
  }
}

describe('seedVisits', () => {
  it('fills every unit for every day, with subtree and all-time totals that agree with the days', async () => {
    const units = inForceOn('2025-06-30').length;
    const result = await seedVisits(db.dataSource, { days: 3, end: '2025-06-30' });
    expect(result).toMatchObject({ units, rows: 3 * units, from: '2025-06-28', to: '2025-06-30' });

    // The old map's Kim Sơn and Ninh Bình.
    await expectSubtreesAgree(['376', '37'], '2025-06-29');
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

  it('across 2025-07-01, seeds each map’s units on the days it is in force, and resumes nothing it did not start', async () => {
    await q('DELETE FROM visit_days');
    await q('DELETE FROM visit_totals');
    const before = inForceOn('2025-06-30').map((u) => u.id);
    const after = inForceOn('2025-07-01').map((u) => u.id);
    const result = await seedVisits(db.dataSource, { days: 2, end: '2025-07-01' });
    expect(result).toMatchObject({ rows: before.length + after.length, from: '2025-06-30', to: '2025-07-01' });
    for (const [day, units] of [['2025-06-30', before], ['2025-07-01', after]] as const) {
      const seeded = await q('SELECT unit_id FROM visit_days WHERE day = ? ORDER BY unit_id', [day]);
      expect(seeded.map((r: { unit_id: string }) => r.unit_id)).toEqual([...units].sort());
    }
    const [{ unfinished }] = await q('SELECT COUNT(*) AS unfinished FROM seed_runs WHERE finished_at IS NULL');
    expect(Number(unfinished)).toBe(0);
    await q('DELETE FROM visit_days');
    await q('DELETE FROM visit_totals');
  });

  it('seeds the units of the map of 2025-07-01 on its days: the new communes right under their provinces', async () => {
    const expected = inForceOn('2025-07-02').map((u) => u.id);
    const result = await seedVisits(db.dataSource, { days: 2, end: '2025-07-02' });
    expect(result).toMatchObject({ units: expected.length, rows: 2 * expected.length, from: '2025-07-01', to: '2025-07-02' });
    const seeded = await q("SELECT DISTINCT unit_id FROM visit_days WHERE day >= '2025-07-01' ORDER BY unit_id");
    expect(seeded.map((r: { unit_id: string }) => r.unit_id)).toEqual([...expected].sort());
    // Xã Phát Diệm counts in the new Ninh Bình only, with no district between.
    await expectSubtreesAgree(['37@2025-07-01'], '2025-07-02');
    const [phatDiem] = await q("SELECT own, subtree FROM visit_days WHERE unit_id = '14620@2025-07-01' AND day = '2025-07-02'");
    expect(Number(phatDiem.subtree)).toBe(Number(phatDiem.own));
  });
});
