import { DataSource } from 'typeorm';
import { foldVietnamese } from '../../common/vietnameseText';
import { EntityColumns, entityColumns } from '../../db/entityColumns';
import { inForceOn, Unit, UnitLevel } from './unit.entity';

/** One unit becoming all or part of another (table unit_successions), seen from one of them. */
export interface SuccessionRow {
  /** The other unit: a successor seen from the old unit, a predecessor seen from the new one. */
  unitId: string;
  whole: boolean;
  /** The new unit's first day. */
  date: string;
  resolution: string | null;
}

/** The units in force on `?` (twice), for `… AND ${IN_FORCE}`. */
const IN_FORCE = '(u.valid_from IS NULL OR u.valid_from <= ?) AND (u.valid_to IS NULL OR u.valid_to >= ?)';

/**
 * Which of the units that had a code it names: with `on`, the one in force that day, or none; without,
 * the one in force `today`, else the last one that had it (an old link still finds its unit).
 */
export function unitWithCode<U extends Pick<Unit, 'validFrom' | 'validTo'>>(units: readonly U[], on: string | null, today: string): U | null {
  if (on !== null) return units.find((u) => inForceOn(u, on)) ?? null;
  const current = units.find((u) => inForceOn(u, today));
  if (current) return current;
  const ended = units.filter((u) => u.validTo !== null && u.validTo < today);
  return ended.reduce<U | null>((last, u) => (last === null || u.validTo! > last.validTo! ? u : last), null);
}

/** Reads administrative units, in batches. The tree above and below a unit is unitTree.ts's. */
export class UnitService {
  constructor(private readonly db: DataSource) {}

  /** The entity's columns under `u` (not built with the service: most requests read no unit). */
  private get columns(): EntityColumns<Unit> {
    return entityColumns(this.db, Unit, 'u');
  }

  private async read(where: string, params: unknown[]): Promise<Unit[]> {
    const { select, fromRow } = this.columns;
    const rows: Record<string, unknown>[] = await this.db.query(`SELECT ${select} FROM units u ${where}`, params);
    return rows.map(fromRow);
  }

  async byIds(ids: readonly string[]): Promise<Map<string, Unit>> {
    return new Map((await this.read('WHERE u.id IN (?)', [ids])).map((unit) => [unit.id, unit]));
  }

  /** Every unit that has had each code, oldest first. */
  async byCodes(codes: readonly string[]): Promise<Map<string, Unit[]>> {
    const units = await this.read('WHERE u.code IN (?) ORDER BY u.code, u.valid_from IS NOT NULL, u.valid_from', [codes]);
    return groupBy(units, (u) => u.code);
  }

  /** Direct children of each parent, in code order. */
  async children(parentIds: readonly string[]): Promise<Map<string, Unit[]>> {
    return groupBy(await this.read('WHERE u.parent_id IN (?) ORDER BY u.parent_id, u.code', [parentIds]), (u) => u.parentId!);
  }

  /** Every commune below each unit (through its districts where it has them), in code order. */
  async communesBelow(ids: readonly string[]): Promise<Map<string, Unit[]>> {
    const { select, fromRow } = this.columns;
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT c.ancestor_id AS below, ${select} FROM unit_closure c JOIN units u ON u.id = c.descendant_id
       WHERE c.ancestor_id IN (?) AND u.level = 'COMMUNE' ORDER BY c.ancestor_id, u.code`,
      [ids],
    );
    const found = new Map<string, Unit[]>();
    for (const r of rows) push(found, String(r.below), fromRow(r));
    return found;
  }

  /** The units of a level in force on `day`, in code order. */
  async byLevelOn(level: UnitLevel, day: string): Promise<Unit[]> {
    return this.read(`WHERE u.level = ? AND ${IN_FORCE} ORDER BY u.code`, [level, day, day]);
  }

  /** Each unit's successions: to its successors (`from`) or from its predecessors (`to`), by the other unit's code. */
  async successions(ids: readonly string[], side: 'from' | 'to'): Promise<Map<string, SuccessionRow[]>> {
    const [mine, other] = side === 'from' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
    const rows: { unit: string; other: string; whole: number; date: string; resolution: string | null }[] = await this.db.query(
      `SELECT s.${mine} AS unit, s.${other} AS other, s.whole, s.date, s.resolution FROM unit_successions s JOIN units u ON u.id = s.${other}
       WHERE s.${mine} IN (?) ORDER BY s.${mine}, u.code`,
      [ids],
    );
    const found = new Map<string, SuccessionRow[]>();
    for (const r of rows) push(found, r.unit, { unitId: r.other, whole: Boolean(r.whole), date: r.date, resolution: r.resolution });
    return found;
  }

  /**
   * Units in force on `day` whose full name contains the query, compared folded ('phat diem' finds
   * Phát Diệm, 'da nang' finds Đà Nẵng). Best first: the name itself equals the query, then starts
   * with it, then the rest; larger units before smaller among equals. ~14,000 short rows: a scan of
   * search_name costs a few milliseconds, so no text index is needed here.
   */
  async search(query: string, level: UnitLevel | null, first: number, day: string): Promise<Unit[]> {
    const folded = foldVietnamese(query);
    if (folded === '' || first === 0) return [];
    const like = folded.replace(/[\\%_]/g, (c) => `\\${c}`);
    const { select, fromRow } = this.columns;
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${select},
              CASE WHEN u.search_name = ? OR u.search_name LIKE ? THEN 0 WHEN u.search_name LIKE ? OR u.search_name LIKE ? THEN 1 ELSE 2 END AS rank_group
       FROM units u
       WHERE u.search_name LIKE ? AND ${IN_FORCE} ${level ? 'AND u.level = ?' : ''}
       ORDER BY rank_group, FIELD(u.level, 'PROVINCE', 'DISTRICT', 'COMMUNE'), u.code
       LIMIT ?`,
      [folded, `% ${like}`, `${like}%`, `% ${like}%`, `%${like}%`, day, day, ...(level ? [level] : []), first],
    );
    return rows.map(fromRow);
  }
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function groupBy(units: Unit[], key: (unit: Unit) => string): Map<string, Unit[]> {
  const found = new Map<string, Unit[]>();
  for (const unit of units) push(found, key(unit), unit);
  return found;
}
