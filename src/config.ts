import { DEFAULT_QUERY_LIMITS, QueryLimits } from './plugins/queryLimits';

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
}

export class ConfigError extends Error {}

const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/lienthong';
/** 2 MiB: a createArticle with a long body fits, and so does a syndicate call of 100,000 ids (~1 MB). */
export const DEFAULT_BODY_LIMIT = 2 * 1024 * 1024;

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
  return {
    redisUrl: redisUrl(env),
    responseCache: onOff(env, 'RESPONSE_CACHE', true),
    replicaUrls: replicaUrls(env),
    port: int(env, 'PORT', 4000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dbPoolSize: int(env, 'DB_POOL_SIZE', 16, 1, 500),
    production: env.NODE_ENV === 'production',
    bodyLimit: int(env, 'BODY_LIMIT', DEFAULT_BODY_LIMIT, 1024, 100 * 1024 * 1024),
    queryLimits: {
      maxDepth: int(env, 'QUERY_MAX_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth, 1, 100),
      maxCost: int(env, 'QUERY_MAX_COST', DEFAULT_QUERY_LIMITS.maxCost, 1, 1_000_000_000),
      maxAliases: int(env, 'QUERY_MAX_ALIASES', DEFAULT_QUERY_LIMITS.maxAliases, 0, 10_000),
    },
  };
}
