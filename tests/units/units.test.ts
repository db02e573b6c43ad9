import { readVnAdminMaps } from '../../seeds/vnAdmin';
import { startTestServer, TestServer } from '../helpers/testServer';

// The statistics office's files, as seeds/vnAdmin.ts reads them (checked against the files
// themselves in vnAdmin.test.ts), are the reference the database and the API must reproduce.
const maps = readVnAdminMaps();
const byId = new Map(maps.units.map((u) => [u.id, u]));
const NEW = (code: string) => `${code}@2025-07-01`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const countBy = (rows: any[], key: (r: any) => string) => rows.reduce((n, r) => ({ ...n, [key(r)]: (n[key(r)] ?? 0) + Number(r.n) }), {} as Record<string, number>);

describe('both maps, as the statistics office publishes them', () => {
  it('has 63 provinces, 696 districts and 10,035 communes until 2025-06-30, and 34 provinces and 3,321 communes from 2025-07-01', async () => {
    const rows = await server.db.dataSource.query('SELECT level, type, valid_from, valid_to, COUNT(*) AS n FROM units GROUP BY level, type, valid_from, valid_to');
    const old = rows.filter((r: any) => r.valid_from === null && r.valid_to === '2025-06-30');
    const current = rows.filter((r: any) => r.valid_from === '2025-07-01' && r.valid_to === null);
    expect(old.length + current.length).toBe(rows.length);
    expect(countBy(old, (r) => r.level)).toEqual({ PROVINCE: 63, DISTRICT: 696, COMMUNE: 10_035 });
    expect(countBy(current, (r) => r.level)).toEqual({ PROVINCE: 34, COMMUNE: 3_321 });
    expect(countBy(current.filter((r: any) => r.level === 'COMMUNE'), (r) => r.type)).toEqual({ xa: 2_621, phuong: 687, 'dac-khu': 13 });
    expect(countBy(old.filter((r: any) => r.level === 'COMMUNE'), (r) => r.type)).toEqual({ xa: 7_692, phuong: 1_726, 'thi-tran': 617 });
  });

  it('stores every unit and every succession exactly as read from the files', async () => {
    const units: any[] = await server.db.dataSource.query(
      'SELECT id, code, level, type, name, full_name, slug, path, parent_id, province_id, valid_from, valid_to FROM units ORDER BY id',
    );
    const expected = maps.units
      .map((u) => ({ id: u.id, code: u.code, level: u.level, type: u.type, name: u.name, full_name: u.fullName, slug: u.slug, path: u.path, parent_id: u.parentId, province_id: u.provinceId, valid_from: u.validFrom, valid_to: u.validTo }))
      .sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(units).toEqual(expected);
    const successions: any[] = await server.db.dataSource.query('SELECT from_id, to_id, whole, date, resolution FROM unit_successions ORDER BY from_id, to_id');
    expect(successions.map((s) => [s.from_id, s.to_id, Boolean(s.whole), s.date, s.resolution])).toEqual(
      maps.successions.map((s) => [s.fromId, s.toId, s.whole, s.date, s.resolution]).sort((x, y) => (`${x[0]} ${x[1]}` < `${y[0]} ${y[1]}` ? -1 : 1)),
    );
  });
});

