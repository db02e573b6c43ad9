import { join } from 'node:path';
import {
  CATALOGUE_CORRECTIONS,
  CONVERSION_CORRECTIONS,
  MapUnit,
  NEW_MAP_FROM,
  PROVINCE_RESOLUTION,
  Succession,
  VnAdminFiles,
  VnAdminMaps,
  readVnAdminFiles,
  readVnAdminMaps,
  vnAdminDataDir,
} from '../../seeds/vnAdmin';

/**
 * The reader of Vietnam's two administrative maps (seeds/vnAdmin.ts). Pure: no database. Expected
 * figures come from SOURCES.md (measured by others on the same files) or from facts known by hand
 * (Phát Diệm, the island districts, Ninh Bình absorbing Hà Nam and Nam Định), not from the reader.
 */

const root = join(__dirname, '..', '..');
let files: VnAdminFiles;
let maps: VnAdminMaps;
let unitById: Map<string, MapUnit>;

beforeAll(() => {
  files = readVnAdminFiles();
  maps = readVnAdminMaps(files);
  unitById = new Map(maps.units.map((u) => [u.id, u]));
});

const oldUnits = () => maps.units.filter((u) => u.validTo !== null);
const newUnits = () => maps.units.filter((u) => u.validTo === null);
function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
const successorsOf = (id: string) => maps.successions.filter((s) => s.fromId === id);
const predecessorsOf = (id: string) => maps.successions.filter((s) => s.toId === id);
const newId = (code: string) => `${code}@${NEW_MAP_FROM}`;

/** The files with `from` replaced by `to` in one of them; `from` must occur exactly `times` times, so a test cannot pass on a stale text. */
function mutated(file: keyof VnAdminFiles, from: string, to: string, times = 1): VnAdminFiles {
  const found = files[file].split(from).length - 1;
  if (found !== times) throw new Error(`the test expects '${from}' ${times} time(s) in ${file}, found ${found}`);
  return { ...files, [file]: files[file].split(from).join(to) };
}

