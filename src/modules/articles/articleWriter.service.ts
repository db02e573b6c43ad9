import { GraphQLError } from 'graphql';
import { EntityManager } from 'typeorm';
import { isDuplicateKey } from '../../common/databaseErrors';
import { badUserInput, notFound } from '../../common/errors';
import { wholeSeconds } from '../../db/datetime';
import { Database, withTransaction } from '../../db/transaction';
import { ArticleKind } from './article.entity';
import { ArticleChanges, ArticleDraft, DocumentDraft, slugFromTitle } from './articleInput';
import { insertLegalDocuments } from './legalDocuments';
import { ArticleText, publishChange, publishNew } from './publishing';
import { ContentChanges } from '../../cache/contentChanges';
import { articlesChanged, articlesLeaving } from './articleChanges';

function slugTaken(slug: string): GraphQLError {
  return badUserInput(`input.slug "${slug}" is taken`, 'input.slug');
}

/** Where an article was written: what permission checks need before anything changes. */
export interface ArticleOrigin {
  id: number;
  originId: string;
}

interface LockedArticle extends ArticleOrigin, ArticleText {
  kind: ArticleKind;
  publishedAt: Date;
}

/**
 * Creates, changes and deletes articles. Each call is one transaction covering the article and
 * what publishing.ts keeps in step with it, so a refused or failed call leaves nothing
 * half-written; given a transaction already open, it joins it (db/transaction.ts). Callers check
 * permissions first (see keys/access.ts); the `authorize` callback runs inside the transaction,
 * after the article row is locked. What each change touches is announced as it commits
 * (articleChanges.ts), so cached answers that showed it are dropped, and only those.
 */
export class ArticleWriter {
  constructor(
    private readonly db: Database,
    private readonly changes: ContentChanges,
  ) {}

  /**
   * READ COMMITTED: when a concurrent create takes the slug first, the next look for a free one must
   * see it (REPEATABLE READ would keep showing the slug free, as at the transaction's first read).
   */
  /** `originId`: the unit in force that draft.originCode names (units/unitLookup.ts's unitInForce). */
  async create(draft: ArticleDraft, originId: string, at: Date): Promise<number> {
    const now = wholeSeconds(at);
    return withTransaction(
      this.db,
      async (m) => {
        await this.assertReferences(m, draft);
        const publishedAt = draft.publishedAt ?? now;
        const id = await this.insertWithFreeSlug(m, draft, originId, publishedAt, now);
        if (draft.document) await this.saveDocument(m, id, draft.document);
        await publishNew(m, { id, originId, sourceId: draft.sourceId, publishedAt, topics: draft.topics, title: draft.title, summary: draft.summary, body: draft.body });
        articlesChanged(m, this.changes, [id]);
        return id;
      },
      { isolation: 'READ COMMITTED' },
    );
  }