describe('units on a timeline, through GraphQL', () => {
  const UNIT_FIELDS = '__typename id code fullName level type path validFrom validTo parent { id }';

  it('province 37 is the new Tỉnh Ninh Bình today, without districts, with its 129 communes in code order; the old one on 2025-06-30', async () => {
    const res = await server.gql(`{
      today: province(code: "37") { ${UNIT_FIELDS} districts { code } communes { id code }
        predecessors { unit { id fullName } whole date resolution } successors { unit { id } } }
      old: province(code: "37", on: "2025-06-30") { ${UNIT_FIELDS} districts { id code } successors { unit { id } whole date resolution } } }`);
    expect(res.errors).toBeUndefined();
    const { today, old } = res.data;
    expect(today).toMatchObject({ __typename: 'Province', id: NEW('37'), code: '37', fullName: 'Tỉnh Ninh Bình', level: 'PROVINCE', validFrom: '2025-07-01', validTo: null, parent: null, districts: [], successors: [] });
    const communes = maps.units.filter((u) => u.provinceId === NEW('37') && u.level === 'COMMUNE').sort((x, y) => x.code.localeCompare(y.code));
    expect(communes).toHaveLength(129);
    expect(today.communes.map((c: any) => c.id)).toEqual(communes.map((c) => c.id));
    expect(today.predecessors).toEqual(
      [['35', 'Tỉnh Hà Nam'], ['36', 'Tỉnh Nam Định'], ['37', 'Tỉnh Ninh Bình']].map(([id, fullName]) => ({ unit: { id, fullName }, whole: true, date: '2025-07-01', resolution: '202/2025/QH15' })),
    );
    expect(old).toMatchObject({ id: '37', validFrom: null, validTo: '2025-06-30', successors: [{ unit: { id: NEW('37') }, whole: true, date: '2025-07-01', resolution: '202/2025/QH15' }] });
    const districts = maps.units.filter((u) => u.parentId === '37').map((u) => u.code).sort();
    expect(districts.length).toBeGreaterThanOrEqual(7);
    expect(old.districts.map((d: any) => d.code)).toEqual(districts);
  });

  it('14620 is Thị trấn Phát Diệm until 2025-06-30 and Xã Phát Diệm from 2025-07-01, which Kim Chính and Thượng Kiệm joined, whole', async () => {
    const fields = `${UNIT_FIELDS} district { code } province { id }`;
    const res = await server.gql(`{
      last: commune(code: "14620", on: "2025-06-30") { ${fields} successors { unit { id } whole date resolution } }
      first: commune(code: "14620", on: "2025-07-01") { id }
      today: commune(code: "14620") { ${fields} predecessors { unit { id code fullName } whole date resolution } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.last).toMatchObject({
      id: '14620', fullName: 'Thị trấn Phát Diệm', type: 'thi-tran', path: 'Thị trấn Phát Diệm, Huyện Kim Sơn, Tỉnh Ninh Bình', validTo: '2025-06-30',
      district: { code: '376' }, province: { id: '37' }, parent: { id: '376' },
      successors: [{ unit: { id: NEW('14620') }, whole: true, date: '2025-07-01', resolution: '1674/NQ-UBTVQH15' }],
    });
    expect(res.data.first).toEqual({ id: NEW('14620') });
    expect(res.data.today).toMatchObject({
      __typename: 'Commune', id: NEW('14620'), fullName: 'Xã Phát Diệm', type: 'xa', path: 'Xã Phát Diệm, Tỉnh Ninh Bình', validFrom: '2025-07-01', validTo: null,
      district: null, province: { id: NEW('37') }, parent: { id: NEW('37') },
    });
    // The three communes went in whole; Huyện Kim Sơn, whose communes they were, in part.
    expect(res.data.today.predecessors.map((p: any) => [p.unit.id, p.unit.fullName, p.whole, p.date, p.resolution])).toEqual([
      ['14620', 'Thị trấn Phát Diệm', true, '2025-07-01', '1674/NQ-UBTVQH15'],
      ['14659', 'Xã Kim Chính', true, '2025-07-01', '1674/NQ-UBTVQH15'],
      ['14662', 'Xã Thượng Kiệm', true, '2025-07-01', '1674/NQ-UBTVQH15'],
      ['376', 'Huyện Kim Sơn', false, '2025-07-01', '1674/NQ-UBTVQH15'],
    ]);
  });

  it('a commune split between several new ones has a succession to each, not whole', async () => {
    const successorsOf = new Map<string, string[]>();
    for (const s of maps.successions) if (byId.get(s.fromId)!.level === 'COMMUNE') successorsOf.set(s.fromId, [...(successorsOf.get(s.fromId) ?? []), s.toId]);
    const [split, into] = [...successorsOf].find(([, to]) => to.length >= 2 && to.length <= 5)!;
    const res = await server.gql(`query($id: ID!) { unitById(id: $id) { code successors { unit { id __typename } whole } } }`, { id: split });
    expect(res.data.unitById.successors).toEqual([...into].sort((x, y) => byId.get(x)!.code.localeCompare(byId.get(y)!.code)).map((id) => ({ unit: { id, __typename: 'Commune' }, whole: false })));
  });

  it('an island district became a đặc khu, a commune-level unit directly under its province', async () => {
    const res = await server.gql(`{ district(code: "318") { fullName validTo successors { unit { __typename id fullName type level ... on Commune { district { code } province { code } } } whole } } }`);
    expect(res.data.district).toEqual({
      fullName: 'Huyện Bạch Long Vĩ', validTo: '2025-06-30',
      successors: [{ unit: { __typename: 'Commune', id: NEW('11948'), fullName: 'Đặc khu Bạch Long Vĩ', type: 'dac-khu', level: 'COMMUNE', district: null, province: { code: '31' } }, whole: true }],
    });
  });

  it('without `on`, a code finds the unit in force today, else the last one that had it; with `on`, only a unit in force that day', async () => {
    const res = await server.gql(`{
      a: district(code: "376") { id validTo } b: district(code: "376", on: "2025-07-01") { id } c: district(code: "376", on: "2025-06-30") { id }
      d: commune(code: "14659") { id validTo successors { unit { id } } } e: commune(code: "14659", on: "2025-07-01") { id }
      f: unit(code: "14620", on: "2020-01-01") { id } g: province(code: "35") { id validTo } h: province(code: "35", on: "2026-12-31") { id } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      a: { id: '376', validTo: '2025-06-30' }, b: null, c: { id: '376' },
      d: { id: '14659', validTo: '2025-06-30', successors: [{ unit: { id: NEW('14620') } }] }, e: null,
      // The old map's units have no recorded first day: in force on any day before their last.
      f: { id: '14620' },
      g: { id: '35', validTo: '2025-06-30' }, h: null,
    });
  });

  it('lists the provinces of a day: 34 today and from 2025-07-01, 63 on 2025-06-30', async () => {
    const res = await server.gql('{ today: provinces { id } first: provinces(on: "2025-07-01") { id } last: provinces(on: "2025-06-30") { id code } }');
    const ids = (on: 'old' | 'new') => maps.units.filter((u) => u.level === 'PROVINCE' && (on === 'old') === (u.validTo !== null)).map((u) => u.id).sort();
    expect(res.data.today.map((p: any) => p.id)).toEqual(ids('new'));
    expect(res.data.first).toEqual(res.data.today);
    expect(res.data.today).toHaveLength(34);
    expect(res.data.last.map((p: any) => p.id)).toEqual(ids('old'));
    expect(res.data.last).toHaveLength(63);
  });

  it('finds any unit by id, in force or not; an unknown or malformed id is null', async () => {
    const res = await server.gql(`{ a: unitById(id: "14620") { fullName } b: unitById(id: "14620@2025-07-01") { fullName } c: unitById(id: "14620@2024-01-01") { id }
      d: unitById(id: "14620@x") { id } e: unitById(id: "") { id } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: { fullName: 'Thị trấn Phát Diệm' }, b: { fullName: 'Xã Phát Diệm' }, c: null, d: null, e: null });
  });

  it('refuses a malformed or impossible `on` as BAD_USER_INPUT', async () => {
    for (const on of ['2025-02-30', '2025-13-01', '30/06/2025', 'today', '']) {
      const res = await server.gql('query($on: Date) { provinces(on: $on) { id } }', { on });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.data).toBeUndefined();
    }
  });

  it('finds any unit by code with its own type, and only the right level by level', async () => {
    const res = await server.gql(`{ a: unit(code: "01") { __typename id } b: unit(code: "001") { __typename code } c: unit(code: "00004") { __typename id }
      d: province(code: "376") { code } e: district(code: "14620") { code } f: commune(code: "37") { code } }`);
    expect(res.data).toEqual({
      a: { __typename: 'Province', id: NEW('01') }, b: { __typename: 'District', code: '001' }, c: { __typename: 'Commune', id: NEW('00004') },
      d: null, e: null, f: null,
    });
  });

  it('answers null, not an error, for codes that name nothing', async () => {
    const res = await server.gql(`{ a: unit(code: "99999") { code } b: province(code: "") { code } c: commune(code: "1' OR '1'='1") { code } d: district(code: "0000000000001") { code } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: null, b: null, c: null, d: null });
  });
});