describe('the two maps', () => {
  it('the old map has 63 provinces, 696 districts and 10,035 communes (SOURCES.md)', () => {
    expect(countBy(oldUnits(), (u) => u.level)).toEqual({ PROVINCE: 63, DISTRICT: 696, COMMUNE: 10_035 });
  });

  it("the old communes' types: SOURCES.md's 7,695 Xã / 1,724 Phường / 616 Thị trấn, less the three the catalogue's Cấp mislabels Xã", () => {
    // 15061 Thị trấn Ngọc Lặc, 27046 Phường 5 and 27076 Phường 15 (Quận Phú Nhuận) are in the Cấp column as Xã.
    expect(countBy(oldUnits().filter((u) => u.level === 'COMMUNE'), (u) => u.type)).toEqual({ xa: 7_695 - 3, phuong: 1_724 + 2, 'thi-tran': 616 + 1 });
  });

  it('the new map has 34 provinces and 3,321 communes: 2,621 Xã, 687 Phường, 13 Đặc khu, and no district', () => {
    expect(countBy(newUnits(), (u) => u.level)).toEqual({ PROVINCE: 34, COMMUNE: 3_321 });
    expect(countBy(newUnits().filter((u) => u.level === 'COMMUNE'), (u) => u.type)).toEqual({ xa: 2_621, phuong: 687, 'dac-khu': 13 });
  });

  it('provinces are tỉnh or thành phố in both maps; Hà Nội and Hồ Chí Minh are thành phố before and after', () => {
    const provinces = maps.units.filter((u) => u.level === 'PROVINCE');
    expect(new Set(provinces.map((p) => p.type))).toEqual(new Set(['tinh', 'thanh-pho']));
    for (const id of ['01', '79', newId('01'), newId('79')]) expect(unitById.get(id)?.type).toBe('thanh-pho');
  });

  it('the old map lasts until 2025-06-30 from an unrecorded start; the new one from 2025-07-01, open-ended', () => {
    expect(new Set(oldUnits().map((u) => `${u.validFrom}..${u.validTo}`))).toEqual(new Set(['null..2025-06-30']));
    expect(new Set(newUnits().map((u) => `${u.validFrom}..${u.validTo}`))).toEqual(new Set(['2025-07-01..null']));
  });

  it('Thị trấn Phát Diệm (14620) before 1 July 2025: in Huyện Kim Sơn (376), Tỉnh Ninh Bình (37)', () => {
    expect(unitById.get('14620')).toEqual({
      id: '14620',
      code: '14620',
      level: 'COMMUNE',
      type: 'thi-tran',
      name: 'Phát Diệm',
      fullName: 'Thị trấn Phát Diệm',
      slug: 'phat-diem',
      path: 'Thị trấn Phát Diệm, Huyện Kim Sơn, Tỉnh Ninh Bình',
      parentId: '376',
      provinceId: '37',
      validFrom: null,
      validTo: '2025-06-30',
    });
    expect(unitById.get('376')).toMatchObject({ level: 'DISTRICT', type: 'huyen', fullName: 'Huyện Kim Sơn', parentId: '37', provinceId: '37' });
    expect(unitById.get('37')).toMatchObject({ level: 'PROVINCE', type: 'tinh', name: 'Ninh Bình', parentId: null, provinceId: '37' });
  });

  it('Xã Phát Diệm (14620) from 1 July 2025: straight under the new Tỉnh Ninh Bình, no district', () => {
    expect(unitById.get('14620@2025-07-01')).toEqual({
      id: '14620@2025-07-01',
      code: '14620',
      level: 'COMMUNE',
      type: 'xa',
      name: 'Phát Diệm',
      fullName: 'Xã Phát Diệm',
      slug: 'phat-diem',
      path: 'Xã Phát Diệm, Tỉnh Ninh Bình',
      parentId: '37@2025-07-01',
      provinceId: '37@2025-07-01',
      validFrom: '2025-07-01',
      validTo: null,
    });
  });

  it("names are shown as a person writes them: line breaks, doubled spaces and the type word's case cleaned", () => {
    expect(unitById.get(newId('00070'))?.fullName).toBe('Phường Hoàn Kiếm'); // 'Phường \nHoàn Kiếm' in the json
    expect(unitById.get(newId('06325'))?.fullName).toBe('Xã Bắc Sơn'); // 'xã Bắc Sơn'
    expect(unitById.get(newId('31459'))?.fullName).toBe('Xã Vĩnh Tường'); // 'Xã  Vĩnh Tường'
    expect(unitById.get('859')?.fullName).toBe('Huyện Vũng Liêm'); // 'Huyện  Vũng Liêm'
    expect(unitById.get('19306')?.fullName).toBe('Xã Ngư Thủy'); // 'Xã Ngư Thủy '
    expect(unitById.get('15061')?.fullName).toBe('Thị trấn Ngọc Lặc');
    expect(unitById.get('27691')).toMatchObject({ name: '4', fullName: 'Phường 4', slug: '4' });
  });

  it('every name, full name and path is NFC, trimmed, with single spaces and no line break', () => {
    const unclean = maps.units.flatMap((u) => [u.name, u.fullName, u.path]).filter((text) => text !== text.normalize('NFC') || /^\s|\s$|\s\s|[\n\r\t]/.test(text));
    expect(unclean).toEqual([]);
    expect(maps.units.filter((u) => u.fullName !== `${u.fullName.slice(0, -u.name.length - 1)} ${u.name}` || u.name === '')).toEqual([]);
  });

  it('every id is unique, and every code is unique within its map', () => {
    expect(new Set(maps.units.map((u) => u.id)).size).toBe(maps.units.length);
    expect(new Set(oldUnits().map((u) => u.code)).size).toBe(oldUnits().length);
    expect(new Set(newUnits().map((u) => u.code)).size).toBe(newUnits().length);
  });

  it("every parent and province exists, in the same map, and comes before its children; paths follow the parents", () => {
    const seen = new Map<string, MapUnit>();
    const broken: string[] = [];
    for (const unit of maps.units) {
      const parent = unit.parentId === null ? null : seen.get(unit.parentId);
      const province = unit.provinceId === unit.id ? unit : seen.get(unit.provinceId);
      if (unit.parentId !== null && (!parent || parent.validTo !== unit.validTo)) broken.push(`${unit.id}: parent ${unit.parentId}`);
      if (!province || province.level !== 'PROVINCE' || (parent && parent.provinceId !== unit.provinceId)) broken.push(`${unit.id}: province ${unit.provinceId}`);
      if ((unit.level === 'PROVINCE') !== (unit.parentId === null)) broken.push(`${unit.id}: a province without parent, or a parentless non-province`);
      if (unit.path !== (parent ? `${unit.fullName}, ${parent.path}` : unit.fullName)) broken.push(`${unit.id}: path ${unit.path}`);
      seen.set(unit.id, unit);
    }
    expect(broken).toEqual([]);
    const parentLevels = countBy(maps.units.filter((u) => u.parentId), (u) => `${u.validTo ? 'old' : 'new'} ${u.level} → ${unitById.get(u.parentId!)!.level}`);
    expect(parentLevels).toEqual({ 'old DISTRICT → PROVINCE': 696, 'old COMMUNE → DISTRICT': 10_035, 'new COMMUNE → PROVINCE': 3_321 });
  });

  it('the default files are found from the sources and from dist/seeds/ after tsc', () => {
    const dataDir = join(root, 'seeds', 'data', 'vn-admin');
    expect(vnAdminDataDir()).toBe(dataDir);
    expect(vnAdminDataDir(join(root, 'dist', 'seeds'))).toBe(dataDir);
  });
});