  /**
   * Inserts the article row under its slug: the one asked for, refused if taken, or the first free
   * one from its title. Two creates may both find the same slug free; the unique index lets one
   * through, and the other (only told once the first committed, so it sees it) takes the next.
   * A failed INSERT undoes only itself, so the transaction goes on.
   */
  private async insertWithFreeSlug(m: EntityManager, draft: ArticleDraft, originId: string, publishedAt: Date, now: Date): Promise<number> {
    let lost: string | null = null;
    for (;;) {
      const slug = draft.slug ?? (await this.freeSlug(m, slugFromTitle(draft.title)));
      if (draft.slug && (await m.query('SELECT 1 FROM articles WHERE slug = ?', [draft.slug])).length > 0) throw slugTaken(draft.slug);
      // The slug just lost looking free again would mean the read does not see the winner: stop rather than loop.
      if (slug === lost) throw new Error(`slug ${slug} is taken but reads as free`);
      try {
        const result = await m.query(
          `INSERT INTO articles (slug, title, summary, body, kind, origin_id, source_id, source_url, published_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [slug, draft.title, draft.summary, draft.body, draft.kind, originId, draft.sourceId, draft.sourceUrl, publishedAt, now, now],
        );
        return Number(result.insertId);
      } catch (error) {
        if (!isDuplicateKey(error, 'ux_articles_slug')) throw error;
        if (draft.slug) throw slugTaken(draft.slug);
        lost = slug;
      }
    }
  }

  async update(id: number, changes: ArticleChanges, at: Date, authorize: (a: ArticleOrigin) => Promise<void>): Promise<void> {
    const now = wholeSeconds(at);
    await withTransaction(this.db, async (m) => {
      const article = await this.lock(m, id);
      await authorize(article);
      await this.assertReferences(m, changes);
      // A new source or new topics take the article out of what the old ones list.
      if (changes.sourceId !== undefined || changes.topics !== undefined) await articlesLeaving(m, this.changes, [id]);
      articlesChanged(m, this.changes, [id]);
      const kind = changes.kind ?? article.kind;
      if (changes.document && kind !== ArticleKind.LEGAL_DOCUMENT) throw badUserInput(`input.document is only for kind LEGAL_DOCUMENT, not ${kind}`, 'input.document');
      if (kind === ArticleKind.LEGAL_DOCUMENT && article.kind !== kind && !changes.document) {
        throw badUserInput('input.document is required when kind becomes LEGAL_DOCUMENT', 'input.document');
      }
      if (changes.document) await this.saveDocument(m, id, changes.document);
      else if (article.kind === ArticleKind.LEGAL_DOCUMENT && kind !== ArticleKind.LEGAL_DOCUMENT) await m.query('DELETE FROM legal_documents WHERE article_id = ?', [id]);
      const columns: Record<string, unknown> = {
        title: changes.title,
        summary: changes.summary,
        body: changes.body,
        kind: changes.kind,
        source_id: changes.sourceId,
        source_url: changes.sourceUrl,
        published_at: changes.publishedAt,
      };
      const set = Object.entries(columns).filter(([, v]) => v !== undefined);
      await m.query(`UPDATE articles SET ${[...set.map(([c]) => `${c} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`, [...set.map(([, v]) => v), now, id]);

      const textChanged = changes.title !== undefined || changes.summary !== undefined || changes.body !== undefined;
      await publishChange(m, id, {
        publishedAt: changes.publishedAt ?? article.publishedAt,
        moved: Boolean(changes.publishedAt),
        topics: changes.topics,
        text: textChanged ? { title: changes.title ?? article.title, summary: changes.summary === undefined ? article.summary : changes.summary, body: changes.body ?? article.body } : undefined,
        sourceId: changes.sourceId,
      });
    });
  }

  /** Deletes the article and, by cascade, every publication and feed row; false if there is none. */
  async delete(id: number, authorize: (a: ArticleOrigin) => Promise<void>): Promise<boolean> {
    return withTransaction(this.db, async (m) => {
      const rows = await m.query('SELECT id, origin_id FROM articles WHERE id = ? FOR UPDATE', [id]);
      if (rows.length === 0) return false;
      await authorize({ id, originId: rows[0].origin_id });
      await articlesLeaving(m, this.changes, [id]);
      await m.query('DELETE FROM articles WHERE id = ?', [id]);
      return true;
    });
  }

  /** The article's row, locked: who may change it, and what an update keeps of it. */
  private async lock(m: EntityManager, id: number): Promise<LockedArticle> {
    const rows = await m.query('SELECT origin_id, kind, title, summary, body, published_at FROM articles WHERE id = ? FOR UPDATE', [id]);
    if (rows.length === 0) throw notFound(`there is no article ${id}`);
    const [row] = rows;
    return { id, originId: row.origin_id, kind: row.kind, title: row.title, summary: row.summary, body: row.body, publishedAt: row.published_at };
  }

  /**
   * Writes an article's particulars, replacing any it had. A number already used by the same issuer
   * (both folded) on another article is refused, naming that article. The locking read sees what
   * concurrent writers committed and holds the key, and the unique index settles what it cannot.
   */
  private async saveDocument(m: EntityManager, articleId: number, d: DocumentDraft): Promise<void> {
    const taken = async () => {
      const rows: { article_id: number; number: string; issuer: string; title: string }[] = await m.query(
        `SELECT d.article_id, d.number, d.issuer, a.title FROM legal_documents d JOIN articles a ON a.id = d.article_id
         WHERE d.issuer_key = ? AND d.number_key = ? AND d.article_id <> ? FOR UPDATE`,
        [d.issuerKey, d.numberKey, articleId],
      );
      if (rows.length === 0) return null;
      const [first] = rows;
      return badUserInput(
        `input.document.number: ${first.number} of ${first.issuer} is already article ${first.article_id} ("${first.title}")`,
        'input.document.number',
      );
    };
    const refusal = await taken();
    if (refusal) throw refusal;
    await m.query('DELETE FROM legal_documents WHERE article_id = ?', [articleId]);
    try {
      await insertLegalDocuments(m, [{ articleId, document: d }]);
    } catch (error) {
      if (!isDuplicateKey(error, 'ux_legal_documents_issuer_number')) throw error;
      throw (await taken()) ?? badUserInput(`input.document.number: ${d.number} of ${d.issuer} is already taken`, 'input.document.number');
    }
  }

  /** The origin needs no check: it is a unit the caller found in force, and units are never deleted. */
  private async assertReferences(m: EntityManager, draft: Partial<ArticleDraft>): Promise<void> {
    if (draft.sourceId != null && (await m.query('SELECT 1 FROM sources WHERE id = ?', [draft.sourceId])).length === 0) {
      throw badUserInput(`input.sourceId: there is no source ${draft.sourceId}`, 'input.sourceId');
    }
  }

  /** `base`, or `base-2`, `base-3` … whichever is free; insertWithFreeSlug settles a race for it. */
  private async freeSlug(m: EntityManager, base: string): Promise<string> {
    const rows: { slug: string }[] = await m.query('SELECT slug FROM articles WHERE slug = ? OR slug LIKE ?', [base, `${base}-%`]);
    const taken = new Set(rows.map((r) => r.slug));
    if (!taken.has(base)) return base;
    let n = 2;
    while (taken.has(`${base}-${n}`)) n++;
    return `${base}-${n}`;
  }
}
