import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RowDataPacket } from 'mysql2/promise';
import { mulberry32 } from '../../seeds/mulberry32';
import { foldVietnamese } from '../../src/common/vietnameseText';
import { BenchEnv, Scenario, ScenarioRun } from './scenario';

/*
 * Portals as they really read us (issue #32): every request is a page of some unit of a map, drawn
 * from a Zipf law (s = 0.99) over every unit, so a few portals are read much and most a little:
 * 85 % commune home pages, 5 % province dashboards, 10 % searches of a province over 29 common
 * terms. The draws come from a seeded generator: the gateway and the raw-SQL baseline are sent the
 * same sequence. With `edits`, editors publish meanwhile through the API at that rate (created and
 * retitled articles at communes drawn the same way), sent on time whatever the previous edit is
 * doing; the edits' own figures are printed with the reads'.
 */

/** The map the pages are of: the old one (63 provinces, what the raw baseline serves) or today's. */
export type TrafficMap = 'old' | 'today';

export interface TrafficOptions {
  map: TrafficMap;
  /** Edits a second sent through the API (0: none). */
  edits: number;
  /** Where edits are sent: an admin key's `Authorization: Bearer` value. */
  key?: string;
}

const ZIPF_S = 0.99;
const SEED = 32;
const OLD_MAP_DAY = '2025-06-30';

/** The first 29 of the phrases the bulk seed writes titles with (seeds/bulk.ts), as a search box gets them. */
const SEARCH_TERMS = [
  'cải cách hành chính', 'chuyển đổi số', 'dịch vụ công trực tuyến', 'Chính phủ số', 'thủ tục hành chính', 'kinh tế số', 'xã hội số',
  'nông thôn mới', 'an sinh xã hội', 'phát triển kinh tế', 'đầu tư công', 'giải ngân vốn', 'phòng chống thiên tai', 'bảo vệ môi trường',
  'y tế cơ sở', 'giáo dục', 'du lịch', 'văn hóa', 'an ninh trật tự', 'thủ tục', 'hồ sơ một cửa', 'đất đai', 'xây dựng',
  'giao thông nông thôn', 'nước sạch', 'hợp tác xã', 'thanh niên', 'phụ nữ', 'cựu chiến binh',
].map(foldVietnamese);

/** Draws ranks 0..n-1 with P(k) ∝ 1/(k+1)^s. */
function zipf(n: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cumulative[k] = total += 1 / (k + 1) ** ZIPF_S;
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The communes and provinces in force on the map's day, by code. */
async function unitsOf(env: BenchEnv, map: TrafficMap): Promise<{ communes: string[]; provinces: string[] }> {
  if (!env.db) throw new Error('traffic: set DATABASE_URL (the units of the map are read from it)');
  const day = map === 'old' ? OLD_MAP_DAY : new Date().toISOString().slice(0, 10);
  const [rows] = await env.db.query<RowDataPacket[]>(
    `SELECT code, level FROM units WHERE level IN ('COMMUNE', 'PROVINCE') AND (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?) ORDER BY code`,
    [day, day],
  );
  return { communes: rows.filter((r) => r.level === 'COMMUNE').map((r) => r.code), provinces: rows.filter((r) => r.level === 'PROVINCE').map((r) => r.code) };
}

/** One page a portal asks for. */
export type Page = { kind: 'home'; commune: string } | { kind: 'dashboard'; province: string } | { kind: 'search'; province: string; q: string };

/** The same sequence of pages for every target prepared with the same units (and seed). */
export function pageDraws(units: { communes: string[]; provinces: string[] }, seed = SEED): () => Page {
  const random = mulberry32(seed);
  const communes = shuffled(units.communes, random);
  const provinces = shuffled(units.provinces, random);
  const commune = zipf(communes.length, random);
  const province = zipf(provinces.length, random);
  return () => {
    const x = random();
    if (x < 0.85) return { kind: 'home', commune: communes[commune()] };
    if (x < 0.9) return { kind: 'dashboard', province: provinces[province()] };
    return { kind: 'search', province: provinces[province()], q: SEARCH_TERMS[Math.floor(random() * SEARCH_TERMS.length)] };
  };
}

function operation(name: string): string {
  return readFileSync(join(__dirname, '..', '..', '..', 'tests', 'operations', `${name}.graphql`), 'utf8');
}

/** Per kind of page: answers, and answers from kept answers (an `age` header). */
interface KindCounts {
  answers: number;
  kept: number;
}

export function trafficScenario(options: TrafficOptions): Scenario {
  return {
    name: `traffic-${options.map}${options.edits ? `-edits-${options.edits}` : ''}`,
    description: `Zipf draws over every unit of the ${options.map} map (85 % homes, 5 % dashboards, 10 % searches)${options.edits ? `, ${options.edits} edits/s` : ''}`,
    needsDatabase: true,
    async prepare(env): Promise<ScenarioRun<Page['kind']>> {
      const units = await unitsOf(env, options.map);
      const next = pageDraws(units);
      const on = options.map === 'old' ? OLD_MAP_DAY : undefined;
      const queries = {
        home: operation('CommuneHome'),
        dashboard: operation(options.map === 'old' ? 'ProvinceDashboard' : 'ProvinceDashboardToday'),
        search: operation('Search'),
      };
      const counts: Record<Page['kind'], KindCounts> = { home: { answers: 0, kept: 0 }, dashboard: { answers: 0, kept: 0 }, search: { answers: 0, kept: 0 } };
      let errors = 0;
      // Editors write at units in force today, whichever map readers read.
      const editor = options.edits > 0 ? new Editor(env, options, options.map === 'today' ? units.communes : (await unitsOf(env, 'today')).communes) : null;
      return {
        nextRequest() {
          const page = next();
          const variables =
            page.kind === 'home' ? { code: page.commune, on } : page.kind === 'dashboard' ? { code: page.province, ...(on && { on }) } : { search: page.q, province: page.province, on };
          return { body: JSON.stringify({ query: queries[page.kind], variables }), tag: page.kind };
        },
        onResponse(kind, status, body, headers) {
          counts[kind].answers++;
          if (headers?.age !== undefined) counts[kind].kept++;
          if (status !== 200 || body.includes('"errors"')) errors++;
        },
        async before() {
          for (const c of Object.values(counts)) c.answers = c.kept = 0;
          editor?.start();
        },
        async settle() {
          await editor?.stop();
        },
        async verify() {
          const lines = [`${errors} answers with errors`];
          if (editor) lines.push(editor.summary());
          return { ok: errors === 0 && (editor?.failed ?? 0) === 0, lines };
        },
        figures(seconds) {
          const all = Object.values(counts).reduce((n, c) => n + c.answers, 0);
          const kept = Object.values(counts).reduce((n, c) => n + c.kept, 0);
          return {
            kept: all ? `${Math.round((100 * kept) / all)} %` : '',
            'homes/s': (counts.home.answers / seconds).toFixed(0),
            'dashboards/s': (counts.dashboard.answers / seconds).toFixed(0),
            'searches/s': (counts.search.answers / seconds).toFixed(0),
            ...(editor && { 'edits/s': (editor.applied / seconds).toFixed(1), 'edit p50/p99 ms': editor.latencies() }),
          };
        },
      };
    },
  };
}

/** The raw-SQL baseline on the same draws (the old map only: it serves no other). */
export function rawTrafficScenario(): Scenario {
  return {
    name: 'traffic-old (raw)',
    description: 'the raw-SQL baseline on the same draws',
    needsDatabase: true,
    async prepare(env): Promise<ScenarioRun<Page['kind']>> {
      const next = pageDraws(await unitsOf(env, 'old'));
      let errors = 0;
      return {
        nextRequest() {
          const page = next();
          const body =
            page.kind === 'home'
              ? { scenario: 'commune-home', vars: { commune: page.commune, today: OLD_MAP_DAY, limit: 10 } }
              : page.kind === 'dashboard'
                ? { scenario: 'province-dashboard', vars: { province: page.province, perDistrict: 5 } }
                : { scenario: 'search', vars: { q: page.q, province: page.province, limit: 10 } };
          return { body: JSON.stringify(body), tag: page.kind };
        },
        onResponse(_kind, status) {
          if (status !== 200) errors++;
        },
        async verify() {
          return { ok: errors === 0, lines: errors ? [`${errors} answers were not 200`] : [] };
        },
      };
    },
  };
}

const CREATE = 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }';
const UPDATE = 'mutation($id: ID!, $input: UpdateArticleInput!) { updateArticle(id: $id, input: $input) { id } }';