describe('the successions of communes', () => {
  it('Xã Phát Diệm took Thị trấn Phát Diệm, Xã Kim Chính and Xã Thượng Kiệm whole, under 1674/NQ-UBTVQH15', () => {
    // Its other predecessor is Huyện Kim Sơn, in part (the district of all three).
    expect(predecessorsOf('14620@2025-07-01').filter((s) => unitById.get(s.fromId)!.level === 'DISTRICT').map((s) => [s.fromId, s.whole])).toEqual([['376', false]]);
    const predecessors = predecessorsOf('14620@2025-07-01')
      .filter((s) => unitById.get(s.fromId)!.level === 'COMMUNE')
      .sort((a, b) => a.fromId.localeCompare(b.fromId));
    expect(predecessors).toEqual(
      ['14620', '14659', '14662'].map((fromId): Succession => ({ fromId, toId: '14620@2025-07-01', whole: true, date: '2025-07-01', resolution: '1674/NQ-UBTVQH15' })),
    );
    expect(predecessors.map((s) => unitById.get(s.fromId)!.fullName)).toEqual(['Thị trấn Phát Diệm', 'Xã Kim Chính', 'Xã Thượng Kiệm']);
  });

  it('a split commune goes in parts to 2 to 5 new ones: Xã Cổ Bi to three, Phường Đại Mỗ to five', () => {
    expect(successorsOf('00553').map((s) => [unitById.get(s.toId)!.fullName, s.whole]).sort()).toEqual([
      ['Phường Phúc Lợi', false],
      ['Xã Gia Lâm', false],
      ['Xã Phù Đổng', false],
    ]);
    const daiMo = maps.units.find((u) => u.fullName === 'Phường Đại Mỗ' && u.validTo)!;
    expect(successorsOf(daiMo.id)).toHaveLength(5);
    expect(successorsOf(daiMo.id).every((s) => !s.whole)).toBe(true);
  });

  it('441 old codes of the table go to several new communes (SOURCES.md); corrected, one fewer is split', () => {
    // The wrong codes 01615 and 02485 each stood for two whole communes; Đặng Xá, once given its own
    // code 00556, is split between Phù Đổng and Thuận An.
    const successorCounts = countBy(maps.successions.filter((s) => unitById.get(s.fromId)!.level === 'COMMUNE'), (s) => s.fromId);
    const split = Object.values(successorCounts).filter((n) => n > 1);
    expect(split.length).toBe(441 - 2 + 1);
    expect(Math.max(...split)).toBe(5);
  });

  it('every old commune has a successor: one that takes it whole, or several that each take a part', () => {
    const byOld = new Map<string, Succession[]>();
    for (const s of maps.successions) byOld.set(s.fromId, [...(byOld.get(s.fromId) ?? []), s]);
    const wrong = oldUnits()
      .filter((u) => u.level === 'COMMUNE')
      .filter((u) => {
        const successors = byOld.get(u.id) ?? [];
        return successors.length === 0 || (successors.length === 1) !== successors[0].whole || successors.some((s) => s.whole !== successors[0].whole);
      });
    expect(wrong.map((u) => u.id)).toEqual([]);
  });

  it('every new unit has a predecessor, and every succession goes from an old unit to a new one on 2025-07-01', () => {
    const succeeded = new Set(maps.successions.map((s) => s.toId));
    expect(newUnits().filter((u) => !succeeded.has(u.id))).toEqual([]);
    const wrong = maps.successions.filter((s) => !unitById.get(s.fromId)?.validTo || unitById.get(s.toId)?.validTo !== null || s.date !== '2025-07-01');
    expect(wrong).toEqual([]);
    expect(new Set(maps.successions.map((s) => `${s.fromId}>${s.toId}`)).size).toBe(maps.successions.length);
  });

  it("a commune's or district's succession carries the new commune's resolution", () => {
    const lower = maps.successions.filter((s) => unitById.get(s.fromId)!.level !== 'PROVINCE');
    expect(lower.filter((s) => !/^\d+\/NQ-UBTVQH15$/.test(s.resolution ?? ''))).toEqual([]);
  });
});

