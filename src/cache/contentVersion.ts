/**
 * A number that changes whenever articles, publications or sources change. Every cached read is
 * filed under the version it was read at, so one bump makes all of them stale at once: simpler and
 * safer than working out which of the cached feeds an edit touches (edits are rare, reads many).
 *
 * One process keeps the number in memory; several share it through Redis (redisContentVersion.ts).
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
    this.set(this.value + 1);
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Takes a newer version (from another process); older ones are ignored. */
  protected set(value: number): void {
    if (value <= this.value) return;
    this.value = value;
    this.emptyLocalCaches();
  }

  protected emptyLocalCaches(): void {
    for (const listener of this.listeners) listener();
  }
}
