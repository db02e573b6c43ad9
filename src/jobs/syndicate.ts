import { parseArgs } from 'node:util';
import { SourceFeedDocument, SyndicateDocument, type SourceFeedQuery, type SyndicationInput } from './generated/operations';
import { GraphQLClient, graphqlEndpoint, GraphQLRequestError } from './graphqlClient';
import { parseOperatorTime, VIETNAM_ZONE, type OperatorTime } from './vietnamTime';

/**
 * `npm run syndicate -- --from CODE --to CODE... [--descendants] [--since DATE] [--topic T] [--dry-run]`
 *
 * Shows every article of one unit's portal (its feed, scope UNIT) on other portals too. A client of
 * the public GraphQL endpoint like any other batch job, so it needs nothing but LIENTHONG_URL and
 * LIENTHONG_API_KEY: it pages through the source feed, then calls `syndicate` in chunks. The server
 * is idempotent, so a second run (or a rerun after a failure halfway) changes only what is missing.
 * Its exit status (EXIT) tells cron whether everything asked is now in place.
 */

/**
 * Exit statuses. 1 and 2 keep the meaning they had before 3 was added (failure, usage), so a cron
 * wrapper written against them still reads them right. A pair already in place counts as done:
 * a nightly rerun that finds nothing new did everything it was asked.
 */
export const EXIT = {
  /** Every pair asked is in place (changed now or already there), or no article matched. */
  done: 0,
  /** Nothing could be done: the gateway refused the job (key, unknown --from), stayed unreachable, or rejected every pair. */
  nothingDone: 1,
  usage: 2,
  /** Some pairs are in place, others were rejected or the job stopped halfway. */
  partlyDone: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const USAGE = `usage: npm run syndicate -- --from CODE --to CODE... [--descendants] [--since DATE] [--topic T]... [--dry-run]

  --from CODE      the unit whose portal feed (its own and syndicated articles) is copied
  --to CODE...     target units; repeat the option or give several codes after it
  --descendants    also every unit below each target
  --since DATE     only articles published at or after DATE, in Vietnam time (${VIETNAM_ZONE}, UTC+7):
                   2024-06-01 (midnight), 2024-06-01T08:00 or "2024-06-01 08:00", or an instant
                   with its own offset (2024-06-01T01:00:00Z); dates are printed in Vietnam time
  --topic T        only articles with topic T (name or slug); repeat for any of several
  --dry-run        count what would change, change nothing (exits as the real run would)

exit status:
  ${EXIT.done}  done: every pair asked is in place (changed now or already there), or no article matched
  ${EXIT.nothingDone}  nothing done: the gateway refused the job (key, unknown --from), stayed unreachable
     after retries, or rejected every pair
  ${EXIT.usage}  usage error: bad options, dates or environment; nothing was sent
  ${EXIT.partlyDone}  partly done: some pairs are in place, others were rejected (the summary says why) or
     the job stopped halfway; fix the cause and run it again, it changes only what is missing

environment:
  LIENTHONG_URL            the gateway (default http://127.0.0.1:4000/graphql; /graphql may be left out)
  LIENTHONG_API_KEY        an admin key, or an editor key of a unit above the targets (required)
  SYNDICATE_RETRY_BASE_MS  first retry delay in ms, doubling per attempt (default 500)`;

/** The gateway's cap per call (CONTRACT.md): articles × expanded targets. */
export const MAX_PAIRS_PER_CALL = 100_000;
/**
 * Chunks stay well under the cap so each call is a short transaction that holds few locks and
 * gives visible progress; with --descendants the server expands the targets, so the pair count is
 * unknown here and a refusal over the cap halves the chunk instead.
 */
export const MAX_ARTICLES_PER_CALL = 500;
export const ARTICLES_PER_CALL_WITH_DESCENDANTS = 100;

/** A mistake in how the job was called: EXIT.usage, with the usage text. */
export class UsageError extends Error {}

export interface JobOptions {
  from: string;
  /** Distinct, in the order given. */
  to: string[];
  descendants: boolean;
  /** Null for no lower bound. */
  since: OperatorTime | null;
  topics: string[];
  dryRun: boolean;
}

export interface JobEnvironment {
  url: string;
  apiKey: string;
  retryBaseMs: number;
}

// GSO codes: 2 digits (province), 3 (district), 5 (commune). Checked here so a slip such as
// `--to Kim Sơn` is a usage error rather than a run full of "no such unit" rejections.
const UNIT_CODE = /^(\d{2}|\d{3}|\d{5})$/;

function unitCode(value: string, option: string): string {
  if (!UNIT_CODE.test(value)) throw new UsageError(`${option} ${JSON.stringify(value)} is not a unit code (2, 3 or 5 digits, e.g. 37, 376, 14620)`);
  return value;
}

/** `--since`: a calendar day or time in Vietnam, where the portals are, unless it carries its own offset. */
export function parseSince(value: string): OperatorTime {
  const time = parseOperatorTime(value);
  if (!time) throw new UsageError(`--since ${JSON.stringify(value)} is not a real date between 1970 and 9999 (YYYY-MM-DD or YYYY-MM-DDTHH:MM, Vietnam time)`);
  return time;
}

/**
 * The command line. `--to` takes one value per occurrence (node's parseArgs), and the codes that
 * follow it up to the next option (`--to 14623 14626`), each maybe comma-separated.
 */
export function parseArguments(argv: string[]): JobOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        to: { type: 'string', multiple: true },
        descendants: { type: 'boolean' },
        since: { type: 'string' },
        topic: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) return 'help';

  const targets: string[] = [];
  let afterTo = false;
  for (const token of parsed.tokens) {
    if (token.kind === 'option') {
      afterTo = token.name === 'to';
      if (afterTo && token.value !== undefined) targets.push(token.value);
    } else if (token.kind === 'positional' && afterTo) {
      targets.push(token.value);
    } else if (token.kind === 'positional') {
      throw new UsageError(`unexpected argument ${JSON.stringify(token.value)} (codes go after --to)`);
    } else {
      afterTo = false; // `--` ends the codes of --to
    }
  }

  const { from, since, topic, descendants, 'dry-run': dryRun } = parsed.values;
  if (from === undefined) throw new UsageError('--from CODE is required');
  const to = [...new Set(targets.flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== ''))];
  if (to.length === 0) throw new UsageError('--to CODE is required (one or more target units)');
  const topics = (topic ?? []).map((t) => t.trim());
  if (topics.some((t) => t === '')) throw new UsageError('--topic needs a topic name or slug');

  return {
    from: unitCode(from.trim(), '--from'),
    to: to.map((code) => unitCode(code, '--to')),
    descendants: descendants ?? false,
    since: since === undefined ? null : parseSince(since.trim()),
    topics: [...new Set(topics)],
    dryRun: dryRun ?? false,
  };
}

