import { VisitToAdmit } from './visitAdmission';
import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import { RedisClient, SharedRedis } from '../../../db/redis';
import { VisitAbuseRule } from './abuseRule';
import { VisitorsOnline } from './visitorsOnline';

/**
 * The abuse rule (abuseRule.ts) and 'Trực tuyến' (visitorsOnline.ts) kept in Redis, so that several
 * gateway processes behind a balancer agree on them: a visitor whose calls land on different
 * processes is still counted once per window and online once. The counts themselves stay in each
 * process's buffer and meet in MySQL (exact whichever process took the call).
 *
 * Keys:
 * - per (unit, visitor), a hash: `until` and `count` of the current minute, and `p:<page>` (the
 *   article id, or empty for the home page) holding when that page's repeat window ends. One hash
 *   makes a first visit three commands (HMGET, HSET, PEXPIRE); it lives as long as its longest window.
 * - per (unit, client address), a string `<until>:<count>` of the address's current minute: one GET
 *   per visit and one SET … PX per counted visit; it expires with its minute.
 * - per unit and per subtree unit, a sorted set of visitor keys scored by last-seen time (ms), at
 *   most the in-memory bound (VisitorsOnline.maxEntries) of members: beyond it the least recently
 *   seen are dropped (ZREMRANGEBYRANK), as the in-memory maps drop theirs.
 *
 * Times come from the gateway's clock, so tests can move it; Redis expiry only reclaims memory.
 *
 * The visits a process receives in one turn of its event loop are decided in one round trip (a Lua
 * script, in order: atomic, so two processes, or two calls in one batch, cannot both admit the same
 * repeat), sent by its SHA-1 (EVALSHA) and in full only when Redis does not know it yet. Each online
 * set gets one ZADD per batch, however many of the batch's visitors it has (a province's set is in
 * most batches), of the visitors whose address is within its limit. Old visitors are trimmed from a
 * set, and its expiry renewed, at most every TRIM_EVERY_MS per process: a set touched at t was
 * trimmed at t0 > t - TRIM_EVERY_MS and expires no sooner than t0 + window + TRIM_EVERY_MS, so it
 * outlives every visitor it counts, and it holds at most window + TRIM_EVERY_MS of visitors. (After
 * Redis loses its data, a set created within TRIM_EVERY_MS of a process's last trim has no expiry
 * until that process touches it again: at worst one small set per unit.)
 *
 * With Redis Cluster the keys of one call would need one hash slot; this is written for a single
 * Redis (or a primary with replicas), which a province's gateways share.
 */
const ADMIT = `
local repeatMs = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local unitMs = tonumber(ARGV[3])
local onlineMs = tonumber(ARGV[4])
local trimEveryMs = tonumber(ARGV[5])
local visits = tonumber(ARGV[6])
local addressLimit = tonumber(ARGV[7])
local onlineCap = tonumber(ARGV[8])
local results = {}
local seen = {}
for v = 1, visits do
  local rule = KEYS[2 * v - 1]
  local address = KEYS[2 * v]
  local now = tonumber(ARGV[6 + 3 * v])
  local page = 'p:' .. ARGV[7 + 3 * v]
  local admitted = 0
  -- The address's minute first: over its limit, the visitor is not even online. 0: no address limit.
  local addressUntil, addressCount = 0, 0
  if addressLimit > 0 then
    local minute = redis.call('GET', address)
    if minute then
      local u, c = string.match(minute, '^(%d+):(%d+)$')
      addressUntil, addressCount = tonumber(u), tonumber(c)
    end
  end
  if addressUntil <= now or addressCount < addressLimit then
    seen[v] = true
    local state = redis.call('HMGET', rule, 'until', 'count', page)
    if tonumber(state[3] or '0') <= now then
      local windowUntil = tonumber(state[1] or '0')
      local count = tonumber(state[2] or '0')
      if windowUntil <= now then
        if state[1] then
          -- A new minute: forget the pages whose repeat window has ended, so the hash stays small.
          local fields = redis.call('HGETALL', rule)
          local ended = {}
          for f = 1, #fields, 2 do
            if string.sub(fields[f], 1, 2) == 'p:' and tonumber(fields[f + 1]) <= now then ended[#ended + 1] = fields[f] end
          end
          if #ended > 0 then redis.call('HDEL', rule, unpack(ended)) end
        end
        windowUntil = now + unitMs
        count = 0
      end
      if count < limit then
        redis.call('HSET', rule, 'until', windowUntil, 'count', count + 1, page, now + repeatMs)
        redis.call('PEXPIRE', rule, math.max(windowUntil, now + repeatMs) - now)
        admitted = 1
        if addressLimit > 0 then
          if addressUntil <= now then addressUntil, addressCount = now + unitMs, 0 end
          redis.call('SET', address, string.format('%d:%d', addressUntil, addressCount + 1), 'PX', addressUntil - now)
        end
      end
    end
  end
  results[v] = admitted
end
-- Then each online set: when to trim before ('' for not now), how many visits saw it, their numbers.
-- After the visits' answers, one more per set: 1 if it was trimmed.
local a = 9 + 3 * visits
for k = 2 * visits + 1, #KEYS do
  local set = KEYS[k]
  local trimBefore = ARGV[a]
  local last = a + 1 + tonumber(ARGV[a + 1])
  local members = {}
  for i = a + 2, last do
    local v = tonumber(ARGV[i])
    if seen[v] then
      members[#members + 1] = ARGV[6 + 3 * v]
      members[#members + 1] = ARGV[8 + 3 * v]
    end
  end
  local trimmed = 0
  if #members > 0 then
    redis.call('ZADD', set, unpack(members))
    if redis.call('ZCARD', set) > onlineCap then redis.call('ZREMRANGEBYRANK', set, 0, -onlineCap - 1) end
    if trimBefore ~= '' then
      redis.call('ZREMRANGEBYSCORE', set, '-inf', '(' .. trimBefore)
      redis.call('PEXPIRE', set, onlineMs + trimEveryMs)
      trimmed = 1
    end
  end
  results[#results + 1] = trimmed
  a = last + 1
end
return results
`;

