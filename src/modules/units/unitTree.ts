import DataLoader from 'dataloader';
import { DataSource, EntityManager } from 'typeorm';
import { LRUCache } from 'lru-cache';
import { Clock, systemClock } from '../../common/clock';
import { vietnamDay } from '../../common/vietnamDay';

/** What the tree is read through: a request's database, a transaction's manager, or the process's DataSource. */
export type TreeDatabase = Pick<EntityManager, 'query'>;

/** A unit as a code names it on a day (DATE columns are read as 'YYYY-MM-DD' text). */
export interface UnitSpan {
  id: string;
  code: string;
  fullName: string;
  validFrom: string | null;
  validTo: string | null;
}

/**
 * The tree's (unit, ancestor) pairs as a FROM item of another module's statement, under `alias`:
 * one row for every unit and each unit at or above it, the unit itself included (unit_closure, see
 * the initial migration). Feeds and syndication join it where a unit stands for its subtree.
 */
export function ancestorPairs(alias: string): { from: string; unit: string; ancestor: string } {
  return { from: `unit_closure ${alias}`, unit: `${alias}.descendant_id`, ancestor: `${alias}.ancestor_id` };
}

/**
 * The (member, unit) pairs of unit_history as a FROM item, under `alias`, as ancestorPairs gives
 * unit_closure's: one row for every unit that keeps another's archive and each unit whose archive it
 * keeps, itself included; units with no predecessor have none. The history feed joins it.
 */
export function historyPairs(alias: string): { from: string; unit: string; ancestor: string } {
  return { from: `unit_history ${alias}`, unit: `${alias}.member_id`, ancestor: `${alias}.unit_id` };
}

/**
 * Recomputes unit_history (UNIT_HISTORY, kept as a table: the history feed is derived through it)
 * for the units that have predecessors, in the caller's transaction: after a map is loaded or
 * changed, before the history feed is rebuilt (articles/derivedFeeds.ts).
 */
export async function rebuildUnitHistory(db: TreeDatabase): Promise<void> {
  const rows: { unit_id: string; member_id: string }[] = await db.query(
    `${unitHistory('TRUE')} SELECT h.unit_id, h.member_id FROM history h
     WHERE h.unit_id IN (SELECT k.unit_id FROM history k WHERE k.member_id <> k.unit_id)`,
  );
  await db.query('DELETE FROM unit_history');
  const pairs = rows.map((r) => [r.unit_id, r.member_id]);
  for (let i = 0; i < pairs.length; i += 5000) await db.query('INSERT INTO unit_history (unit_id, member_id) VALUES ?', [pairs.slice(i, i + 5000)]);
}

/** The ids of the units `IN (?)` and of every unit above them, for `… IN (${UNITS_AT_OR_ABOVE})`. */
export const UNITS_AT_OR_ABOVE = 'SELECT c.ancestor_id FROM unit_closure c WHERE c.descendant_id IN (?)';

/**
 * `history (unit_id, member_id)`: for each unit of the `IN (?)` list, itself and the units whose
 * archive it keeps, transitively (unit_successions walked back through ix_unit_successions_to): its
 * predecessors of its own level (communes that merged into a commune, provinces into a province),
 * and any unit that went into it whole (an island district that became a đặc khu). A district that
 * gave a commune part of itself is not one: Xã Phát Diệm keeps Thị trấn Phát Diệm's archive, not
 * all of Huyện Kim Sơn's. The anchor reads units.id so that the column has its type (a literal would
 * fix it at its own length).
 */
export const UNIT_HISTORY = unitHistory('u.id IN (?)');

/** UNIT_HISTORY for the units `anchor` picks (a condition on units u): 'TRUE' for every unit. */
export function unitHistory(anchor: string): string {
  return `WITH RECURSIVE history (unit_id, member_id) AS (
    SELECT u.id, u.id FROM units u WHERE ${anchor}
    UNION
    SELECT h.unit_id, s.from_id FROM history h
      JOIN unit_successions s ON s.to_id = h.member_id
      JOIN units older ON older.id = s.from_id
      JOIN units newer ON newer.id = s.to_id
    WHERE s.whole = 1 OR older.level = newer.level)`;
}

/**
 * Recomputes unit_closure from every unit's parent: all of it, in the caller's transaction (the
 * units seed, after a map is loaded). Both maps: ~14,000 units, ~38,000 rows.
 */
export async function rebuildUnitClosure(db: TreeDatabase): Promise<void> {
  const units: { id: string; parent_id: string | null }[] = await db.query('SELECT id, parent_id FROM units');
  const parentOf = new Map(units.map((u) => [u.id, u.parent_id]));
  const rows: unknown[][] = [];
  for (const { id } of units) {
    let depth = 0;
    for (let at: string | null | undefined = id; at; at = parentOf.get(at)) rows.push([at, id, depth++]);
  }
  await db.query('DELETE FROM unit_closure');
  for (let i = 0; i < rows.length; i += 5000) await db.query('INSERT INTO unit_closure (ancestor_id, descendant_id, depth) VALUES ?', [rows.slice(i, i + 5000)]);
}

