import { EntityManager } from 'typeorm';
import { ContentChanges, PendingChange } from '../../cache/contentChanges';
import { ALL_FEED, articleTag, shownOn, slugTag, sourceFeed, subtreeOf, Tag, topicTag } from '../../cache/contentTags';
import { commitHook, CommitHook } from '../../db/transaction';
import { ancestorPairs } from '../units/unitTree';

/*
 * What an article write touches, as tags (cache/contentTags.ts): every feed that shows or showed
 * the article (the units it is or was shown on, and the units above them for SUBTREE feeds), its
 * source's feed, its topics (related articles), its slug, itself, and the feed of all articles.
 * Read from MySQL inside the write's transaction, so it is what the write found and left: before
 * the change for what it may take away (a withdrawal, a deletion, a new source or topics), and as
 * the change commits for what it adds.
 */

const closure = ancestorPairs('c');
/** Facts of the articles `IN (?)` as they are now, one row each: what their tags are made of. */
const ARTICLE_FACTS = `
  SELECT 'shown' AS fact, p.article_id AS article_id, p.unit_id AS value FROM publications p WHERE p.article_id IN (?)
  UNION SELECT 'subtree', p.article_id, ${closure.ancestor} FROM publications p JOIN ${closure.from} ON ${closure.unit} = p.unit_id WHERE p.article_id IN (?)
  UNION ALL SELECT 'source', a.id, a.source_id FROM articles a WHERE a.id IN (?) AND a.source_id IS NOT NULL
  UNION ALL SELECT 'slug', a.id, a.slug FROM articles a WHERE a.id IN (?)
  UNION ALL SELECT 'topic', t.article_id, t.topic_id FROM article_topics t WHERE t.article_id IN (?)`;

const TAG_OF_FACT: Record<string, (value: string) => Tag> = { shown: shownOn, subtree: subtreeOf, source: sourceFeed, slug: slugTag, topic: topicTag };

/** The tags of the articles `ids` as they are now (one statement). */
export async function tagsOfArticles(m: EntityManager, ids: readonly number[]): Promise<Tag[]> {
  const rows: { fact: string; value: string | number }[] = await m.query(ARTICLE_FACTS, [ids, ids, ids, ids, ids]);
  return [ALL_FEED, ...ids.map(articleTag), ...rows.map((row) => TAG_OF_FACT[row.fact](String(row.value)))];
}

/** The content a transaction changes: announced before its COMMIT, and done after (ContentChanges). */
class ContentChangeHook implements CommitHook {
  private readonly tags = new Set<Tag>();
  /** Articles whose tags are read as the transaction commits. */
  private readonly changedArticles = new Set<number>();
  private pending: PendingChange | null = null;

  constructor(private readonly changes: ContentChanges) {}

  add(tags: Iterable<Tag>): void {
    for (const tag of tags) this.tags.add(tag);
  }

  addArticles(ids: readonly number[]): void {
    for (const id of ids) this.changedArticles.add(id);
  }

  async beforeCommit(m: EntityManager): Promise<void> {
    if (this.changedArticles.size > 0) this.add(await tagsOfArticles(m, [...this.changedArticles]));
    this.pending = await this.changes.begin([...this.tags]);
  }

  async afterCommit(): Promise<void> {
    await this.pending?.done();
  }

  async afterRollback(): Promise<void> {
    // Begun and then rolled back (or its COMMIT unanswered): nothing may stay held.
    await this.pending?.done();
  }
}

function hookOf(m: EntityManager, changes: ContentChanges): ContentChangeHook {
  const hook = commitHook(m, ContentChangeHook, () => new ContentChangeHook(changes));
  // Articles are written in a transaction (db/transaction.ts's withTransaction) or not at all.
  if (!hook) throw new Error('content changes are written inside withTransaction');
  return hook;
}

/**
 * Articles this transaction is about to change in a way that can take them off feeds (a deletion,
 * a withdrawal, a new source or topics): their tags as they are now. One statement.
 */
export async function articlesLeaving(m: EntityManager, changes: ContentChanges, ids: readonly number[]): Promise<void> {
  if (ids.length > 0) hookOf(m, changes).add(await tagsOfArticles(m, ids));
}

/** Articles this transaction creates or changes: their tags as they are when it commits (one statement then, for all of them). */
export function articlesChanged(m: EntityManager, changes: ContentChanges, ids: readonly number[]): void {
  if (ids.length > 0) hookOf(m, changes).addArticles(ids);
}

/**
 * Other content a write changes (a source): these tags, announced as the transaction `m` writes in
 * commits, or at once when `m` is in none (the write is committed already).
 */
export async function contentChanged(m: EntityManager, changes: ContentChanges, tags: readonly Tag[]): Promise<void> {
  const hook = commitHook(m, ContentChangeHook, () => new ContentChangeHook(changes));
  if (hook) hook.add(tags);
  else await (await changes.begin(tags)).done();
}
