import { isIP } from 'node:net';
import { ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from './plugins/connections';
import { DEFAULT_ANSWER_MAX_BYTES } from './plugins/executionBudget';
import { DEFAULT_HEAVY_REQUEST_LIMITS, HeavyRequestLimits } from './plugins/heavyRequests';
import { DEFAULT_VISITS_PER_ADDRESS_PER_MINUTE } from './modules/visits/admission/abuseRule';
import { OPERATION_NAME } from './plugins/metrics';
import { EdgeTarget } from './cache/edgePurge';
import { DEFAULT_QUERY_LIMITS, QueryLimits } from './plugins/queryLimits';
import { DEFAULT_REQUEST_TIMEOUTS, RequestTimeouts } from './plugins/requestDeadline';

/** Environment, parsed and validated once at start; everything else receives a Config. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /** Connections in the MySQL pool. */
  dbPoolSize: number;
  /** Production hides the Sandbox landing page (introspection stays on: the API is public). */
  production: boolean;
  /** Refused before any SQL runs: see plugins/queryLimits.ts. */
  queryLimits: QueryLimits;
  /** Largest request body accepted, in bytes (HTTP 413 beyond). */
  bodyLimit: number;
  /**
   * Redis shared by every gateway process (response cache, persisted queries, online visitors,
   * abuse limits). Without it, one process keeps all of that in memory.
   */
  redisUrl?: string;
  /** The response cache for anonymous reads; RESPONSE_CACHE=off turns it off (to measure without it). */
  responseCache: boolean;
  /** Read replicas: reads outside mutations go to them, everything else to DATABASE_URL. */
  replicaUrls: string[];
  /** Persisted-query texts longer than this are executed but not stored (cache/responseCache.ts). */
  persistedQueryMaxBytes: number;
  /** Persisted queries kept at most, and their texts' bytes in all: the oldest go first (cache/responseCache.ts). */
  persistedQueriesMax: number;
  persistedQueriesMaxTotalBytes: number;
  /** Request timeouts, connections in all and per address, the drain after SIGTERM (plugins/connections.ts). */
  connections: ConnectionLimits;
  /** /metrics: operation names labelled besides the known ones, and the token a scrape must send (plugins/metrics.ts). */
  metrics: MetricsConfig;
  /**
   * The proxies whose X-Forwarded-For gives the client's address (Fastify's trustProxy): their
   * addresses or CIDRs. false: the peer's address is the client's.
   */
  trustProxy: string[] | false;
  /**
   * Web pages on these origins may call the gateway from the browser (CORS_ORIGINS: e.g. a portal
   * sending recordVisit); '*' allows any. Empty: no CORS headers, as a browser's default.
   */
  corsOrigins: string[];
  /** Counted visits per client address and unit per minute (modules/visits/admission/abuseRule.ts); Infinity: no limit. */
  visitsPerAddressPerMinute: number;
  /**
   * Edges told of every change (cache/edgePurge.ts): EDGE_VARNISH_URLS (Varnish with xkey, sent
   * `PURGE` with `xkey-purge`) and EDGE_PURGE_HOOK_URLS (sent a JSON POST of the tags), each a
   * comma-separated list of http(s) URLs.
   */
  edges: EdgeTarget[];
  /**
   * EDGE_MAX_AGE: seconds those edges may keep a public answer (cache/edgeTags.ts), when there are
   * any; unset, as long as the gateway keeps content itself (TAGGED_CONTENT_MAX_AGE, or with read
   * replicas CONTENT_MAX_AGE: server.ts).
   */
  edgeMaxAge?: number;
  /** How long a request may run; its reads are stopped in MySQL at its deadline (db/deadline.ts). */
  requestTimeouts: RequestTimeouts;
  /** Requests estimated expensive run a few at a time (plugins/heavyRequests.ts). */
  heavyRequests: HeavyRequestLimits;
  /** An answer larger than this is refused while it is built (plugins/executionBudget.ts). */
  answerMaxBytes: number;
  /** LOG_LEVEL: the least severe log lines written (info writes one line per request). */
  logLevel: LogLevel;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface MetricsConfig {
  /** METRICS_OPERATIONS, comma-separated. */
  operations: string[];
  /** METRICS_TOKEN: when set, GET /metrics needs `Authorization: Bearer <token>`. */
  token?: string;
}

export class ConfigError extends Error {}

const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/lienthong';
/** 2 MiB: a createArticle with a long body fits, and so does a syndicate call of 100,000 ids (~1 MB). */
export const DEFAULT_BODY_LIMIT = 2 * 1024 * 1024;
/**
 * 64 KiB: the contract's queries are under 1 KB and a portal's largest a few KB, so every real
 * query is kept, while a registration can take at most 64 KiB of the cache (not 2 MiB of body).
 */
export const DEFAULT_PERSISTED_QUERY_MAX_BYTES = 64 * 1024;
/**
 * A portal sends a few dozen distinct queries and a province's portals share their software, so
 * 10,000 texts and 16 MiB keep every real one (a few KB each), while a flood of distinct texts
 * (3,000 of 64 KiB were 197 MB of Redis) takes at most 16 MiB and pushes out only older entries.
 */
export const DEFAULT_PERSISTED_QUERIES_MAX = 10_000;
export const DEFAULT_PERSISTED_QUERIES_MAX_TOTAL_BYTES = 16 * 1024 * 1024;

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

export function parseDatabaseUrl(url: string, name = 'DATABASE_URL'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${name} is not a URL: expected mysql://user[:password]@host[:port]/database`);
  }
  if (parsed.protocol !== 'mysql:') throw new ConfigError(`${name} must start with mysql://, got ${parsed.protocol}//`);
  const database = decodeURIComponent(parsed.pathname.slice(1));
  if (!/^[A-Za-z0-9_]{1,64}$/.test(database)) {
    throw new ConfigError(`${name} must name a database of letters, digits and _ (e.g. mysql://root@127.0.0.1:3306/lienthong)`);
  }
  return parsed;
}

