/**
 * A number that changes whenever articles, publications or sources change. Every cached read is
 * filed under the version it was read at, so one bump makes all of them stale at once: simpler and
 * safer than working out which of the cached feeds an edit touches (edits are rare, reads many).
 *
 * Each process counts its own, and only compares it with itself (kept answers' keys, data caches,
 * the read replica plugin, the data bounds): with several processes each is told of the others'
 * changes through Redis (redisContentVersion.ts), never handed a number, so the version cannot go
 * backwards whatever Redis forgets.
 */
export interface ContentVersion {
  /** The version reads are filed under now. */
  current(): number;
  /** After a committed change: every read cached before it is stale from now on, in every process. */
  bump(): Promise<void>;
  /** Called after the version changed, whichever process changed it. */
  onChange(listener: () => void): void;
}

export class LocalContentVersion implements ContentVersion {
  private value = 0;
  private readonly listeners: (() => void)[] = [];

  current(): number {
    return this.value;
  }

  async bump(): Promise<void> {
    this.changed();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Content changed, here or in another process: what this process cached until now is stale. */
  protected changed(): void {
    this.value++;
    for (const listener of this.listeners) listener();
  }
}
