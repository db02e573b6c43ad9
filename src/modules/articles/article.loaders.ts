import { readThrough } from '../../cache/caches';
import { DataCache } from '../../cache/dataCache';
import { batchLoader, byKey } from '../../common/loaders';
import type { Services } from '../../services';
import type { SourceLoaders } from '../sources/source.loaders';
import { Article } from './article.entity';
import { RelatedRequest } from './article.service';
import { FeedPage } from './feed.service';
import { LegalDocument } from './legalDocument.entity';
import { feedCountKey, feedPageKey, FeedQuery } from './feedQuery';
import { Publication } from './publication.entity';

const relatedKey = (r: RelatedRequest) => `${r.article.id}:${r.first}`;

/**
 * Articles, their feeds and what hangs off them, as visible until `visibleUntil`. Content as
 * anonymous readers see it is the same for all of them, so it may come from the shared caches; key
 * holders also see scheduled articles, so theirs is always read.
 */
export function articleLoaders({ articles, feeds, caches, onBatch }: Services, visibleUntil: Date, anonymous: boolean, source: SourceLoaders['source']) {
  return {
    article: batchLoader<number, Article | null>(onBatch, 'article', async (ids) =>
      byKey(ids, await readThrough(anonymous ? caches.articles : null, ids, (missing) => articles.byIds(missing, visibleUntil)), null),
    ),
    articleBySlug: batchLoader<string, Article | null>(onBatch, 'article_by_slug', async (slugs) => byKey(slugs, await articles.bySlugs(slugs, visibleUntil), null)),
    articleBody: batchLoader<number, string>(onBatch, 'article_body', async (ids) => byKey(ids, await articles.bodies(ids), '')),
    topics: batchLoader<number, string[]>(onBatch, 'topics', async (ids) => byKey(ids, await articles.topics(ids), [])),
    legalDocument: batchLoader<number, LegalDocument | null>(onBatch, 'legal_document', async (ids) => byKey(ids, await articles.documents(ids), null)),
    publications: batchLoader<number, Publication[]>(onBatch, 'publications', async (ids) => byKey(ids, await articles.publications(ids), [])),
    related: batchLoader<RelatedRequest, Article[], string>(onBatch, 'related', (requests) => articles.related(requests, visibleUntil), { cacheKeyFn: relatedKey }),
    feedPage: batchLoader<FeedQuery, FeedPage, string>(onBatch, 'feed_page', async (queries) => {
      const pages = await cachedFeeds(anonymous ? caches.feedPages : null, queries, feedPageKey, (q) => feeds.pages(q));
      // Feed statements read the articles' sources too: Article.source then costs nothing.
      for (const page of pages) for (const [id, found] of page.sources ?? []) source.prime(id, found);
      return pages;
    }, {
      cacheKeyFn: feedPageKey,
      // Every commune of a province in one statement: the largest of the map from 2025-07-01 has
      // 168 (Thành phố Hồ Chí Minh); each feed is one UNION ALL branch per unit of its history.
      maxBatchSize: 200,
    }),
    feedCount: batchLoader<FeedQuery, number, string>(onBatch, 'feed_count', (queries) => cachedFeeds(anonymous ? caches.feedCounts : null, queries, feedCountKey, (q) => feeds.counts(q)), {
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
  const found = await readThrough(cache, [...byQueryKey.keys()], async (missing) => {
    const values = await read(missing.map((k) => byQueryKey.get(k)!));
    return new Map(missing.map((k, i) => [k, values[i]]));
  });
  return keys.map((k) => found.get(k)!);
}