function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new ConfigError(`${name} must be on or off, got "${raw}"`);
}

function redisUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.REDIS_URL;
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError('REDIS_URL is not a URL: expected redis://[user:password@]host[:port][/db]');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got ${parsed.protocol}//`);
  }
  return raw;
}

/**
 * TRUST_PROXY: addresses, CIDRs and proxy-addr's names (loopback, linklocal, uniquelocal), separated
 * by commas. No hop count: Fastify 5 trusts no proxy for one, since it cannot check the peer.
 */
function trustProxy(env: NodeJS.ProcessEnv): string[] | false {
  const raw = env.TRUST_PROXY?.trim();
  if (raw === undefined || raw === '') return false;
  const proxies = raw.split(',').map((p) => p.trim());
  for (const proxy of proxies) {
    const [address, bits, extra] = proxy.split('/');
    const version = isIP(address);
    const named = ['loopback', 'linklocal', 'uniquelocal'].includes(proxy);
    const prefixOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 6 ? 128 : 32));
    if (!named && (version === 0 || !prefixOk || extra !== undefined)) {
      throw new ConfigError(`TRUST_PROXY must be the proxies' addresses or CIDRs separated by commas (e.g. 10.0.0.0/8,::1 or loopback), got "${proxy}"`);
    }
  }
  return proxies;
}

/** EDGE_VARNISH_URLS and EDGE_PURGE_HOOK_URLS: http(s) URLs separated by commas. */
function edges(env: NodeJS.ProcessEnv): EdgeTarget[] {
  const list = (name: string, kind: EdgeTarget['kind']): EdgeTarget[] =>
    (env[name] ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .map((url) => {
        let parsed: URL | null = null;
        try {
          parsed = new URL(url);
        } catch {
          // refused below
        }
        if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
          throw new ConfigError(`${name} must be http(s) URLs separated by commas (e.g. http://127.0.0.1:6081/), got "${url}"`);
        }
        return { kind, url: parsed.toString() };
      });
  return [...list('EDGE_VARNISH_URLS', 'varnish'), ...list('EDGE_PURGE_HOOK_URLS', 'hook')];
}

/** CORS_ORIGINS: origins (scheme, host, port: no path) separated by commas, or *. */
function corsOrigins(env: NodeJS.ProcessEnv): string[] {
  const raw = env.CORS_ORIGINS?.trim();
  if (raw === undefined || raw === '') return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    if (origin === '*') return origin;
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      // refused below
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError(`CORS_ORIGINS must be origins separated by commas (e.g. https://phatdiem.ninhbinh.gov.vn,http://localhost:4001) or *, got "${origin}"`);
    }
    return parsed.origin;
  });
}

/** VISITS_PER_ADDRESS_PER_MINUTE: a whole number, or off. */
function visitsPerAddressPerMinute(env: NodeJS.ProcessEnv): number {
  if (env.VISITS_PER_ADDRESS_PER_MINUTE === 'off') return Infinity;
  return int(env, 'VISITS_PER_ADDRESS_PER_MINUTE', DEFAULT_VISITS_PER_ADDRESS_PER_MINUTE, 1, 1_000_000_000);
}

function persistedQueriesMaxTotalBytes(env: NodeJS.ProcessEnv, maxEntryBytes: number): number {
  const total = int(env, 'PERSISTED_QUERIES_MAX_TOTAL_BYTES', DEFAULT_PERSISTED_QUERIES_MAX_TOTAL_BYTES, 1024, 64 * 1024 * 1024 * 1024);
  if (total < maxEntryBytes) throw new ConfigError(`PERSISTED_QUERIES_MAX_TOTAL_BYTES (${total}) must be at least PERSISTED_QUERY_MAX_BYTES (${maxEntryBytes})`);
  return total;
}

