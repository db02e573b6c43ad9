import type { Connection } from 'mysql2/promise';

/**
 * A benchmark scenario of CONTRACT.md ("Benchmark scenarios"): what one request is, and what to
 * check once the load is over. Scenarios are listed in scenarios.ts; bench.ts runs them.
 *
 * A run is: prepare(), a warm-up load, settle(), before(), the measured load, settle(), verify().
 * Each load is autocannon at fixed concurrency for a fixed time; nextRequest() is asked for every
 * request and onResponse() told every answer with the tag nextRequest() gave it.
 */
export interface Scenario {
  name: string;
  /** One line for the list of scenarios. */
  description: string;
  /** True if it reads MySQL directly (to pick realistic inputs or check its effect); needs DATABASE_URL. */
  needsDatabase: boolean;
  /** True if every request is the same query, whose answer the gateway may keep (bench --static measures its ceiling). */
  repeats?: boolean;
  prepare(env: BenchEnv): Promise<ScenarioRun>;
}

export interface BenchEnv {
  /** The gateway's GraphQL endpoint (the first of urls). */
  url: string;
  /** Every gateway process the load is spread over (several: --url given more than once). */
  urls: string[];
  /** The gateway's database, when DATABASE_URL was given. */
  db: Connection | null;
  /** Sends one GraphQL request outside the measured load. */
  graphql<T = any>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: { message: string }[] }>;
}

export interface BenchRequest<Tag = unknown> {
  /** The JSON body of a POST to the endpoint. */
  body: string;
  tag: Tag;
}

export interface ScenarioRun<Tag = unknown> {
  nextRequest(): BenchRequest<Tag>;
  /** An answer (any HTTP status), with the tag of the request it answers, and its headers. */
  onResponse?(tag: Tag, status: number, body: string, headers?: Record<string, string | string[] | undefined>): void;
  /**
   * After a load: the requests that got no answer (still in flight when autocannon stopped, or built
   * and never sent). A scenario that counts effects must settle them here.
   */
  settle?(unanswered: Tag[]): Promise<void>;
  /** Just before the measured load (after the warm-up has settled): take a baseline. */
  before?(): Promise<void>;
  /** After the measured load has settled: check the effect, as lines to print and a verdict. */
  verify?(): Promise<{ ok: boolean; lines: string[] }>;
  /** Extra columns for the results table, e.g. accepted calls per second. */
  figures?(seconds: number): Record<string, string>;
}
