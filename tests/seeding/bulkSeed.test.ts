import { DEFAULT_ARTICLES_END, seedBulkArticles } from '../../seeds/bulk';
import { MapUnit, NEW_MAP_FROM, readVnAdminMaps } from '../../seeds/vnAdmin';
import { vietnamDay } from '../../src/common/vietnamDay';
import { createTestDatabase, TestDatabase } from '../helpers/testDatabase';
import { indexArticles } from '../../src/modules/articles/search/searchIndex';

/**
 * `npm run seed -- --articles N [--articles-end DAY]`: an article dated on the old map (to
 * 2025-06-30 in Vietnam) is on old units, a later one on the new map's, and every copy on a unit in
 * force on the copy's day. Checked against the statistics office's files, not the units table.
 */

const maps = readVnAdminMaps();
const unitsById = new Map<string, MapUnit>(maps.units.map((u) => [u.id, u]));
const successorsOf = new Map<string, string[]>();
for (const s of maps.successions) successorsOf.set(s.fromId, [...(successorsOf.get(s.fromId) ?? []), s.toId].sort());

const inForce = (id: string, day: string) => {
  const u = unitsById.get(id)!;
  return (u.validFrom === null || u.validFrom <= day) && (u.validTo === null || u.validTo >= day);
};

interface Row {
  id: number;
  title: string;
  summary: string;
  originId: string;
  publishedAt: Date;
}
interface Copy {
  articleId: number;
  unitId: string;
  publishedAt: Date;
}

async function seeded(end?: string) {
  const db = await createTestDatabase();
  await seedBulkArticles(db.dataSource, { articles: 3000, end });
  const articles: Row[] = await db.dataSource.query('SELECT id, title, summary, origin_id AS originId, published_at AS publishedAt FROM articles ORDER BY id');
  const copies: Copy[] = await db.dataSource.query('SELECT article_id AS articleId, unit_id AS unitId, published_at AS publishedAt FROM publications');
  return { db, articles, copies };
}

describe.each([
  ['the default end (the reference year, to 2025-06-30)', undefined],
  ['an end a year into the new map', '2026-06-30'],
])('bulk articles with %s', (_name, end) => {
  let db: TestDatabase;
  let articles: Row[];
  let copies: Copy[];
  beforeAll(async () => {
    ({ db, articles, copies } = await seeded(end));
  }, 120_000);
  afterAll(() => db?.drop());

  it('dates every article in the 365 days that end with the end day', () => {
    const last = new Date(`${end ?? DEFAULT_ARTICLES_END}T23:59:59Z`).getTime();
    expect(articles).toHaveLength(3000);
    for (const a of articles) {
      expect(a.publishedAt.getTime()).toBeLessThanOrEqual(last);
      expect(a.publishedAt.getTime()).toBeGreaterThan(last - 365 * 86_400_000);
    }
  });

  it('puts each article on a unit in force on its day, on the new map from 2025-07-01, and names that unit', () => {
    for (const a of articles) {
      const day = vietnamDay(a.publishedAt.getTime());
      const origin = unitsById.get(a.originId)!;
      expect({ id: a.id, day, origin: a.originId, inForce: inForce(a.originId, day) }).toEqual({ id: a.id, day, origin: a.originId, inForce: true });
      expect(origin.validFrom === NEW_MAP_FROM).toBe(day >= NEW_MAP_FROM);
      expect(a.title.endsWith(` tại ${origin.fullName}`)).toBe(true);
      expect(a.summary).toContain(origin.fullName.charAt(0).toLowerCase() + origin.fullName.slice(1));
    }
  });

  it('writes the search documents the gateway writes for the same text (its fold is remembered per word)', async () => {
    const documents = async () => db.dataSource.query('SELECT article_id, tokens, title_folded, summary_folded, body_folded FROM article_search ORDER BY article_id');
    const seeded = await documents();
    expect(seeded).toHaveLength(articles.length);
    await db.dataSource.query('DELETE FROM article_search');
    await indexArticles(db.dataSource.manager, articles.map((a) => a.id));
    expect(await documents()).toEqual(seeded);
  });

  it('shows every copy on a unit in force on the copy’s day', () => {
    for (const c of copies) {
      const day = vietnamDay(c.publishedAt.getTime());
      expect({ ...c, day, inForce: inForce(c.unitId, day) }).toEqual({ ...c, day, inForce: true });
    }
  });
});

it('a new-map article goes where its old-map draw went: the drawn unit’s successor', async () => {
  // Same seed, same draws: article i of the two runs drew the same origin; the later run's is its successor.
  const [before, after] = [await seeded(), await seeded('2026-06-30')];
  try {
    const newMap = after.articles.filter((a) => vietnamDay(a.publishedAt.getTime()) >= NEW_MAP_FROM);
    expect(newMap.length).toBeGreaterThan(2000);
    const drawn = new Map(before.articles.map((a) => [a.id, a.originId]));
    for (const a of newMap) {
      const old = drawn.get(a.id)!;
      // The reference's draws pick old units; a drawn unit that the old run already placed on the new map (its last 7 hours) is a successor itself.
      const expected = unitsById.get(old)!.validFrom === NEW_MAP_FROM ? old : successorsOf.get(old)![0] /* the first by id */;
      expect({ id: a.id, origin: a.originId }).toEqual({ id: a.id, origin: expected });
    }
  } finally {
    await before.db.drop();
    await after.db.drop();
  }
}, 240_000);