export function readEnvironment(env: NodeJS.ProcessEnv): JobEnvironment {
  const apiKey = env.LIENTHONG_API_KEY?.trim();
  if (!apiKey) throw new UsageError('LIENTHONG_API_KEY is required: syndicate needs an admin key or an editor key of a unit above the targets');
  const rawBase = env.SYNDICATE_RETRY_BASE_MS?.trim();
  if (rawBase && !/^\d+$/.test(rawBase)) throw new UsageError(`SYNDICATE_RETRY_BASE_MS must be a whole number of milliseconds, got ${JSON.stringify(rawBase)}`);
  let url: string;
  try {
    url = graphqlEndpoint(env.LIENTHONG_URL?.trim() || 'http://127.0.0.1:4000/graphql');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return { url, apiKey, retryBaseMs: rawBase ? Number(rawBase) : 500 };
}

/** Articles per syndicate call, before any refusal: as many as fit under the cap, at most 500. */
export function articlesPerCall(targets: number, descendants: boolean): number {
  if (descendants) return ARTICLES_PER_CALL_WITH_DESCENDANTS;
  return Math.max(1, Math.min(MAX_ARTICLES_PER_CALL, Math.floor(MAX_PAIRS_PER_CALL / Math.max(1, targets))));
}

/** The gateway's refusal of a call naming more than 100,000 pairs (only --descendants can get there). */
function isOverPairCap(error: unknown): boolean {
  return error instanceof GraphQLRequestError && error.code === 'BAD_USER_INPUT' && /at most [\d,]+ .*pairs|pairs.*at most [\d,]+/.test(error.message);
}

export interface Totals {
  requested: number;
  changed: number;
  unchanged: number;
  rejectedPairs: number;
  /** Reason → the distinct things it was said about ("target 37", "article 12", "article 12 → 14623"). */
  reasons: Map<string, Set<string>>;
  calls: number;
  /** Articles whose call has been answered. */
  articlesDone: number;
}

type Log = (line: string) => void;

/** Walks the source feed; ids in feed order (newest first), each once. */
export async function collectArticles(client: GraphQLClient, options: JobOptions, log: Log): Promise<{ unitName: string; ids: string[] }> {
  const ids = new Set<string>();
  let after: string | null = null;
  let unitName = options.from;
  for (;;) {
    const page: SourceFeedQuery = await client.request(SourceFeedDocument, {
      unit: options.from,
      after,
      since: options.since?.instant ?? null,
      topics: options.topics.length > 0 ? options.topics : null,
    });
    // Unknown units have an empty feed; without this a mistyped --from would "succeed" with nothing.
    if (!page.unit) throw new GraphQLRequestError(`unit ${options.from} (--from) does not exist`, 'permanent');
    unitName = page.unit.fullName;
    for (const node of page.articles.nodes) ids.add(node.id);
    log(`collected ${ids.size}/${page.articles.totalCount} articles from ${options.from} (${unitName})`);
    if (!page.articles.pageInfo.hasNextPage) break;
    after = page.articles.pageInfo.endCursor;
    if (!after) throw new GraphQLRequestError('the gateway said more articles follow but gave no cursor to fetch them', 'permanent');
  }
  return { unitName, ids: [...ids] };
}

/** Sends the articles in chunks, adding up what the gateway reports. `totals` is filled as calls are answered. */
export async function syndicateArticles(client: GraphQLClient, options: JobOptions, ids: string[], totals: Totals, log: Log): Promise<void> {
  let size = articlesPerCall(options.to.length, options.descendants);
  while (totals.articlesDone < ids.length) {
    const chunk = ids.slice(totals.articlesDone, totals.articlesDone + size);
    const input: SyndicationInput = { articleIds: chunk, targetCodes: options.to, includeDescendants: options.descendants, dryRun: options.dryRun };
    let result;
    try {
      result = (await client.request(SyndicateDocument, { input })).syndicate;
    } catch (error) {
      // Refused before anything was written (CONTRACT.md: a refused mutation changes nothing).
      if (!isOverPairCap(error) || chunk.length === 1) throw error;
      size = Math.max(1, Math.floor(chunk.length / 2));
      log(`the gateway refused ${chunk.length} articles per call as over ${MAX_PAIRS_PER_CALL} pairs; trying ${size}`);
      continue;
    }
    totals.calls++;
    totals.articlesDone += chunk.length;
    totals.requested += result.requested;
    totals.changed += result.changed;
    totals.unchanged += result.unchanged;
    totals.rejectedPairs += result.rejectedPairs;
    for (const r of result.rejected) {
      const subject = r.articleId && r.targetCode ? `article ${r.articleId} → ${r.targetCode}` : r.articleId ? `article ${r.articleId}` : `target ${r.targetCode}`;
      totals.reasons.set(r.reason, (totals.reasons.get(r.reason) ?? new Set()).add(subject));
    }
    const callsLeft = Math.ceil((ids.length - totals.articlesDone) / size);
    log(
      `call ${totals.calls}/${totals.calls + callsLeft}: ${totals.articlesDone}/${ids.length} articles, ` +
        `${options.dryRun ? 'would change' : 'changed'} ${totals.changed}, unchanged ${totals.unchanged}, rejected ${totals.rejectedPairs} pairs so far`,
    );
  }
}

export function formatSummary(options: JobOptions, source: { unitName: string; articles: number }, totals: Totals, retries: number): string {
  const filters = [options.since ? `published at or after ${options.since.shown}` : null, options.topics.length > 0 ? `topics ${options.topics.join(' | ')}` : null].filter(Boolean);
  const lines = [
    `${options.dryRun ? 'DRY RUN (nothing was written): ' : ''}syndicate ${options.from} (${source.unitName}) → ${options.to.join(', ')}${options.descendants ? ' and every unit below' : ''}`,
    ...(filters.length > 0 ? [`filter:    ${filters.join('; ')}`] : []),
    `articles:  ${source.articles} in ${totals.calls} call${totals.calls === 1 ? '' : 's'}${retries > 0 ? ` (${retries} request${retries === 1 ? '' : 's'} retried)` : ''}`,
    `requested: ${totals.requested} article-unit pairs`,
    `changed:   ${totals.changed}${options.dryRun ? ' (would change)' : ''}`,
    `unchanged: ${totals.unchanged}`,
    `rejected:  ${totals.rejectedPairs} pairs`,
  ];
  if (totals.reasons.size > 0) {
    lines.push('rejection reasons:');
    const reasons = [...totals.reasons].sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]));
    for (const [reason, subjects] of reasons) {
      const shown = [...subjects].slice(0, 5).join(', ') + (subjects.size > 5 ? `, … ${subjects.size - 5} more` : '');
      lines.push(`  ${subjects.size} × ${reason} (${shown})`);
    }
  }
  return lines.join('\n');
}

