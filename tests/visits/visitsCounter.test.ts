import { VisitAbuseRule } from '../../src/modules/visits/admission/abuseRule';
import { ExpiringMap } from '../../src/modules/visits/admission/expiringMap';
import { VisitBatch } from '../../src/modules/visits/visitBatch';
import { VisitBuffer, VisitLogger } from '../../src/modules/visits/visitBuffer';
import { VisitorsOnline } from '../../src/modules/visits/admission/visitorsOnline';
import { Snapshot, VisitRollups } from '../../src/modules/visits/visitRollups';
import { parseDay, vietnamDay } from '../../src/common/vietnamDay';

/**
 * The in-memory parts of the visit counters, without MySQL: the buffer's bookkeeping (which batches a
 * read adds, its bound, close()'s retries) against a fake store, the abuse rule, online, Vietnam's
 * days. Flushes and COMMITs that fail or get no answer are tried against MariaDB itself:
 * tests/db/lostCommit.test.ts and tests/visits/visits.test.ts.
 */

const COMMUNE = ['14620', '376', '37'];
const DAY = '2025-03-10';


/** What VisitBuffer needs of VisitRollups, over an in-memory "database". */
class FakeStore {
  /** Own visits per unit, as committed. */
  readonly totals = new Map<string, number>();
  mark = 0;
  /** How many writes from now fail (as while MySQL is down); the next ones succeed. */
  failing = 0;
  writes = 0;

  async writeBatch(batch: VisitBatch): Promise<void> {
    this.writes++;
    if (this.failing > 0) {
      this.failing--;
      throw new Error('connection refused');
    }
    for (const [unit, t] of batch.unitTotals) this.totals.set(unit, (this.totals.get(unit) ?? 0) + t.own);
    this.mark = batch.seq!;
  }

  async flushedSeq(): Promise<number> {
    return this.mark;
  }

  async archiveDays(): Promise<number> {
    return 0;
  }

  async forgetProcess(): Promise<void> {}

  /** A read: the committed total of a unit and the mark, in one "statement". */
  snapshot(unit: string): Snapshot<number> {
    return { flushedSeq: this.mark, value: this.totals.get(unit) ?? 0 };
  }
}

function counterOn(store: FakeStore, options: { maxBufferedRows?: number; closeTimeoutMs?: number; snapshotTtlMs?: number; logger?: VisitLogger } = {}) {
  return new VisitBuffer(store as unknown as VisitRollups, { now: () => Date.parse('2025-03-10T03:00:00Z') }, { flushIntervalMs: 3_600_000, ...options });
}

/** What a portal would read: stored plus what the read must add from memory. */
async function served(counter: VisitBuffer, store: FakeStore, unit = '14620', query?: () => Promise<Snapshot<number>>): Promise<number> {
  const { value, pending } = await counter.read(query ?? (async () => store.snapshot(unit)));
  return value + pending.reduce((sum, b) => sum + (b.unitTotals.get(unit)?.own ?? 0), 0);
}

function logger() {
  const lines: { level: string; msg: string; obj: object }[] = [];
  const log = (level: string) => (obj: object, msg: string) => lines.push({ level, msg, obj });
  return { lines, logger: { info: log('info'), warn: log('warn'), error: log('error') } };
}

describe('VisitBatch', () => {
  it("adds a visit to the unit's own count and to the subtree of its whole lineage", () => {
    const batch = new VisitBatch();
    batch.add(COMMUNE, DAY, 7);
    batch.add(['376', '37'], DAY, null);
    expect(batch.unitTotals.get('14620')).toEqual({ own: 1, subtree: 1 });
    expect(batch.unitTotals.get('376')).toEqual({ own: 1, subtree: 2 });
    expect(batch.unitTotals.get('37')).toEqual({ own: 0, subtree: 2 });
    expect(batch.unitDays.get('37')!.get(DAY)).toEqual({ own: 0, subtree: 2 });
    expect(batch.articleTotals.get(7)).toBe(1);
    // 3 units × (day + total) + article × (day + total)
    expect(batch.rows).toBe(8);
    expect(batch.newRowsFor(COMMUNE, DAY, 7)).toBe(0);
    expect(batch.newRowsFor(COMMUNE, '2025-03-11', 8)).toBe(5);
    const other = new VisitBatch();
    other.absorb(batch);
    other.absorb(batch);
    expect(other.unitTotals.get('376')).toEqual({ own: 2, subtree: 4 });
    expect([other.visits, other.views, other.rows]).toEqual([4, 2, 8]);
  });
});

