import { LocalContentChanges } from '../../src/cache/contentChanges';
import { DataSource } from 'typeorm';
import { entityColumns } from '../../src/db/entityColumns';
import { Article } from '../../src/modules/articles/article.entity';
import { ArticleService } from '../../src/modules/articles/article.service';
import { FeedScope, ArticleOrder } from '../../src/modules/articles/feed.types';
import { FeedService } from '../../src/modules/articles/feed.service';
import { FeedBase, toFeedQuery } from '../../src/modules/articles/feedQuery';
import { Source } from '../../src/modules/sources/source.entity';
import { SourceService } from '../../src/modules/sources/source.service';
import { insertArticles, minutesAfter } from '../helpers/fixtures';
import { createTestDatabase, TestDatabase } from '../helpers/testDatabase';

/**
 * Every column of an article or a source, however it is read (a feed of each kind, related,
 * article(id) and (slug), the loaders' batch reads), is the value stored in MySQL: the columns
 * come from the entities' metadata, so a column added to an entity is checked here too. Once a
 * feed row held `a.source_url` and `s.url AS source_url`, and every article in a feed reported
 * its source's home page as its own link.
 */

let database: TestDatabase;
let db: DataSource;
let ids: number[];
let sourceWithHome: number;
const visibleUntil = minutesAfter(60);

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.dataSource;
  const withHome = (sourceWithHome = Number((await db.query('INSERT INTO sources (name, url, created_at) VALUES (?, ?, ?)', ['Báo Ninh Bình', 'https://baoninhbinh.example/', minutesAfter(-5)])).insertId));
  const withoutHome = Number((await db.query('INSERT INTO sources (name, url, created_at) VALUES (?, NULL, ?)', ['Đài Kim Sơn', minutesAfter(-3)])).insertId);
  ids = await insertArticles(db, [
    { title: 'Thị trấn Bình Minh ra mắt tổ công nghệ số cộng đồng', origin: '14623', publishedAt: minutesAfter(1), topics: ['Chuyển đổi số'], sourceId: withHome, summary: 'Tổ công nghệ số.' },
    { title: 'Huyện Kim Sơn tập huấn dịch vụ công trực tuyến', origin: '14623', publishedAt: minutesAfter(2), topics: ['Chuyển đổi số'], sourceId: withoutHome, shownOn: ['14620'], kind: 'ANNOUNCEMENT' },
    { title: 'Kế hoạch chuyển đổi số năm 2024 của xã', origin: '14620', publishedAt: minutesAfter(3), topics: ['Chuyển đổi số'] },
  ]);
  await db.query('UPDATE articles SET source_url = CONCAT(?, id, ?), views = id * 1000 + 7 WHERE source_id IS NOT NULL', ['https://baoninhbinh.example/tin-tuc/', '.htm']);
  await db.query('UPDATE articles SET updated_at = DATE_ADD(updated_at, INTERVAL 90 SECOND) WHERE id = ?', [ids[2]]);
});
afterAll(() => database.drop());

/** The row as stored, keyed by property (every column TypeORM knows of the entity). */
async function stored<T extends object>(entity: new () => T, table: string, id: number, omit: string[] = []): Promise<Record<string, unknown>> {
  const [row] = await db.query(`SELECT * FROM ${table} WHERE id = ?`, [id]);
  const columns = db.getMetadata(entity).columns.filter((c) => !omit.includes(c.propertyName));
  return Object.fromEntries(columns.map((c) => [c.propertyName, row[c.databaseName]]));
}

async function expectStored(article: Article, { list }: { list: boolean }): Promise<void> {
  expect(article).toBeInstanceOf(Article);
  const expected = await stored(Article, 'articles', article.id, list ? ['body'] : []);
  // A list leaves the body unread (Article.body loads it when asked).
  expect({ ...article }).toEqual(list ? { ...expected } : expected);
  if (list) expect(article.body).toBeUndefined();
}

async function expectSourceStored(source: Source): Promise<void> {
  expect(source).toBeInstanceOf(Source);
  expect({ ...source }).toEqual(await stored(Source, 'sources', source.id));
}

