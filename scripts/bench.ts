import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import mysql, { RowDataPacket } from 'mysql2/promise';
import { join } from 'node:path';
import { RAW_BASELINE_SCENARIOS, RAW_SCENARIOS, rawScenario } from './bench/rawBaseline';
import { scenarios } from './bench/scenarios';
import { rawTrafficScenario, TrafficMap, trafficScenario } from './bench/traffic';
import { BenchEnv, Scenario, ScenarioRun } from './bench/scenario';

const USAGE = `usage: npm run bench -- [--scenario NAME[,NAME…]] [--url URL]… [--duration S] [--warmup S] [--connections N]
                        [--rounds N] [--raw URL [--raw-scenarios DIR]] [--static]
       npm run bench -- --traffic [--map today|old] [--edits N] [--url URL]… [--rounds N] [--raw URL] …

Runs benchmark scenarios against a running gateway (start it first, e.g. npm start) and prints
req/s, latency percentiles, errors and SQL statements per request. Give --url once per gateway
process to spread the connections over several (as a load balancer would). DATABASE_URL names the
gateway's database: it is read for realistic inputs, the effects checks, and MySQL's Questions
counter (SQL statements per request, server-wide: keep other clients quiet while measuring). Each
gateway's resident memory after the runs is read from its /metrics (BENCH_METRICS_TOKEN if it has
a METRICS_TOKEN).

--raw URL also runs the read scenarios against the raw-SQL baseline of scripts/bench/raw-sql (e.g.
http://127.0.0.1:4100), alternating with the gateway round by round, and prints the medians and
the gateway/raw ratios. --raw-scenarios is the baseline's scenarios folder (default
scripts/bench/raw-sql/scenarios). --rounds repeats every scenario (default 1; medians are printed).

--static also runs the read scenarios against the ceiling: a Fastify server (scripts/bench/
staticServer.ts, started here) that replies to each request with the gateway's own answer to it,
captured first. It shows what a kept answer could cost at best; the gateway/ceiling ratio is what
its own pipeline leaves of that.

--traffic runs portals' real traffic instead (scripts/bench/traffic.ts): pages drawn from a Zipf
law over every unit of the map (85 % commune homes, 5 % province dashboards, 10 % searches), and
with --edits N, N edits a second sent through the API meanwhile (BENCH_KEY: an admin key). It
prints the share answered from kept answers, each kind's rate and the edits' latency. On the old
map, --raw sends the same draws to the raw-SQL baseline.

scenarios:
${scenarios.map((s) => `  ${s.name.padEnd(20)} ${s.description}`).join('\n')}`;

interface Row {
  scenario: string;
  'req/s': string;
  'p50 ms': string;
  'p99 ms': string;
  errors: string;
  'SQL/req': string;
  'SQL/req (header)': string;
  [extra: string]: string;
}

interface LoadResult {
  result: autocannon.Result;
  unanswered: unknown[];
  /** Sum of x-sql-statements over the answers: what the requests themselves cost, without background work. */
  headerStatements: number;
  answers: number;
  graphqlErrors: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function questions(db: mysql.Connection | null): Promise<number | null> {
  if (!db) return null;
  const [[row]] = await db.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Questions'");
  return Number(row.Value);
}

/** autocannon at fixed concurrency for a fixed time, every request from the scenario. */
async function load(env: BenchEnv, run: ScenarioRun, connections: number, seconds: number): Promise<LoadResult> {
  const outstanding = new Set<unknown>();
  let headerStatements = 0;
  let answers = 0;
  let graphqlErrors = 0;
  const result = await autocannon({
    url: env.urls.length > 1 ? env.urls : env.url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest(request, context) {
          const next = run.nextRequest();
          // One request in flight per connection: the context travels with it to onResponse.
          context.tag = next.tag;
          outstanding.add(next.tag);
          return { ...request, body: next.body };
        },
        onResponse(status, body, context, headers) {
          outstanding.delete(context.tag);
          answers++;
          headerStatements += Number(headers['x-sql-statements'] ?? 0);
          if (status !== 200 || body.includes('"errors"')) graphqlErrors++;
          run.onResponse?.(context.tag, status, body, headers);
        },
      },
    ],
  });
  return { result, unanswered: [...outstanding], headerStatements, answers, graphqlErrors };
}