/**
 * Editors at work during the measured load: every 1/rate seconds an edit is sent (a new article at
 * a commune drawn as readers draw them, or a retitle of one made before), without waiting for the
 * ones still under way.
 */
class Editor {
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly made: string[] = [];
  private readonly took: number[] = [];
  private readonly communes: string[];
  private readonly next: () => number;
  applied = 0;
  failed = 0;
  private sent = 0;

  constructor(
    private readonly env: BenchEnv,
    private readonly options: TrafficOptions,
    communes: string[],
  ) {
    if (!options.key) throw new Error('traffic --edits: set BENCH_KEY to an admin key (npm run keys -- create --role admin --label bench)');
    const random = mulberry32(SEED + 1);
    this.communes = shuffled(communes, random);
    this.next = zipf(this.communes.length, random);
  }

  start(): void {
    this.timer = setInterval(() => this.edit(), 1000 / this.options.edits);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.inFlight);
  }

  private edit(): void {
    const n = ++this.sent;
    const retitle = n % 2 === 0 && this.made.length > 0;
    const body = retitle
      ? { query: UPDATE, variables: { id: this.made[this.made.length - 1], input: { title: `Tin thử nghiệm số ${n} (đã sửa)` } } }
      : { query: CREATE, variables: { input: { originCode: this.communes[this.next()], title: `Tin thử nghiệm số ${n}`, body: '<p>Nội dung thử nghiệm.</p>' } } };
    const started = performance.now();
    const done = fetch(this.env.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.key}` }, body: JSON.stringify(body) })
      .then(async (res) => {
        const answer = (await res.json()) as { data?: any; errors?: unknown[] };
        if (res.status !== 200 || answer.errors) throw new Error(JSON.stringify(answer.errors ?? res.status));
        if (answer.data.createArticle) this.made.push(answer.data.createArticle.id);
        this.applied++;
        this.took.push(performance.now() - started);
      })
      .catch(() => void this.failed++)
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  latencies(): string {
    const sorted = [...this.took].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]) : 0);
    return `${at(0.5)} / ${at(0.99)}`;
  }

  summary(): string {
    return `${this.sent} edits sent, ${this.applied} applied, ${this.failed} failed; edit latency p50/p99 ${this.latencies()} ms`;
  }
}
