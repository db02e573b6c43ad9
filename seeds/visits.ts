import { DataSource, QueryRunner } from 'typeorm';
import { transactionOn } from '../src/db/transaction';
import { dayFromNumber, parseDay } from '../src/common/vietnamDay';
import { UnitTree } from '../src/modules/units/unitTree';
import { mulberry32 } from './mulberry32';
import { upsertRows } from '../src/common/sql';
import { committedChunks, inSeedRun, recordSeedChunk, SeedRun } from './seedRuns';

/**
 * Deterministic daily visits for benchmarks (`npm run seed -- --visit-days 365`): every unit on every
 * day of the range it is in force, shaped like the benchmark's reference generator (scripts/bench/raw-sql/dataset/gen.mjs):
 * each unit's own portal gets a base of 120 (commune), 800 (district) or 5,000 (province) visits a
 * day times 0.2-1.2, and each day 0.5-1.5 times its base. Subtree counts and all-time totals are
 * derived from those exactly as the gateway's flushes derive them, so every counter agrees with the
 * days it covers. They go straight into the archive (visit_days and visit_totals, see the Visits
 * migration), as days the gateway has already archived.
 *
 * Written in (unit, day) order, 5,000 rows per INSERT on two connections, in transactions of whole
 * units that record themselves (seeds/seedRuns.ts): an interrupted seed run again finishes the same
 * rows. A year of the map in force until 2025-06-30 (~3.9 million rows) takes about 10 seconds on the
 * 2-core benchmark machine.
 */
