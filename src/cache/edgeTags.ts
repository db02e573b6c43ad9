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
 * Varnish refuses a response whose header line is longer than http_resp_hdr_len (8 KB by default),
 * and Cloudflare reads 16 KB of Cache-Tag. A province dashboard reads hundreds of units' feeds: past
 * this, their `shown:` tags are sent as `all`, which every article change drops (more often than
 * needed, never too rarely).
 */
export const EDGE_TAGS_MAX_BYTES = 7_000;

/**
 * The headers an edge reads an answer's tags from, for an anonymous GET (APQ included) whose
 * Cache-Control lets a shared cache keep it; none for any other. Every answer also carries
 * EVERYTHING (a map step purges it).
 */
export function edgeTagHeaders(method: string | undefined, cacheControl: string | undefined, tags: Iterable<Tag> | undefined): [string, string][] {
  if (method !== 'GET' || tags === undefined || !/\bpublic\b/.test(cacheControl ?? '')) return [];
  let sent = [EVERYTHING, ...tags];
  if (sent.join(' ').length > EDGE_TAGS_MAX_BYTES) sent = [EVERYTHING, ALL_FEED, ...sent.filter((tag) => !isUnitFeedTag(tag) && tag !== ALL_FEED && tag !== EVERYTHING)];
  if (sent.join(' ').length > EDGE_TAGS_MAX_BYTES) sent = [EVERYTHING, ALL_FEED];
  return [
    [SURROGATE_KEY, sent.join(' ')],
    [CACHE_TAG, sent.join(',')],
  ];
}

/** Sets the tag headers on executed answers (kept answers set them as they are sent: keptAnswers.ts). */
export function edgeTagsPlugin<TContext extends BaseContext & { answerTags?: Set<Tag> }>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, contextValue }) {
          for (const [name, value] of edgeTagHeaders(request.http?.method, response.http.headers.get('cache-control'), contextValue.answerTags)) response.http.headers.set(name, value);
        },
      };
    },
  };
}
