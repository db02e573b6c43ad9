import { DataSource } from 'typeorm';
import { entityColumns, EntityColumns } from '../../db/entityColumns';
import { Article } from './article.entity';
import { LegalDocument } from './legalDocument.entity';
import { Publication } from './publication.entity';

/** How many of each topic's newest articles `related` looks at (see related()). */
export const RELATED_CANDIDATES_PER_TOPIC = 500;

/**
 * The article columns of lists (feeds, related) under `a`: all but the body, which a list seldom
 * shows and which is most of a row's bytes; Article.body loads it when asked.
 */
export function articleListColumns(db: DataSource): EntityColumns<Article> {
  return entityColumns(db, Article, 'a', { omit: ['body'] });
}

export interface RelatedRequest {
  article: Article;
  first: number;
}

/** Reads articles and what hangs off them, in batches (every method takes many keys). */
export class ArticleService {
  constructor(private readonly db: DataSource) {}

  /** Visible articles by id; missing and not-yet-published ones are absent from the map. */
  async byIds(ids: readonly number[], visibleUntil: Date): Promise<Map<number, Article>> {
    const columns = entityColumns(this.db, Article, 'a');
    const rows: Record<string, unknown>[] = await this.db.query(`SELECT ${columns.select} FROM articles a WHERE a.id IN (?) AND a.published_at <= ?`, [ids, visibleUntil]);
    return new Map(rows.map((r) => columns.fromRow(r)).map((a) => [a.id, a]));
  }

  async bySlugs(slugs: readonly string[], visibleUntil: Date): Promise<Map<string, Article>> {
    const columns = entityColumns(this.db, Article, 'a');
    const rows: Record<string, unknown>[] = await this.db.query(`SELECT ${columns.select} FROM articles a WHERE a.slug IN (?) AND a.published_at <= ?`, [slugs, visibleUntil]);
    return new Map(rows.map((r) => columns.fromRow(r)).map((a) => [a.slug, a]));
  }

  /** Bodies of articles read for a list (see articleListColumns). */
  async bodies(ids: readonly number[]): Promise<Map<number, string>> {
    const rows: { id: number; body: string }[] = await this.db.query('SELECT id, body FROM articles WHERE id IN (?)', [ids]);
    return new Map(rows.map((r) => [r.id, r.body]));
  }

  /** The particulars of legal documents; articles without them are absent from the map. */
  async documents(articleIds: readonly number[]): Promise<Map<number, LegalDocument>> {
    const columns = entityColumns(this.db, LegalDocument, 'd');
    const rows: Record<string, unknown>[] = await this.db.query(`SELECT ${columns.select} FROM legal_documents d WHERE d.article_id IN (?)`, [articleIds]);
    return new Map(rows.map((r) => columns.fromRow(r)).map((d) => [d.articleId, d]));
  }

  /** Topic names of each article, alphabetical. */
  async topics(articleIds: readonly number[]): Promise<Map<number, string[]>> {
    const rows: { article_id: number; name: string }[] = await this.db.query(
      'SELECT t.article_id, tp.name FROM article_topics t JOIN topics tp ON tp.id = t.topic_id WHERE t.article_id IN (?) ORDER BY tp.name',
      [articleIds],
    );
    const byArticle = new Map<number, string[]>();
    for (const r of rows) byArticle.set(r.article_id, [...(byArticle.get(r.article_id) ?? []), r.name]);
    return byArticle;
  }

  /** Where each article is shown: the origin first, then by when each unit started showing it. */
  async publications(articleIds: readonly number[]): Promise<Map<number, Publication[]>> {
    const rows: { article_id: number; unit_id: string; is_origin: number; published_at: Date; sort_at: Date }[] = await this.db.query(
      `SELECT article_id, unit_id, is_origin, published_at, sort_at FROM publications
       WHERE article_id IN (?) ORDER BY article_id, is_origin DESC, published_at, unit_id`,
      [articleIds],
    );
    const byArticle = new Map<number, Publication[]>();
    for (const r of rows) {
      const p = Object.assign(new Publication(), {
        articleId: r.article_id,
        unitId: r.unit_id,
        isOrigin: r.is_origin === 1,
        publishedAt: r.published_at,
        sortAt: r.sort_at,
      });
      byArticle.set(r.article_id, [...(byArticle.get(r.article_id) ?? []), p]);
    }
    return byArticle;
  }

