import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import { RedisClient, SharedRedis } from '../../cache/redis';
import { VisitAbuseRule } from './abuseRule';
import { VisitorsOnline } from './visitorsOnline';

/**
 * The abuse rule (abuseRule.ts) and 'Trực tuyến' (visitorsOnline.ts) kept in Redis, so that several
 * gateway processes behind a balancer agree on them: a visitor whose calls land on different
 * processes is still counted once per window and online once. The counts themselves stay in each
 * process's buffer and meet in MySQL (exact whichever process took the call).
 *
 * Per unit and per subtree unit, a sorted set of visitor keys scored by last-seen time (ms); per
 * (unit, page, visitor) a key holding when its repeat window ends; per (unit, visitor) a hash with
 * the current minute's end and count. Times come from the gateway's clock, so tests can move it;
 * Redis expiry only reclaims memory. Every key expires, so memory is bounded by the window.
 *
 * The visits a process receives in one turn of its event loop are decided in one round trip (a Lua
 * script, in order: atomic, so two processes, or two calls in one batch, cannot both admit the same
 * repeat), sent by its SHA-1 (EVALSHA) and in full only when Redis does not know it yet. With Redis
 * Cluster the keys of one call would need one hash slot; this is written for a single Redis (or a
 * primary with replicas), which a province's gateways share.
 */
const ADMIT = `
local repeatMs = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local unitMs = tonumber(ARGV[3])
local onlineMs = tonumber(ARGV[4])
local results = {}
local online = {}
local k = 1
for a = 5, #ARGV, 3 do
  local now = tonumber(ARGV[a])
  local visitor = ARGV[a + 1]
  local keys = tonumber(ARGV[a + 2])
  for i = k + 2, k + keys - 1 do
    redis.call('ZADD', KEYS[i], now, visitor)
    online[KEYS[i]] = now
  end
  local admitted = 0
  if tonumber(redis.call('GET', KEYS[k]) or '0') <= now then
    local window = redis.call('HMGET', KEYS[k + 1], 'until', 'count')
    local windowUntil = tonumber(window[1] or '0')
    local count = tonumber(window[2] or '0')
    if windowUntil <= now then
      windowUntil = now + unitMs
      count = 0
    end
    if count < limit then
      redis.call('SET', KEYS[k], now + repeatMs, 'PX', repeatMs)
      redis.call('HSET', KEYS[k + 1], 'until', windowUntil, 'count', count + 1)
      redis.call('PEXPIRE', KEYS[k + 1], windowUntil - now)
      admitted = 1
    end
  end
  results[#results + 1] = admitted
  k = k + keys
end
-- Once per set and batch (a province's set is in most batches): drop who left, keep it a window.
for key, now in pairs(online) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - onlineMs)
  redis.call('PEXPIRE', key, onlineMs)
end
return results
`;

/** Undoes an admit whose visit the buffer then refused (full during a long MySQL outage). */
const RELEASE = `
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('HINCRBY', KEYS[2], 'count', -1) end
return 1
`;

const sha1s = new Map<string, string>();
const sha1 = (script: string): string => {
  let sha = sha1s.get(script);
  if (!sha) sha1s.set(script, (sha = createHash('sha1').update(script).digest('hex')));
  return sha;
};

/** One visit to decide: its keys (repeat, minute, then the online sets) and its arguments. */
interface Admission {
  keys: string[];
  now: number;
  visitorKey: string;
}

export class SharedVisitRules {
  private readonly redis: RedisClient;
  private readonly prefix: string;
  /**
   * Gathers the visits of one event-loop turn (setImmediate runs after every request read in it),
   * so thousands of visits a second are tens of round trips, not thousands.
   */
  private readonly admissions = new DataLoader<Admission, boolean>((batch) => this.admitBatch(batch), {
    cache: false,
    maxBatchSize: 200,
    batchScheduleFn: (run) => setImmediate(run),
  });

  constructor(
    shared: SharedRedis,
    private readonly rule: Pick<VisitAbuseRule, 'repeatWindowMs' | 'perUnitLimit' | 'perUnitWindowMs'>,
    private readonly online: Pick<VisitorsOnline, 'windowMs'>,
  ) {
    this.redis = shared.client;
    this.prefix = `${shared.namespace}:visits`;
  }

  /** Marks the visitor online on the lineage and applies both abuse rules: true when the visit counts. */
  async admit(lineage: readonly string[], visitorKey: string, unitCode: string, articleId: number | null, now: number): Promise<boolean> {
    const keys = [this.repeatKey(visitorKey, unitCode, articleId), this.unitKey(visitorKey, unitCode), this.onlineKey('own', unitCode), ...lineage.map((unit) => this.onlineKey('subtree', unit))];
    return this.admissions.load({ keys, now, visitorKey });
  }

  private async admitBatch(batch: readonly Admission[]): Promise<boolean[]> {
    const common = [this.rule.repeatWindowMs, this.rule.perUnitLimit, this.rule.perUnitWindowMs, this.online.windowMs];
    const args = [...common, ...batch.flatMap((a) => [a.now, a.visitorKey, a.keys.length])].map(String);
    const admitted = (await this.run(ADMIT, batch.flatMap((a) => a.keys), args)) as number[];
    return admitted.map((a) => Number(a) === 1);
  }

  async release(visitorKey: string, unitCode: string, articleId: number | null): Promise<void> {
    await this.run(RELEASE, [this.repeatKey(visitorKey, unitCode, articleId), this.unitKey(visitorKey, unitCode)], []);
  }

  /** Redis forgets scripts on a restart (NOSCRIPT): the script is then sent once in full, which loads it again. */
  private async run(script: string, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalSha(sha1(script), { keys, arguments: args });
    } catch (error) {
      if (!(error as Error).message?.startsWith('NOSCRIPT')) throw error;
      return this.redis.eval(script, { keys, arguments: args });
    }
  }

  /** Distinct visitors seen in the window, per unit (own portal or subtree): one round trip. */
  async onlineCounts(units: readonly { unitCode: string; includeDescendants: boolean }[], now: number): Promise<number[]> {
    const pipeline = this.redis.multi();
    for (const { unitCode, includeDescendants } of units) pipeline.zCount(this.onlineKey(includeDescendants ? 'subtree' : 'own', unitCode), now - this.online.windowMs + 1, '+inf');
    return (await pipeline.execAsPipeline()).map(Number);
  }

  private repeatKey(visitorKey: string, unitCode: string, articleId: number | null): string {
    return `${this.prefix}:repeat:${unitCode}:${articleId ?? ''}:${visitorKey}`;
  }

  private unitKey(visitorKey: string, unitCode: string): string {
    return `${this.prefix}:minute:${unitCode}:${visitorKey}`;
  }

  private onlineKey(kind: 'own' | 'subtree', unitCode: string): string {
    return `${this.prefix}:online:${kind}:${unitCode}`;
  }
}
