import DataLoader from 'dataloader';

/** Told the size of every loader batch (for /metrics). */
export type OnBatch = (loader: string, size: number) => void;

/**
 * One request's DataLoader called `name`: every relation a resolver follows goes through one, so a
 * query costs one statement per relation and depth, however many rows it returns. It caches for the
 * request only, so no caller ever sees another's data or a stale row from an earlier request.
 */
export function batchLoader<K, V, C = K>(onBatch: OnBatch, name: string, batch: DataLoader.BatchLoadFn<K, V>, options?: DataLoader.Options<K, V, C>): DataLoader<K, V, C> {
  return new DataLoader<K, V, C>((keys) => {
    onBatch(name, keys.length);
    return batch(keys);
  }, options);
}

/** What `found` holds for each key, in the keys' order (as DataLoader wants), `missing` where it holds nothing. */
export function byKey<K, V>(keys: readonly K[], found: Map<K, V>, missing: V): V[] {
  return keys.map((k) => found.get(k) ?? missing);
}