export interface VisitSeedOptions {
  /** Days to fill, ending with `end`. */
  days: number;
  /** The last day, YYYY-MM-DD; default 2025-06-30, where the bulk articles and the reference data end. */
  end?: string;
  /** PRNG seed; the same seed, days and units give the same rows. Default 42. */
  seed?: number;
  /** The seed command these visits are part of (seeds/seedRuns.ts); by default a run of their own. */
  run?: SeedRun;
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

/** Visits are seeded on days without any, unless an interrupted seed is finishing its own. */
export async function refuseRecordedDays(db: DataSource, from: string, end: string): Promise<void> {
  const [existing] = await db.query(
    '(SELECT unit_id FROM visit_days WHERE day BETWEEN ? AND ? LIMIT 1) UNION ALL (SELECT unit_id FROM visit_days_recent WHERE day BETWEEN ? AND ? LIMIT 1)',
    [from, end, from, end],
  );
  if (existing) throw new Error(`visits are already recorded between ${from} and ${end}; seed visits on a fresh database or choose other days (--visits-end)`);
}

/** Rows per chunk: one transaction, recorded so that an interrupted seed resumes after it. */
const CHUNK_ROWS = 20000;

export async function seedVisits(db: DataSource, opts: VisitSeedOptions): Promise<VisitSeedResult> {
  const started = process.hrtime.bigint();
  const days = opts.days;
  const end = opts.end ?? DEFAULT_VISITS_END;
  const lastDay = parseDay(end);
  if (!Number.isSafeInteger(days) || days < 1 || days > 3660) throw new RangeError(`visit days must be a whole number from 1 to 3660, got ${days}`);
  if (lastDay === null) throw new RangeError(`the last visit day must be a real day written YYYY-MM-DD, got "${end}"`);
  const firstDay = lastDay - days + 1;
  const from = dayFromNumber(firstDay);
  const seed = opts.seed ?? 42;

  return inSeedRun(db, opts.run, `--visit-days ${days} --visits-end ${end} --seed ${seed}`, (run) =>
    loadVisits(db, run, { days, end, firstDay, from, seed, onProgress: opts.onProgress, started }),
  );
}

async function loadVisits(
  db: DataSource,
  run: SeedRun,
  { days, end, firstDay, from, seed, onProgress, started }: { days: number; end: string; firstDay: number; from: string; seed: number; onProgress: VisitSeedOptions['onProgress']; started: bigint },
): Promise<VisitSeedResult> {
  const committed = committedChunks(run, 'visits');
  if (committed.size === 0) await refuseRecordedDays(db, from, end);

  // Every unit in force on some day of the range, on the days it is in force: a range across
  // 2025-07-01 counts the old map's units before it and the new map's from it.
  const units: { id: string; level: string; validFrom: string | null; validTo: string | null }[] = await db.query(
    `SELECT id, level, DATE_FORMAT(valid_from, '%Y-%m-%d') AS validFrom, DATE_FORMAT(valid_to, '%Y-%m-%d') AS validTo FROM units
     WHERE (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?) ORDER BY id`,
    [end, from],
  );
  if (units.length === 0) throw new Error('seedVisits: the units table is empty; seed the units first');
  const index = new Map(units.map((u, i) => [u.id, i]));
  // A unit's days as offsets in the range: [first, last].
  const firstOf = units.map((u) => (u.validFrom === null ? 0 : Math.max(0, parseDay(u.validFrom)! - firstDay)));
  const lastOf = units.map((u) => (u.validTo === null ? days - 1 : Math.min(days - 1, parseDay(u.validTo)! - firstDay)));
  // Each unit's lineage: a unit's visits count in the subtree of each.
  const lineages = await new UnitTree(db).allLineages();
  const ancestorsOf: number[][] = units.map((u) => (lineages.get(u.id) ?? []).map((id) => index.get(id)!));

  // Uint32 cells: a province's subtree is ~100,000 visits a day at most.
  const own = new Uint32Array(units.length * days);
  const subtree = new Uint32Array(units.length * days);
  const random = mulberry32(seed);
  let visits = 0;
  units.forEach((unit, u) => {
    const base = DAILY_BASE[unit.level] * (0.2 + random());
    for (let d = firstOf[u]; d <= lastOf[u]; d++) {
      const n = Math.floor(base * (0.5 + random()));
      own[u * days + d] = n;
      visits += n;
      for (const a of ancestorsOf[u]) subtree[a * days + d] += n;
    }
  });

  // Chunks of whole units in key order, each one transaction with the units' all-time totals.
  const chunks: Array<{ first: number; last: number }> = [];
  for (let u = 0, rows = 0, first = 0; u < units.length; u++) {
    rows += lastOf[u] - firstOf[u] + 1;
    if (rows >= CHUNK_ROWS || u === units.length - 1) {
      chunks.push({ first, last: u });
      first = u + 1;
      rows = 0;
    }
  }
  const dayNames = Array.from({ length: days }, (_, d) => dayFromNumber(firstDay + d));
  const total = units.reduce((sum, _u, u) => sum + lastOf[u] - firstOf[u] + 1, 0);
  let rows = 0;
  const writeChunk = (runner: QueryRunner, c: number) =>
    transactionOn(runner, async (m) => {
      const { first, last } = chunks[c];
      let batch: [string, string, number, number][] = [];
      const totals: [string, number, number][] = [];
      for (let u = first; u <= last; u++) {
        let o = 0;
        let s = 0;
        for (let d = firstOf[u]; d <= lastOf[u]; d++) {
          batch.push([units[u].id, dayNames[d], own[u * days + d], subtree[u * days + d]]);
          o += own[u * days + d];
          s += subtree[u * days + d];
          if (batch.length === ROWS_PER_STATEMENT) {
            await m.query('INSERT INTO visit_days (unit_id, day, own, subtree) VALUES ?', [batch]);
            batch = [];
          }
        }
        totals.push([units[u].id, o, s]);
      }
      if (batch.length > 0) await m.query('INSERT INTO visit_days (unit_id, day, own, subtree) VALUES ?', [batch]);
      const columns = { unit_id: 'VARCHAR(20)', own: 'BIGINT UNSIGNED', subtree: 'BIGINT UNSIGNED' };
      await m.query(...upsertRows('visit_totals', columns, 'own = visit_totals.own + x.own, subtree = visit_totals.subtree + x.subtree', totals));
      await recordSeedChunk(m, run, 'visits', c, '');
    });
  // Two connections, each writing a contiguous half of the chunks in key order: MariaDB inserts the
  // two ranges in parallel (measured: 15 s for a year instead of 29 s).
  const writeChunks = async (first: number, last: number) => {
    const runner = db.createQueryRunner('master');
    await runner.connect();
    try {
      for (let c = first; c < last; c++) {
        const { first: u0, last: u1 } = chunks[c];
        if (!committed.has(c)) await writeChunk(runner, c);
        for (let u = u0; u <= u1; u++) rows += lastOf[u] - firstOf[u] + 1;
        onProgress?.(rows, total);
      }
    } finally {
      await runner.release();
    }
  };
  const half = Math.ceil(chunks.length / 2);
  await Promise.all([writeChunks(0, half), writeChunks(half, chunks.length)]);

  await db.query('ANALYZE TABLE visit_days, visit_totals');
  return { units: units.length, rows, visits, from, to: end, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