describe('VisitBuffer', () => {
  it('a read whose statement ran before a flush committed, answered after it, still counts that flush once', async () => {
    const store = new FakeStore();
    const counter = counterOn(store);
    for (let i = 0; i < 5; i++) counter.add(COMMUNE, DAY, null);
    let release!: () => void;
    const slowRead = served(counter, store, '14620', async () => {
      const before = store.snapshot('14620'); // the statement sees nothing flushed yet
      await new Promise<void>((resolve) => (release = resolve));
      return before;
    });
    await counter.flush(); // commits, and the batch leaves the buffer, while the read is out
    expect(store.totals.get('14620')).toBe(5);
    release();
    expect(await slowRead).toBe(5);
    // And one whose statement ran after the COMMIT does not add it again.
    expect(await served(counter, store)).toBe(5);
  });

  it('a read reused within snapshotTtlMs still adds exactly the flushes written since, and forgets them after', async () => {
    const store = new FakeStore();
    const counter = counterOn(store, { snapshotTtlMs: 200 });
    for (let i = 0; i < 3; i++) counter.add(COMMUNE, DAY, null);
    await counter.flush();
    // A read, kept: it saw the first flush.
    const kept = store.snapshot('14620');
    const reused = () => kept.value + counter.pendingAfter(kept.flushedSeq).reduce((sum, b) => sum + (b.unitTotals.get('14620')?.own ?? 0), 0);
    expect(reused()).toBe(3);
    for (let round = 1; round <= 3; round++) {
      for (let i = 0; i < 4; i++) counter.add(COMMUNE, DAY, null);
      expect(reused()).toBe(3 + 8 * round - 4); // buffered, not flushed yet
      await counter.flush();
      for (let i = 0; i < 4; i++) counter.add(COMMUNE, DAY, null);
      expect(reused()).toBe(3 + 8 * round); // flushed batches are still added, none twice
      await counter.flush();
    }
    expect(store.totals.get('14620')).toBe(27);
    // Past the TTL (by the process's time, which the buffer keeps batches by) the written batches
    // are forgotten: a read that old must not be reused.
    const realNow = Date.now();
    const later = jest.spyOn(Date, 'now').mockReturnValue(realNow + 250);
    try {
      expect(reused()).toBe(3);
    } finally {
      later.mockRestore();
    }
    expect(await served(counter, store)).toBe(27);
  });

  it('the bound refuses visits needing new rows, keeps counting the others, and says so once', async () => {
    const store = new FakeStore();
    const { lines, logger: log } = logger();
    const counter = counterOn(store, { maxBufferedRows: 10, logger: log });
    expect(counter.add(COMMUNE, DAY, null)).toBe(true); // 6 rows
    expect(counter.add(['14621', '376', '37'], DAY, null)).toBe(true); // 8
    expect(counter.add(['14622', '376', '37'], DAY, null)).toBe(true); // 10
    expect(counter.add(['14623', '376', '37'], DAY, null)).toBe(false);
    expect(counter.add(['14624', '376', '37'], DAY, null)).toBe(false);
    expect(counter.add(COMMUNE, DAY, null)).toBe(true);
    expect(counter.add(COMMUNE, DAY, 99)).toBe(false); // the article would need 2 rows
    expect(counter.stats.refusedAtBound).toBe(3);
    expect(counter.bufferedRows).toBe(10);
    expect(lines.filter((l) => l.level === 'warn' && /buffer full/.test(l.msg))).toHaveLength(1);
    await counter.flush();
    expect(store.totals.get('14620')).toBe(2);
    expect(counter.add(['14623', '376', '37'], DAY, null)).toBe(true);
  });

  it('close() writes what is buffered, retrying while MySQL is down, and logs what it could not write', async () => {
    const store = new FakeStore();
    const counter = counterOn(store, { closeTimeoutMs: 5_000 });
    counter.add(COMMUNE, DAY, null);
    // Down for two attempts, back for the third.
    store.failing = 2;
    await counter.close();
    expect(store.writes).toBe(3);
    expect(store.totals.get('14620')).toBe(1);

    const down = new FakeStore();
    const { lines, logger: log } = logger();
    const doomed = counterOn(down, { closeTimeoutMs: 300, logger: log });
    doomed.add(COMMUNE, DAY, 5);
    down.failing = Infinity;
    await doomed.close();
    expect(lines.find((l) => l.level === 'error')).toMatchObject({ obj: { visits: 1, views: 1 }, msg: expect.stringMatching(/lost/) });
  });
});

describe('ExpiringMap', () => {
  it('expires entries by their last setting, evicts the oldest at its bound, and survives many re-settings', () => {
    const removed: string[] = [];
    const map = new ExpiringMap<number>(3, (key) => removed.push(key));
    map.set('a', 1, 10);
    map.set('b', 2, 20);
    map.set('a', 3, 30); // moves a behind b
    map.expire(20);
    expect(removed).toEqual(['b']);
    expect(map.get('a')).toBe(3);
    map.set('c', 4, 40);
    map.set('d', 5, 50);
    map.set('e', 6, 60); // the bound: a, the oldest, goes
    expect(removed).toEqual(['b', 'a']);
    expect(map.evicted).toBe(1);
    // Re-setting the same keys many times (stale queue entries pile up, then are compacted away).
    for (let t = 100; t < 20_000; t++) map.set(['c', 'd', 'e'][t % 3], t, t);
    expect(map.size).toBe(3);
    map.expire(19_997);
    expect(map.size).toBe(2);
    expect([map.get('c'), map.get('d'), map.get('e')].filter((v) => v !== undefined).sort()).toEqual([19_998, 19_999]);
    map.expire(1e9);
    expect(map.size).toBe(0);
    expect(removed.length).toBe(2 + 3);
  });
});

