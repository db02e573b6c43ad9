import { EntityManager } from 'typeorm';
import { searchDocument } from './searchText';

/**
 * Writes the article_search rows of these articles from their current title, summary and body.
 * Call it in the transaction that changes them: InnoDB applies FULLTEXT changes at commit, so an
 * edit is searchable (and a deleted article gone) as soon as the caller is told it is saved.
 */
export async function indexArticles(db: EntityManager, articleIds: readonly number[]): Promise<void> {
  for (let i = 0; i < articleIds.length; i += 500) {
    const rows: { id: number; title: string; summary: string | null; body: string }[] = await db.query(
      'SELECT id, title, summary, body FROM articles WHERE id IN (?)',
      [articleIds.slice(i, i + 500)],
    );
    await writeSearchDocuments(db, rows);
  }
}

/** The same, for articles the caller already holds in memory (bulk loads). */
export async function writeSearchDocuments(db: EntityManager, articles: { id: number; title: string; summary: string | null; body: string }[]): Promise<void> {
  if (articles.length === 0) return;
  const values = articles.map((a) => {
    const d = searchDocument(a);
    return [a.id, d.tokens, d.titleFolded, d.summaryFolded, d.bodyFolded];
  });
  await db.query(
    `INSERT INTO article_search (article_id, tokens, title_folded, summary_folded, body_folded) VALUES ?
     ON DUPLICATE KEY UPDATE tokens = VALUES(tokens), title_folded = VALUES(title_folded), summary_folded = VALUES(summary_folded), body_folded = VALUES(body_folded)`,
    [values],
  );
}