/** Undoes an admit whose visit the buffer then refused (full during a long MySQL outage), in both minutes. */
const RELEASE = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[1], 'count', -1)
  local minute = redis.call('GET', KEYS[2])
  local ttl = redis.call('PTTL', KEYS[2])
  if minute and ttl > 0 then
    local u, c = string.match(minute, '^(%d+):(%d+)$')
    redis.call('SET', KEYS[2], u .. ':' .. math.max(tonumber(c) - 1, 0), 'PX', ttl)
  end
end
return 1
`;

/** How often a process trims an online set it keeps adding to (see above). */
export const TRIM_EVERY_MS = 30_000;

const sha1s = new Map<string, string>();
const sha1 = (script: string): string => {
  let sha = sha1s.get(script);
  if (!sha) sha1s.set(script, (sha = createHash('sha1').update(script).digest('hex')));
  return sha;
};

/** One visit to decide. */
interface Admission {
  ruleKey: string;
  addressKey: string;
  page: string;
  onlineKeys: string[];
  visitorKey: string;
  now: number;
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
  /** When this process last trimmed each online set (by the visits' clock); forgetting one only trims it sooner. */
  private readonly trimmed = new LRUCache<string, number>({ max: 100_000 });

  constructor(
    shared: SharedRedis,
    private readonly rule: Pick<VisitAbuseRule, 'repeatWindowMs' | 'perUnitLimit' | 'perUnitWindowMs' | 'perAddressLimit'>,
    private readonly online: Pick<VisitorsOnline, 'windowMs' | 'maxEntries'>,
  ) {
    this.redis = shared.client;
    this.prefix = `${shared.namespace}:visits`;
  }

  /**
   * Applies the three abuse rules, marking the visitor online on the lineage unless its address is
   * over its limit: true when the visit counts.
   */
  admit({ lineage, visitor: visitorKey, address: addressKey, unitCode, article: articleId, now }: VisitToAdmit): Promise<boolean> {
    return this.admissions.load({
      ruleKey: this.ruleKey(visitorKey, unitCode),
      addressKey: this.addressKey(addressKey, unitCode),
      page: this.page(articleId),
      onlineKeys: [this.onlineKey('own', lineage[0]), ...lineage.map((unit) => this.onlineKey('subtree', unit))],
      visitorKey,
      now,
    });
  }

  private async admitBatch(batch: readonly Admission[]): Promise<boolean[]> {
    const { repeatWindowMs, perUnitLimit, perUnitWindowMs, perAddressLimit } = this.rule;
    const keys: string[] = [];
    const args: (string | number)[] = [repeatWindowMs, perUnitLimit, perUnitWindowMs, this.online.windowMs, TRIM_EVERY_MS, batch.length];
    args.push(perAddressLimit === Infinity ? 0 : perAddressLimit, this.online.maxEntries);
    for (const a of batch) {
      keys.push(a.ruleKey, a.addressKey);
      args.push(a.now, a.page, a.visitorKey);
    }
    // The visits (numbered from 1, in the batch's order: a later sighting wins) that saw each set.
    const sightings = new Map<string, number[]>();
    let latest = 0;
    batch.forEach((a, i) => {
      latest = Math.max(latest, a.now);
      for (const key of a.onlineKeys) {
        const visits = sightings.get(key);
        if (visits) visits.push(i + 1);
        else sightings.set(key, [i + 1]);
      }
    });
    for (const [key, visits] of sightings) {
      const last = this.trimmed.get(key);
      const trim = last === undefined || latest - last >= TRIM_EVERY_MS || latest < last;
      keys.push(key);
      args.push(trim ? latest - this.online.windowMs + 1 : '', visits.length, ...visits);
    }
    const answers = ((await this.run(ADMIT, keys, args.map(String))) as number[]).map(Number);
    // Only once Redis has done it: a set a batch did not trim (it failed, or added no one) is trimmed by the next.
    let i = batch.length;
    for (const key of sightings.keys()) if (answers[i++] === 1) this.trimmed.set(key, latest);
    return answers.slice(0, batch.length).map((a) => a === 1);
  }

  /** Gives back what admit() took for a visit the buffer then refused. */
  async release({ visitor: visitorKey, address: addressKey, unitCode, article: articleId }: VisitToAdmit): Promise<void> {
    await this.run(RELEASE, [this.ruleKey(visitorKey, unitCode), this.addressKey(addressKey, unitCode)], [`p:${this.page(articleId)}`]);
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
  async onlineCounts(units: readonly { unitId: string; includeDescendants: boolean }[], now: number): Promise<number[]> {
    const pipeline = this.redis.multi();
    for (const { unitId, includeDescendants } of units) pipeline.zCount(this.onlineKey(includeDescendants ? 'subtree' : 'own', unitId), now - this.online.windowMs + 1, '+inf');
    return (await pipeline.execAsPipeline()).map(Number);
  }

  private page(articleId: number | null): string {
    return articleId === null ? '' : String(articleId);
  }

  private ruleKey(visitorKey: string, unitCode: string): string {
    return `${this.prefix}:rule:${unitCode}:${visitorKey}`;
  }

  private addressKey(addressKey: string, unitCode: string): string {
    return `${this.prefix}:addr:${unitCode}:${addressKey}`;
  }

  private onlineKey(kind: 'own' | 'subtree', unitId: string): string {
    return `${this.prefix}:online:${kind}:${unitId}`;
  }
}
