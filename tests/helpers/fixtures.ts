import { DataSource } from 'typeorm';
import { slugify } from '../../src/common/vietnameseText';
import { indexArticles } from '../../src/modules/articles/search/searchIndex';
import { rebuildSubtreeFeed } from '../../src/modules/articles/subtreeFeed';

export interface ArticleFixture {
  title: string;
  origin: string;
  publishedAt: Date;
  /** Units the article is syndicated to, besides its origin. */
  shownOn?: string[];
  topics?: string[];
  kind?: 'NEWS' | 'ANNOUNCEMENT' | 'LEGAL_DOCUMENT';
  sourceId?: number | null;
  summary?: string;
}

/** Writes articles the way the gateway stores them (article, publications, topics, subtree feed). */
export async function insertArticles(db: DataSource, fixtures: ArticleFixture[]): Promise<number[]> {
  const ids: number[] = [];
  await db.transaction(async (m) => {
    for (const f of fixtures) {
      const res = await m.query(
        `INSERT INTO articles (slug, title, summary, body, kind, origin_code, source_id, published_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [`${slugify(f.title)}-${Math.random().toString(36).slice(2, 8)}`, f.title, f.summary ?? null, `<p>${f.title}</p>`, f.kind ?? 'NEWS', f.origin, f.sourceId ?? null, f.publishedAt, f.publishedAt, f.publishedAt],
      );
      const id = Number(res.insertId);
      ids.push(id);
      const units = [f.origin, ...(f.shownOn ?? []).filter((u) => u !== f.origin)];
      await m.query('INSERT INTO publications (article_id, unit_code, is_origin, published_at, sort_at) VALUES ?', [
        units.map((u, i) => [id, u, i === 0 ? 1 : 0, f.publishedAt, f.publishedAt]),
      ]);
      for (const topic of f.topics ?? []) {
        await m.query('INSERT IGNORE INTO topics (name, slug) VALUES (?, ?)', [topic, slugify(topic)]);
        await m.query('INSERT INTO article_topics (article_id, topic_id, sort_at) SELECT ?, id, ? FROM topics WHERE slug = ?', [id, f.publishedAt, slugify(topic)]);
      }
    }
    await rebuildSubtreeFeed(m, ids);
    await indexArticles(m, ids);
  });
  return ids;
}

/** An instant n minutes after a fixed base, so fixtures are ordered and stable. */
export function minutesAfter(n: number, base = Date.UTC(2024, 0, 1)): Date {
  return new Date(base + n * 60_000);
}
