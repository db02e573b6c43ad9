import { randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { BenchEnv, BenchRequest, Scenario, ScenarioRun } from './scenario';
import { mulberry32 } from '../../seeds/mulberry32';

const MUTATION = 'mutation Visit($unitCode: ID!, $articleId: ID, $visitorId: String!) { recordVisit(unitCode: $unitCode, articleId: $articleId, visitorId: $visitorId) }';
/** Share of visits that read an article (the rest are home-page visits). */
const ARTICLE_SHARE = 0.5;
/** Share of requests that repeat the connection's previous visit at once: the abuse rule must refuse them. */
const REPEAT_SHARE = 0.05;
/** Distinct visitors cycle after this many visits: far more than 30 s (the repeat window) apart at any rate reached here. */
const VISITORS = 1_000_000;
/** Article pages to draw from: (commune, article shown on it) pairs of the newest articles, the ones people read. */
const PAIRS = 5_000;

interface Visit {
  unitCode: string;
  articleId: string | null;
  visitorId: string;
  /** A deliberate repeat of the previous visit on its connection: must not be counted. */
  repeat: boolean;
}

/** How long the checks wait for buffered visits to be served and stored. */
const SETTLE_MS = 15_000;
/** Between reads of the counters while waiting: a flush interval. */
const FLUSH_MS = 1_100;

type Counters = Awaited<ReturnType<typeof counters>>;

const sameCounters = (a: Counters, b: Counters) => JSON.stringify(a) === JSON.stringify(b);

/** The counters, read again a flush later until `settled` says so or SETTLE_MS has passed. */
async function settledCounters(env: BenchEnv, articleIds: number[], settled: (previous: Counters | null, now: Counters) => boolean): Promise<Counters> {
  const giveUpAt = Date.now() + SETTLE_MS;
  let previous: Counters | null = null;
  for (;;) {
    const now = await counters(env, articleIds);
    if (settled(previous, now) || Date.now() > giveUpAt) return now;
    previous = now;
    await new Promise((resolve) => setTimeout(resolve, FLUSH_MS));
  }
}

async function counters(env: BenchEnv, articleIds: number[]) {
  const db = env.db!;
  // Archived totals plus the recent days (see the Visits migration).
  const [[units]] = await db.query<RowDataPacket[]>(
    'SELECT (SELECT COALESCE(SUM(own), 0) FROM visit_totals) + (SELECT COALESCE(SUM(own), 0) FROM visit_days_recent) AS visits',
  );
  const [[days]] = await db.query<RowDataPacket[]>('SELECT COALESCE(SUM(views), 0) AS views FROM article_view_days');
  const [[articles]] = await db.query<RowDataPacket[]>('SELECT COALESCE(SUM(views), 0) AS views FROM articles WHERE id IN (?)', [articleIds]);
  const res = await env.graphql<{ provinces: { visits: { total: number } }[] }>('{ provinces { visits(includeDescendants: true) { total } } }');
  if (!res.data) throw new Error(`reading the counters through GraphQL failed: ${JSON.stringify(res.errors)}`);
  return {
    visitsStored: Number(units.visits),
    viewDaysStored: Number(days.views),
    articleViewsStored: Number(articles.views),
    visitsServed: res.data.provinces.reduce((sum, p) => sum + p.visits.total, 0),
  };
}

/**
 * record-visit: recordVisit from many visitors across many communes, half of them on an article
 * page shown on that commune, 5% deliberate repeats (refused by the abuse rule). Afterwards the
 * counters must have grown by exactly the visits the gateway said it counted, both as the gateway
 * serves them (at once, buffer included) and as MySQL has them (after a flush).
 *
 * Requests still in flight when the load stops have an unknown outcome; each is sent again: the
 * abuse rule counts a (visitor, unit, page) at most once in 30 s, so the original and the replay
 * together count exactly once, whichever of them the gateway saw first.
 *
 * Every request comes from this one machine, which the gateway's limit per client address (60
 * visits per unit per minute) would stop at once: it stands for thousands of readers' browsers, so
 * run the gateway with VISITS_PER_ADDRESS_PER_MINUTE high (1000000 keeps the rule's work in the
 * measurement) or off. (Sending X-Forwarded-For through TRUST_PROXY would need per-request headers,
 * which the bench's load does not have.)
 */
export const recordVisitScenario: Scenario = {
  name: 'record-visit',
  description: 'recordVisit from many visitors across many communes (half with an article), then checks the counters grew by exactly the counted calls',
  needsDatabase: true,
  async prepare(env): Promise<ScenarioRun<Visit>> {
    const db = env.db!;
    // recordVisit counts on units in force today (a code of the old map names a unit that ended).
    const [communeRows] = await db.query<RowDataPacket[]>("SELECT code FROM units WHERE level = 'COMMUNE' AND valid_to IS NULL ORDER BY code");
    const [pairRows] = await db.query<RowDataPacket[]>(
      `SELECT u.code AS unit_code, p.article_id FROM publications p JOIN units u ON u.id = p.unit_id AND u.level = 'COMMUNE' AND u.valid_to IS NULL
       JOIN articles a ON a.id = p.article_id AND a.published_at <= UTC_TIMESTAMP()
       ORDER BY p.article_id DESC, p.unit_id LIMIT ?`,
      [PAIRS],
    );
    const communes = communeRows.map((r) => r.code as string);
    const pairs = pairRows.map((r) => ({ unitCode: r.unit_code as string, articleId: String(r.article_id) }));
    if (communes.length === 0) throw new Error('record-visit: the database has no communes; run npm run seed first');
    const articleIds = [...new Set(pairRows.map((r) => Number(r.article_id)))];

    const random = mulberry32(42);
    const salt = randomBytes(4).toString('hex');
    let n = 0;
    const zero = { visits: 0, views: 0, refused: 0, repeatsCounted: 0, settledVisits: 0, settledViews: 0, unsureVisits: 0, unsureViews: 0, errors: 0 };
    let counted = { ...zero };
    let baseline: Awaited<ReturnType<typeof counters>> | null = null;
    let measuring = false;
    let accepted = 0;
    /** The last visit the gateway said it counted: repeating it must be refused. */
    let lastCounted: Visit | null = null;

    const fresh = (): Visit => {
      const visitorId = `bench-${salt}-${n++ % VISITORS}`;
      if (pairs.length > 0 && random() < ARTICLE_SHARE) {
        const pair = pairs[Math.floor(random() * pairs.length)];
        return { ...pair, visitorId, repeat: false };
      }
      return { unitCode: communes[Math.floor(random() * communes.length)], articleId: null, visitorId, repeat: false };
    };

    const add = (visit: Visit, into: 'counted' | 'settled') => {
      if (into === 'counted') {
        counted.visits++;
        if (visit.articleId) counted.views++;
      } else {
        counted.settledVisits++;
        if (visit.articleId) counted.settledViews++;
      }
    };

    return {
      nextRequest(): BenchRequest<Visit> {
        // A repeat of a visit already answered as counted, milliseconds ago: well inside 30 s.
        const visit = lastCounted && random() < REPEAT_SHARE ? { ...lastCounted, repeat: true } : fresh();
        if (visit.repeat) lastCounted = null;
        const { unitCode, articleId, visitorId } = visit;
        return { body: JSON.stringify({ query: MUTATION, variables: { unitCode, articleId, visitorId } }), tag: visit };
      },

      onResponse(visit, status, body) {
        if (status !== 200 || !body.includes('"recordVisit"')) {
          counted.errors++;
          return;
        }
        if (body.includes('"recordVisit":true')) {
          add(visit, 'counted');
          if (measuring) accepted++;
          if (visit.repeat) counted.repeatsCounted++;
          else lastCounted = visit;
        } else {
          counted.refused++;
        }
      },

      async settle(unanswered) {
        // A repeat in flight was refused or never arrived: its original was counted seconds ago.
        for (const visit of unanswered.filter((v) => !v.repeat)) {
          const res = await env.graphql(MUTATION, { unitCode: visit.unitCode, articleId: visit.articleId, visitorId: visit.visitorId });
          if (!res.data) throw new Error(`record-visit: replaying an unanswered visit failed: ${JSON.stringify(res.errors)}`);
          if (res.data.recordVisit === true) add(visit, 'settled'); // the first never arrived
          else {
            // Refused: as a repeat of a first that was counted, or by the limit per address while the
            // first was lost. The answer cannot tell which: counted once or not at all.
            counted.unsureVisits++;
            if (visit.articleId) counted.unsureViews++;
          }
        }
      },

      async before() {
        // The warm-up's visits must be in MySQL too before the stored baseline is read: until two
        // reads a flush apart agree (a busy MySQL may take longer than one flush interval).
        baseline = await settledCounters(env, articleIds, (previous, now) => previous !== null && sameCounters(previous, now));
        measuring = true;
        counted = { ...zero };
      },

      async verify() {
        measuring = false;
        const visits = counted.visits + counted.settledVisits;
        const views = counted.views + counted.settledViews;
        // Each gateway process serves its own buffered visits at once, the others' once they have
        // flushed; MySQL has them after the next flush (a second, longer on a busy MySQL): read
        // until they are all there, or SETTLE_MS has passed (then some are missing).
        const served = await settledCounters(env, articleIds, (_, now) => now.visitsServed - baseline!.visitsServed >= visits);
        const stored = await settledCounters(
          env,
          articleIds,
          (_, now) => now.visitsStored - baseline!.visitsStored >= visits && now.articleViewsStored - baseline!.articleViewsStored >= views && now.viewDaysStored - baseline!.viewDaysStored >= views,
        );
        // [what, grew by, expected, and up to this many more: replays whose first may have been counted].
        const checks: [string, number, number, number][] = [
          ['visits served (Σ provinces subtree total)', served.visitsServed - baseline!.visitsServed, visits, counted.unsureVisits],
          ['visits stored (Σ own of visit_totals and visit_days_recent)', stored.visitsStored - baseline!.visitsStored, visits, counted.unsureVisits],
          ['views stored (Σ articles.views)', stored.articleViewsStored - baseline!.articleViewsStored, views, counted.unsureViews],
          ['views stored (Σ article_view_days)', stored.viewDaysStored - baseline!.viewDaysStored, views, counted.unsureViews],
        ];
        const right = ([, grew, expected, more]: (typeof checks)[number]) => grew >= expected && grew <= expected + more;
        const lines = [
          `counted ${visits} visits (${counted.settledVisits} of them settled after the load, ${counted.unsureVisits} more unsure), ${views} article views; ` +
            `${counted.refused} refused by the abuse rule, ${counted.repeatsCounted} deliberate repeats counted (must be 0), ${counted.errors} errors`,
          ...checks.map((c) => `  ${right(c) ? 'ok  ' : 'FAIL'} ${c[0]}: grew by ${c[1]}, expected ${c[2]}${c[3] ? ` to ${c[2] + c[3]}` : ''}`),
        ];
        // Repeats are REPEAT_SHARE of the calls: far more refusals is the limit per address at work.
        if (counted.refused > 2 * REPEAT_SHARE * (visits + counted.refused)) {
          lines.push('  note: most calls were refused; start the gateway with VISITS_PER_ADDRESS_PER_MINUTE=1000000 (every call of the bench comes from one address)');
        }
        return { ok: checks.every(right) && counted.repeatsCounted === 0 && counted.errors === 0, lines };
      },

      figures(seconds) {
        return { 'accepted/s': (accepted / seconds).toFixed(0) };
      },
    };
  },
};
