import { readThrough } from '../../cache/caches';
import { batchLoader, byKey } from '../../common/loaders';
import type { Services } from '../../services';
import { Source } from './source.entity';

/** A source looks the same to every caller, so key holders read it through the shared cache too. */
export function sourceLoaders({ sources, caches, onBatch }: Services) {
  return {
    source: batchLoader<number, Source | null>(onBatch, 'source', async (ids) => byKey(ids, await readThrough(caches.sources, ids, (missing) => sources.byIds(missing)), null)),
  };
}

export type SourceLoaders = ReturnType<typeof sourceLoaders>;