function connectionLimits(env: NodeJS.ProcessEnv): ConnectionLimits {
  const limits: ConnectionLimits = {
    headersTimeoutMs: int(env, 'HEADERS_TIMEOUT_MS', DEFAULT_CONNECTION_LIMITS.headersTimeoutMs, 100, 600_000),
    bodyTimeoutMs: int(env, 'BODY_TIMEOUT_MS', DEFAULT_CONNECTION_LIMITS.bodyTimeoutMs, 100, 3_600_000),
    maxConnections: int(env, 'CONNECTIONS_MAX', DEFAULT_CONNECTION_LIMITS.maxConnections, 1, 1_000_000),
    maxPerAddress: int(env, 'CONNECTIONS_PER_ADDRESS', DEFAULT_CONNECTION_LIMITS.maxPerAddress, 1, 1_000_000),
    drainTimeoutMs: int(env, 'DRAIN_TIMEOUT_MS', DEFAULT_CONNECTION_LIMITS.drainTimeoutMs, 0, 600_000),
  };
  // Node refuses it: the body's time counts from the request's first byte, headers included.
  if (limits.headersTimeoutMs > limits.bodyTimeoutMs) {
    throw new ConfigError(`HEADERS_TIMEOUT_MS (${limits.headersTimeoutMs}) must not exceed BODY_TIMEOUT_MS (${limits.bodyTimeoutMs}): the whole request includes its headers`);
  }
  return limits;
}

function metricsConfig(env: NodeJS.ProcessEnv): MetricsConfig {
  const operations = (env.METRICS_OPERATIONS ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  for (const name of operations) {
    if (!OPERATION_NAME.test(name)) throw new ConfigError(`METRICS_OPERATIONS must list GraphQL operation names separated by commas, got "${name}"`);
  }
  const token = env.METRICS_TOKEN;
  if (token !== undefined && token !== '' && (token.length < 16 || /\s/.test(token))) {
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters without spaces (e.g. openssl rand -hex 32)');
  }
  return { operations, token: token || undefined };
}

function logLevel(env: NodeJS.ProcessEnv): LogLevel {
  const raw = env.LOG_LEVEL || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return raw as LogLevel;
}

function replicaUrls(env: NodeJS.ProcessEnv): string[] {
  const raw = env.DATABASE_REPLICA_URLS;
  if (raw === undefined || raw.trim() === '') return [];
  const urls = raw.split(',').map((url) => url.trim()).filter((url) => url !== '');
  for (const url of urls) parseDatabaseUrl(url, 'DATABASE_REPLICA_URLS');
  return urls;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  parseDatabaseUrl(databaseUrl);
  const persistedQueryMaxBytes = int(env, 'PERSISTED_QUERY_MAX_BYTES', DEFAULT_PERSISTED_QUERY_MAX_BYTES, 1024, 100 * 1024 * 1024);
  return {
    redisUrl: redisUrl(env),
    responseCache: onOff(env, 'RESPONSE_CACHE', true),
    replicaUrls: replicaUrls(env),
    persistedQueryMaxBytes,
    persistedQueriesMax: int(env, 'PERSISTED_QUERIES_MAX', DEFAULT_PERSISTED_QUERIES_MAX, 1, 10_000_000),
    persistedQueriesMaxTotalBytes: persistedQueriesMaxTotalBytes(env, persistedQueryMaxBytes),
    connections: connectionLimits(env),
    metrics: metricsConfig(env),
    trustProxy: trustProxy(env),
    corsOrigins: corsOrigins(env),
    edges: edges(env),
    edgeMaxAge: env.EDGE_MAX_AGE ? int(env, 'EDGE_MAX_AGE', 0, 0, 365 * 24 * 3600) : undefined,
    visitsPerAddressPerMinute: visitsPerAddressPerMinute(env),
    port: int(env, 'PORT', 4000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dbPoolSize: int(env, 'DB_POOL_SIZE', 16, 1, 500),
    production: env.NODE_ENV === 'production',
    logLevel: logLevel(env),
    bodyLimit: int(env, 'BODY_LIMIT', DEFAULT_BODY_LIMIT, 1024, 100 * 1024 * 1024),
    queryLimits: {
      maxDepth: int(env, 'QUERY_MAX_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth, 1, 100),
      maxCost: int(env, 'QUERY_MAX_COST', DEFAULT_QUERY_LIMITS.maxCost, 1, 1_000_000_000),
      maxAliases: int(env, 'QUERY_MAX_ALIASES', DEFAULT_QUERY_LIMITS.maxAliases, 0, 10_000),
    },
    requestTimeouts: {
      queryMs: int(env, 'QUERY_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUTS.queryMs, 100, 600_000),
      mutationMs: int(env, 'MUTATION_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUTS.mutationMs, 100, 3_600_000),
    },
    // Up to 256 MiB: beyond it an answer nears V8's longest string ("Invalid string length").
    answerMaxBytes: int(env, 'ANSWER_MAX_BYTES', DEFAULT_ANSWER_MAX_BYTES, 1024, 256 * 1024 * 1024),
    heavyRequests: {
      cost: int(env, 'HEAVY_QUERY_COST', DEFAULT_HEAVY_REQUEST_LIMITS.cost, 1, 1_000_000_000),
      concurrency: int(env, 'HEAVY_QUERY_CONCURRENCY', DEFAULT_HEAVY_REQUEST_LIMITS.concurrency, 1, 1000),
      queue: int(env, 'HEAVY_QUERY_QUEUE', DEFAULT_HEAVY_REQUEST_LIMITS.queue, 0, 10_000),
    },
  };
}
