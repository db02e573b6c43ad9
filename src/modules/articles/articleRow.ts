import { Article, ArticleKind } from './article.entity';

/**
 * The article columns of lists (feeds, related), as `a.`-qualified SQL: all but the body, which a
 * list seldom shows and which is most of a row's bytes; Article.body loads it when asked.
 */
export const ARTICLE_LIST_COLUMNS =
  'a.id, a.slug, a.title, a.summary, a.kind, a.origin_code, a.source_id, a.source_url, a.published_at, a.created_at, a.updated_at, a.views';

/** Every column, for one article's page. */
export const ARTICLE_COLUMNS = `${ARTICLE_LIST_COLUMNS}, a.body`;

/** Maps a raw row with ARTICLE_COLUMNS or ARTICLE_LIST_COLUMNS to an Article (raw SQL skips TypeORM's own hydration). */
export function articleFromRow(row: Record<string, unknown>): Article {
  const article = new Article();
  article.id = Number(row.id);
  article.slug = row.slug as string;
  article.title = row.title as string;
  article.summary = (row.summary as string | null) ?? null;
  if (row.body !== undefined) article.body = row.body as string;
  article.kind = row.kind as ArticleKind;
  article.originCode = row.origin_code as string;
  article.sourceId = row.source_id == null ? null : Number(row.source_id);
  article.sourceUrl = (row.source_url as string | null) ?? null;
  article.publishedAt = row.published_at as Date;
  article.createdAt = row.created_at as Date;
  article.updatedAt = row.updated_at as Date;
  article.views = Number(row.views);
  return article;
}
