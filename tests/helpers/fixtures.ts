import { DataSource } from 'typeorm';
import { slugify } from '../../src/common/vietnameseText';
import { withTransaction } from '../../src/db/transaction';
import { publishNew, syndicate } from '../../src/modules/articles/publishing';

export interface ArticleFixture {
  title: string;
  origin: string;
  publishedAt: Date;
  /** Units the article is syndicated to, besides its origin (shown there since it was published). */
  shownOn?: string[];
  topics?: string[];
  kind?: 'NEWS' | 'ANNOUNCEMENT' | 'LEGAL_DOCUMENT';
  sourceId?: number | null;
  summary?: string;
}

/** Writes articles the way the gateway stores them: the article row, then the publishing rules. */
export async function insertArticles(db: DataSource, fixtures: ArticleFixture[]): Promise<number[]> {
  return withTransaction(db, async (m) => {
    const ids: number[] = [];
    for (const f of fixtures) {
      const text = { title: f.title, summary: f.summary ?? null, body: `<p>${f.title}</p>` };
      const res = await m.query(
        `INSERT INTO articles (slug, title, summary, body, kind, origin_id, source_id, published_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [`${slugify(f.title)}-${Math.random().toString(36).slice(2, 8)}`, text.title, text.summary, text.body, f.kind ?? 'NEWS', f.origin, f.sourceId ?? null, f.publishedAt, f.publishedAt, f.publishedAt],
      );
      const id = Number(res.insertId);
      ids.push(id);
      const topics = (f.topics ?? []).map((name) => ({ name, slug: slugify(name) }));
      await publishNew(m, { id, originId: f.origin, sourceId: f.sourceId ?? null, publishedAt: f.publishedAt, topics, ...text });
      const shownOn = (f.shownOn ?? []).filter((u) => u !== f.origin);
      if (shownOn.length > 0) await syndicate(m, [id], shownOn, f.publishedAt);
    }
    return ids;
  });
}

/** An instant n minutes after a fixed base, so fixtures are ordered and stable. */
export function minutesAfter(n: number, base = Date.UTC(2024, 0, 1)): Date {
  return new Date(base + n * 60_000);
}

/** A unit as the edge and tag tests name it: its id (what fixtures write) and its code (what queries ask). */
export interface UnitRef {
  id: string;
  code: string;
}

/**
 * Units in force today that tests of what an edit touches use: Xã Phát Diệm, the next commune of
 * the same province, that province (the new Tỉnh Ninh Bình), and a commune of Hà Nội (another province).
 */
export async function neighbourhood(db: DataSource): Promise<{ phatDiem: UnitRef; neighbour: UnitRef; province: UnitRef; haNoiCommune: UnitRef }> {
  const [phatDiem] = await db.query("SELECT id, code, parent_id FROM units WHERE code = '14620' AND valid_to IS NULL");
  const [neighbour] = await db.query('SELECT id, code FROM units WHERE parent_id = ? AND id <> ? AND valid_to IS NULL ORDER BY code LIMIT 1', [phatDiem.parent_id, phatDiem.id]);
  const [province] = await db.query('SELECT id, code FROM units WHERE id = ?', [phatDiem.parent_id]);
  const [haNoiCommune] = await db.query("SELECT u.id, u.code FROM units u JOIN units p ON p.id = u.parent_id WHERE p.code = '01' AND p.valid_to IS NULL AND u.valid_to IS NULL ORDER BY u.code LIMIT 1");
  return { phatDiem: { id: phatDiem.id, code: phatDiem.code }, neighbour, province, haNoiCommune };
}
