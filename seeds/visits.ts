import { DataSource } from 'typeorm';
import { dayFromNumber, parseDay } from '../src/common/vietnamDay';
import { UnitTree } from '../src/modules/units/unitTree';
import { mulberry32 } from './mulberry32';
import { upsertRows } from '../src/common/sql';

/**
 * Deterministic daily visits for benchmarks (`npm run seed -- --visit-days 365`): every unit, every
 * day of the range, shaped like the benchmark's reference generator (scripts/bench/raw-sql/dataset/gen.mjs):
 * each unit's own portal gets a base of 120 (commune), 800 (district) or 5,000 (province) visits a
 * day times 0.2-1.2, and each day 0.5-1.5 times its base. Subtree counts and all-time totals are
 * derived from those exactly as the gateway's flushes derive them, so every counter agrees with the
 * days it covers. They go straight into the archive (visit_days and visit_totals, see the Visits
 * migration), as days the gateway has already archived.
 *
 * Written in (unit, day) order, 5,000 rows per INSERT on two connections: a year of the map in force until
 * 2025-06-30 (~3.9 million rows) takes about 15 seconds on the 2-core benchmark machine.
 */
export interface VisitSeedOptions {
  /** Days to fill, ending with `end`. */
  days: number;
  /** The last day, YYYY-MM-DD; default 2025-06-30, where the bulk articles and the reference data end. */
  end?: string;
  /** PRNG seed; the same seed, days and units give the same rows. Default 42. */
  seed?: number;
  onProgress?: (rows: number, total: number) => void;
}

export interface VisitSeedResult {
  units: number;
  rows: number;
  visits: number;
  from: string;
  to: string;
  seconds: number;
}

export const DEFAULT_VISITS_END = '2025-06-30';
const ROWS_PER_STATEMENT = 5000;
const DAILY_BASE: Record<string, number> = { PROVINCE: 5000, DISTRICT: 800, COMMUNE: 120 };

export async function seedVisits(db: DataSource, opts: VisitSeedOptions): Promise<VisitSeedResult> {
  const started = process.hrtime.bigint();
  const days = opts.days;
  const end = opts.end ?? DEFAULT_VISITS_END;
  const lastDay = parseDay(end);
  if (!Number.isSafeInteger(days) || days < 1 || days > 3660) throw new RangeError(`visit days must be a whole number from 1 to 3660, got ${days}`);
  if (lastDay === null) throw new RangeError(`the last visit day must be a real day written YYYY-MM-DD, got "${end}"`);
  const firstDay = lastDay - days + 1;
  const from = dayFromNumber(firstDay);

  const [existing] = await db.query(
    '(SELECT unit_id FROM visit_days WHERE day BETWEEN ? AND ? LIMIT 1) UNION ALL (SELECT unit_id FROM visit_days_recent WHERE day BETWEEN ? AND ? LIMIT 1)',
    [from, end, from, end],
  );
  if (existing) throw new Error(`visits are already recorded between ${from} and ${end}; seed visits on a fresh database or choose other days (--visits-end)`);

  // The units of the map in force on the last day (the old map's for the default year).
  const units: { id: string; level: string }[] = await db.query(
    'SELECT id, level FROM units WHERE (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?) ORDER BY id',
    [end, end],
  );
  if (units.length === 0) throw new Error('seedVisits: the units table is empty; seed the units first');
  const index = new Map(units.map((u, i) => [u.id, i]));
  // Each unit's lineage: a unit's visits count in the subtree of each.
  const lineages = await new UnitTree(db).allLineages();
  const ancestorsOf: number[][] = units.map((u) => (lineages.get(u.id) ?? []).map((id) => index.get(id)!));

  // Uint32 cells: a province's subtree is ~100,000 visits a day at most.
  const own = new Uint32Array(units.length * days);
  const subtree = new Uint32Array(units.length * days);
  const random = mulberry32(opts.seed ?? 42);
  let visits = 0;
  units.forEach((unit, u) => {
    const base = DAILY_BASE[unit.level] * (0.2 + random());
    for (let d = 0; d < days; d++) {
      const n = Math.floor(base * (0.5 + random()));
      own[u * days + d] = n;
      visits += n;
      for (const a of ancestorsOf[u]) subtree[a * days + d] += n;
    }
  });

  // Two connections, each writing a contiguous half of the units in key order: MariaDB inserts the
  // two ranges in parallel (measured: 15 s for a year instead of 29 s).
  const dayNames = Array.from({ length: days }, (_, d) => dayFromNumber(firstDay + d));
  const total = units.length * days;
  let rows = 0;
  const writeUnits = async (first: number, last: number) => {
    const runner = db.createQueryRunner('master');
    await runner.connect();
    try {
      let batch: [string, string, number, number][] = [];
      const write = async () => {
        await runner.query('INSERT INTO visit_days (unit_id, day, own, subtree) VALUES ?', [batch]);
        rows += batch.length;
        batch = [];
        opts.onProgress?.(rows, total);
      };
      for (let u = first; u < last; u++) {
        for (let d = 0; d < days; d++) {
          batch.push([units[u].id, dayNames[d], own[u * days + d], subtree[u * days + d]]);
          if (batch.length === ROWS_PER_STATEMENT) await write();
        }
      }
      if (batch.length > 0) await write();
    } finally {
      await runner.release();
    }
  };
  const half = Math.ceil(units.length / 2);
  await Promise.all([writeUnits(0, half), writeUnits(half, units.length)]);

  const totals = units.map((unit, u): [string, number, number] => {
    let o = 0;
    let s = 0;
    for (let d = 0; d < days; d++) {
      o += own[u * days + d];
      s += subtree[u * days + d];
    }
    return [unit.id, o, s];
  });
  for (let i = 0; i < totals.length; i += ROWS_PER_STATEMENT) {
    const columns = { unit_id: 'VARCHAR(20)', own: 'BIGINT UNSIGNED', subtree: 'BIGINT UNSIGNED' };
    await db.query(...upsertRows('visit_totals', columns, 'own = visit_totals.own + x.own, subtree = visit_totals.subtree + x.subtree', totals.slice(i, i + ROWS_PER_STATEMENT)));
  }
  await db.query('ANALYZE TABLE visit_days, visit_totals');
  return { units: units.length, rows, visits, from, to: end, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
