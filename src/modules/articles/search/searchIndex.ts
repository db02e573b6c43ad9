import { EntityManager } from 'typeorm';
import { upsertRows } from '../../../common/sql';
import { foldVietnamese } from '../../../common/vietnameseText';
import { searchDocument } from './searchText';

/** An article's search row as upsertRows reads it. */
const SEARCH_DOCUMENT = { article_id: 'INT UNSIGNED', tokens: 'MEDIUMTEXT', title_folded: 'VARCHAR(400)', summary_folded: 'TEXT', body_folded: 'MEDIUMTEXT' };

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

/** An article's id and the text its search row is made of. */
type IndexedText = { id: number; title: string; summary: string | null; body: string };

function searchRows(articles: IndexedText[], fold: (text: string) => string): unknown[][] {
  return articles.map((a) => {
    const d = searchDocument(a, fold);
    return [a.id, d.tokens, d.titleFolded, d.summaryFolded, d.bodyFolded];
  });
}

/** The same, for articles the caller already holds in memory. */
export async function writeSearchDocuments(db: EntityManager, articles: IndexedText[]): Promise<void> {
  if (articles.length === 0) return;
  const update = 'tokens = x.tokens, title_folded = x.title_folded, summary_folded = x.summary_folded, body_folded = x.body_folded';
  await db.query(...upsertRows('article_search', SEARCH_DOCUMENT, update, searchRows(articles, foldVietnamese)));
}

/**
 * The search rows of new articles, which have none yet: a plain INSERT, where the upsert's
 * JSON_TABLE costs MariaDB about twice the time (docs/operations.md). Bulk loads pass a memoizedFold.
 */
export async function insertSearchDocuments(db: EntityManager, articles: IndexedText[], fold = foldVietnamese): Promise<void> {
  if (articles.length === 0) return;
  await db.query(`INSERT INTO article_search (${Object.keys(SEARCH_DOCUMENT).join(', ')}) VALUES ?`, [searchRows(articles, fold)]);
}
