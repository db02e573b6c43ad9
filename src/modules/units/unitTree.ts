import DataLoader from 'dataloader';
import { DataSource, EntityManager } from 'typeorm';
import { LRUCache } from 'lru-cache';
import { Clock, systemClock } from '../../common/clock';

/** What the tree is read through: a request's database, a transaction's manager, or the process's DataSource. */
export type TreeDatabase = Pick<EntityManager, 'query'>;

/**
 * The tree's (unit, ancestor) pairs as a FROM item of another module's statement, under `alias`:
 * one row for every unit and each unit at or above it, the unit itself included (unit_closure, see
 * the initial migration). Feeds and syndication join it where a unit stands for its subtree.
 */
export function ancestorPairs(alias: string): { from: string; unit: string; ancestor: string } {
  return { from: `unit_closure ${alias}`, unit: `${alias}.descendant_code`, ancestor: `${alias}.ancestor_code` };
}

/** The codes of the unit `?` and of every unit above it, for `… IN (${UNITS_AT_OR_ABOVE})`. */
export const UNITS_AT_OR_ABOVE = 'SELECT c.ancestor_code FROM unit_closure c WHERE c.descendant_code = ?';

/** Closure rows, ordered by unit and depth, as each unit's lineage (nearest first). */
function lineagesFrom(rows: { code: string; ancestor: string }[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const r of rows) {
    const lineage = found.get(r.code);
    if (lineage) lineage.push(r.ancestor);
    else found.set(r.code, [r.ancestor]);
  }
  return found;
}

/** The administrative hierarchy as one database has it: lineages, subtrees and "is X within Y". */
export class UnitTree {
  constructor(private readonly db: TreeDatabase) {}

  /** Each known unit's lineage: the unit itself, then every unit above it, nearest first. */
  async lineages(codes: readonly string[]): Promise<Map<string, string[]>> {
    const rows: { code: string; ancestor: string }[] = await this.db.query(
      'SELECT descendant_code AS code, ancestor_code AS ancestor FROM unit_closure WHERE descendant_code IN (?) ORDER BY descendant_code, depth',
      [codes],
    );
    return lineagesFrom(rows);
  }

  /** Every unit's lineage (the 2024 map: 11,367 units, ~33,000 closure rows). */
  async allLineages(): Promise<Map<string, string[]>> {
    const rows: { code: string; ancestor: string }[] = await this.db.query(
      'SELECT descendant_code AS code, ancestor_code AS ancestor FROM unit_closure ORDER BY descendant_code, depth',
    );
    return lineagesFrom(rows);
  }

  /** Whether `descendant` is `ancestor` or lies below it. */
  async isWithin(ancestor: string, descendant: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM unit_closure WHERE ancestor_code = ? AND descendant_code = ?', [ancestor, descendant]);
    return rows.length > 0;
  }

  /** Each of `codes` that names a unit, with the units it stands for: itself, or with `withDescendants` its whole subtree. */
  async expand(codes: readonly string[], withDescendants: boolean): Promise<Map<string, string[]>> {
    const expansion = new Map<string, string[]>();
    if (codes.length === 0) return expansion;
    const rows: { target: string; unit: string }[] = withDescendants
      ? await this.db.query('SELECT ancestor_code AS target, descendant_code AS unit FROM unit_closure WHERE ancestor_code IN (?)', [codes])
      : await this.db.query('SELECT code AS target, code AS unit FROM units WHERE code IN (?)', [codes]);
    for (const r of rows) expansion.set(r.target, [...(expansion.get(r.target) ?? []), r.unit]);
    return expansion;
  }

  /** Those of `codes` that are `root` or lie below it. */
  async within(root: string, codes: readonly string[]): Promise<Set<string>> {
    const rows: { code: string }[] = await this.db.query('SELECT descendant_code AS code FROM unit_closure WHERE ancestor_code = ? AND descendant_code IN (?)', [
      root,
      codes,
    ]);
    return new Set(rows.map((r) => r.code));
  }
}

/**
 * Units change with a new administrative map, not during the day: every unit's lineage is loaded at
 * once (one statement, ~33,000 closure rows, ~2 MB) and reloaded this often.
 */
const TREE_TTL_MS = 10 * 60_000;
/** A code missing from the tree is looked up alone (a unit added since) and the answer kept this long. */
const MISSING_TTL_MS = 60_000;
/** Codes missing from the tree (mostly codes of no unit), each remembered for MISSING_TTL_MS. */
const MAX_MISSING = 50_000;

/**
 * Every unit's lineage in memory, for the checks recordVisit makes on every call: once the tree is
 * loaded, asking sends no SQL. Misses from concurrent requests are batched into one statement per
 * tick. Per process.
 */
export class LineageCache {
  /** Every unit's lineage, from the last full load. */
  private tree: Map<string, string[]> | null = null;
  private treeLoadedAt = -Infinity;
  private treeLoading: Promise<void> | null = null;
  /** Codes not in the tree: units added since it was loaded, or (mostly) codes of no unit. */
  private readonly missing: LRUCache<string, { lineage: string[] | null }>;
  /** Reads in the background (tree reloads), billed to no request. */
  private readonly processTree: UnitTree;
  private readonly loader: DataLoader<{ code: string; db: DataSource }, string[] | null>;

  /** `db`: the process's database, for background reloads; `clock`: what the cache's times are read from. */
  constructor(
    db: DataSource,
    private readonly clock: Clock = systemClock,
  ) {
    this.processTree = new UnitTree(db);
    // ttlResolution 0: an injected clock may jump; the time is read at every check.
    this.missing = new LRUCache({ max: MAX_MISSING, ttl: MISSING_TTL_MS, ttlResolution: 0, perf: clock });
    // cache: false: the caches above decide what is remembered and for how long; DataLoader only batches.
    // A batch of several requests' misses is read through (and billed to) the first one's database.
    this.loader = new DataLoader(
      async (keys) => {
        const found = await new UnitTree(keys[0].db).lineages(keys.map((k) => k.code));
        return keys.map((k) => found.get(k.code) ?? null);
      },
      { cache: false, maxBatchSize: 1000 },
    );
  }

  /** The unit and every unit above it, nearest first; null for a code that names no unit. `db`: the asking request's. */
  lineage(code: string, db: DataSource): string[] | null | Promise<string[] | null> {
    const now = this.clock.now();
    if (now - this.treeLoadedAt >= TREE_TTL_MS) {
      // The first load is waited for (and billed to the request); later ones run in the background
      // while the old tree serves, and are retried on the next visit if they fail.
      if (!this.tree) return this.loadTree(now, new UnitTree(db)).then(() => this.lineage(code, db));
      if (!this.treeLoading) void this.loadTree(now, this.processTree).catch(() => undefined);
    }
    const inTree = this.tree!.get(code);
    if (inTree) return inTree;
    const cached = this.missing.get(code);
    if (cached !== undefined) return cached.lineage;
    return this.loader.load({ code, db }).then((lineage) => {
      this.missing.set(code, { lineage });
      return lineage;
    });
  }

  private loadTree(now: number, tree: UnitTree): Promise<void> {
    this.treeLoading ??= tree
      .allLineages()
      .then((lineages) => {
        this.tree = lineages;
        this.treeLoadedAt = now;
      })
      .finally(() => {
        this.treeLoading = null;
      });
    return this.treeLoading;
  }
}
