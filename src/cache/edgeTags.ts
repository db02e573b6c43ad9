import { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ALL_FEED, EVERYTHING, isUnitFeedTag, Tag } from './contentTags';

/*
 * An edge (a CDN, a Varnish in front of the gateway) may keep anonymous GET answers for as long as
 * their Cache-Control allows, and is told to drop them by tag when content changes (edgePurge.ts).
 * So each such answer names what it read: `Surrogate-Key` (space-separated: Varnish's xkey module,
 * Fastly) and `Cache-Tag` (comma-separated: Cloudflare, Akamai), the tags of cache/contentTags.ts.
 */

export const SURROGATE_KEY = 'surrogate-key';
export const CACHE_TAG = 'cache-tag';
/**
 * How long the edges may keep an answer (RFC 9213's targeted Cache-Control, read by CDNs and by
 * the VCL of examples/edge/): longer than browsers (Cache-Control's max-age), whom no purge reaches.
 */
export const CDN_CACHE_CONTROL = 'cdn-cache-control';

/**
 * Varnish refuses a response whose header line is longer than http_resp_hdr_len (8 KB by default),
 * and Cloudflare reads 16 KB of Cache-Tag. A province dashboard reads hundreds of units' feeds: past
 * this, their `shown:` tags are sent as `all`, which every article change drops (more often than
 * needed, never too rarely).
 */
export const EDGE_TAGS_MAX_BYTES = 7_000;

/**
 * The headers an edge reads, for an anonymous GET (APQ included) whose Cache-Control lets a shared
 * cache keep it; none for any other: the answer's tags, and every answer also EVERYTHING (a map step
 * purges it); and with `edgeMaxAge` (only when the gateway purges its edges: config.edges), how long
 * they may keep it, at least as long as anyone may.
 */
export function edgeHeaders(method: string | undefined, cacheControl: string | undefined, tags: Iterable<Tag> | undefined, edgeMaxAge: number | null = null): [string, string][] {
  if (method !== 'GET' || tags === undefined || !/\bpublic\b/.test(cacheControl ?? '')) return [];
  const maxAge = Number(/\bmax-age=(\d+)/.exec(cacheControl!)?.[1] ?? 0);
  let sent = [EVERYTHING, ...tags];
  if (sent.join(' ').length > EDGE_TAGS_MAX_BYTES) sent = [EVERYTHING, ALL_FEED, ...sent.filter((tag) => !isUnitFeedTag(tag) && tag !== ALL_FEED && tag !== EVERYTHING)];
  if (sent.join(' ').length > EDGE_TAGS_MAX_BYTES) sent = [EVERYTHING, ALL_FEED];
  return [
    [SURROGATE_KEY, sent.join(' ')],
    [CACHE_TAG, sent.join(',')],
    ...(edgeMaxAge !== null ? [[CDN_CACHE_CONTROL, `max-age=${Math.max(edgeMaxAge, maxAge)}`] as [string, string]] : []),
  ];
}

/** Sets the edge headers on executed answers (kept answers set them as they are sent: keptAnswers.ts). */
export function edgeHeadersPlugin<TContext extends BaseContext & { answerTags?: Set<Tag> }>(edgeMaxAge: number | null): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, contextValue }) {
          for (const [name, value] of edgeHeaders(request.http?.method, response.http.headers.get('cache-control'), contextValue.answerTags, edgeMaxAge)) response.http.headers.set(name, value);
        },
      };
    },
  };
}
