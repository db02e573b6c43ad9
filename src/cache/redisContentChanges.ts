import { randomUUID } from 'node:crypto';
import { LocalContentChanges, PendingChange } from './contentChanges';
import { EVERYTHING, Tag } from './contentTags';
import { RedisClient, RedisLogger, SharedRedis } from '../db/redis';

/** A change as announced: `begin` before its COMMIT, `done` after it. */
interface Announcement {
  sender: string;
  change: string;
  phase: 'begin' | 'done';
  tags: Tag[];
}

/**
 * A change begun elsewhere and never done (its process died between begin and done) is let go after
 * this long: longer than any write's deadline (MUTATION_TIMEOUT_MS defaults to 10 s).
 */
export const FOREIGN_HOLD_MAX_MS = 60_000;

/**
 * How gateway processes tell each other of content changes (contentChanges.ts): the writer publishes
 * each phase of its change on a channel, and awaits it, so every other process has it in its socket
 * before the writer's COMMIT (begin) and before its answer (done). Nothing is kept in Redis, so
 * Redis restarted empty cannot take anything back. A process whose subscriber was disconnected may
 * have missed changes: once back it drops everything and lets go of what others held. A change
 * that could not be announced (Redis unreachable) is announced as a change of everything once the
 * connection is back.
 */
export class RedisContentChanges extends LocalContentChanges {
  private readonly channel: string;
  /** In every message: a process does not apply its own changes twice. */
  private readonly sender = randomUUID();
  private unannounced = false;
  /** Changes other processes began and have not said done, with their timers. */
  private readonly foreign = new Map<string, { tags: Tag[]; timer: NodeJS.Timeout }>();

  private constructor(
    private readonly client: RedisClient,
    private readonly subscriber: RedisClient,
    namespace: string,
    private readonly logger: RedisLogger,
    private readonly foreignHoldMaxMs: number,
  ) {
    super();
    this.channel = `${namespace}:content-changed`;
  }

  static async connect({ client, namespace }: SharedRedis, logger: RedisLogger, { foreignHoldMaxMs = FOREIGN_HOLD_MAX_MS } = {}): Promise<RedisContentChanges> {
    const subscriber = client.duplicate();
    subscriber.on('error', () => {}); // the main client reports outages
    const changes = new RedisContentChanges(client, subscriber, namespace, logger, foreignHoldMaxMs);
    await subscriber.connect();
    await subscriber.subscribe(changes.channel, (message) => changes.heard(message));
    // Emitted once the subscriber is subscribed again: only changes from before it can have been missed.
    subscriber.on('ready', () => changes.missedSome());
    client.on('ready', () => {
      if (!changes.unannounced) return;
      changes.unannounced = false;
      void changes.announce({ sender: changes.sender, change: randomUUID(), phase: 'done', tags: [EVERYTHING] });
    });
    return changes;
  }

  override async begin(tags: readonly Tag[]): Promise<PendingChange> {
    const local = await super.begin(tags);
    const change = randomUUID();
    await this.announce({ sender: this.sender, change, phase: 'begin', tags: [...tags] });
    return {
      done: async () => {
        await local.done();
        await this.announce({ sender: this.sender, change, phase: 'done', tags: [...tags] });
      },
    };
  }

  async close(): Promise<void> {
    for (const { timer } of this.foreign.values()) clearTimeout(timer);
    await this.subscriber.quit().catch(() => {});
  }

  private heard(message: string): void {
    let announcement: Announcement;
    try {
      announcement = JSON.parse(message) as Announcement;
    } catch {
      return;
    }
    const { sender, change, phase, tags } = announcement;
    if (sender === this.sender || !Array.isArray(tags)) return;
    if (phase === 'begin') {
      this.hold(tags);
      const timer = setTimeout(() => this.letGo(change), this.foreignHoldMaxMs);
      timer.unref();
      this.foreign.set(change, { tags, timer });
    } else if (this.foreign.has(change)) {
      this.letGo(change);
    } else {
      // Its begin was missed (or it was never held: a change announced after an outage).
      this.changed(tags);
    }
  }

  private letGo(change: string): void {
    const held = this.foreign.get(change);
    if (!held) return;
    clearTimeout(held.timer);
    this.foreign.delete(change);
    this.release(held.tags);
  }

  private missedSome(): void {
    for (const change of [...this.foreign.keys()]) this.letGo(change);
    this.changed([EVERYTHING]);
  }

  private async announce(announcement: Announcement): Promise<void> {
    try {
      await this.client.publish(this.channel, JSON.stringify(announcement));
    } catch (error) {
      // The change is committed (or about to be) and must not be reported as failed: this
      // process's caches are dropped; the others drop everything once Redis answers again (their
      // content max-age bounds it meanwhile).
      this.unannounced = true;
      this.logger.warn({ err: { message: (error as Error).message } }, 'redis unreachable: other gateways will be told to drop their cached content once it is back');
    }
  }
}
