import { DataSource } from 'typeorm';
import { foldVietnamese } from '../../common/vietnameseText';
import { EntityColumns, entityColumns } from '../../db/entityColumns';
import { Unit, UnitLevel } from './unit.entity';

/** Reads administrative units, in batches. The tree above and below a unit is unitTree.ts's. */
export class UnitService {
  constructor(private readonly db: DataSource) {}

  /** The entity's columns under `u` (not built with the service: most requests read no unit). */
  private get columns(): EntityColumns<Unit> {
    return entityColumns(this.db, Unit, 'u');
  }

  async byCodes(codes: readonly string[]): Promise<Map<string, Unit>> {
    const { select, fromRow } = this.columns;
    const rows: Record<string, unknown>[] = await this.db.query(`SELECT ${select} FROM units u WHERE u.code IN (?)`, [codes]);
    const units = rows.map(fromRow);
    return new Map(units.map((unit) => [unit.code, unit]));
  }

  /** Direct children of each parent, in code order. */
  async children(parentCodes: readonly string[]): Promise<Map<string, Unit[]>> {
    const { select, fromRow } = this.columns;
    const rows: Record<string, unknown>[] = await this.db.query(`SELECT ${select} FROM units u WHERE u.parent_code IN (?) ORDER BY u.parent_code, u.code`, [
      parentCodes,
    ]);
    const byParent = new Map<string, Unit[]>();
    for (const r of rows) {
      const unit = fromRow(r);
      byParent.set(unit.parentCode!, [...(byParent.get(unit.parentCode!) ?? []), unit]);
    }
    return byParent;
  }

  async byLevel(level: UnitLevel): Promise<Unit[]> {
    const { select, fromRow } = this.columns;
    const rows: Record<string, unknown>[] = await this.db.query(`SELECT ${select} FROM units u WHERE u.level = ? ORDER BY u.code`, [level]);
    return rows.map(fromRow);
  }

  /**
   * Units whose full name contains the query, compared folded ('phat diem' finds Phát Diệm, 'da nang'
   * finds Đà Nẵng). Best first: the name itself equals the query, then starts with it, then the rest;
   * larger units before smaller among equals. 11,367 short rows: a scan of search_name costs a few
   * milliseconds, so no text index is needed here.
   */
  async search(query: string, level: UnitLevel | null, first: number): Promise<Unit[]> {
    const folded = foldVietnamese(query);
    if (folded === '' || first === 0) return [];
    const like = folded.replace(/[\\%_]/g, (c) => `\\${c}`);
    const { select, fromRow } = this.columns;
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${select},
              CASE WHEN u.search_name = ? OR u.search_name LIKE ? THEN 0 WHEN u.search_name LIKE ? OR u.search_name LIKE ? THEN 1 ELSE 2 END AS rank_group
       FROM units u
       WHERE u.search_name LIKE ? ${level ? 'AND u.level = ?' : ''}
       ORDER BY rank_group, FIELD(u.level, 'PROVINCE', 'DISTRICT', 'COMMUNE'), u.code
       LIMIT ?`,
      [folded, `% ${like}`, `${like}%`, `% ${like}%`, `%${like}%`, ...(level ? [level] : []), first],
    );
    return rows.map(fromRow);
  }
}
