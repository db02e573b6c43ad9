import { createHash } from 'node:crypto';
import { ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { KeyValueCache, PrefixingKeyValueCache } from '@apollo/utils.keyvaluecache';
import { getNamedType, GraphQLResolveInfo } from 'graphql';
import { Context } from '../context';
import { CachePolicies, LiveCounterField } from './cachePolicy';
import { ContentVersion } from './contentVersion';
import { CounterReading, LiveCounter, Placed, UnitCounter, ViewsCounter } from './liveCounter';
import { hasKey } from './responseCache';

/**
 * Responses that show visit counters, cached all but the counters.
 *
 * A portal's home page asks for its articles and its counter ('Lượt truy cập', 'Hôm nay') in one
 * query. The counters are never cached (cacheHints.ts), so the response cache cannot keep such a
 * response, and every page view would run the whole query again. Here the response is kept with
 * the place of each counter in it and what it counts; a later request reads every counter afresh
 * from the visit counters (as the query itself would: buffered visits included, stored ones reused
 * for at most a second) and writes them into the kept response. Everything else in it is as fresh
 * as the response cache's: kept as long as its fields' hints allow, and filed under the content
 * version, so an edit is seen by the very next request.
 *
 * Only counters that are one number each can be rewritten (total, today, online, Article.views);
 * a query asking for `daily` is executed every time.
 */

const isUnitCounter = (c: LiveCounter): c is UnitCounter & Placed => c.kind !== 'views';

/** Called by the counters' resolvers: notes where the counter is, when the response is to be kept. */
export function noteLiveCounter(ctx: Context, info: GraphQLResolveInfo, counter: CounterReading): void {
  if (!ctx.liveCounters) return;
  const path: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) path.push(p.key);
  ctx.liveCounters.push({ ...counter, path: path.reverse() } as LiveCounter);
}

/** The counters, and the field that leads to them (VisitStats is never cached as a whole). */
export const isLiveCounterField: LiveCounterField = (parent, field) =>
  getNamedType(field.type).name === 'VisitStats' ||
  (parent.name === 'VisitStats' && (field.name === 'total' || field.name === 'today' || field.name === 'online')) ||
  (parent.name === 'Article' && field.name === 'views');

interface Kept {
  data: Record<string, unknown>;
  counters: LiveCounter[];
  keptAt: number;
}

/** Reads every counter of a kept response at once (batched as the loaders would) and writes them in. */
async function refresh({ data, counters }: Kept, ctx: Context): Promise<Record<string, unknown>> {
  const { visits, db } = ctx.services;
  const units = counters.filter(isUnitCounter);
  const tallies = units.filter((c) => c.kind !== 'online');
  const online = units.filter((c) => c.kind === 'online');
  const articles = counters.filter((c): c is ViewsCounter & Placed => c.kind === 'views');
  const codes = [...new Set(tallies.map((c) => c.unitId))];
  const [counts, onlineCounts, views] = await Promise.all([
    codes.length ? visits.counts(codes, db) : [],
    online.length ? visits.onlineCounts(online.map(({ unitId, includeDescendants }) => ({ unitId, includeDescendants }))) : [],
    articles.length ? visits.views(articles.map((c) => c.articleId), db) : [],
  ]);
  const values = new Map<LiveCounter, number>();
  const byCode = new Map(codes.map((code, i) => [code, counts[i]]));
  for (const c of tallies) {
    const tally = byCode.get(c.unitId)![c.kind as 'total' | 'today'];
    values.set(c, c.includeDescendants ? tally.subtree : tally.own);
  }
  online.forEach((c, i) => values.set(c, onlineCounts[i]));
  articles.forEach((c, i) => values.set(c, views[i] ?? c.views));
  for (const [{ path }, value] of values) {
    let parent: any = data;
    for (const key of path.slice(0, -1)) parent = parent[key];
    parent[path[path.length - 1]] = value;
  }
  return data;
}

export interface LiveCountersCacheOptions {
  /** Where the response cache keeps responses (memory or Redis). */
  cache: KeyValueCache;
  version: ContentVersion;
  /** Made with isLiveCounterField. */
  policies: CachePolicies;
}

/**
 * Anonymous queries only, as the response cache: key holders see scheduled articles. Hits and
 * misses are reported as the response cache's (requestContext.metrics.responseCacheHit, `age`).
 */
export function liveCountersCachePlugin({ cache, version, policies }: LiveCountersCacheOptions): ApolloServerPlugin<Context> {
  const kept = new PrefixingKeyValueCache<string>(cache, 'live:');
  return {
    async requestDidStart(rc) {
      if (hasKey(rc)) return;
      let key: string | null = null;
      let maxAge = 0;
      let keptAt: number | null = null;
      return {
        async didResolveOperation({ document, operation, operationName, request, source, contextValue }) {
          if (operation?.operation !== 'query') return;
          const allowed = policies.of(document, operation, request.variables ?? {})?.withoutCounters;
          if (!allowed?.maxAge || allowed.scope === 'PRIVATE') return;
          maxAge = allowed.maxAge;
          key = createHash('sha256')
            .update(JSON.stringify([source, operationName ?? null, request.variables ?? {}, version.current()]))
            .digest('base64url');
          contextValue.liveCounters = [];
        },
        async responseForOperation({ contextValue, metrics }) {
          if (!key) return null;
          const stored = await kept.get(key);
          metrics.responseCacheHit = stored !== undefined;
          if (stored === undefined) return null;
          const value = JSON.parse(stored) as Kept;
          let data: Record<string, unknown>;
          try {
            data = await refresh(value, contextValue);
          } catch {
            // The counters could not be read (MySQL unreachable): executing the query says so as
            // it would without the kept response (SERVICE_UNAVAILABLE), or answers if it can.
            metrics.responseCacheHit = false;
            return null;
          }
          contextValue.liveCounters = undefined;
          keptAt = value.keptAt;
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data } } };
        },
        async willSendResponse({ response, contextValue }) {
          if (keptAt !== null) response.http.headers.set('age', String(Math.round((Date.now() - keptAt) / 1000)));
          const counters = contextValue.liveCounters;
          if (!key || !counters || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (errors || !data) return;
          await kept.set(key, JSON.stringify({ data, counters, keptAt: Date.now() } satisfies Kept), { ttl: maxAge });
        },
      };
    },
  };
}