describe('the successions of districts', () => {
  it('the five island districts without communes became đặc khu, whole', () => {
    const islands = ['318', '471', '498', '536', '755'].map((id) => {
      expect(oldUnits().filter((u) => u.parentId === id)).toEqual([]);
      return [unitById.get(id)!.fullName, successorsOf(id).map((s) => [s.toId, unitById.get(s.toId)!.fullName, s.whole])];
    });
    expect(islands).toEqual([
      ['Huyện Bạch Long Vĩ', [['11948@2025-07-01', 'Đặc khu Bạch Long Vĩ', true]]],
      ['Huyện Cồn Cỏ', [['19742@2025-07-01', 'Đặc khu Cồn Cỏ', true]]],
      ['Huyện Hoàng Sa', [['20333@2025-07-01', 'Đặc khu Hoàng Sa', true]]],
      ['Huyện Lý Sơn', [['21548@2025-07-01', 'Đặc khu Lý Sơn', true]]],
      ['Huyện Côn Đảo', [['26732@2025-07-01', 'Đặc khu Côn Đảo', true]]],
    ]);
  });

  it("Huyện Kim Sơn went in parts to the communes that took its communes, and its alluvial area to Xã Kim Đông", () => {
    const successors = successorsOf('376');
    const viaCommunes = new Set(maps.successions.filter((s) => unitById.get(s.fromId)!.parentId === '376').map((s) => s.toId));
    expect(new Set(successors.map((s) => s.toId))).toEqual(new Set([...viaCommunes, '14698@2025-07-01']));
    expect(successors.filter((s) => s.toId === '14698@2025-07-01')).toEqual([
      { fromId: '376', toId: '14698@2025-07-01', whole: false, date: '2025-07-01', resolution: '1674/NQ-UBTVQH15' },
    ]);
    expect(successors.every((s) => !s.whole)).toBe(true);
  });

  it('the alluvial area row makes its new commune a successor of Huyện Kim Sơn, in part (shown by moving it elsewhere)', () => {
    const kimSonSuccessors = new Set(successorsOf('376').map((s) => s.toId));
    const elsewhere = newUnits().find((u) => u.provinceId === '37@2025-07-01' && u.level === 'COMMUNE' && !kimSonSuccessors.has(u.id))!;
    const moved = readVnAdminMaps(mutated('conversionCsv', ',Xã Kim Đông,14698,Khu vực bãi bồi', `,${elsewhere.fullName},${elsewhere.code},Khu vực bãi bồi`));
    expect(moved.successions.filter((s) => s.fromId === '376' && s.toId === elsewhere.id)).toEqual([
      { fromId: '376', toId: elsewhere.id, whole: false, date: '2025-07-01', resolution: '1674/NQ-UBTVQH15' },
    ]);
  });

  it("a district's succession is whole only where it is the district's only one: Huyện Cô Tô became Đặc khu Cô Tô", () => {
    const districtSuccessions = maps.successions.filter((s) => unitById.get(s.fromId)!.level === 'DISTRICT');
    expect(new Set(districtSuccessions.map((s) => s.fromId)).size).toBe(696);
    expect(districtSuccessions.filter((s) => s.whole && successorsOf(s.fromId).length !== 1)).toEqual([]);
    const coTo = maps.units.find((u) => u.fullName === 'Huyện Cô Tô')!;
    expect(successorsOf(coTo.id).map((s) => [unitById.get(s.toId)!.fullName, s.whole])).toEqual([['Đặc khu Cô Tô', true]]);
  });
});

