import { randomUUID } from 'node:crypto';
import { LocalContentVersion } from './contentVersion';
import { RedisClient, RedisLogger, SharedRedis } from '../db/redis';

/**
 * How gateway processes tell each other of content changes: the writer publishes a message on a
 * channel, and every other process bumps its own version (contentVersion.ts), emptying its caches
 * within milliseconds of an edit made through any of them. Nothing is kept in Redis, so Redis
 * restarted empty cannot take a version back. A process whose subscriber was disconnected may have
 * missed messages and bumps once it is back; a change that could not be announced (Redis
 * unreachable) is announced once the connection is back.
 */
export class RedisContentVersion extends LocalContentVersion {
  private readonly channel: string;
  /** In every message: a process does not bump twice for its own change. */
  private readonly sender = randomUUID();
  private unannounced = false;

  private constructor(
    private readonly client: RedisClient,
    private readonly subscriber: RedisClient,
    namespace: string,
    private readonly logger: RedisLogger,
  ) {
    super();
    this.channel = `${namespace}:content-changed`;
  }

  static async connect({ client, namespace }: SharedRedis, logger: RedisLogger): Promise<RedisContentVersion> {
    const subscriber = client.duplicate();
    subscriber.on('error', () => {}); // the main client reports outages
    const version = new RedisContentVersion(client, subscriber, namespace, logger);
    await subscriber.connect();
    await subscriber.subscribe(version.channel, (sender) => {
      if (sender !== version.sender) version.changed();
    });
    // Emitted once the subscriber is subscribed again: only changes from before it can have been missed.
    subscriber.on('ready', () => version.changed());
    client.on('ready', () => {
      if (version.unannounced) void version.announce();
    });
    return version;
  }

  override async bump(): Promise<void> {
    this.changed();
    await this.announce();
  }

  async close(): Promise<void> {
    await this.subscriber.quit().catch(() => {});
  }

  private async announce(): Promise<void> {
    try {
      this.unannounced = false;
      await this.client.publish(this.channel, this.sender);
    } catch (error) {
      // The change is committed and must not be reported as failed: this process's caches are
      // emptied; the others are told once Redis answers again (their content max-age is 30 s anyway).
      this.unannounced = true;
      this.logger.warn({ err: { message: (error as Error).message } }, 'redis unreachable: other gateways will be told to empty their caches once it is back');
    }
  }
}
