import { LocalContentChanges } from '../../src/cache/contentChanges';
import { RedisContentChanges } from '../../src/cache/redisContentChanges';
import { connectRedis, RedisClient } from '../../src/db/redis';
import { TEST_REDIS_URL } from '../helpers/requiredServices';
import { waitFor } from '../helpers/waitFor';

/*
 * Issue #32: changes by tag (src/cache/contentChanges.ts). A read may keep what it read only if no
 * change touched its tags since it began, and none is under way; across processes through Redis.
 */

const quiet = { warn() {} };

describe('one process', () => {
  it('a change touches its tags only, from its begin until it is done and after', async () => {
    const changes = new LocalContentChanges();
    const heard: string[][] = [];
    changes.onChange((tags) => heard.push([...tags]));
    const before = changes.mark();
    const pending = await changes.begin(['shown:1', 'all']);
    const during = changes.mark();
    expect(changes.unchangedSince(before, ['shown:2'])).toBe(true);
    expect(changes.unchangedSince(before, ['shown:1'])).toBe(false);
    // Held: even a read begun after the begin may not keep what it read.
    expect(changes.unchangedSince(during, ['all'])).toBe(false);
    await pending.done();
    const after = changes.mark();
    expect(changes.unchangedSince(during, ['all'])).toBe(false);
    expect(changes.unchangedSince(after, ['all', 'shown:1'])).toBe(true);
    expect(heard).toEqual([['shown:1', 'all'], ['shown:1', 'all']]);
    // done twice is done once.
    await pending.done();
    expect(heard).toHaveLength(2);
  });

  it('a change of everything touches every tag', async () => {
    const changes = new LocalContentChanges();
    const before = changes.mark();
    await (await changes.begin(['*'])).done();
    expect(changes.unchangedSince(before, ['anything'])).toBe(false);
    expect(changes.unchangedSince(changes.mark(), ['anything'])).toBe(true);
  });
});

describe('processes sharing Redis', () => {
  let clients: RedisClient[] = [];
  const namespace = `lienthong:test-changes-${process.pid}-${Date.now()}`;
  const connect = async (options?: { foreignHoldMaxMs: number }) => {
    const client = await connectRedis(TEST_REDIS_URL, quiet);
    clients.push(client);
    return RedisContentChanges.connect({ client, namespace }, quiet, options);
  };
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => {})));
    clients = [];
  });

  it('the other process holds the tags from before the COMMIT and drops them again after', async () => {
    const [writer, reader] = [await connect(), await connect()];
    const heard: string[][] = [];
    reader.onChange((tags) => heard.push([...tags]));
    const before = reader.mark();
    const pending = await writer.begin(['shown:7']);
    await waitFor('the begin heard', () => heard.length === 1);
    const during = reader.mark();
    expect(reader.unchangedSince(during, ['shown:7'])).toBe(false);
    expect(reader.unchangedSince(during, ['shown:8'])).toBe(true);
    await pending.done();
    await waitFor('the done heard', () => heard.length === 2);
    expect(reader.unchangedSince(before, ['shown:7'])).toBe(false);
    expect(reader.unchangedSince(reader.mark(), ['shown:7'])).toBe(true);
    await Promise.all([writer.close(), reader.close()]);
  });

  it("lets go of a change whose writer never said done (it died), after the longest a write may take", async () => {
    const [writer, reader] = [await connect(), await connect({ foreignHoldMaxMs: 300 })];
    let heard = 0;
    reader.onChange(() => heard++);
    await writer.begin(['shown:9']);
    await waitFor('the begin heard', () => heard === 1);
    expect(reader.unchangedSince(reader.mark(), ['shown:9'])).toBe(false);
    await waitFor('the hold let go', () => heard === 2);
    expect(reader.unchangedSince(reader.mark(), ['shown:9'])).toBe(true);
    await Promise.all([writer.close(), reader.close()]);
  });
});
