import { DataSource } from 'typeorm';
import { foldVietnamese } from '../../common/vietnameseText';
import { Unit, UnitLevel } from './unit.entity';

const UNIT_COLUMNS = 'code, level, type, name, full_name, slug, path, parent_code, province_code';

function unitFromRow(row: Record<string, unknown>): Unit {
  return Object.assign(new Unit(), {
    code: row.code as string,
    level: row.level as UnitLevel,
    type: row.type as string,
    name: row.name as string,
    fullName: row.full_name as string,
    slug: row.slug as string,
    path: row.path as string,
    parentCode: (row.parent_code as string | null) ?? null,
    provinceCode: row.province_code as string,
  });
}

/** Reads administrative units, in batches. */
export class UnitService {
  constructor(private readonly db: DataSource) {}

  async byCodes(codes: readonly string[]): Promise<Map<string, Unit>> {
    const rows = await this.db.query(`SELECT ${UNIT_COLUMNS} FROM units WHERE code IN (?)`, [codes]);
    return new Map(rows.map((r: Record<string, unknown>) => [r.code as string, unitFromRow(r)]));
  }

  /** Direct children of each parent, in code order. */
  async children(parentCodes: readonly string[]): Promise<Map<string, Unit[]>> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${UNIT_COLUMNS} FROM units WHERE parent_code IN (?) ORDER BY parent_code, code`,
      [parentCodes],
    );
    const byParent = new Map<string, Unit[]>();
    for (const r of rows) {
      const unit = unitFromRow(r);
      byParent.set(unit.parentCode!, [...(byParent.get(unit.parentCode!) ?? []), unit]);
    }
    return byParent;
  }

  async byLevel(level: UnitLevel): Promise<Unit[]> {
    const rows = await this.db.query(`SELECT ${UNIT_COLUMNS} FROM units WHERE level = ? ORDER BY code`, [level]);
    return rows.map(unitFromRow);
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
    const rows = await this.db.query(
      `SELECT ${UNIT_COLUMNS},
              CASE WHEN search_name = ? OR search_name LIKE ? THEN 0 WHEN search_name LIKE ? OR search_name LIKE ? THEN 1 ELSE 2 END AS rank_group
       FROM units
       WHERE search_name LIKE ? ${level ? 'AND level = ?' : ''}
       ORDER BY rank_group, FIELD(level, 'PROVINCE', 'DISTRICT', 'COMMUNE'), code
       LIMIT ?`,
      [folded, `% ${like}`, `${like}%`, `% ${like}%`, `%${like}%`, ...(level ? [level] : []), first],
    );
    return rows.map(unitFromRow);
  }

  /** Whether `descendant` is `ancestor` or lies below it. */
  async isWithin(ancestor: string, descendant: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM unit_closure WHERE ancestor_code = ? AND descendant_code = ?', [ancestor, descendant]);
    return rows.length > 0;
  }
}