async function runScenario(scenario: Scenario, env: BenchEnv, opts: { connections: number; duration: number; warmup: number }): Promise<{ row: Row; ok: boolean; lines: string[] }> {
  console.log(`\n${scenario.name}: preparing`);
  const run = await scenario.prepare(env);
  if (opts.warmup > 0) {
    console.log(`${scenario.name}: warm-up, ${opts.warmup} s at ${opts.connections} connections`);
    const warm = await load(env, run, opts.connections, opts.warmup);
    await run.settle?.(warm.unanswered);
  }
  await run.before?.();
  console.log(`${scenario.name}: measuring, ${opts.duration} s at ${opts.connections} connections`);
  const q0 = await questions(env.db);
  const measured = await load(env, run, opts.connections, opts.duration);
  const q1 = await questions(env.db);
  await run.settle?.(measured.unanswered);
  const verdict = (await run.verify?.()) ?? { ok: true, lines: [] };

  const { result } = measured;
  const seconds = result.duration;
  const errors = result.errors + result.timeouts + result.non2xx + measured.graphqlErrors;
  const row: Row = {
    scenario: scenario.name,
    'req/s': (measured.answers / seconds).toFixed(0),
    ...run.figures?.(seconds),
    'p50 ms': String(result.latency.p50),
    'p99 ms': String(result.latency.p99),
    errors: String(errors),
    // The Questions delta minus the one SHOW STATUS that read it; includes background work (flushes).
    'SQL/req': q0 === null || q1 === null ? 'n/a' : ((q1 - q0 - 1) / Math.max(1, measured.answers)).toFixed(3),
    'SQL/req (header)': (measured.headerStatements / Math.max(1, measured.answers)).toFixed(3),
  };
  return { row, ok: verdict.ok && errors === 0, lines: verdict.lines };
}