describe('VisitAbuseRule', () => {
  const seen = () => {};
  it('a visit the buffer refuses uses up nothing', () => {
    const rule = new VisitAbuseRule({ perAddressLimit: 1 });
    expect(rule.admit({ visitor: 'v', address: 'a', unitCode: '14620', lineage: ['14620'], article: null, now: 0 }, { seen, commit: () => false })).toBe(false);
    expect(rule.admit({ visitor: 'v', address: 'a', unitCode: '14620', lineage: ['14620'], article: null, now: 1 }, { seen, commit: () => true })).toBe(true);
    expect(rule.admit({ visitor: 'v', address: 'a', unitCode: '14620', lineage: ['14620'], article: null, now: 2 }, { seen, commit: () => true })).toBe(false);
  });

  it('at its bound it forgets the oldest entries early instead of growing', () => {
    const rule = new VisitAbuseRule({ maxEntries: 100 });
    for (let i = 0; i < 1000; i++) rule.admit({ visitor: `v${i}`, address: `a${i}`, unitCode: '14620', lineage: ['14620'], article: null, now: i }, { seen, commit: () => true });
    expect(rule.size).toBeLessThanOrEqual(300);
    expect(rule.evicted).toBeGreaterThan(0);
    expect(rule.admit({ visitor: 'v999', address: 'a999', unitCode: '14620', lineage: ['14620'], article: null, now: 1000 }, { seen, commit: () => true })).toBe(false); // the newest are remembered
    expect(rule.admit({ visitor: 'v0', address: 'a0', unitCode: '14620', lineage: ['14620'], article: null, now: 1000 }, { seen, commit: () => true })).toBe(true); // the oldest were forgotten
  });

  it('counts at most perAddressLimit visits per address and unit per minute, and marks no one online beyond it', () => {
    const rule = new VisitAbuseRule({ perAddressLimit: 3 });
    let online = 0;
    const visit = (visitor: string, address: string, unit: string, now: number) => rule.admit({ visitor: visitor, address: address, unitCode: unit, lineage: [unit], article: null, now: now }, { seen: () => online++, commit: () => true });
    expect([1, 2, 3, 4, 5].map((i) => visit(`v${i}`, 'a', '14620', i))).toEqual([true, true, true, false, false]);
    expect(online).toBe(3);
    // Another address, another unit: their own minutes.
    expect(visit('v6', 'b', '14620', 6)).toBe(true);
    expect(visit('v7', 'a', '14623', 7)).toBe(true);
    // A visit the visitor rule refuses marks the visitor online but uses none of the address's visits.
    expect(rule.admit({ visitor: 'v7', address: 'c', unitCode: '14623', lineage: ['14623'], article: null, now: 8 }, { seen: () => online++, commit: () => true })).toBe(false);
    expect(online).toBe(6);
    // The address's minute began with its first counted visit, at 1.
    expect(visit('v8', 'a', '14620', 60_000)).toBe(false);
    expect(visit('v8', 'a', '14620', 60_001)).toBe(true);
  });
});

describe('VisitorsOnline', () => {
  it('counts distinct visitors per unit and subtree, forgets them after 5 minutes, and stays bounded', () => {
    const online = new VisitorsOnline({ maxEntries: 50 });
    online.seen(COMMUNE, 'a', 0);
    online.seen(['14621', '376', '37'], 'a', 1_000);
    online.seen(COMMUNE, 'b', 2_000);
    expect(online.count('376', true, 3_000)).toBe(2);
    expect(online.count('14620', false, 3_000)).toBe(2);
    expect(online.count('14620', false, 300_000)).toBe(1); // a was last seen there at 0
    expect(online.count('376', true, 300_500)).toBe(2); // … but at 1 000 in the district
    expect(online.count('37', true, 302_000)).toBe(0);
    for (let i = 0; i < 1000; i++) online.seen(COMMUNE, `flood-${i}`, 400_000);
    expect(online.size).toBeLessThanOrEqual(100);
    // Only the 50 latest subtree entries are kept, 3 per visit (commune, district, province).
    expect(online.count('37', true, 400_000)).toBe(17);
    expect(online.evicted).toBeGreaterThan(0);
  });
});

describe("Vietnam's calendar day", () => {
  it('turns at 17:00 UTC and parses only real days', () => {
    expect(vietnamDay(Date.parse('2024-12-31T16:59:59.999Z'))).toBe('2024-12-31');
    expect(vietnamDay(Date.parse('2024-12-31T17:00:00Z'))).toBe('2025-01-01');
    expect(parseDay('2024-02-29')).not.toBeNull();
    for (const bad of ['2025-02-29', '2024-13-01', '2024-1-01', '0999-01-01', '2024-01-01T00:00']) expect(parseDay(bad)).toBeNull();
  });
});
