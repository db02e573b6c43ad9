import { readThrough } from '../../cache/caches';
import { DataCache } from '../../cache/dataCache';
import { batchLoader, byKey } from '../../common/loaders';
import type { Services } from '../../services';
import type { SourceLoaders } from '../sources/source.loaders';
import type { UnitLoaders } from '../units/unit.loaders';
import { Article } from './article.entity';
import { RelatedRequest } from './article.service';
import { FeedPage } from './feed.service';
import { LegalDocument } from './legalDocument.entity';
import { feedCountKey, feedPageKey, FeedQuery, feedQueryTags } from './feedQuery';
import { articleTag, shownOn, slugTag, sourceTag, Tag, topicTag } from '../../cache/contentTags';
import { Publication } from './publication.entity';

const relatedKey = (r: RelatedRequest) => `${r.article.id}:${r.first}`;

/**
 * Articles, their feeds and what hangs off them, as visible until `visibleUntil`. Content as
 * anonymous readers see it is the same for all of them, so it may come from the shared caches; key
 * holders also see scheduled articles, so theirs is always read. An anonymous request's loaders
 * note the tags of what they read in `answerTags` (cache/contentTags.ts), its answer's tags: a feed
 * its feed's tags and its articles' sources, an article asked for by id or slug its own. What hangs
 * off an article (body, topics, related …) needs no tag of its own: an article reached through a
 * feed is covered by the feed's tags (a change to it drops every feed that shows it), one reached
 * by id by its own.
 */
export function articleLoaders(
  { articles, feeds, caches, onBatch }: Services,
  visibleUntil: Date,
  answerTags: Set<Tag> | undefined,
  { source, unit }: { source: SourceLoaders['source']; unit: UnitLoaders['unit'] },
) {
  const anonymous = answerTags !== undefined;
  const note = (tags: Iterable<Tag>) => {
    if (answerTags) for (const tag of tags) answerTags.add(tag);
  };
  const noteArticles = (ids: readonly number[]) => {
    if (answerTags) for (const id of ids) answerTags.add(articleTag(id));
  };
  const noteFeed = (query: FeedQuery, page?: FeedPage) => {
    if (!answerTags) return;
    note(feedQueryTags(query));
    for (const a of page?.articles ?? []) if (a.sourceId !== null) answerTags.add(sourceTag(a.sourceId));
  };
  return {
    article: batchLoader<number, Article | null>(onBatch, 'article', async (ids) => {
      noteArticles(ids);
      return byKey(ids, await readThrough(anonymous ? caches.articles : null, ids, (missing) => articles.byIds(missing, visibleUntil)), null);
    }),
    articleBySlug: batchLoader<string, Article | null>(onBatch, 'article_by_slug', async (slugs) => {
      const found = byKey(slugs, await articles.bySlugs(slugs, visibleUntil), null);
      note(slugs.map(slugTag));
      noteArticles(found.flatMap((a) => (a ? [a.id] : [])));
      return found;
    }),
    articleBody: batchLoader<number, string>(onBatch, 'article_body', async (ids) => byKey(ids, await articles.bodies(ids), '')),
    topics: batchLoader<number, string[]>(onBatch, 'topics', async (ids) => byKey(ids, await articles.topics(ids), [])),
    legalDocument: batchLoader<number, LegalDocument | null>(onBatch, 'legal_document', async (ids) => byKey(ids, await articles.documents(ids), null)),
    publications: batchLoader<number, Publication[]>(onBatch, 'publications', async (ids) => byKey(ids, await articles.publications(ids), [])),
    // Related articles share a topic with one, else are the newest of its origin: a change to an
    // article of those topics or shown there (which a retitled related article is) may change them.
    related: batchLoader<RelatedRequest, Article[], string>(
      onBatch,
      'related',
      async (requests) => {
        const lists = await articles.related(requests, visibleUntil, (topicIds) => note(topicIds.map((id) => topicTag(String(id)))));
        note(requests.map((r) => shownOn(r.article.originId)));
        return lists;
      },
      { cacheKeyFn: relatedKey },
    ),
    feedPage: batchLoader<FeedQuery, FeedPage, string>(onBatch, 'feed_page', async (queries) => {
      const pages = await cachedFeeds(anonymous ? caches.feedPages : null, queries, feedPageKey, (q) => feeds.pages(q));
      queries.forEach((query, i) => noteFeed(query, pages[i]));
      // Feed statements read the articles' sources and origins too: Article.source and .origin then cost nothing.
      for (const page of pages) {
        for (const [id, found] of page.sources ?? []) source.prime(id, found);
        for (const [id, found] of page.origins ?? []) unit.prime(id, found);
      }
      return pages;
    }, {
      cacheKeyFn: feedPageKey,
      // Every commune of a province in one statement: the largest of the map from 2025-07-01 has
      // 168 (Thành phố Hồ Chí Minh); each feed is one UNION ALL branch per unit of its history.
      maxBatchSize: 200,
    }),
    feedCount: batchLoader<FeedQuery, number, string>(onBatch, 'feed_count', async (queries) => {
      queries.forEach((query) => noteFeed(query));
      return cachedFeeds(anonymous ? caches.feedCounts : null, queries, feedCountKey, (q) => feeds.counts(q));
    }, {
      cacheKeyFn: feedCountKey,
      maxBatchSize: 500,
    }),
  };
}

/** Feed reads keyed by their query: the shared cache answers what it can, one batch reads the rest. */
async function cachedFeeds<V extends {}>(
  cache: DataCache<string, V> | null,
  queries: readonly FeedQuery[],
  key: (q: FeedQuery) => string,
  read: (queries: FeedQuery[]) => Promise<V[]>,
): Promise<V[]> {
  const keys = queries.map(key);
  const byQueryKey = new Map(keys.map((k, i) => [k, queries[i]]));
  const found = await readThrough(
    cache,
    [...byQueryKey.keys()],
    async (missing) => {
      const values = await read(missing.map((k) => byQueryKey.get(k)!));
      return new Map(missing.map((k, i) => [k, values[i]]));
    },
    (k) => feedQueryTags(byQueryKey.get(k)!),
  );
  return keys.map((k) => found.get(k)!);
}
