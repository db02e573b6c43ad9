import { LRUCache } from 'lru-cache';
import { EVERYTHING, Tag } from './contentTags';

/**
 * How the process learns that content changed, by tag (contentTags.ts): every kept answer and
 * data-cache entry carrying a changed tag is dropped, and no other.
 *
 * A change is announced twice. Before its COMMIT (`begin`) its tags are dropped and held: while
 * held, nothing read with them may be kept, since a read then may see the data before or after the
 * COMMIT. After the COMMIT (or its failure) `done` drops them again and lets go: what was read
 * before can no longer be kept (unchangedSince), and what is read from then on sees the change.
 * So a read that begins after a COMMIT never gets an answer from before it, including one that was
 * being computed while the change committed.
 *
 * Each process counts its own marks and compares them only with themselves. With several processes
 * each is told of the others' changes through Redis (redisContentChanges.ts), never handed a number.
 */
export interface ContentChanges {
  /** Taken when a read begins, to ask unchangedSince when its answer is to be kept. */
  mark(): number;
  /** Whether an answer read since `mark` with these tags may be kept: none changed since, none is changing. */
  unchangedSince(mark: number, tags: Iterable<Tag>): boolean;
  /** Before a change commits: drops its tags' answers everywhere and holds them until `done`. */
  begin(tags: readonly Tag[]): Promise<PendingChange>;
  /** Called with the tags of every change, here or in another process (at begin and at done). */
  onChange(listener: (tags: ReadonlySet<Tag>) => void): void;
  /** Called once with the tags of each change this process made, when it is done (what edges are told: edgePurge.ts). */
  onCommitted(listener: (tags: readonly Tag[]) => void): void;
}

export interface PendingChange {
  /** After the COMMIT, or its failure: drops the tags again and lets go of them. */
  done(): Promise<void>;
}

/**
 * Tags whose last change is remembered (each tag a few dozen bytes): a read that began before the
 * oldest forgotten change is treated as if everything changed since (`floor`). A day of 5 edits a
 * second touches ~20 tags each: reads last seconds, so only the last few thousand matter.
 */
const REMEMBERED_TAGS = 100_000;

export class LocalContentChanges implements ContentChanges {
  private sequence = 0;
  /** Marks at or below it may have missed a change (a forgotten tag's, or one of everything). */
  private floor = 0;
  private readonly changedAt = new LRUCache<Tag, number>({
    max: REMEMBERED_TAGS,
    noDisposeOnSet: true,
    dispose: (at) => (this.floor = Math.max(this.floor, at)),
  });
  /** Tags of changes begun and not done, with how many hold each. */
  private readonly held = new Map<Tag, number>();
  private readonly listeners: ((tags: ReadonlySet<Tag>) => void)[] = [];
  private readonly committedListeners: ((tags: readonly Tag[]) => void)[] = [];

  mark(): number {
    return this.sequence;
  }

  unchangedSince(mark: number, tags: Iterable<Tag>): boolean {
    if (this.floor > mark || this.held.has(EVERYTHING)) return false;
    for (const tag of tags) if (this.held.has(tag) || (this.changedAt.peek(tag) ?? 0) > mark) return false;
    return true;
  }

  async begin(tags: readonly Tag[]): Promise<PendingChange> {
    this.hold(tags);
    let done = false;
    return {
      done: async () => {
        if (done) return;
        done = true;
        this.release(tags);
        for (const listener of this.committedListeners) listener(tags);
      },
    };
  }

  onChange(listener: (tags: ReadonlySet<Tag>) => void): void {
    this.listeners.push(listener);
  }

  onCommitted(listener: (tags: readonly Tag[]) => void): void {
    this.committedListeners.push(listener);
  }

  /** Content of these tags is changing, here or in another process: dropped, and held. */
  protected hold(tags: readonly Tag[]): void {
    for (const tag of tags) this.held.set(tag, (this.held.get(tag) ?? 0) + 1);
    this.changed(tags);
  }

  /** The change is committed (or failed): dropped again, and let go. */
  protected release(tags: readonly Tag[]): void {
    for (const tag of tags) {
      const count = (this.held.get(tag) ?? 0) - 1;
      if (count > 0) this.held.set(tag, count);
      else this.held.delete(tag);
    }
    this.changed(tags);
  }

  /** Content of these tags changed, here or in another process (EVERYTHING: all of it). */
  protected changed(tags: readonly Tag[]): void {
    const at = ++this.sequence;
    const set = new Set(tags);
    if (set.has(EVERYTHING)) this.floor = at;
    else for (const tag of set) this.changedAt.set(tag, at);
    for (const listener of this.listeners) listener(set);
  }
}