describe('the successions of provinces', () => {
  it('Ninh Bình (37) took Hà Nam (35) and Nam Định (36): three old provinces into the new 37, whole, under 202/2025/QH15', () => {
    expect(predecessorsOf('37@2025-07-01')).toEqual(
      ['35', '36', '37'].map((fromId): Succession => ({ fromId, toId: '37@2025-07-01', whole: true, date: '2025-07-01', resolution: '202/2025/QH15' })),
    );
    expect(['35', '36'].map((id) => unitById.get(id)!.fullName)).toEqual(['Tỉnh Hà Nam', 'Tỉnh Nam Định']);
    expect(PROVINCE_RESOLUTION).toBe('202/2025/QH15');
  });

  it('each of the 63 old provinces went whole into exactly one of the 34 new ones, each of which took at least one', () => {
    const provinceSuccessions = maps.successions.filter((s) => unitById.get(s.fromId)!.level === 'PROVINCE');
    expect(provinceSuccessions).toHaveLength(63);
    expect(new Set(provinceSuccessions.map((s) => s.fromId)).size).toBe(63);
    expect(new Set(provinceSuccessions.map((s) => s.toId)).size).toBe(34);
    expect(provinceSuccessions.every((s) => s.whole && unitById.get(s.toId)!.level === 'PROVINCE')).toBe(true);
  });
});

describe('the known errors of the sources, corrected in code', () => {
  it('every correction was applied', () => {
    expect(maps.corrections).toEqual([...CATALOGUE_CORRECTIONS, ...CONVERSION_CORRECTIONS].map((c) => c.name));
    expect(maps.corrections).toHaveLength(3 + 6);
  });

  it('wrong old codes: Đặng Xá is 00556, Mỹ Hưng 01651, Phú Thịnh 02482, and each has its successor', () => {
    const successorNames = (code: string) => successorsOf(code).map((s) => unitById.get(s.toId)!.fullName).sort();
    expect(unitById.get('00556')!.fullName).toBe('Xã Đặng Xá');
    expect(successorNames('00556')).toEqual(['Xã Phù Đổng', 'Xã Thuận An']);
    expect(unitById.get('01651')!.fullName).toBe('Xã Mỹ Hưng');
    expect(successorsOf('01651').map((s) => [s.toId, s.whole])).toEqual([['01648@2025-07-01', true]]);
    expect(unitById.get('02482')!.fullName).toBe('Xã Phú Thịnh');
    expect(successorsOf('02482').map((s) => [s.toId, s.whole])).toEqual([['02494@2025-07-01', true]]);
    // And the communes whose codes were borrowed keep only their own successors.
    expect(successorsOf('01615').map((s) => s.toId)).toEqual(['01636@2025-07-01']);
    expect(successorsOf('02485').map((s) => s.toId)).toEqual(['02458@2025-07-01']);
  });

  it('wrong old provinces: Phường 4 (27691) of Tân An is in Long An, Xã Tiên Hải (30781) in Kiên Giang, Huyện Cồn Cỏ in Quảng Trị (45)', () => {
    expect(unitById.get('27691')!.path).toBe('Phường 4, Thành phố Tân An, Tỉnh Long An');
    expect(unitById.get('30781')!.path).toBe('Xã Tiên Hải, Thành phố Hà Tiên, Tỉnh Kiên Giang');
    expect(unitById.get('471')!.path).toBe('Huyện Cồn Cỏ, Tỉnh Quảng Trị');
    expect(unitById.get('471')!.provinceId).toBe('45');
  });

  /** Each correction, and the same row as it would read once fixed upstream: then the correction must stop the read. */
  const fixedUpstream: Array<[string, keyof VnAdminFiles, string, string]> = [
    ['Thị trấn Ngọc Lặc (15061): level Xã → Thị trấn', 'communesCsv', '15061,Thị trấn Ngọc Lặc,,Xã,', '15061,Thị trấn Ngọc Lặc,,Thị trấn,'],
    ['Phường 5 (27046): level Xã → Phường', 'communesCsv', '27046,Phường 5,,Xã,', '27046,Phường 5,,Phường,'],
    ['Phường 15 (27076): level Xã → Phường', 'communesCsv', '27076,Phường 15,,Xã,', '27076,Phường 15,,Phường,'],
    ['Xã Đặng Xá: old code 00553 → 00556', 'conversionCsv', 'Xã Thuận An,00562,Xã Đặng Xá,00553,', 'Xã Thuận An,00562,Xã Đặng Xá,00556,'],
    ['Xã Mỹ Hưng: old code 01615 → 01651', 'conversionCsv', 'Xã Phục Hòa,01648,Xã Mỹ Hưng,01615,', 'Xã Phục Hòa,01648,Xã Mỹ Hưng,01651,'],
    ['Xã Phú Thịnh: old code 02485 → 02482', 'conversionCsv', 'Xã Thái Bình,02494,Xã Phú Thịnh,02485,', 'Xã Thái Bình,02494,Xã Phú Thịnh,02482,'],
    ['Phường 4 (27691): old province 82 → 80', 'conversionCsv', 'Thành phố Tân An (794),Tỉnh Tiền Giang (82),', 'Thành phố Tân An (794),Tỉnh Long An (80),'],
    ['Xã Tiên Hải (30781): old province 89 → 91', 'conversionCsv', 'Thành phố Hà Tiên (900),Tỉnh An Giang (89),', 'Thành phố Hà Tiên (900),Tỉnh Kiên Giang (91),'],
    ['Huyện Cồn Cỏ (471): old province 44 → 45', 'conversionCsv', 'Huyện Cồn Cỏ (471),Quảng Trị (44),', 'Huyện Cồn Cỏ (471),Tỉnh Quảng Trị (45),'],
  ];

  it('each correction has a test of its guard', () => {
    expect(fixedUpstream.map(([name]) => name)).toEqual(maps.corrections);
  });

  it.each(fixedUpstream)("'%s' stops the read once the source is fixed", (name, file, wrong, fixed) => {
    expect(() => readVnAdminMaps(mutated(file, wrong, fixed))).toThrow(`correction '${name}' did not apply`);
  });
});

