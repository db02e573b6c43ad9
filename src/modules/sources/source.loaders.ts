import { readThrough } from '../../cache/caches';
import { batchLoader, byKey } from '../../common/loaders';
import type { Services } from '../../services';
import { Source } from './source.entity';
import { sourceTag, Tag } from '../../cache/contentTags';

/**
 * A source looks the same to every caller, so key holders read it through the shared cache too.
 * `answerTags`: an anonymous answer's tags (context.ts), noted for what it reads.
 */
export function sourceLoaders({ sources, caches, onBatch }: Services, answerTags: Set<Tag> | undefined) {
  return {
    source: batchLoader<number, Source | null>(onBatch, 'source', async (ids) => {
      if (answerTags) for (const id of ids) answerTags.add(sourceTag(id));
      return byKey(ids, await readThrough(caches.sources, ids, (missing) => sources.byIds(missing)), null);
    }),
  };
}

export type SourceLoaders = ReturnType<typeof sourceLoaders>;
