import { LocalContentVersion } from './contentVersion';
import { RedisClient, RedisLogger, SharedRedis } from '../db/redis';


/**
 * The content version shared by every gateway process: INCR in Redis, announced on a channel, so
 * each process empties its own caches within milliseconds of an edit made through any of them.
 * current() stays a local read (no round trip per request).
 */
export class RedisContentVersion extends LocalContentVersion {
  private readonly key: string;
  private readonly channel: string;

  private constructor(
    private readonly client: RedisClient,
    private readonly subscriber: RedisClient,
    namespace: string,
    private readonly logger: RedisLogger,
  ) {
    super();
    this.key = `${namespace}:content-version`;
    this.channel = `${namespace}:content-changed`;
  }

  static async connect({ client, namespace }: SharedRedis, logger: RedisLogger): Promise<RedisContentVersion> {
    const subscriber = client.duplicate();
    subscriber.on('error', () => {}); // the main client reports outages
    const version = new RedisContentVersion(client, subscriber, namespace, logger);
    await subscriber.connect();
    await subscriber.subscribe(version.channel, (message) => version.set(Number(message)));
    // Changes announced while the subscriber was disconnected were missed: catch up on reconnect.
    subscriber.on('ready', () => void version.refresh());
    await version.refresh();
    return version;
  }

  override async bump(): Promise<void> {
    try {
      const value = await this.client.incr(this.key);
      this.set(value);
      await this.client.publish(this.channel, String(value));
    } catch (error) {
      // The change is committed and must not be reported as failed: this process's caches are
      // emptied; the others keep theirs until their content max-age runs out (30 s).
      this.logger.warn({ err: { message: (error as Error).message } }, 'redis unreachable: other gateways were not told to empty their caches');
      this.emptyLocalCaches();
    }
  }

  async close(): Promise<void> {
    await this.subscriber.quit().catch(() => {});
  }

  private async refresh(): Promise<void> {
    const value = await this.client.get(this.key).catch(() => null);
    if (value !== null) this.set(Number(value));
  }
}