/** Closure rows, ordered by unit (or code) and depth, as each one's lineage (nearest first). */
function lineagesFrom(rows: { id: string; ancestor: string }[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const r of rows) {
    const lineage = found.get(r.id);
    if (lineage) lineage.push(r.ancestor);
    else found.set(r.id, [r.ancestor]);
  }
  return found;
}

/** The administrative hierarchy as one database has it: lineages, subtrees and "is X within Y". */
export class UnitTree {
  constructor(private readonly db: TreeDatabase) {}

  /** Every unit's lineage: the unit's id, then the ids of every unit above it, nearest first. */
  async allLineages(): Promise<Map<string, string[]>> {
    return lineagesFrom(await this.db.query('SELECT descendant_id AS id, ancestor_id AS ancestor FROM unit_closure ORDER BY descendant_id, depth'));
  }

  /** Each unit's lineage: its id, then the ids of every unit above it, nearest first. */
  async lineages(ids: readonly string[]): Promise<Map<string, string[]>> {
    return lineagesFrom(await this.db.query('SELECT descendant_id AS id, ancestor_id AS ancestor FROM unit_closure WHERE descendant_id IN (?) ORDER BY descendant_id, depth', [ids]));
  }

  /**
   * Whether `descendant` is `root`, lies below it, or lies below a unit whose archive it keeps (see
   * HISTORY): the archive a unit inherited is in its keeping as its own subtree is.
   */
  async isWithin(root: string, descendant: string): Promise<boolean> {
    return (await this.within(root, [descendant])).size > 0;
  }

  /** Every unit that has had one of `codes`, with its span of days (unit.service.ts's unitWithCode picks one). */
  async withCodes(codes: readonly string[]): Promise<UnitSpan[]> {
    return this.db.query('SELECT id, code, full_name AS fullName, valid_from AS validFrom, valid_to AS validTo FROM units WHERE code IN (?)', [codes]);
  }

  /** The units `id` became (all or part of), in code order: what a refusal at an ended unit names. */
  async successors(id: string): Promise<{ code: string; fullName: string }[]> {
    return this.db.query('SELECT u.code, u.full_name AS fullName FROM unit_successions s JOIN units u ON u.id = s.to_id WHERE s.from_id = ? ORDER BY u.code', [id]);
  }

  /** Each of `ids` that names a unit, with the units (id and code) it stands for: itself, or with `withDescendants` its whole subtree. */
  async expand(ids: readonly string[], withDescendants: boolean): Promise<Map<string, { id: string; code: string }[]>> {
    const expansion = new Map<string, { id: string; code: string }[]>();
    if (ids.length === 0) return expansion;
    const rows: { target: string; id: string; code: string }[] = withDescendants
      ? await this.db.query('SELECT c.ancestor_id AS target, u.id, u.code FROM unit_closure c JOIN units u ON u.id = c.descendant_id WHERE c.ancestor_id IN (?)', [ids])
      : await this.db.query('SELECT id AS target, id, code FROM units WHERE id IN (?)', [ids]);
    for (const r of rows) {
      const units = expansion.get(r.target);
      if (units) units.push({ id: r.id, code: r.code });
      else expansion.set(r.target, [{ id: r.id, code: r.code }]);
    }
    return expansion;
  }