describe('what does not check out stops the read, naming the row or code', () => {
  const kimChinh = 'Tỉnh Ninh Bình (37),Xã Phát Diệm,14620,Xã Kim Chính,14659,Nhập toàn bộ,Huyện Kim Sơn (376),Tỉnh Ninh Bình (37),';

  it('the files as they are read without error', () => {
    expect(() => readVnAdminMaps(files)).not.toThrow();
  });

  it('an old code of the table that is not in the catalogue', () => {
    expect(() => readVnAdminMaps(mutated('conversionCsv', kimChinh, kimChinh.replace('14659', '99999')))).toThrow(
      /line 4727: old code 99999 \('Xã Kim Chính'\) is not in the catalogue/,
    );
  });

  it('a catalogue commune with no successor', () => {
    expect(() => readVnAdminMaps(mutated('conversionCsv', `${kimChinh}\n`, ''))).toThrow('Xã Kim Chính (14659, Xã Kim Chính, Huyện Kim Sơn, Tỉnh Ninh Bình) has no successor');
  });

  it('a new commune with no predecessor', () => {
    const repointed = mutated('conversionCsv', ',Xã Phát Diệm,14620,', ',Xã Kim Đông,14698,', 3);
    expect(() => readVnAdminMaps(repointed)).toThrow('new commune Xã Phát Diệm (14620, Xã Phát Diệm, Tỉnh Ninh Bình) has no predecessor');
  });

  it('a new code of the table that is not in the json', () => {
    expect(() => readVnAdminMaps(mutated('conversionCsv', kimChinh, kimChinh.replace(',14620,', ',99998,')))).toThrow(
      /line 4727: new code 99998 \('Xã Phát Diệm'\) is not in communes-2025-07-01.json/,
    );
  });

  it("an old commune whose province in the table is not the catalogue's", () => {
    expect(() => readVnAdminMaps(mutated('conversionCsv', kimChinh, kimChinh.replace(/\(37\),$/, '(36),')))).toThrow(
      'line 4727: old commune 14659 is in province 36 in the table, 37 in the catalogue',
    );
  });

  it("an old commune whose district in the table is not the catalogue's", () => {
    expect(() => readVnAdminMaps(mutated('conversionCsv', kimChinh, kimChinh.replace('(376)', '(375)')))).toThrow(
      'line 4727: old commune 14659 is in district 375 in the table, 376 in the catalogue',
    );
  });

  it("a new commune whose province in the table is not the json's", () => {
    expect(() => readVnAdminMaps(mutated('conversionCsv', kimChinh, kimChinh.replace(/^Tỉnh Ninh Bình \(37\)/, 'Tỉnh Ninh Bình (36)')))).toThrow(
      'line 4727: new commune 14620 is in province 36@2025-07-01 in the table, 37@2025-07-01 in the json',
    );
  });

  it('a commune whose only successor takes only part of it', () => {
    expect(() => readVnAdminMaps(mutated('conversionCsv', kimChinh, kimChinh.replace('Nhập toàn bộ', 'Nhập một phần')))).toThrow(
      'Xã Kim Chính (14659, Xã Kim Chính, Huyện Kim Sơn, Tỉnh Ninh Bình): its only successor 14620@2025-07-01 takes only part of it',
    );
  });

  it('an unknown note', () => {
    expect(() => readVnAdminMaps(mutated('conversionCsv', kimChinh, kimChinh.replace('Nhập toàn bộ', 'Sáp nhập')))).toThrow("line 4727: unknown note 'Sáp nhập'");
  });

  it('a commune said to go whole to one new commune and in part to others', () => {
    const daiMoToTayMo = /^.*Phường Tây Mỗ,\d+,Phường Đại Mỗ,\d+,Nhập một phần,.*$/m.exec(files.conversionCsv)![0];
    expect(() => readVnAdminMaps(mutated('conversionCsv', daiMoToTayMo, daiMoToTayMo.replace('Nhập một phần', 'Nhập toàn bộ')))).toThrow(/Phường Đại Mỗ .* went to .*, yet whole to/);
  });

  it('a second row for the same old and new commune', () => {
    expect(() => readVnAdminMaps(mutated('conversionCsv', kimChinh, `${kimChinh}\n${kimChinh}`))).toThrow('line 4728: a second row for old 14659 → new 14620');
  });

  it('an old province split between two new ones', () => {
    const toHanoi = kimChinh.replace('Tỉnh Ninh Bình (37),Xã Phát Diệm,14620,', 'Thành phố Hà Nội (01),Phường Ba Đình,00004,');
    expect(() => readVnAdminMaps(mutated('conversionCsv', kimChinh, toHanoi))).toThrow(/Tỉnh Ninh Bình \(37\) went to 2 new provinces \(.*01@2025-07-01.*\), not one/);
  });

  it('a duplicate code within a map', () => {
    const phatDiem = '14620,Thị trấn Phát Diệm,,Thị trấn,376,Huyện Kim Sơn,37,Tỉnh Ninh Bình\n';
    expect(() => readVnAdminMaps(mutated('communesCsv', phatDiem, `${phatDiem}${phatDiem}`))).toThrow("duplicate old commune code 14620: 'Thị trấn Phát Diệm' and 'Thị trấn Phát Diệm'");
    const newPhatDiem = '"code": "14620",';
    expect(() => readVnAdminMaps(mutated('newCommunesJson', newPhatDiem, '"code": "14623",'))).toThrow('duplicate new commune code 14623');
  });

  it('counts other than 63/696/10,035 and 34/3,321', () => {
    const phatDiem = '14620,Thị trấn Phát Diệm,,Thị trấn,376,Huyện Kim Sơn,37,Tỉnh Ninh Bình\n';
    expect(() => readVnAdminMaps(mutated('communesCsv', phatDiem, ''))).toThrow('expected 10035 old communes, found 10034');
    const json = JSON.parse(files.newCommunesJson) as { communes: unknown[] };
    const shorter = JSON.stringify({ ...json, communes: json.communes.slice(1) });
    expect(() => readVnAdminMaps({ ...files, newCommunesJson: shorter })).toThrow('expected 3321 new communes, found 3320');
  });

  it('a row with no new code that is not a province heading', () => {
    expect(() => readVnAdminMaps(mutated('conversionCsv', kimChinh, kimChinh.replace(',14620,', ',,')))).toThrow('line 4727: a row with no new code that is not a province heading');
  });

  it('a row with no old code that is neither an island district nor the alluvial area', () => {
    expect(() => readVnAdminMaps(mutated('conversionCsv', 'Khu vực bãi bồi ven biển do huyện Kim Sơn quản lý', 'Bãi bồi'))).toThrow(
      "no old code, and neither an island district nor Kim Sơn's alluvial area: 'Bãi bồi'",
    );
  });
});