describe('searchUnits', () => {
  const search = async (query: string, extra = '') =>
    (await server.gql(`query($q: String!) { searchUnits(query: $q${extra}) { __typename code fullName } }`, { q: query })).data.searchUnits as any[];

  it('matches case- and diacritic-insensitively, among the units in force on `on` (today by default)', async () => {
    for (const q of ['phat diem', 'Phát Diệm', 'PHÁT DIỆM', 'phát diem']) {
      expect((await search(q)).map((u) => u.fullName)).toEqual(['Xã Phát Diệm']);
      expect((await search(q, ', on: "2025-06-30"')).map((u) => u.fullName)).toEqual(['Thị trấn Phát Diệm']);
    }
  });

  it('treats đ as d', async () => {
    const units = await search('da nang', ', level: PROVINCE');
    expect(units[0]).toEqual({ __typename: 'Province', code: '48', fullName: 'Thành phố Đà Nẵng' });
    expect((await search('Đà Nẵng', ', level: PROVINCE'))[0].code).toBe('48');
  });

  it('puts exact names first and larger units before smaller', async () => {
    expect((await search('ninh binh'))[0]).toEqual({ __typename: 'Province', code: '37', fullName: 'Tỉnh Ninh Bình' });
    const units = await search('kim son', ', on: "2025-06-30"');
    expect(units[0]).toEqual({ __typename: 'District', code: '376', fullName: 'Huyện Kim Sơn' });
    expect(units.slice(1).every((u) => u.__typename === 'Commune')).toBe(true);
  });

  it('respects level and first', async () => {
    const units = await search('an', ', level: COMMUNE, first: 7');
    expect(units).toHaveLength(7);
    expect(units.every((u) => u.__typename === 'Commune')).toBe(true);
  });

  it('refuses an empty query and first out of range, and finds nothing for LIKE wildcards', async () => {
    const empty = await server.gql('{ searchUnits(query: "  ") { code } }');
    expect(empty.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const many = await server.gql('{ searchUnits(query: "an", first: 101) { code } }');
    expect(many.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toEqual([]);
  });
});
