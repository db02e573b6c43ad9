import { Tag } from './contentTags';

/** The tags of each kept thing (answer, cache entry), and the things of each tag: what a change drops. */
export class TagIndex<K> {
  private readonly byTag = new Map<Tag, Set<K>>();
  private readonly byKey = new Map<K, readonly Tag[]>();

  set(key: K, tags: readonly Tag[]): void {
    this.delete(key);
    this.byKey.set(key, tags);
    for (const tag of tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  delete(key: K): void {
    const tags = this.byKey.get(key);
    if (!tags) return;
    this.byKey.delete(key);
    for (const tag of tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
  }

  /** The things carrying any of these tags. */
  keysWith(tags: Iterable<Tag>): Set<K> {
    const found = new Set<K>();
    for (const tag of tags) for (const key of this.byTag.get(tag) ?? []) found.add(key);
    return found;
  }

  clear(): void {
    this.byTag.clear();
    this.byKey.clear();
  }
}