  /**
   * 'Bài liên quan': articles sharing the most topics with each given article, newest first among
   * equals; what is left of `first` is filled with the newest articles of the same origin. Never
   * the article itself, never an article not yet published.
   *
   * Candidates are each shared topic's RELATED_CANDIDATES_PER_TOPIC newest articles, read off the
   * (topic_id, sort_at) index: a popular topic has tens of thousands of articles at a million, and
   * counting shared topics over all of them for every article page is not worth it. An old article
   * that shares every topic can therefore lose to a recent one that shares fewer.
   *
   * Two statements for any number of articles: topic matches, then the origin fallback.
   */
  async related(requests: readonly RelatedRequest[], visibleUntil: Date, onTopics: (topicIds: number[]) => void = () => {}): Promise<Article[][]> {
    const limit = Math.max(...requests.map((r) => r.first));
    if (limit === 0) return requests.map(() => []);
    // Several requests may name one article (related(first: 3) and related(first: 10) in one query).
    const articles = new Map(requests.map((r) => [r.article.id, r.article]));
    const ids = [...articles.keys()];
    const byTopics = await this.relatedByTopics(ids, limit, visibleUntil, onTopics);

    const needs = new Map<number, number>();
    for (const r of requests) {
      const missing = r.first - (byTopics.get(r.article.id)?.length ?? 0);
      if (missing > 0) needs.set(r.article.id, Math.max(needs.get(r.article.id) ?? 0, missing));
    }
    const byOrigin = needs.size === 0 ? new Map<number, Article[]>() : await this.newestOfSameOrigin(needs, articles, byTopics, visibleUntil);
    return requests.map((r) => [...(byTopics.get(r.article.id) ?? []), ...(byOrigin.get(r.article.id) ?? [])].slice(0, r.first));
  }

  /** Up to `limit` articles per given article, by shared topics then newest (see related()). */
  private async relatedByTopics(ids: number[], limit: number, visibleUntil: Date, onTopics: (topicIds: number[]) => void): Promise<Map<number, Article[]>> {
    const found = new Map<number, Article[]>();
    const topicRows: { topic_id: number }[] = await this.db.query('SELECT DISTINCT topic_id FROM article_topics WHERE article_id IN (?)', [ids]);
    onTopics(topicRows.map((t) => Number(t.topic_id)));
    if (topicRows.length === 0) return found;
    const branches = topicRows
      .map(() => '(SELECT topic_id, article_id, sort_at FROM article_topics WHERE topic_id = ? AND sort_at <= ? ORDER BY sort_at DESC, article_id DESC LIMIT ?)')
      .join(' UNION ALL ');
    const params: unknown[] = topicRows.flatMap((t) => [t.topic_id, visibleUntil, RELATED_CANDIDATES_PER_TOPIC]);
    const columns = articleListColumns(this.db);
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT r.for_id, ${columns.select} FROM (
         SELECT s.article_id AS for_id, cand.article_id AS id,
                ROW_NUMBER() OVER (PARTITION BY s.article_id ORDER BY COUNT(*) DESC, MAX(cand.sort_at) DESC, cand.article_id DESC) AS rn
         FROM article_topics s
         JOIN (${branches}) cand ON cand.topic_id = s.topic_id AND cand.article_id <> s.article_id
         WHERE s.article_id IN (?)
         GROUP BY s.article_id, cand.article_id
       ) r JOIN articles a ON a.id = r.id
       WHERE r.rn <= ?
       ORDER BY r.for_id, r.rn`,
      [...params, ids, limit],
    );
    for (const row of rows) found.set(Number(row.for_id), [...(found.get(Number(row.for_id)) ?? []), columns.fromRow(row)]);
    return found;
  }

  /** The newest articles of each article's origin, skipping the article and what topics found. */
  private async newestOfSameOrigin(
    needs: Map<number, number>,
    articles: Map<number, Article>,
    exclude: Map<number, Article[]>,
    visibleUntil: Date,
  ): Promise<Map<number, Article[]>> {
    const wanted = [...needs.entries()];
    const columns = articleListColumns(this.db);
    const sql = wanted
      .map(() => `(SELECT ? AS for_id, ${columns.select} FROM articles a WHERE a.origin_id = ? AND a.published_at <= ? AND a.id NOT IN (?) ORDER BY a.published_at DESC, a.id DESC LIMIT ?)`)
      .join(' UNION ALL ');
    const params = wanted.flatMap(([id, need]) => [id, articles.get(id)!.originId, visibleUntil, [id, ...(exclude.get(id) ?? []).map((a) => a.id)], need]);
    const rows: Record<string, unknown>[] = await this.db.query(sql, params);
    const found = new Map<number, Article[]>();
    for (const row of rows) found.set(Number(row.for_id), [...(found.get(Number(row.for_id)) ?? []), columns.fromRow(row)]);
    for (const list of found.values()) list.sort((x, y) => y.publishedAt.getTime() - x.publishedAt.getTime() || y.id - x.id);
    return found;
  }
}