// Bases are thunks: the source's id is known once beforeAll ran.
const feeds: [string, () => FeedBase, ArticleOrder][] = [
  ['all articles', () => ({ kind: 'all' }), ArticleOrder.NEWEST],
  ['a unit', () => ({ kind: 'unit', units: ['14623'], scope: FeedScope.UNIT }), ArticleOrder.NEWEST],
  ['a syndicated unit', () => ({ kind: 'unit', units: ['14620'], scope: FeedScope.UNIT }), ArticleOrder.OLDEST],
  ['a province SUBTREE', () => ({ kind: 'unit', units: ['37'], scope: FeedScope.SUBTREE }), ArticleOrder.NEWEST],
  ['a commune LINEAGE', () => ({ kind: 'unit', units: ['14620'], scope: FeedScope.LINEAGE, lineage: ['14620', '376', '37'] }), ArticleOrder.NEWEST],
  ['a source', () => ({ kind: 'source', id: sourceWithHome }), ArticleOrder.NEWEST],
  ['most viewed', () => ({ kind: 'all' }), ArticleOrder.MOST_VIEWED],
];

describe('every column read is the stored one', () => {
  it.each(feeds)('through a feed: %s', async (_name, base, orderBy) => {
    const [page] = await new FeedService(db).pages([toFeedQuery(base(), { orderBy }, visibleUntil)]);
    expect(page.articles.length).toBeGreaterThan(0);
    for (const article of page.articles) await expectStored(article, { list: true });
    const sourceIds = page.articles.map((a) => a.sourceId).filter((id) => id !== null);
    expect([...page.sources!.keys()].sort()).toEqual([...new Set(sourceIds)].sort());
    for (const source of page.sources!.values()) await expectSourceStored(source);
  });

  it('through a search feed', async () => {
    const [page] = await new FeedService(db).pages([toFeedQuery({ kind: 'all' }, { filter: { search: 'công' }, orderBy: ArticleOrder.RELEVANCE }, visibleUntil)]);
    expect(page.articles.length).toBe(2);
    for (const article of page.articles) await expectStored(article, { list: true });
    expect(page.sources!.size).toBe(2);
    for (const source of page.sources!.values()) await expectSourceStored(source);
  });

  it('through article(id), article(slug) and related', async () => {
    const articles = new ArticleService(db);
    const byId = await articles.byIds(ids, visibleUntil);
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    for (const article of byId.values()) await expectStored(article, { list: false });
    const slugs = [...byId.values()].map((a) => a.slug);
    for (const article of (await articles.bySlugs(slugs, visibleUntil)).values()) await expectStored(article, { list: false });
    const related = await articles.related([{ article: byId.get(ids[0])!, first: 5 }], visibleUntil);
    expect(related[0].length).toBe(2);
    for (const article of related[0]) await expectStored(article, { list: true });
  });

  it("through the source loader's batch read", async () => {
    const [page] = await new FeedService(db).pages([toFeedQuery({ kind: 'all' }, {}, visibleUntil)]);
    const sources = await new SourceService(db, new LocalContentChanges()).byIds([...page.sources!.keys()]);
    expect(sources.size).toBe(2);
    // A feed primes the loader with the sources it read: both ways must give one value.
    for (const [id, source] of sources) {
      await expectSourceStored(source);
      expect(page.sources!.get(id)).toEqual(source);
    }
  });
});

describe('entityColumns', () => {
  it('reads every column under its own alias, so columns of two tables cannot share a name in a row', () => {
    const keys = [entityColumns(db, Article, 'a'), entityColumns(db, Source, 's')].flatMap((c) => c.select.split(', ').map((s) => s.split(' AS ')[1]));
    expect(keys).toContain('`a.source_url`');
    expect(keys).toContain('`s.url`');
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('refuses an alias that is not an SQL identifier', () => {
    expect(() => entityColumns(db, Article, 'a; DROP TABLE articles')).toThrow(/alias/);
  });
});