/** What a run that got past its arguments achieved, as an exit status; `stopped` when a call failed for good. */
export function outcome(totals: Totals, stopped: boolean): ExitCode {
  if (!stopped && totals.rejectedPairs === 0) return EXIT.done;
  return totals.changed + totals.unchanged > 0 ? EXIT.partlyDone : EXIT.nothingDone;
}

/** The last line on stderr, so a cron mail says at once what the status means. */
function describeOutcome(code: ExitCode, totals: Totals, stopped: boolean, dryRun: boolean): string {
  const inPlace = `${totals.changed + totals.unchanged} pairs ${dryRun ? 'would be' : 'are'} in place`;
  const missing = [totals.rejectedPairs > 0 ? `${totals.rejectedPairs} rejected` : null, stopped ? 'stopped before the end' : null].filter(Boolean).join(', ');
  if (code === EXIT.done) return `exit ${code}: done, ${inPlace}`;
  if (code === EXIT.partlyDone) return `exit ${code}: partly done, ${inPlace}, ${missing}`;
  return `exit ${code}: nothing done, ${missing}`;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const log: Log = (line) => process.stderr.write(`syndicate: ${line}\n`);
  let retries = 0;
  let options: JobOptions;
  let environment: JobEnvironment;
  let client: GraphQLClient;
  try {
    const parsed = parseArguments(argv);
    if (parsed === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    options = parsed;
    environment = readEnvironment(env);
    client = new GraphQLClient({
      url: environment.url,
      apiKey: environment.apiKey,
      retry: { baseDelayMs: environment.retryBaseMs },
      onRetry: ({ operation, attempt, attempts, delayMs, error }) => {
        retries++;
        log(`${operation} attempt ${attempt}/${attempts} failed (${error.message}); retrying in ${delayMs} ms`);
      },
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`syndicate: ${error.message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }

  const totals: Totals = { requested: 0, changed: 0, unchanged: 0, rejectedPairs: 0, reasons: new Map(), calls: 0, articlesDone: 0 };
  let collected: { unitName: string; ids: string[] } | null = null;
  try {
    collected = await collectArticles(client, options, log);
    await syndicateArticles(client, options, collected.ids, totals, log);
  } catch (error) {
    if (!(error instanceof GraphQLRequestError)) throw error;
    log(`failed: ${error.message}`);
    if (collected && totals.articlesDone > 0 && !options.dryRun) {
      // Each answered call is its own committed transaction; what is missing is found again next time.
      log(`${totals.articlesDone} of ${collected.ids.length} articles were syndicated before the failure (changed ${totals.changed}); run the job again to finish: it changes only what is missing`);
    }
    const code = outcome(totals, true);
    log(describeOutcome(code, totals, true, options.dryRun));
    return code;
  }
  process.stdout.write(`${formatSummary(options, { unitName: collected.unitName, articles: collected.ids.length }, totals, retries)}\n`);
  const code = outcome(totals, false);
  log(describeOutcome(code, totals, false, options.dryRun));
  return code;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      // A bug, not a refusal: show everything.
      console.error(error);
      process.exitCode = EXIT.nothingDone;
    },
  );
}