function printTable(rows: Row[]): void {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const width = (c: string) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(width(columns[i])) : cell.padStart(width(columns[i])))).join(' | ')} |`;
  console.log(line(columns));
  console.log(`|${columns.map((c) => '-'.repeat(width(c) + 2)).join('|')}|`);
  for (const r of rows) console.log(line(columns.map((c) => r[c] ?? '')));
}

function graphqlAt(url: string): BenchEnv['graphql'] {
  return async (query, variables) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as any;
  };
}

interface Ceiling {
  url: string;
  stop(): void;
}

/**
 * Captures the gateway's answer to each scenario's request and starts the static server that
 * replays them (scripts/bench/staticServer.ts) in a process of its own, as the gateway has.
 */
async function startCeiling(env: BenchEnv, chosen: Scenario[]): Promise<Ceiling> {
  const answers: Record<string, { body: string; contentType: string }> = {};
  for (const scenario of chosen) {
    const { body } = (await scenario.prepare(env)).nextRequest();
    const res = await fetch(env.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    answers[body] = { body: await res.text(), contentType: res.headers.get('content-type') ?? 'application/json' };
  }
  const file = join(mkdtempSync(join(tmpdir(), 'lienthong-bench-')), 'answers.json');
  writeFileSync(file, JSON.stringify(answers));
  const child = spawn(process.execPath, [join(__dirname, 'bench', 'staticServer.js'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the static server stopped (exit ${code})`)));
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** A read scenario against the ceiling: the same requests, the static server's answers. */
function ceilingScenario(scenario: Scenario): Scenario {
  return { ...scenario, name: `${scenario.name} (ceiling)`, description: `${scenario.name} replayed by the static server` };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', multiple: true },
      url: { type: 'string', multiple: true, default: ['http://127.0.0.1:4000/graphql'] },
      duration: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
      connections: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '1' },
      raw: { type: 'string' },
      'raw-scenarios': { type: 'string', default: RAW_BASELINE_SCENARIOS },
      static: { type: 'boolean' },
      traffic: { type: 'boolean' },
      map: { type: 'string', default: 'today' },
      edits: { type: 'string', default: '0' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return console.log(USAGE);
  const map = values.map as TrafficMap;
  const edits = Number(values.edits);
  if ((map !== 'old' && map !== 'today') || !(edits >= 0)) throw new Error(USAGE);
  const traffic = values.traffic ? trafficScenario({ map, edits, key: process.env.BENCH_KEY }) : null;
  const names = (values.scenario ?? scenarios.map((s) => s.name)).flatMap((s) => s.split(','));
  const chosen = traffic ? [traffic] : names.map((name) => scenarios.find((s) => s.name === name) ?? (() => { throw new Error(`unknown scenario "${name}"\n\n${USAGE}`); })());
  const opts = { duration: Number(values.duration), warmup: Number(values.warmup), connections: Number(values.connections) };
  const rounds = Number(values.rounds);
  if (!(opts.duration > 0) || !(opts.warmup >= 0) || !(opts.connections >= 1) || !(Number.isInteger(rounds) && rounds >= 1)) throw new Error(USAGE);

  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl && chosen.some((s) => s.needsDatabase)) throw new Error(`set DATABASE_URL to the gateway's database (${chosen.filter((s) => s.needsDatabase).map((s) => s.name).join(', ')} read it)`);
  const db = databaseUrl ? await mysql.createConnection({ uri: databaseUrl, supportBigNumbers: true }) : null;
  const env: BenchEnv = {
    url: values.url![0],
    urls: values.url!,
    db,
    async graphql(query, variables) {
      const res = await fetch(values.url![0], { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as any;
    },
  };
  let ceiling: Ceiling | null = null;
  try {
    for (const url of values.url!) {
      const health = await fetch(new URL('/healthz', url)).catch(() => null);
      if (!health?.ok) throw new Error(`no gateway answers at ${url} (start it first: npm start)`);
    }
    const rawUrl = values.raw ? new URL('/query', values.raw).toString() : null;
    const rawEnv: BenchEnv | null = rawUrl ? { ...env, url: rawUrl, urls: [rawUrl] } : null;
    ceiling = values.static ? await startCeiling(env, chosen.filter((s) => s.repeats)) : null;
    const staticEnv: BenchEnv | null = ceiling && { ...env, url: ceiling.url, urls: [ceiling.url], graphql: graphqlAt(ceiling.url) };
    const rows: Row[] = [];
    const comparisons: Row[] = [];
    let ok = true;
    const notes: string[] = [];
    const run = async (scenario: Scenario, target: BenchEnv): Promise<Row> => {
      const r = await runScenario(scenario, target, opts);
      const round = rows.filter((row) => row.scenario === r.row.scenario).length + 1;
      rows.push({ ...r.row, round: String(round) });
      ok &&= r.ok;
      notes.push(...r.lines.map((l) => `${r.row.scenario}, round ${round}: ${l}`));
      return r.row;
    };
    for (const scenario of chosen) {
      const raw = !rawEnv ? null : scenario === traffic ? (map === 'old' ? rawTrafficScenario() : null) : RAW_SCENARIOS.includes(scenario.name) ? rawScenario(scenario.name, values['raw-scenarios']!) : null;
      const atCeiling = staticEnv && scenario.repeats ? ceilingScenario(scenario) : null;
      const ours: Row[] = [];
      const theirs: Row[] = [];
      const ceilings: Row[] = [];
      // Alternating rounds, so that the machine's noise falls on all alike.
      for (let round = 0; round < rounds; round++) {
        ours.push(await run(scenario, env));
        if (raw) theirs.push(await run(raw, rawEnv!));
        if (atCeiling) ceilings.push(await run(atCeiling, staticEnv!));
      }
      if (raw || atCeiling) {
        const rate = (rows: Row[]) => median(rows.map((r) => Number(r['req/s'])));
        const ms = (rows: Row[], column: string) => String(median(rows.map((r) => Number(r[column]))));
        comparisons.push({
          scenario: scenario.name,
          'req/s': rate(ours).toFixed(0),
          ...(raw && { 'raw req/s': rate(theirs).toFixed(0), 'ours/raw': (rate(ours) / rate(theirs)).toFixed(2) }),
          ...(atCeiling && { 'ceiling req/s': rate(ceilings).toFixed(0), 'ours/ceiling': (rate(ours) / rate(ceilings)).toFixed(2) }),
          'p50 ms': ms(ours, 'p50 ms'),
          ...(raw && { 'raw p50 ms': ms(theirs, 'p50 ms') }),
          'p99 ms': ms(ours, 'p99 ms'),
          ...(raw && { 'raw p99 ms': ms(theirs, 'p99 ms') }),
          ...(atCeiling && { 'ceiling p99 ms': ms(ceilings, 'p99 ms') }),
          errors: String(ours.reduce((n, r) => n + Number(r.errors), 0)),
          'SQL/req': ours[0]['SQL/req'],
          'SQL/req (header)': ours[0]['SQL/req (header)'],
        });
      }
    }
    console.log('');
    printTable(rows);
    if (comparisons.length) {
      console.log(`\nmedians of ${rounds} round(s), gateway vs ${[rawEnv && 'the raw-SQL baseline', ceiling && 'the ceiling (its own answers, replayed)'].filter(Boolean).join(' and ')}:`);
      printTable(comparisons);
    }
    if (notes.length) console.log(`\n${notes.join('\n')}`);
    for (const url of values.url!) console.log(`\ngateway at ${url}: resident memory ${await residentMemory(url)} after the runs`);
    console.log(`\n${ok ? 'all checks passed' : 'SOME CHECKS FAILED'} (${opts.duration} s at ${opts.connections} connections after ${opts.warmup} s warm-up; SQL/req from MySQL's Questions, server-wide; header: x-sql-statements of the answers)`);
    if (!ok) process.exitCode = 1;
  } finally {
    ceiling?.stop();
    await db?.end();
  }
}

/** The gateway's RSS from its /metrics (METRICS_TOKEN, when it has one, as BENCH_METRICS_TOKEN), in MB. */
async function residentMemory(url: string): Promise<string> {
  const token = process.env.BENCH_METRICS_TOKEN;
  const res = await fetch(new URL('/metrics', url), { headers: token ? { authorization: `Bearer ${token}` } : {} }).catch(() => null);
  const line = res?.ok ? (await res.text()).split('\n').find((l) => l.startsWith('process_resident_memory_bytes ')) : undefined;
  return line ? `${(Number(line.split(' ')[1]) / 1e6).toFixed(0)} MB` : 'unknown (no /metrics)';
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