  /** Those of `ids` that are `root` or lie below it or below one of its predecessors (see isWithin). */
  async within(root: string, ids: readonly string[]): Promise<Set<string>> {
    const rows: { id: string }[] = await this.db.query(
      `${UNIT_HISTORY} SELECT DISTINCT c.descendant_id AS id FROM history h JOIN unit_closure c ON c.ancestor_id = h.member_id WHERE c.descendant_id IN (?)`,
      [[root], ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Each unit's history: the unit, then the units whose archive it keeps, transitively (see UNIT_HISTORY;
   * whose feeds its feed gathers with `history: true`). Read from unit_history, the table the history
   * feed is derived through, so that a feed's units and its rows never disagree; a unit with no
   * predecessor has no rows there and is its own history. Units that do not exist are left out.
   */
  async histories(ids: readonly string[]): Promise<Map<string, string[]>> {
    const rows: { unit_id: string; member_id: string }[] = await this.db.query(
      'SELECT u.id AS unit_id, COALESCE(h.member_id, u.id) AS member_id FROM units u LEFT JOIN unit_history h ON h.unit_id = u.id WHERE u.id IN (?)',
      [ids],
    );
    const found = new Map<string, Set<string>>();
    for (const r of rows) {
      let members = found.get(r.unit_id);
      if (!members) found.set(r.unit_id, (members = new Set([r.unit_id])));
      members.add(r.member_id);
    }
    return new Map([...found].map(([id, members]) => [id, [...members]]));
  }
}

/**
 * Units change with a new administrative map, not during the day: every unit in force today is
 * loaded with its lineage at once (one statement, ~7,000 closure rows) and reloaded this often, and
 * when the day in Vietnam changes (a map takes effect at midnight).
 */
const TREE_TTL_MS = 10 * 60_000;
/** A code missing from the tree is looked up alone (a unit added since) and the answer kept this long. */
const MISSING_TTL_MS = 60_000;
/** Codes missing from the tree (mostly codes of no unit), each remembered for MISSING_TTL_MS. */
const MAX_MISSING = 50_000;

/** Closure rows of the units in force on `?` (twice), by code, nearest ancestor first. */
const IN_FORCE_LINEAGES = `SELECT u.code AS id, c.ancestor_id AS ancestor FROM units u JOIN unit_closure c ON c.descendant_id = u.id
  WHERE (u.valid_from IS NULL OR u.valid_from <= ?) AND (u.valid_to IS NULL OR u.valid_to >= ?)`;

/**
 * The units in force today by code, each with its lineage (its id, then the ids above it), for the
 * checks recordVisit makes on every call: once the tree is loaded, asking sends no SQL. Misses from
 * concurrent requests are batched into one statement per tick. Per process.
 */
export class LineageCache {
  /** Every unit in force on `treeDay`, by code, from the last full load. */
  private tree: Map<string, string[]> | null = null;
  private treeDay = '';
  private treeLoadedAt = -Infinity;
  private treeLoading: Promise<void> | null = null;
  /** Codes not in the tree: units added since it was loaded, or (mostly) codes of no unit. */
  private readonly missing: LRUCache<string, { lineage: string[] | null }>;
  /** Reads in the background (tree reloads), billed to no request. */
  private readonly processDb: TreeDatabase;
  private readonly loader: DataLoader<{ code: string; day: string; db: DataSource }, string[] | null>;

  /** `db`: the process's database, for background reloads; `clock`: what the cache's times are read from. */
  constructor(
    db: DataSource,
    private readonly clock: Clock = systemClock,
  ) {
    this.processDb = db;
    // ttlResolution 0: an injected clock may jump; the time is read at every check.
    this.missing = new LRUCache({ max: MAX_MISSING, ttl: MISSING_TTL_MS, ttlResolution: 0, perf: clock });
    // cache: false: the caches above decide what is remembered and for how long; DataLoader only batches.
    // A batch of several requests' misses is read through (and billed to) the first one's database.
    this.loader = new DataLoader(
      async (keys) => {
        const { day, db } = keys[0];
        const rows = await db.query(`${IN_FORCE_LINEAGES} AND u.code IN (?) ORDER BY u.code, c.depth`, [day, day, keys.map((k) => k.code)]);
        const found = lineagesFrom(rows);
        return keys.map((k) => found.get(k.code) ?? null);
      },
      { cache: false, maxBatchSize: 1000, cacheKeyFn: (k) => `${k.day}|${k.code}` },
    );
  }

  /**
   * The lineage of the unit in force today with this code: its id, then the ids of every unit above
   * it, nearest first; null when no unit has the code today. `db`: the asking request's.
   */
  lineage(code: string, db: DataSource): string[] | null | Promise<string[] | null> {
    const now = this.clock.now();
    const day = vietnamDay(now);
    if (day !== this.treeDay) {
      // The first load of a day is waited for (and billed to the request): yesterday's tree may be
      // another map. Reloads within the day run in the background while the old tree serves, and
      // are retried on the next visit if they fail.
      return this.loadTree(now, day, db).then(() => this.lineage(code, db));
    }
    if (now - this.treeLoadedAt >= TREE_TTL_MS && !this.treeLoading) void this.loadTree(now, day, this.processDb).catch(() => undefined);
    const inTree = this.tree!.get(code);
    if (inTree) return inTree;
    const key = `${day}|${code}`;
    const cached = this.missing.get(key);
    if (cached !== undefined) return cached.lineage;
    return this.loader.load({ code, day, db }).then((lineage) => {
      this.missing.set(key, { lineage });
      return lineage;
    });
  }

  private loadTree(now: number, day: string, db: TreeDatabase): Promise<void> {
    this.treeLoading ??= db
      .query(`${IN_FORCE_LINEAGES} ORDER BY u.code, c.depth`, [day, day])
      .then((rows: { id: string; ancestor: string }[]) => {
        this.tree = lineagesFrom(rows);
        this.treeDay = day;
        this.treeLoadedAt = now;
      })
      .finally(() => {
        this.treeLoading = null;
      });
    return this.treeLoading;
  }
}
